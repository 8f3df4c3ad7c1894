//! GraphQL object types over service rows.

use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};

use crate::db::{self, invites::InviteRow, users::UserRow};
use crate::graphql::GqlResult;
use crate::graphql::{caller_opt, state};
use crate::services::sessions::Session;

pub struct User {
    row: UserRow,
    /// Shown to the account itself, e.g. in the payload that just signed it in.
    as_self: bool,
}

impl User {
    pub fn new(row: UserRow) -> Self {
        Self { row, as_self: false }
    }
    pub fn own(row: UserRow) -> Self {
        Self { row, as_self: true }
    }

    fn viewer_is_self(&self, ctx: &Context<'_>) -> bool {
        self.as_self || caller_opt(ctx).is_some_and(|c| c.user_id == self.row.id)
    }

    /// Other people see what a profile needs (name, tag, avatar, friendship); the account
    /// itself and administrators see the rest. Otherwise a search would point out, say,
    /// the administrators who have no second factor.
    fn viewer_sees_account(&self, ctx: &Context<'_>) -> bool {
        self.viewer_is_self(ctx) || caller_opt(ctx).is_some_and(|c| c.is_admin)
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum FriendshipStatus {
    None,
    Friends,
    RequestSent,
    RequestReceived,
    #[graphql(name = "SELF")]
    Myself,
}

#[Object]
impl User {
    async fn id(&self) -> &str {
        &self.row.id
    }
    async fn username(&self) -> &str {
        &self.row.username
    }
    async fn tag(&self) -> &str {
        &self.row.tag
    }
    /// A signed, short-lived URL of the avatar image.
    async fn avatar_url(&self, ctx: &Context<'_>) -> Option<String> {
        self.row.avatar_path.as_ref()?;
        let res = format!("cover/user/{}", self.row.id);
        // A just-registered account sees its own avatar before it has a caller in the context.
        let viewer = caller_opt(ctx).map_or(self.row.id.as_str(), |c| c.user_id.as_str());
        Some(crate::graphql::library::media_url_for(
            ctx,
            viewer,
            &res,
            Some(&version_of(&self.row.updated_at).to_string()),
        ))
    }
    /// Only the account itself and administrators see the email address.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        self.viewer_sees_account(ctx).then_some(self.row.email.as_str())
    }
    /// How the account was created: `password`, `google` or an OIDC provider's name. Empty
    /// for other people (only the account itself and administrators see it).
    async fn provider(&self, ctx: &Context<'_>) -> &str {
        if self.viewer_sees_account(ctx) { &self.row.provider } else { "" }
    }
    /// Only the account itself and administrators see it; false for other people.
    async fn two_factor_enabled(&self, ctx: &Context<'_>) -> bool {
        self.viewer_sees_account(ctx) && self.row.totp_enabled
    }
    /// Only the account itself and administrators see it; false for other people.
    async fn is_admin(&self, ctx: &Context<'_>) -> bool {
        self.viewer_sees_account(ctx) && self.row.is_admin
    }
    /// Visible to administrators only; always false for others.
    async fn disabled(&self, ctx: &Context<'_>) -> bool {
        caller_opt(ctx).is_some_and(|c| c.is_admin) && self.row.disabled
    }
    async fn created_at(&self) -> DateTime<Utc> {
        db::parse_db_time(&self.row.created_at)
    }
    async fn friendship(&self, ctx: &Context<'_>) -> GqlResult<FriendshipStatus> {
        let Some(me) = caller_opt(ctx) else { return Ok(FriendshipStatus::None) };
        if me.user_id == self.row.id {
            return Ok(FriendshipStatus::Myself);
        }
        let (a, b) = (me.user_id.clone(), self.row.id.clone());
        let status = state(ctx).db.run(move |conn| Ok(db::social::friendship(conn, &a, &b)?)).await?;
        Ok(match status {
            db::social::Friendship::None => FriendshipStatus::None,
            db::social::Friendship::Friends => FriendshipStatus::Friends,
            db::social::Friendship::RequestSent => FriendshipStatus::RequestSent,
            db::social::Friendship::RequestReceived => FriendshipStatus::RequestReceived,
        })
    }
    /// OAuth providers linked to this account; only the account itself sees them.
    async fn linked_providers(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        if !self.viewer_is_self(ctx) {
            return Ok(Vec::new());
        }
        Ok(crate::services::accounts::linked_providers(state(ctx), self.row.id.clone()).await?)
    }
}

/// A cache-busting number that changes whenever the row does.
fn version_of(updated_at: &str) -> u64 {
    db::parse_db_time(updated_at).timestamp_millis().max(0) as u64
}

#[derive(SimpleObject)]
pub struct AuthPayload {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: User,
}

impl From<Session> for AuthPayload {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            expires_in: s.expires_in,
            user: User::own(s.user),
        }
    }
}

#[derive(SimpleObject)]
pub struct TwoFactorChallenge {
    /// Pass to `verifyTwoFactor` with a code; valid for 5 minutes.
    pub challenge_token: String,
}

#[derive(Union)]
#[allow(clippy::large_enum_variant)] // built once per sign-in; boxing buys nothing
pub enum LoginResult {
    AuthPayload(AuthPayload),
    TwoFactorChallenge(TwoFactorChallenge),
}

impl From<crate::services::auth::LoginOutcome> for LoginResult {
    fn from(o: crate::services::auth::LoginOutcome) -> Self {
        match o {
            crate::services::auth::LoginOutcome::Session(s) => LoginResult::AuthPayload((*s).into()),
            crate::services::auth::LoginOutcome::TwoFactorChallenge(t) => {
                LoginResult::TwoFactorChallenge(TwoFactorChallenge { challenge_token: t })
            }
        }
    }
}

#[derive(SimpleObject)]
pub struct TwoFactorSetup {
    /// Base32 secret, for typing into an authenticator app by hand.
    pub secret: String,
    pub otpauth_uri: String,
    /// The otpauth URI as a QR code, a standalone SVG document.
    pub qr_svg: String,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Invite {
    pub id: String,
    pub code: String,
    pub uses: i64,
    pub max_uses: i64,
    pub expires_at: DateTime<Utc>,
    #[graphql(skip)]
    pub created_by_id: String,
}

#[ComplexObject]
impl Invite {
    async fn created_by(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        let loader = ctx.data::<async_graphql::dataloader::DataLoader<crate::graphql::loaders::UserLoader>>()?;
        Ok(loader.load_one(self.created_by_id.clone()).await?.map(User::new))
    }
}

impl From<InviteRow> for Invite {
    fn from(r: InviteRow) -> Self {
        Self {
            id: r.id,
            code: r.code,
            uses: r.uses,
            max_uses: r.max_uses,
            expires_at: db::parse_db_time(&r.expires_at),
            created_by_id: r.created_by,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RegistrationMode {
    Open,
    Invite,
    Closed,
}

impl From<crate::config::Registration> for RegistrationMode {
    fn from(r: crate::config::Registration) -> Self {
        match r {
            crate::config::Registration::Open => RegistrationMode::Open,
            crate::config::Registration::Invite => RegistrationMode::Invite,
            crate::config::Registration::Closed => RegistrationMode::Closed,
        }
    }
}

#[derive(SimpleObject)]
pub struct AuthProvider {
    pub name: String,
    pub display_name: String,
}

#[derive(SimpleObject)]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    pub registration: RegistrationMode,
    /// True while no account exists: the first sign-up creates the administrator.
    pub needs_setup: bool,
    pub auth_providers: Vec<AuthProvider>,
    pub password_min_length: i32,
}
