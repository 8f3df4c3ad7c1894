//! Accounts an administrator manages from the web UI (the command line has `soundroom user`):
//! create one, make a one-time password-reset link, delete one and decide what happens to its
//! playlists and uploads.

use chrono::Duration;

use crate::auth::{opaque, password};
use crate::config::Registration;
use crate::db::{self, resets, users};
use crate::domain::ids::RoomId;
use crate::domain::user::{Email, Username, check_password};
use crate::error::{AppError, AppResult};
use crate::services::auth::{NewAccount, create_account};
use crate::services::sessions::{self, Caller};
use crate::state::SharedState;
use crate::telemetry::blocking;

/// How long a reset link works.
const RESET_HOURS: i64 = 24;

pub struct NewUser {
    pub name: String,
    pub email: String,
    pub password: String,
    pub is_admin: bool,
}

/// Creates an account whatever the registration mode (an admin decides, as on the command line).
pub async fn create_user(state: &SharedState, caller: &Caller, new: NewUser) -> AppResult<users::UserRow> {
    caller.require_admin()?;
    let email = Email::parse(&new.email)?;
    let username = Username::parse(&new.name)?;
    check_password(&new.password, state.config.auth.password_min_length)?;
    let pw = new.password;
    let hash = blocking(move || Ok(password::hash(&pw)?)).await?;
    let user = state
        .db
        .transaction(move |tx| {
            let account =
                NewAccount { email: &email, username: &username, password_hash: Some(&hash), provider: "password" };
            let user = create_account(tx, Registration::Open, None, &account)?;
            if new.is_admin {
                users::set_admin(tx, &user.id, true)?;
            }
            Ok(users::by_id(tx, &user.id)?.expect("just created"))
        })
        .await?;
    tracing::info!(user_id = %user.id, by = %caller.user_id, "account created by an admin");
    Ok(user)
}

/// A one-time link (`/#/reset/<token>`, valid a day) that lets the person set a new password.
/// The token lives in the URL fragment, which browsers never send to a server or its logs.
pub async fn create_reset_link(state: &SharedState, caller: &Caller, user_id: String) -> AppResult<String> {
    caller.require_admin()?;
    let token = opaque::random_token();
    let hash = opaque::sha256_hex(&token);
    let by = caller.user_id.to_string();
    let expires = db::to_db_time(chrono::Utc::now() + Duration::hours(RESET_HOURS));
    state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("user"))?;
            Ok(resets::insert_reset(tx, &hash, &user.id, &by, &expires)?)
        })
        .await?;
    tracing::info!(by = %caller.user_id, "password-reset link made");
    Ok(format!("/#/reset/{token}"))
}

/// Sets a new password with a reset link (no sign-in needed) and signs the account out
/// everywhere. A spent, expired or unknown link changes nothing.
pub async fn reset_password(state: &SharedState, ip: std::net::IpAddr, token: String, new: String) -> AppResult<bool> {
    state.auth.limiter.check_ip(ip)?;
    check_password(&new, state.config.auth.password_min_length)?;
    let hash = blocking(move || Ok(password::hash(&new)?)).await?;
    let token_hash = opaque::sha256_hex(&token);
    let user = state
        .db
        .transaction(move |tx| {
            let user = resets::take_reset(tx, &token_hash, &db::now())?.ok_or_else(|| {
                AppError::invalid("this reset link is invalid, used or expired; ask an admin for a new one")
            })?;
            users::set_password_hash(tx, &user, &hash)?;
            Ok(user)
        })
        .await?;
    sessions::revoke_all(state, &user, None).await?;
    tracing::info!(user_id = %user, "password reset with a one-time link; sessions signed out");
    Ok(true)
}

/// What a deleted account leaves to clean up once the transaction is committed.
pub struct DeletedAccount {
    /// Upload files to remove.
    pub files: Vec<String>,
    /// Rooms that went with it (live ones must be stopped).
    pub rooms: Vec<String>,
    pub avatar: Option<String>,
}

/// The rules of deleting an account, in the caller's transaction (the web UI and the command
/// line share them): the last active admin stays; playlists and uploads are deleted or handed
/// to `heir`.
pub fn delete_account(
    tx: &rusqlite::Connection,
    id: &str,
    heir: &str,
    playlists: OwnedData,
    uploads: OwnedData,
) -> AppResult<DeletedAccount> {
    let user = users::by_id(tx, id)?.ok_or_else(|| AppError::not_found("user"))?;
    if user.is_admin && !user.disabled && users::count_active_admins(tx)? <= 1 {
        return Err(AppError::conflict("the last administrator cannot be deleted"));
    }
    if playlists == OwnedData::Transfer {
        resets::transfer_playlists(tx, id, heir)?;
    }
    let files = match uploads {
        OwnedData::Transfer => {
            resets::transfer_uploads(tx, id, heir)?;
            Vec::new()
        }
        OwnedData::Delete => resets::delete_uploads(tx, id)?,
    };
    let rooms = resets::rooms_of(tx, id)?;
    resets::delete_user(tx, id)?;
    db::library::prune_orphans(tx)?;
    Ok(DeletedAccount { files, rooms, avatar: user.avatar_path })
}

/// What happens to what a deleted account owned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnedData {
    Delete,
    /// Handed to the admin doing the deletion.
    Transfer,
}

/// Deletes another account. Its sessions end first (live sockets close), its rooms close, and
/// its playlists and uploads are deleted or handed to the admin, all in one transaction.
pub async fn delete_user(
    state: &SharedState,
    caller: &Caller,
    user_id: String,
    playlists: OwnedData,
    uploads: OwnedData,
) -> AppResult<bool> {
    caller.require_admin()?;
    if user_id == caller.user_id {
        return Err(AppError::invalid("you cannot delete your own account"));
    }
    let (id, admin) = (user_id.clone(), caller.user_id.to_string());
    let DeletedAccount { files, rooms, avatar } =
        state.db.transaction(move |tx| delete_account(tx, &id, &admin, playlists, uploads)).await?;
    sessions::revoke_all(state, &user_id, None).await?;
    for room in rooms {
        state.rooms.close(&RoomId::trusted(room), "the room's owner left the server").await;
    }
    for file in files {
        let _ = tokio::fs::remove_file(file).await;
    }
    crate::services::accounts::remove_owned_image(state, avatar).await;
    tracing::info!(user_id = %user_id, by = %caller.user_id, ?playlists, ?uploads, "account deleted");
    Ok(true)
}
