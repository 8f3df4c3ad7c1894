//! Accounts: sign-up, sign-in, sessions, profile and two-factor.

use async_graphql::{Context, ID, InputObject, Object, Upload, connection::*};

use crate::error::{AppError, AppResult};
use crate::graphql::types::{AuthPayload, LoginResult, TwoFactorSetup, User};
use crate::graphql::{GqlResult, caller, request, state};
use crate::services::{accounts, auth, oauth, sessions, two_factor};

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in account, or null.
    async fn me(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        let Ok(me) = caller(ctx) else { return Ok(None) };
        Ok(accounts::me(state(ctx), &me).await?.map(User::from))
    }

    async fn user(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<User>> {
        Ok(accounts::user(state(ctx), &caller(ctx)?, id.to_string()).await?.map(User::from))
    }

    async fn user_by_tag(&self, ctx: &Context<'_>, tag: String) -> GqlResult<Option<User>> {
        Ok(accounts::user_by_tag(state(ctx), &caller(ctx)?, tag).await?.map(User::from))
    }

    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn search_users(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, User>> {
        let limit = page_size(first)?;
        let rows = accounts::search(state(ctx), &caller(ctx)?, query, after, limit + 1).await?;
        Ok(user_connection(rows, limit))
    }
}

/// Marks this browser as one that signed into the account (see `auth::rate_limit`).
fn remember_device(ctx: &Context<'_>, user_id: &str) {
    ctx.append_http_header(axum::http::header::SET_COOKIE, auth::device_cookie(state(ctx), user_id));
}

pub(crate) fn page_size(first: i32) -> AppResult<usize> {
    if (1..=500).contains(&first) {
        Ok(first as usize)
    } else {
        Err(AppError::invalid("first must be between 1 and 500"))
    }
}

/// A keyset page: `rows` holds up to `limit + 1` rows; the extra one only says there is more.
pub(crate) fn user_connection(mut rows: Vec<accounts::UserView>, limit: usize) -> Connection<String, User> {
    let has_next = rows.len() > limit;
    rows.truncate(limit);
    let mut conn = Connection::new(false, has_next);
    conn.edges.extend(rows.into_iter().map(|r| Edge::new(r.id().to_string(), User::from(r))));
    conn
}

#[derive(InputObject)]
pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub username: String,
    pub invite_code: Option<String>,
}

#[derive(InputObject)]
pub struct ProfileInput {
    pub username: Option<String>,
    pub tag: Option<String>,
    pub avatar: Option<Upload>,
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> GqlResult<AuthPayload> {
        let input = auth::RegisterInput {
            email: input.email,
            password: input.password,
            username: input.username,
            invite_code: input.invite_code,
        };
        let session = auth::register(state(ctx), request(ctx).ip, input).await?;
        remember_device(ctx, &session.user.id);
        Ok(session.into())
    }

    /// Sets a new password with a one-time link an admin made; signs the account out everywhere.
    async fn reset_password(&self, ctx: &Context<'_>, token: String, new_password: String) -> GqlResult<bool> {
        Ok(crate::services::admin_accounts::reset_password(state(ctx), request(ctx).ip, token, new_password).await?)
    }

    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> GqlResult<LoginResult> {
        let req = request(ctx);
        let outcome = auth::login(state(ctx), req.ip, &email, password, req.device.as_deref()).await?;
        if let auth::LoginOutcome::Session(session) = &outcome {
            remember_device(ctx, &session.user.id);
        }
        Ok(outcome.into())
    }

    /// Completes a sign-in that answered `TwoFactorChallenge`; takes a TOTP or recovery code.
    async fn verify_two_factor(
        &self,
        ctx: &Context<'_>,
        challenge_token: String,
        code: String,
    ) -> GqlResult<AuthPayload> {
        let session = auth::verify_two_factor(state(ctx), request(ctx).ip, &challenge_token, code).await?;
        remember_device(ctx, &session.user.id);
        Ok(session.into())
    }

    /// Trades the one-time code from an OAuth redirect (`/#loginCode=...`) for a sign-in.
    async fn exchange_login_code(&self, ctx: &Context<'_>, code: String) -> GqlResult<LoginResult> {
        let req = request(ctx);
        Ok(auth::exchange_login_code(state(ctx), req.ip, &code, req.login_binding.as_deref()).await?.into())
    }

    /// Rotates: the presented token stops working, and reusing it ends the session.
    async fn refresh_token(&self, ctx: &Context<'_>, refresh_token: String) -> GqlResult<AuthPayload> {
        Ok(sessions::refresh(state(ctx), request(ctx).ip, refresh_token).await?.into())
    }

    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> GqlResult<bool> {
        Ok(sessions::logout(state(ctx), refresh_token).await?)
    }

    async fn logout_everywhere(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        Ok(sessions::logout_everywhere(state(ctx), &caller(ctx)?).await?)
    }

    /// Signs out every other session of the account.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> GqlResult<bool> {
        Ok(accounts::change_password(state(ctx), &caller(ctx)?, current_password, new_password).await?)
    }
}

#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    async fn update_profile(&self, ctx: &Context<'_>, input: ProfileInput) -> GqlResult<User> {
        let me = caller(ctx)?;
        let avatar = match input.avatar {
            Some(upload) => Some(read_image(ctx, upload)?),
            None => None,
        };
        let change = accounts::ProfileChange { username: input.username, tag: input.tag, avatar };
        Ok(User::own(accounts::update_profile(state(ctx), &me, change).await?))
    }

    async fn begin_two_factor_setup(&self, ctx: &Context<'_>) -> GqlResult<TwoFactorSetup> {
        let s = two_factor::begin_setup(state(ctx), &caller(ctx)?).await?;
        Ok(TwoFactorSetup { secret: s.secret, otpauth_uri: s.otpauth_uri, qr_svg: s.qr_svg })
    }

    /// Returns 10 single-use recovery codes; they are shown this once.
    async fn confirm_two_factor_setup(&self, ctx: &Context<'_>, code: String) -> GqlResult<Vec<String>> {
        Ok(two_factor::confirm_setup(state(ctx), &caller(ctx)?, code).await?)
    }

    async fn disable_two_factor(&self, ctx: &Context<'_>, code: String) -> GqlResult<bool> {
        Ok(two_factor::disable(state(ctx), &caller(ctx)?, code).await?)
    }

    /// A URL on this server to open in the browser; the round trip ends at
    /// `/#/profile?linkCode=...`, which `completeOAuthLink` turns into a linked identity.
    #[graphql(name = "beginOAuthLink")]
    async fn begin_oauth_link(&self, ctx: &Context<'_>, provider: String) -> GqlResult<String> {
        Ok(oauth::begin_link(state(ctx), &caller(ctx)?, &provider).await?)
    }

    /// Finishes a link: the code comes from the `/#/profile?linkCode=...` redirect. Only the
    /// account that called `beginOAuthLink` can complete it. Returns the provider's name.
    #[graphql(name = "completeOAuthLink")]
    async fn complete_oauth_link(&self, ctx: &Context<'_>, code: String) -> GqlResult<String> {
        Ok(oauth::complete_link(state(ctx), &caller(ctx)?, &code).await?)
    }

    #[graphql(name = "unlinkOAuthIdentity")]
    async fn unlink_oauth_identity(&self, ctx: &Context<'_>, provider: String) -> GqlResult<bool> {
        Ok(oauth::unlink(state(ctx), &caller(ctx)?, provider).await?)
    }
}

/// Reads a small uploaded image, refusing it before reading past the size limit.
pub(crate) fn read_image(ctx: &Context<'_>, upload: Upload) -> AppResult<accounts::ImageUpload> {
    use std::io::Read;
    let value = upload.value(ctx).map_err(|e| AppError::invalid(format!("cannot read the upload: {}", e)))?;
    let max = state(ctx).config.limits.max_image_kb * 1024;
    let mut bytes = Vec::new();
    value.into_read().take(max as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Err(AppError::invalid(format!("an image may be at most {} KiB", max / 1024)));
    }
    Ok(accounts::ImageUpload { bytes })
}
