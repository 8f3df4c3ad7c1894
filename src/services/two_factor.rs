//! TOTP two-factor: set-up with a pending secret, confirmation that returns recovery codes,
//! and the second-factor check with a replay guard.

use rusqlite::Connection;

use crate::auth::{opaque, totp};
use crate::db::{tokens, users};
use crate::error::{AppError, AppResult};
use crate::services::sessions::Caller;
use crate::state::SharedState;

const RECOVERY_CODES: usize = 10;

pub struct Setup {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

pub async fn begin_setup(state: &SharedState, caller: &Caller) -> AppResult<Setup> {
    let user_id = caller.user_id.clone();
    state
        .db
        .run(move |conn| {
            let user = users::by_id(conn, &user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            if user.totp_enabled {
                return Err(AppError::conflict("two-factor sign-in is already on; turn it off first"));
            }
            let secret = totp::generate_secret();
            let otpauth_uri = totp::otpauth_uri(&secret, &user.email)?;
            let qr_svg = totp::qr_svg(&otpauth_uri)?;
            users::set_pending_totp_secret(conn, &user.id, &secret)?;
            Ok(Setup { secret, otpauth_uri, qr_svg })
        })
        .await
}

/// Turns 2FA on once the user proves their app makes codes; returns recovery codes, once.
pub async fn confirm_setup(state: &SharedState, caller: &Caller, code: String) -> AppResult<Vec<String>> {
    let user_id = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            let secret = match (&user.totp_secret, user.totp_enabled) {
                (_, true) => return Err(AppError::conflict("two-factor sign-in is already on")),
                (None, false) => return Err(AppError::invalid("start the two-factor set-up first")),
                (Some(s), false) => s.clone(),
            };
            let step = totp::matching_step(&secret, &code, totp::now_secs())
                .ok_or_else(|| AppError::invalid("that code is not right; check your authenticator app's clock"))?;
            users::enable_totp(tx, &user.id, step as i64)?;
            let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| opaque::recovery_code()).collect();
            let hashes: Vec<String> = codes.iter().map(|c| opaque::sha256_hex(c)).collect();
            tokens::replace_recovery_codes(tx, &user.id, &hashes)?;
            tracing::info!(user_id = %user.id, "two-factor sign-in turned on");
            Ok(codes)
        })
        .await
}

pub async fn disable(state: &SharedState, caller: &Caller, code: String) -> AppResult<bool> {
    state.auth.limiter.check_account(&caller.user_id)?;
    let user_id = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            if !user.totp_enabled {
                return Err(AppError::invalid("two-factor sign-in is not on"));
            }
            check_second_factor(tx, &user, &code)?;
            users::disable_totp(tx, &user.id)?;
            tracing::info!(user_id = %user.id, "two-factor sign-in turned off");
            Ok(true)
        })
        .await
}

/// Accepts a fresh TOTP code (each time step once) or an unused recovery code.
pub fn check_second_factor(conn: &Connection, user: &users::UserRow, code: &str) -> AppResult<()> {
    let secret = user.totp_secret.as_deref().ok_or_else(|| AppError::invalid("two-factor sign-in is not on"))?;
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
        let step = totp::matching_step(secret, &compact, totp::now_secs())
            .ok_or_else(|| AppError::unauthenticated("that code is not right"))?;
        if !users::advance_totp_step(conn, &user.id, step as i64)? {
            return Err(AppError::unauthenticated("that code was already used; wait for the next one"));
        }
        return Ok(());
    }
    let hash = opaque::sha256_hex(&opaque::normalize_recovery_code(code));
    if tokens::use_recovery_code(conn, &user.id, &hash)? {
        tracing::info!(user_id = %user.id, "recovery code used");
        Ok(())
    } else {
        Err(AppError::unauthenticated("that code is not right"))
    }
}
