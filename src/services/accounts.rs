//! Reading and changing one's own account.

use std::path::PathBuf;

use crate::auth::password;
pub use crate::db::users::UserRow;
use crate::db::{oauth, tokens, users};
use crate::domain::user::{Tag, Username, check_password};
use crate::error::{AppError, AppResult};
use crate::services::sessions::{self, Caller};
use crate::state::SharedState;
use crate::telemetry::blocking;

/// What one person may see of an account, decided here once for every edge: the account
/// itself and administrators see everything; other people see a profile (name, tag, avatar,
/// friendship). Otherwise a search would point out, say, the administrators without 2FA.
#[derive(Debug, Clone)]
pub struct UserView {
    row: users::UserRow,
    viewer: Viewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Myself,
    Admin,
    Other,
}

impl UserView {
    /// `row` as seen by `viewer` (nobody signed in counts as a stranger).
    pub fn seen_by(viewer: Option<&Caller>, row: users::UserRow) -> Self {
        let viewer = match viewer {
            Some(c) if c.user_id == row.id => Viewer::Myself,
            Some(c) if c.is_admin => Viewer::Admin,
            _ => Viewer::Other,
        };
        Self { row, viewer }
    }

    /// The account shown to itself (e.g. in the payload that just signed it in).
    pub fn own(row: users::UserRow) -> Self {
        Self { row, viewer: Viewer::Myself }
    }

    fn sees_account(&self) -> bool {
        self.viewer != Viewer::Other
    }

    pub fn is_self(&self) -> bool {
        self.viewer == Viewer::Myself
    }
    pub fn id(&self) -> &str {
        &self.row.id
    }
    pub fn username(&self) -> &str {
        &self.row.username
    }
    pub fn tag(&self) -> &str {
        &self.row.tag
    }
    pub fn has_avatar(&self) -> bool {
        self.row.avatar_path.is_some()
    }
    pub fn updated_at(&self) -> &str {
        &self.row.updated_at
    }
    pub fn created_at(&self) -> &str {
        &self.row.created_at
    }
    pub fn email(&self) -> Option<&str> {
        self.sees_account().then_some(self.row.email.as_str())
    }
    pub fn provider(&self) -> Option<&str> {
        self.sees_account().then_some(self.row.provider.as_str())
    }
    pub fn two_factor_enabled(&self) -> Option<bool> {
        self.sees_account().then_some(self.row.totp_enabled)
    }
    pub fn is_admin(&self) -> Option<bool> {
        self.sees_account().then_some(self.row.is_admin)
    }
    /// The account itself only: whether friends see what it plays.
    pub fn share_activity(&self) -> Option<bool> {
        self.is_self().then_some(self.row.share_activity)
    }
    /// Administrators only: a person never learns they were switched off from a profile.
    pub fn disabled(&self) -> Option<bool> {
        (self.viewer == Viewer::Admin).then_some(self.row.disabled)
    }
}

/// An enabled account the viewer may see (nobody sees those they blocked or were blocked by).
pub async fn user(state: &SharedState, viewer: &Caller, id: String) -> AppResult<Option<UserView>> {
    let me = viewer.user_id.clone();
    let row = state
        .db
        .run(move |conn| {
            let row = users::by_id(conn, &id)?.filter(|u| !u.disabled);
            Ok(match row {
                Some(u) if crate::services::social::visible(conn, &me, &u.id)? => Some(u),
                _ => None,
            })
        })
        .await?;
    Ok(row.map(|r| UserView::seen_by(Some(viewer), r)))
}

pub async fn user_by_tag(state: &SharedState, viewer: &Caller, tag: String) -> AppResult<Option<UserView>> {
    let tag = tag.trim().trim_start_matches('@').to_lowercase();
    let me = viewer.user_id.clone();
    let row = state
        .db
        .run(move |conn| {
            let row = users::by_tag(conn, &tag)?.filter(|u| !u.disabled);
            Ok(match row {
                Some(u) if crate::services::social::visible(conn, &me, &u.id)? => Some(u),
                _ => None,
            })
        })
        .await?;
    Ok(row.map(|r| UserView::seen_by(Some(viewer), r)))
}

/// The caller's own account.
pub async fn me(state: &SharedState, caller: &Caller) -> AppResult<Option<UserView>> {
    let id = caller.user_id.clone();
    let row = state.db.run(move |conn| Ok(users::by_id(conn, &id)?.filter(|u| !u.disabled))).await?;
    Ok(row.map(UserView::own))
}

pub async fn search(
    state: &SharedState,
    viewer: &Caller,
    query: String,
    after: Option<String>,
    limit: usize,
) -> AppResult<Vec<UserView>> {
    let query = query.trim().to_string();
    if query.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::invalid(format!("search for at most {MAX_SEARCH_CHARS} characters")));
    }
    // An empty search would list every account on the server.
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let me = viewer.user_id.clone();
    let rows = state.db.run(move |conn| Ok(users::search(conn, &me, &query, after.as_deref(), limit)?)).await?;
    Ok(rows.into_iter().map(|r| UserView::seen_by(Some(viewer), r)).collect())
}

/// Names and tags are short; a longer search can only be an attempt to make the query costly.
const MAX_SEARCH_CHARS: usize = 64;

/// An uploaded image, already read into memory (it is small: `limits.max_image_kb`).
pub struct ImageUpload {
    pub bytes: Vec<u8>,
}

pub struct ProfileChange {
    pub username: Option<String>,
    pub tag: Option<String>,
    pub avatar: Option<ImageUpload>,
}

/// Validates everything first, writes the avatar file atomically, then updates the row in one
/// transaction; a failure leaves neither a new file nor a changed row behind.
pub async fn update_profile(state: &SharedState, caller: &Caller, change: ProfileChange) -> AppResult<users::UserRow> {
    let username = change.username.as_deref().map(Username::parse).transpose()?;
    let tag = change.tag.as_deref().map(Tag::parse).transpose()?;
    let avatar = match change.avatar {
        Some(img) => Some(store_avatar(state, &caller.user_id, img).await?),
        None => None,
    };
    let user_id = caller.user_id.clone();
    let new_avatar = avatar.clone();
    let result = state
        .db
        .transaction(move |tx| {
            let old = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            if let Some(name) = &username {
                users::set_username(tx, &user_id, name.as_str())?;
            }
            if let Some(tag) = &tag
                && tag.as_str() != old.tag
            {
                // Tags compare case-insensitively, so changing only the case of one's own is fine.
                if !tag.as_str().eq_ignore_ascii_case(&old.tag) && users::tag_taken(tx, tag.as_str())? {
                    return Err(AppError::conflict("that tag is taken"));
                }
                users::set_tag(tx, &user_id, tag.as_str())?;
            }
            if let Some((name, _)) = &new_avatar {
                users::set_avatar_path(tx, &user_id, Some(name))?;
            }
            let updated = users::by_id(tx, &user_id)?.expect("exists");
            Ok((updated, old.avatar_path))
        })
        .await;
    match result {
        Ok((updated, old_avatar)) => {
            if avatar.is_some()
                && let Some(old) = old_avatar
            {
                let _ = tokio::fs::remove_file(state.data_path("avatars").join(old)).await;
            }
            Ok(updated)
        }
        Err(e) => {
            if let Some((_, path)) = avatar {
                let _ = tokio::fs::remove_file(path).await;
            }
            Err(e)
        }
    }
}

/// Writes an avatar under `avatars/`; returns (file name, path).
async fn store_avatar(state: &SharedState, user_id: &str, img: ImageUpload) -> AppResult<(String, PathBuf)> {
    store_image(state, "avatars", user_id, img).await
}

/// Checks an uploaded image (size, and type by content) and writes it under `dir` in the data
/// dir via temp file + fsync + rename; returns (file name, path).
pub async fn store_image(
    state: &SharedState,
    dir: &str,
    prefix: &str,
    img: ImageUpload,
) -> AppResult<(String, PathBuf)> {
    let max = state.config.limits.max_image_kb * 1024;
    if img.bytes.len() > max {
        return Err(AppError::invalid(format!("an image may be at most {} KiB", state.config.limits.max_image_kb)));
    }
    let ext = crate::media::artwork::image_extension(&img.bytes)
        .ok_or_else(|| AppError::invalid("the image must be a PNG, JPEG, GIF or WebP file"))?;
    let name = format!("{prefix}-{}.{ext}", crate::auth::opaque::human_code(8));
    let final_path = state.data_path(dir).join(&name);
    let target = final_path.clone();
    blocking(move || {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::media::files::write_atomically(&target, &img.bytes)?;
        Ok(())
    })
    .await?;
    Ok((name, final_path))
}

/// Stores an optional new image, then runs `update` with its path. `update` returns its value
/// and the path it replaced. A failed update removes the new file; a successful one removes
/// the replaced file, so no image is ever orphaned or lost.
pub async fn with_image<T>(
    state: &SharedState,
    image: Option<ImageUpload>,
    prefix: &str,
    update: impl AsyncFnOnce(Option<String>) -> AppResult<(T, Option<String>)>,
) -> AppResult<T> {
    let stored = match image {
        Some(img) => Some(store_image(state, "images", prefix, img).await?.1),
        None => None,
    };
    match update(stored.as_ref().map(|p| p.display().to_string())).await {
        Ok((value, replaced)) => {
            if stored.is_some() {
                remove_owned_image(state, replaced).await;
            }
            Ok(value)
        }
        Err(e) => {
            if let Some(path) = stored {
                let _ = tokio::fs::remove_file(path).await;
            }
            Err(e)
        }
    }
}

/// Removes an image file once nothing refers to it, if it is one Soundroom stored (pictures in
/// the music folders are never touched).
pub async fn remove_owned_image(state: &SharedState, path: Option<String>) {
    let images = state.data_path("images");
    if let Some(path) = path.filter(|p| std::path::Path::new(p).starts_with(&images)) {
        let _ = tokio::fs::remove_file(path).await;
    }
}

/// Changes the password and signs out every other session.
pub async fn change_password(state: &SharedState, caller: &Caller, current: String, new: String) -> AppResult<bool> {
    state.auth.limiter.check_account(&caller.user_id)?;
    check_password(&new, state.config.auth.password_min_length)?;
    let user_id = caller.user_id.clone();
    let user =
        state.db.run(move |conn| users::by_id(conn, &user_id)?.ok_or_else(|| AppError::not_found("account"))).await?;
    match user.password_hash.clone() {
        Some(stored) => {
            let ok = blocking(move || Ok(password::verify(Some(&stored), &current))).await?;
            if !ok {
                return Err(AppError::invalid("the current password is wrong"));
            }
        }
        // An account made through OAuth has no password to confirm, but a first password is a
        // new, lasting way in: a stolen access token or an unattended browser must not be able
        // to add one, so it takes a sign-in made just now.
        None => require_fresh_sign_in(state, caller).await?,
    }
    let hash = blocking(move || Ok(password::hash(&new)?)).await?;
    let id = user.id.clone();
    state.db.run(move |conn| Ok(users::set_password_hash(conn, &id, &hash)?)).await?;
    sessions::revoke_all(state, &user.id, Some(caller.session_id.to_string())).await?;
    tracing::info!(user_id = %user.id, "password changed; other sessions signed out");
    Ok(true)
}

/// How recent a sign-in must be to set a first password.
const FRESH_SIGN_IN_MINUTES: i64 = 10;

/// Refuses unless the caller's session began (a sign-in, not a refresh) in the last few minutes.
async fn require_fresh_sign_in(state: &SharedState, caller: &Caller) -> AppResult<()> {
    let (family, user_id) = (caller.session_id.clone(), caller.user_id.clone());
    let (started, providers) = state
        .db
        .run(move |conn| Ok((tokens::family_started_at(conn, &family)?, oauth::providers_for_user(conn, &user_id)?)))
        .await?;
    // An unreadable time is an error, so doubt never counts as fresh.
    let age = started.map(|t| crate::db::parse_db_time(&t).map(|t| chrono::Utc::now() - t)).transpose()?;
    if age.is_some_and(|a| a < chrono::Duration::minutes(FRESH_SIGN_IN_MINUTES)) {
        return Ok(());
    }
    let provider = providers
        .first()
        .and_then(|p| state.auth.oidc.provider(p))
        .map_or_else(|| "your sign-in provider".to_string(), |p| p.display_name.clone());
    Err(AppError::forbidden(format!("sign in again with {provider} to set a password")))
}

pub async fn linked_providers(state: &SharedState, user_id: String) -> AppResult<Vec<String>> {
    state.db.run(move |conn| Ok(oauth::providers_for_user(conn, &user_id)?)).await
}
