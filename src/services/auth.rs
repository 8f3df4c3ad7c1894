//! Sign-up and sign-in with a password, the second factor, and OAuth login codes.

use std::net::IpAddr;

use rusqlite::Connection;

use crate::auth::jwt::TokenKind;
use crate::auth::{opaque, password};
use crate::config::Registration;
use crate::db::{invites, users};
use crate::domain::user::{Email, Tag, Username, check_password};
use crate::error::{AppError, AppResult};
use crate::services::sessions::{self, Session};
use crate::services::two_factor;
use crate::state::SharedState;
use crate::telemetry::blocking;

/// A 2FA challenge stays valid this long after the password was accepted.
const CHALLENGE_TTL_SECS: i64 = 300;

pub enum LoginOutcome {
    Session(Box<Session>),
    TwoFactorChallenge(String),
}

pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub username: String,
    pub invite_code: Option<String>,
}

pub async fn register(state: &SharedState, ip: IpAddr, input: RegisterInput) -> AppResult<Session> {
    state.auth.limiter.check_ip(ip)?;
    let email = Email::parse(&input.email)?;
    let username = Username::parse(&input.username)?;
    check_password(&input.password, state.config.auth.password_min_length)?;
    let hash = blocking(move || Ok(password::hash(&input.password)?)).await?;
    let st = state.clone();
    let invite = input.invite_code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    state
        .db
        .transaction(move |tx| {
            let new =
                NewAccount { email: &email, username: &username, password_hash: Some(&hash), provider: "password" };
            let user = create_account(tx, st.config.auth.registration, invite.as_deref(), &new)?;
            tracing::info!(user_id = %user.id, admin = user.is_admin, "account created");
            sessions::issue(tx, &st, user, None)
        })
        .await
}

pub struct NewAccount<'a> {
    pub email: &'a Email,
    pub username: &'a Username,
    pub password_hash: Option<&'a str>,
    pub provider: &'a str,
}

/// Applies the sign-up rules: the first account is admin and always allowed; after that the
/// registration mode decides, and an invite is consumed in the same transaction.
pub fn create_account(
    conn: &Connection,
    mode: Registration,
    invite: Option<&str>,
    new: &NewAccount<'_>,
) -> AppResult<users::UserRow> {
    let first = users::count(conn)? == 0;
    if !first {
        if mode == Registration::Closed {
            return Err(AppError::forbidden("sign-up is closed on this server"));
        }
        match invite {
            Some(code) if !invites::consume(conn, code)? => {
                return Err(AppError::invalid("this invite code is not valid (unknown, used up or expired)"));
            }
            Some(_) => {}
            None if mode == Registration::Open => {}
            None => return Err(AppError::forbidden("sign-up needs an invite code")),
        }
    }
    if users::by_email(conn, new.email.as_str())?.is_some() {
        return Err(AppError::conflict("an account with this email already exists"));
    }
    let tag = unique_tag(conn, new.username.as_str())?;
    let row = users::insert(
        conn,
        &users::NewUser {
            email: new.email.as_str(),
            username: new.username.as_str(),
            tag: &tag,
            password_hash: new.password_hash,
            is_admin: first,
            provider: new.provider,
        },
    )?;
    Ok(row)
}

fn unique_tag(conn: &Connection, username: &str) -> AppResult<String> {
    let base = Tag::suggest(username);
    if !users::tag_taken(conn, &base)? {
        return Ok(base);
    }
    for _ in 0..20 {
        let candidate = format!("{base}{}", &opaque::human_code(4));
        if !users::tag_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(AppError::internal(anyhow::anyhow!("could not find a free tag for {base}")))
}

/// Password sign-in. An unknown email and a wrong password take the same time and give the
/// same answer, so the form cannot be used to find out who has an account.
/// `device` is the browser's device cookie, if it sent one.
pub async fn login(
    state: &SharedState,
    ip: IpAddr,
    email: &str,
    password_input: String,
    device: Option<&str>,
) -> AppResult<LoginOutcome> {
    state.auth.limiter.check_ip(ip)?;
    let email = email.trim().to_lowercase();
    let lookup = email.clone();
    let user = state.db.run(move |conn| Ok(users::by_email(conn, &lookup)?)).await?;
    let known_device = match (&user, device.and_then(|d| state.auth.signer.verify(d, TokenKind::Device))) {
        (Some(u), Some(claims)) => claims.sub == u.id,
        _ => false,
    };
    state.auth.limiter.check_sign_in(&email, ip, known_device)?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = blocking(move || Ok(password::verify(stored.as_deref(), &password_input))).await?;
    let user = match user {
        Some(u) if ok => u,
        _ => return Err(AppError::unauthenticated("wrong email or password")),
    };
    if user.disabled {
        return Err(AppError::forbidden("this account is disabled"));
    }
    start_session_or_challenge(state, user).await
}

/// A browser that completed a sign-in keeps this for a year: the `Set-Cookie` value. Path
/// `/graphql` and SameSite=Strict: only Soundroom's own sign-in requests ever carry it.
pub fn device_cookie(state: &SharedState, user_id: &str) -> String {
    const YEAR_SECS: i64 = 365 * 24 * 3600;
    let token = state.auth.signer.sign(TokenKind::Device, user_id, YEAR_SECS, None, None);
    let secure = if state.config.server.base_url.starts_with("https://") { "; Secure" } else { "" };
    format!("{DEVICE_COOKIE}={token}; Path=/graphql; Max-Age={YEAR_SECS}; HttpOnly; SameSite=Strict{secure}")
}

pub const DEVICE_COOKIE: &str = "soundroom_device";

/// After a first factor succeeded: a session, or a challenge when 2FA is on.
pub async fn start_session_or_challenge(state: &SharedState, user: users::UserRow) -> AppResult<LoginOutcome> {
    if user.totp_enabled {
        let token = state.auth.signer.sign(TokenKind::TwoFactorChallenge, &user.id, CHALLENGE_TTL_SECS, None, None);
        return Ok(LoginOutcome::TwoFactorChallenge(token));
    }
    let st = state.clone();
    let session = state.db.run(move |conn| sessions::issue(conn, &st, user, None)).await?;
    Ok(LoginOutcome::Session(Box::new(session)))
}

pub async fn verify_two_factor(state: &SharedState, ip: IpAddr, challenge: &str, code: String) -> AppResult<Session> {
    state.auth.limiter.check_ip(ip)?;
    let claims = state
        .auth
        .signer
        .verify(challenge, TokenKind::TwoFactorChallenge)
        .ok_or_else(|| AppError::unauthenticated("the sign-in took too long; enter your password again"))?;
    state.auth.limiter.check_account(&claims.sub)?;
    let st = state.clone();
    state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &claims.sub)?
                .filter(|u| !u.disabled && u.totp_enabled)
                .ok_or_else(|| AppError::unauthenticated("sign in again"))?;
            two_factor::check_second_factor(tx, &user, &code)?;
            sessions::issue(tx, &st, user, None)
        })
        .await
}

/// Turns the one-time code an OAuth callback handed to the web UI into a sign-in, in the
/// browser that finished the round trip only (`browser_binding` is its login cookie).
pub async fn exchange_login_code(
    state: &SharedState,
    ip: IpAddr,
    code: &str,
    browser_binding: Option<&str>,
) -> AppResult<LoginOutcome> {
    state.auth.limiter.check_ip(ip)?;
    let user_id = crate::services::oauth::redeem_login_code(state, code, browser_binding)?;
    let user = state
        .db
        .run(move |conn| Ok(users::by_id(conn, &user_id)?))
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| AppError::unauthenticated("this account cannot sign in"))?;
    start_session_or_challenge(state, user).await
}
