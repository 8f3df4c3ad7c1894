//! Sessions: a sign-in is a refresh-token family. Access tokens are short-lived JWTs naming
//! their family, so revoking the family ends the session at once, not 15 minutes later.

use chrono::Duration;
use rusqlite::Connection;

use crate::auth::jwt::TokenKind;
use crate::auth::opaque;
use crate::db::{self, tokens, users};
use crate::domain::ids::{SessionId, UserId};
use crate::error::{AppError, AppResult};
use crate::services::events::Event;
use crate::state::{AppState, SharedState};

/// Who is asking, as proven by an access token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub is_admin: bool,
    pub session_id: SessionId,
}

impl Caller {
    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin { Ok(()) } else { Err(AppError::forbidden("only an administrator may do this")) }
    }
}

/// Tokens handed to a client after a successful sign-in.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub user: users::UserRow,
}

/// Starts a new session (a new family) or continues `family` after a rotation.
pub fn issue(conn: &Connection, state: &AppState, user: users::UserRow, family: Option<&str>) -> AppResult<Session> {
    let family = family.map(str::to_string).unwrap_or_else(db::new_id);
    let refresh_token = opaque::random_token();
    let expires_at = chrono::Utc::now() + Duration::days(state.config.auth.refresh_token_days.into());
    tokens::insert_refresh(conn, &user.id, &family, &opaque::sha256_hex(&refresh_token), &db::to_db_time(expires_at))?;
    let ttl = i64::from(state.config.auth.access_token_minutes) * 60;
    let access_token = state.auth.signer.sign(TokenKind::Access, &user.id, ttl, Some(&family), None);
    Ok(Session { access_token, refresh_token, expires_in: ttl, user })
}

/// Checks an access token and that its account and session are still alive.
pub async fn authenticate(state: &AppState, access_token: &str) -> AppResult<Caller> {
    let claims = state
        .auth
        .signer
        .verify(access_token, TokenKind::Access)
        .ok_or_else(|| AppError::unauthenticated("your session has expired; sign in again"))?;
    let family = claims.sid.clone().unwrap_or_default();
    let session_id = family.clone();
    let (user, alive) =
        state.db.run(move |conn| Ok((users::by_id(conn, &claims.sub)?, tokens::family_active(conn, &family)?))).await?;
    match user {
        Some(u) if !u.disabled && alive => Ok(Caller {
            user_id: UserId::trusted(u.id),
            is_admin: u.is_admin,
            session_id: SessionId::trusted(session_id),
        }),
        _ => Err(AppError::unauthenticated("your session has ended; sign in again")),
    }
}

/// Whether a caller's account is still enabled and their session not revoked (for long-lived
/// subscriptions, which authenticated once).
pub async fn still_valid(state: &AppState, caller: &Caller) -> AppResult<bool> {
    let (user, family) = (caller.user_id.clone(), caller.session_id.clone());
    state
        .db
        .run(move |c| Ok(users::by_id(c, &user)?.is_some_and(|u| !u.disabled) && tokens::family_active(c, &family)?))
        .await
}

/// Rotates a refresh token. Presenting one that was already used means it was copied:
/// the whole family is revoked, signing out the thief and the owner alike.
pub async fn refresh(state: &SharedState, ip: std::net::IpAddr, refresh_token: String) -> AppResult<Session> {
    state.auth.limiter.check_ip(ip)?;
    let hash = opaque::sha256_hex(&refresh_token);
    let state_ref = state.clone();
    // A database error rolls everything back (the token stays usable); only a real
    // outcome (new session, refused, or reuse) is committed.
    let outcome = state
        .db
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let outcome = rotate(&tx, &state_ref, &hash)?;
            tx.commit()?;
            Ok(outcome)
        })
        .await?;
    match outcome {
        Rotation::Rotated(session) => Ok(*session),
        Rotation::Reused(user, session) => {
            tracing::warn!(family = %session, "refresh token reuse detected; session family revoked");
            state.events.end_session(&user, &session, Event::session_revoked("this session was used elsewhere"));
            Err(AppError::unauthenticated("this session is no longer valid; sign in again"))
        }
        Rotation::Invalid => Err(AppError::unauthenticated("this session is no longer valid; sign in again")),
    }
}

enum Rotation {
    Rotated(Box<Session>),
    Invalid,
    /// (user id, family id) of a copied token's sign-in.
    Reused(UserId, SessionId),
}

fn rotate(conn: &Connection, state: &AppState, hash: &str) -> AppResult<Rotation> {
    let Some(row) = tokens::refresh_by_hash(conn, hash)? else { return Ok(Rotation::Invalid) };
    if row.revoked_at.is_some() || db::parse_db_time(&row.expires_at)? <= chrono::Utc::now() {
        return Ok(Rotation::Invalid);
    }
    // Used before means copied: end the whole sign-in, thief and owner alike.
    if row.used_at.is_some() || !tokens::mark_used(conn, &row.id)? {
        tokens::revoke_family(conn, &row.family_id)?;
        return Ok(Rotation::Reused(row.user_id, row.family_id));
    }
    let Some(user) = users::by_id(conn, &row.user_id)?.filter(|u| !u.disabled) else { return Ok(Rotation::Invalid) };
    Ok(Rotation::Rotated(Box::new(issue(conn, state, user, Some(&row.family_id))?)))
}

/// Ends the session the refresh token belongs to. Unknown tokens are fine: the goal is met.
pub async fn logout(state: &AppState, refresh_token: String) -> AppResult<bool> {
    let hash = opaque::sha256_hex(&refresh_token);
    let ended = state
        .db
        .run(move |conn| {
            let Some(row) = tokens::refresh_by_hash(conn, &hash)? else { return Ok(None) };
            tokens::revoke_family(conn, &row.family_id)?;
            Ok(Some((row.user_id, row.family_id)))
        })
        .await?;
    if let Some((user, session)) = ended {
        state.events.end_session(&user, &session, Event::session_revoked("you signed out"));
    }
    Ok(true)
}

/// Ends every session of the caller, this one included.
pub async fn logout_everywhere(state: &AppState, caller: &Caller) -> AppResult<bool> {
    revoke_all(state, &caller.user_id, None).await?;
    Ok(true)
}

/// Revokes every session of a user but `keep`, and tells their open clients.
pub async fn revoke_all(state: &AppState, user_id: &str, keep: Option<String>) -> AppResult<()> {
    let id = user_id.to_string();
    let kept = keep.clone();
    state.db.run(move |conn| Ok(tokens::revoke_user(conn, &id, kept.as_deref())?)).await?;
    let keep = keep.map(SessionId::trusted);
    state.events.end_sessions(&UserId::trusted(user_id), keep.as_ref(), Event::session_revoked("you were signed out"));
    Ok(())
}
