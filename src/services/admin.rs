//! Administration: invites and other people's accounts. Every function checks the caller.

use chrono::Duration;

use crate::auth::opaque;
pub use crate::db::invites::InviteRow;
use crate::db::{self, invites, users};
use crate::error::{AppError, AppResult};
use crate::services::sessions::{self, Caller};
use crate::state::SharedState;

pub async fn list_users(
    state: &SharedState,
    caller: &Caller,
    after: Option<String>,
    limit: usize,
) -> AppResult<Vec<users::UserRow>> {
    caller.require_admin()?;
    state.db.run(move |conn| Ok(users::page(conn, after.as_deref(), limit)?)).await
}

/// The database answers (for `/healthz`).
pub async fn database_answers(state: &SharedState) -> AppResult<()> {
    state.db.run(|c| Ok(crate::db::edits::ping(c)?)).await
}

pub async fn count_users(state: &SharedState) -> AppResult<i64> {
    state.db.run(|conn| Ok(users::count(conn)?)).await
}

pub async fn create_invite(
    state: &SharedState,
    caller: &Caller,
    max_uses: i32,
    expires_in_hours: i32,
) -> AppResult<invites::InviteRow> {
    caller.require_admin()?;
    if !(1..=1000).contains(&max_uses) {
        return Err(AppError::invalid("maxUses must be between 1 and 1000"));
    }
    if !(1..=24 * 365).contains(&expires_in_hours) {
        return Err(AppError::invalid("expiresInHours must be between 1 and 8760"));
    }
    let expires = db::to_db_time(chrono::Utc::now() + Duration::hours(expires_in_hours.into()));
    let creator = caller.user_id.clone();
    state
        .db
        .run(move |conn| Ok(invites::insert(conn, &opaque::human_code(10), &creator, max_uses.into(), &expires)?))
        .await
}

pub async fn list_invites(state: &SharedState, caller: &Caller) -> AppResult<Vec<invites::InviteRow>> {
    caller.require_admin()?;
    state.db.run(|conn| Ok(invites::list(conn)?)).await
}

pub async fn revoke_invite(state: &SharedState, caller: &Caller, id: String) -> AppResult<bool> {
    caller.require_admin()?;
    state
        .db
        .run(move |conn| if invites::revoke(conn, &id)? { Ok(true) } else { Err(AppError::not_found("invite")) })
        .await
}

/// The last active admin cannot be demoted, or nobody could administer the server.
pub async fn set_admin(
    state: &SharedState,
    caller: &Caller,
    user_id: String,
    admin: bool,
) -> AppResult<users::UserRow> {
    caller.require_admin()?;
    state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("user"))?;
            if user.is_admin && !user.disabled && !admin && users::count_active_admins(tx)? <= 1 {
                return Err(AppError::conflict("the last administrator cannot be demoted"));
            }
            users::set_admin(tx, &user.id, admin)?;
            Ok(users::by_id(tx, &user.id)?.expect("exists"))
        })
        .await
}

/// Disabling an account signs it out everywhere at once.
pub async fn set_disabled(
    state: &SharedState,
    caller: &Caller,
    user_id: String,
    disabled: bool,
) -> AppResult<users::UserRow> {
    caller.require_admin()?;
    if disabled && user_id == caller.user_id {
        return Err(AppError::invalid("you cannot disable your own account"));
    }
    let id = user_id.clone();
    let user = state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &id)?.ok_or_else(|| AppError::not_found("user"))?;
            if disabled && user.is_admin && users::count_active_admins(tx)? <= 1 {
                return Err(AppError::conflict("the last administrator cannot be disabled"));
            }
            users::set_disabled(tx, &user.id, disabled)?;
            Ok(users::by_id(tx, &user.id)?.expect("exists"))
        })
        .await?;
    if disabled {
        sessions::revoke_all(state, &user_id, None).await?;
        tracing::info!(user_id = %user_id, by = %caller.user_id, "account disabled");
    }
    Ok(user)
}

/// Library files an admin removed (the files stay in the folders): (stored path, hidden at).
pub async fn hidden_tracks(state: &SharedState, caller: &Caller) -> AppResult<Vec<(String, String)>> {
    caller.require_admin()?;
    state.db.run(|c| Ok(crate::db::marks::hidden(c)?)).await
}

/// Lets a hidden file back into the library and starts a scan to read it.
pub async fn restore_hidden_track(state: &SharedState, caller: &Caller, path: String) -> AppResult<bool> {
    caller.require_admin()?;
    let restored = state.db.run(move |c| Ok(crate::db::marks::unhide_path(c, &path)?)).await?;
    if !restored {
        return Err(AppError::not_found("hidden track"));
    }
    crate::services::library::start_scan(state);
    Ok(true)
}
