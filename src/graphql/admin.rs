//! Administration: users and invites. The services check that the caller is an admin.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, connection::Connection};
use chrono::{DateTime, Utc};

use crate::graphql::GqlResult;
use crate::graphql::account::{page_size, user_connection};
use crate::graphql::types::{Invite, User};
use crate::graphql::{caller, state};
use crate::services::accounts::UserView;
use crate::services::{admin, admin_accounts};

#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Every account (admin).
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, User>> {
        let limit = page_size(first)?;
        let me = caller(ctx)?;
        let rows = admin::list_users(state(ctx), &me, after, limit + 1).await?;
        Ok(user_connection(rows.into_iter().map(|r| UserView::seen_by(Some(&me), r)).collect(), limit))
    }

    /// Files removed from the library while they stay in the music folders (admin).
    async fn hidden_tracks(&self, ctx: &Context<'_>) -> GqlResult<Vec<HiddenTrack>> {
        let rows = admin::hidden_tracks(state(ctx), &caller(ctx)?).await?;
        rows.into_iter()
            .map(|(path, at)| Ok(HiddenTrack { path, hidden_at: crate::domain::time::parse_stored(&at)? }))
            .collect()
    }

    /// Invites not yet revoked (admin).
    async fn invites(&self, ctx: &Context<'_>) -> GqlResult<Vec<Invite>> {
        Ok(admin::list_invites(state(ctx), &caller(ctx)?)
            .await?
            .into_iter()
            .map(Invite::try_from)
            .collect::<Result<_, _>>()?)
    }
}

#[derive(SimpleObject)]
pub struct HiddenTrack {
    /// The file's path on the server.
    path: String,
    hidden_at: DateTime<Utc>,
}

#[derive(InputObject)]
pub struct NewUserInput {
    name: String,
    email: String,
    password: String,
    is_admin: Option<bool>,
}

/// What happens to a deleted account's playlists or uploads.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OwnedData {
    Delete,
    /// Handed to the admin deleting the account.
    Transfer,
}

impl From<OwnedData> for admin_accounts::OwnedData {
    fn from(d: OwnedData) -> Self {
        match d {
            OwnedData::Delete => Self::Delete,
            OwnedData::Transfer => Self::Transfer,
        }
    }
}

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    async fn create_invite(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] max_uses: i32,
        #[graphql(default = 168)] expires_in_hours: i32,
    ) -> GqlResult<Invite> {
        Ok(admin::create_invite(state(ctx), &caller(ctx)?, max_uses, expires_in_hours).await?.try_into()?)
    }

    async fn revoke_invite(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(admin::revoke_invite(state(ctx), &caller(ctx)?, id.to_string()).await?)
    }

    /// The last administrator cannot be demoted.
    async fn set_user_admin(&self, ctx: &Context<'_>, user_id: ID, admin: bool) -> GqlResult<User> {
        Ok(User::seen(ctx, admin::set_admin(state(ctx), &caller(ctx)?, user_id.to_string(), admin).await?))
    }

    /// Creates an account whatever the registration mode.
    async fn create_user(&self, ctx: &Context<'_>, input: NewUserInput) -> GqlResult<User> {
        let new = admin_accounts::NewUser {
            name: input.name,
            email: input.email,
            password: input.password,
            is_admin: input.is_admin.unwrap_or(false),
        };
        Ok(User::seen(ctx, admin_accounts::create_user(state(ctx), &caller(ctx)?, new).await?))
    }

    /// A one-time link (`/#/reset/<token>`, valid 24 hours) to give the person; opening it lets
    /// them set a new password.
    async fn create_password_reset_link(&self, ctx: &Context<'_>, user_id: ID) -> GqlResult<String> {
        Ok(admin_accounts::create_reset_link(state(ctx), &caller(ctx)?, user_id.0).await?)
    }

    /// Deletes another account; its playlists and uploads are deleted or handed to you.
    async fn delete_user(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        playlists: OwnedData,
        uploads: OwnedData,
    ) -> GqlResult<bool> {
        let me = caller(ctx)?;
        Ok(admin_accounts::delete_user(state(ctx), &me, user_id.0, playlists.into(), uploads.into()).await?)
    }

    /// Lets a hidden file back into the library; a scan starts to read it.
    async fn restore_hidden_track(&self, ctx: &Context<'_>, path: String) -> GqlResult<bool> {
        Ok(admin::restore_hidden_track(state(ctx), &caller(ctx)?, path).await?)
    }

    /// Disabling an account signs it out everywhere.
    async fn set_user_disabled(&self, ctx: &Context<'_>, user_id: ID, disabled: bool) -> GqlResult<User> {
        Ok(User::seen(ctx, admin::set_disabled(state(ctx), &caller(ctx)?, user_id.to_string(), disabled).await?))
    }
}
