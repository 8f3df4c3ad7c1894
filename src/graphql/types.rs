//! GraphQL object types over service rows.

use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};

use crate::domain::time::parse_stored;
use crate::graphql::GqlResult;
use crate::graphql::{caller_opt, state};
use crate::services::accounts::UserRow;
use crate::services::accounts::UserView;
use crate::services::admin::InviteRow;
use crate::services::sessions::Session;
use crate::services::social::Friendship;

/// A person, as the accounts service lets the caller see them.
pub struct User(UserView);

impl User {
    /// `row` as the caller sees it.
    pub fn seen(ctx: &Context<'_>, row: UserRow) -> Self {
        Self(UserView::seen_by(caller_opt(ctx), row))
    }
    pub fn own(row: UserRow) -> Self {
        Self(UserView::own(row))
    }
}

impl From<UserView> for User {
    fn from(view: UserView) -> Self {
        Self(view)
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
        self.0.id()
    }
    async fn username(&self) -> &str {
        self.0.username()
    }
    async fn tag(&self) -> &str {
        self.0.tag()
    }
    /// A signed, short-lived URL of the avatar image.
    async fn avatar_url(&self, ctx: &Context<'_>) -> Option<String> {
        if !self.0.has_avatar() {
            return None;
        }
        let res = format!("cover/user/{}", self.0.id());
        // A just-registered account sees its own avatar before it has a caller in the context.
        let viewer = caller_opt(ctx).map_or(self.0.id(), |c| c.user_id.as_str());
        Some(crate::graphql::library::media_url_for(
            ctx,
            viewer,
            &res,
            Some(&version_of(self.0.updated_at()).to_string()),
        ))
    }
    /// Only the account itself and administrators see the email address.
    async fn email(&self) -> Option<&str> {
        self.0.email()
    }
    /// How the account was created: `password`, `google` or an OIDC provider's name. Empty
    /// for other people (only the account itself and administrators see it).
    async fn provider(&self) -> &str {
        self.0.provider().unwrap_or_default()
    }
    /// Only the account itself and administrators see it; false for other people.
    async fn two_factor_enabled(&self) -> bool {
        self.0.two_factor_enabled().unwrap_or(false)
    }
    /// Only the account itself and administrators see it; false for other people.
    async fn is_admin(&self) -> bool {
        self.0.is_admin().unwrap_or(false)
    }
    /// Whether friends see what this account plays; only the account itself sees it (null
    /// for everyone else).
    async fn share_activity(&self) -> Option<bool> {
        self.0.share_activity()
    }
    /// Visible to administrators only; always false for others.
    async fn disabled(&self) -> bool {
        self.0.disabled().unwrap_or(false)
    }
    async fn created_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(parse_stored(self.0.created_at())?)
    }
    async fn friendship(&self, ctx: &Context<'_>) -> GqlResult<FriendshipStatus> {
        let Some(me) = caller_opt(ctx) else { return Ok(FriendshipStatus::None) };
        if me.user_id == self.0.id() {
            return Ok(FriendshipStatus::Myself);
        }
        let status = crate::services::social::friendship(state(ctx), me, self.0.id().to_string()).await?;
        Ok(match status {
            Friendship::None => FriendshipStatus::None,
            Friendship::Friends => FriendshipStatus::Friends,
            Friendship::RequestSent => FriendshipStatus::RequestSent,
            Friendship::RequestReceived => FriendshipStatus::RequestReceived,
        })
    }
    /// OAuth providers linked to this account; only the account itself sees them.
    async fn linked_providers(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        if !self.0.is_self() {
            return Ok(Vec::new());
        }
        Ok(crate::services::accounts::linked_providers(state(ctx), self.0.id().to_string()).await?)
    }
}

/// A cache-busting number that changes whenever the row does (the stored text itself would
/// do; a hash keeps URLs short).
fn version_of(updated_at: &str) -> u64 {
    let digest = crate::auth::opaque::sha256_hex(updated_at);
    u64::from_str_radix(&digest[..12], 16).unwrap_or_default()
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
        let loader = ctx.data::<crate::graphql::batch_loader::BatchLoader<crate::graphql::loaders::UserLoader>>()?;
        Ok(loader.load_one(self.created_by_id.clone()).await?.map(|r| User::seen(ctx, r)))
    }
}

impl TryFrom<InviteRow> for Invite {
    type Error = crate::error::AppError;
    fn try_from(r: InviteRow) -> Result<Self, Self::Error> {
        Ok(Self {
            id: r.id,
            code: r.code,
            uses: r.uses,
            max_uses: r.max_uses,
            expires_at: parse_stored(&r.expires_at)?,
            created_by_id: r.created_by,
        })
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
