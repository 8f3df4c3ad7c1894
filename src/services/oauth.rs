//! Sign-in and account linking through OAuth / OIDC providers.
//!
//! Rules (API.md): an identity is (issuer, subject) and always signs into the same account. A new
//! identity is linked by email only when both it and the account proved the address; any other
//! match is refused (the owner links from the profile). Otherwise a new account is made, for a
//! verified email only, when sign-up is open (the first account always).

use subtle::ConstantTimeEq;

use crate::auth::oidc::VerifiedIdentity;
use crate::auth::opaque;
use crate::config::Registration;
use crate::db::{oauth, users};
use crate::domain::user::{Email, Username};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::services::auth::{NewAccount, create_account};
use crate::services::sessions::Caller;
use crate::state::SharedState;

/// The provider URL to send the browser to, and the `state` it will come back with (the HTTP
/// layer binds it to the browser with a cookie). `link` is a code from `begin_link`.
pub async fn begin(state: &SharedState, provider: &str, link: Option<&str>) -> AppResult<(String, String)> {
    if state.auth.oidc.provider(provider).is_none() {
        return Err(AppError::not_found("sign-in provider"));
    }
    let link_user_id = match link {
        Some(code) => Some(
            state
                .auth
                .link_starts
                .remove(code)
                .ok_or_else(|| AppError::invalid("this link request has expired; start again from your profile"))?,
        ),
        None => None,
    };
    let (url, csrf_state, pending) = state.auth.oidc.begin(provider, link_user_id).await.map_err(|e| {
        tracing::warn!(provider, error = format!("{e:#}"), "OAuth start failed");
        AppError::new(ErrorKind::Internal, "the sign-in provider cannot be reached")
    })?;
    state.auth.pending_oauth.insert(csrf_state.clone(), pending);
    Ok((url, csrf_state))
}

/// Where to send the browser to link `provider` to the caller's account: the start route with a
/// one-time code (valid 5 minutes), so the round trip sets the browser-binding cookie.
pub async fn begin_link(state: &SharedState, caller: &Caller, provider: &str) -> AppResult<String> {
    if state.auth.oidc.provider(provider).is_none() {
        return Err(AppError::not_found("sign-in provider"));
    }
    let code = opaque::random_token();
    state.auth.link_starts.insert(code.clone(), caller.user_id.to_string());
    Ok(format!("/auth/oauth/{provider}/start?link={code}"))
}

/// An identity verified for linking, waiting for its account to confirm.
#[derive(Clone)]
pub struct PendingLink {
    user_id: String,
    provider: String,
    identity: VerifiedIdentity,
}

/// Links a verified identity, but only for the account that asked: a link started by someone
/// else (say, a URL sent to a victim) cannot attach the victim's identity to their account.
pub async fn complete_link(state: &SharedState, caller: &Caller, code: &str) -> AppResult<String> {
    let pending =
        state.auth.pending_links.remove(code).ok_or_else(|| AppError::invalid("this link has expired; try again"))?;
    if pending.user_id != caller.user_id {
        return Err(AppError::forbidden("this link was started by another account"));
    }
    let provider = pending.provider.clone();
    link(state, pending.user_id, pending.provider, pending.identity).await?;
    Ok(provider)
}

/// What the callback achieved, for the redirect back to the web UI.
pub enum CallbackOutcome {
    /// A one-time code the UI exchanges for tokens, and the secret for the cookie that binds it
    /// to this browser (see `redeem_login_code`).
    SignedIn { login_code: String, browser_binding: String },
    /// A one-time code the signed-in UI passes to `completeOAuthLink`.
    LinkPending { link_code: String },
}

/// A login code waiting to be redeemed: whose it is, and the SHA-256 of the cookie set in the
/// browser that finished the round trip.
#[derive(Clone)]
pub struct LoginCode {
    user_id: String,
    binding_hash: String,
}

/// Why a round trip did not sign anyone in; each is a short word for `#loginError=` that the web
/// UI turns into a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// The `state` is unknown, used or expired.
    InvalidState,
    /// The provider's code or ID token did not check out.
    InvalidToken,
    /// The provider gave no usable email.
    NoEmail,
    /// The provider does not vouch for the email, so it cannot make an account with it.
    UnverifiedEmail,
    /// An account has this email but it cannot be linked automatically: its owner signs in
    /// and links the provider from the profile.
    EmailInUse,
    RegistrationClosed,
    /// Something broke on our side; logged where it happened.
    Internal,
}

impl SignInRefusal {
    pub fn as_word(self) -> &'static str {
        match self {
            SignInRefusal::InvalidState => "invalid_state",
            SignInRefusal::InvalidToken => "invalid_token",
            SignInRefusal::NoEmail => "no_email",
            SignInRefusal::UnverifiedEmail => "unverified_email",
            SignInRefusal::EmailInUse => "email_in_use",
            SignInRefusal::RegistrationClosed => "registration_closed",
            SignInRefusal::Internal => "internal",
        }
    }
}

impl From<rusqlite::Error> for SignInRefusal {
    fn from(e: rusqlite::Error) -> Self {
        // A unique index refused a row another sign-in or sign-up wrote first: the email or the
        // identity is taken, which the person can act on.
        if crate::db::is_unique_violation(&e) {
            return SignInRefusal::EmailInUse;
        }
        AppError::from(e).into()
    }
}

/// Errors from the shared account rules (`create_account`), decided one by one.
impl From<AppError> for SignInRefusal {
    fn from(e: AppError) -> Self {
        match e.kind() {
            ErrorKind::Forbidden => SignInRefusal::RegistrationClosed,
            ErrorKind::Conflict => SignInRefusal::EmailInUse,
            ErrorKind::Internal => {
                e.log_if_internal();
                SignInRefusal::Internal
            }
            // None of these can come from making an account without an invite; if one does, it
            // is a bug worth a log line, not something to show.
            ErrorKind::NotFound
            | ErrorKind::Unauthenticated
            | ErrorKind::Invalid
            | ErrorKind::RateLimited { .. }
            | ErrorKind::TwoFactorRequired => {
                tracing::error!(error = ?e, "unexpected refusal while signing in through OAuth");
                SignInRefusal::Internal
            }
        }
    }
}

/// Finishes a provider round trip. Failure reasons become `#loginError=` words.
pub async fn callback(state: &SharedState, csrf_state: &str, code: &str) -> Result<CallbackOutcome, SignInRefusal> {
    let pending = state.auth.pending_oauth.remove(csrf_state).ok_or(SignInRefusal::InvalidState)?;
    let identity = state.auth.oidc.finish(code, &pending).await.map_err(|e| {
        tracing::warn!(provider = %pending.provider, error = format!("{e:#}"), "OAuth callback refused");
        SignInRefusal::InvalidToken
    })?;
    let provider = pending.provider.clone();
    if let Some(user_id) = pending.link_user_id {
        let link_code = opaque::random_token();
        state.auth.pending_links.insert(link_code.clone(), PendingLink { user_id, provider, identity });
        return Ok(CallbackOutcome::LinkPending { link_code });
    }
    let user_id = sign_in(state, provider, identity).await?;
    let login_code = opaque::random_token();
    let browser_binding = opaque::random_token();
    let binding_hash = opaque::sha256_hex(&browser_binding);
    state.auth.login_codes.insert(login_code.clone(), LoginCode { user_id, binding_hash });
    Ok(CallbackOutcome::SignedIn { login_code, browser_binding })
}

/// Takes a login code (it is spent whatever happens next) and returns its account, but only in
/// the browser that finished the round trip. Without this, an attacker could finish a sign-in
/// of their own and send the victim `/#loginCode=...`: the victim would be working in the
/// attacker's account (login CSRF), uploading and saving things the attacker can read.
pub fn redeem_login_code(state: &SharedState, code: &str, browser_binding: Option<&str>) -> AppResult<String> {
    let grant = state
        .auth
        .login_codes
        .remove(code)
        .ok_or_else(|| AppError::unauthenticated("this sign-in link has expired; try again"))?;
    let presented = opaque::sha256_hex(browser_binding.unwrap_or_default());
    if !bool::from(presented.as_bytes().ct_eq(grant.binding_hash.as_bytes())) {
        return Err(AppError::unauthenticated("this sign-in link was started in another browser; sign in again"));
    }
    Ok(grant.user_id)
}

async fn link(state: &SharedState, user_id: String, provider: String, id: VerifiedIdentity) -> AppResult<()> {
    state
        .db
        .transaction(move |tx| {
            match oauth::user_for_identity(tx, &id.issuer, &id.subject)? {
                Some(owner) if owner == user_id => return Ok(()),
                Some(_) => return Err(AppError::conflict("that sign-in is already linked to another account")),
                None => {}
            }
            if oauth::providers_for_user(tx, &user_id)?.contains(&provider) {
                return Err(AppError::conflict("a sign-in from this provider is already linked"));
            }
            oauth::link(tx, &user_id, &provider, &id.issuer, &id.subject, id.email.as_deref())?;
            // The account's owner (signed in) showed an identity whose provider vouches for the
            // account's own address: from now on the email counts as proven.
            let user = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            let same_email =
                id.email.as_deref().and_then(|e| Email::parse(e).ok()).is_some_and(|e| e.as_str() == user.email);
            if id.email_verified && same_email {
                users::mark_email_verified(tx, &user_id)?;
            }
            Ok(())
        })
        .await
}

/// Runs the sign-in rules in one transaction that is committed only when someone signs in; a
/// refusal or a failure leaves nothing behind.
async fn sign_in(state: &SharedState, provider: String, id: VerifiedIdentity) -> Result<String, SignInRefusal> {
    let mode = state.config.auth.registration;
    let outcome = state
        .db
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let outcome = decide(&tx, mode, &provider, &id);
            if outcome.is_ok() {
                tx.commit()?;
            }
            Ok(outcome)
        })
        .await;
    outcome.unwrap_or_else(|e| Err(e.into()))
}

/// The rules (API.md): a known identity signs in. An unknown one joins the account with its
/// email only when both sides proved the address: the provider vouches for it and the account
/// was proven too (password sign-up proves nothing, so a squatter's account never qualifies).
/// With no such account, a new one is made only for a vouched-for email, so nobody can take an
/// address they do not own.
fn decide(
    tx: &rusqlite::Transaction<'_>,
    mode: Registration,
    provider: &str,
    id: &VerifiedIdentity,
) -> Result<String, SignInRefusal> {
    if let Some(user_id) = oauth::user_for_identity(tx, &id.issuer, &id.subject)? {
        return Ok(user_id);
    }
    let email = id.email.as_deref().map(Email::parse).and_then(Result::ok).ok_or(SignInRefusal::NoEmail)?;
    if let Some(existing) = users::by_email(tx, email.as_str())? {
        let provable = id.email_verified && users::email_verified(tx, &existing.id)?;
        // One identity per provider and account (a unique index): a second subject of the same
        // provider with this email is someone else, or the same person's other account there.
        if !provable || oauth::providers_for_user(tx, &existing.id)?.iter().any(|p| p == provider) {
            return Err(SignInRefusal::EmailInUse);
        }
        oauth::link(tx, &existing.id, provider, &id.issuer, &id.subject, Some(email.as_str()))?;
        tracing::info!(user_id = %existing.id, provider, "OAuth identity linked by verified email");
        return Ok(existing.id.to_string());
    }
    if !id.email_verified {
        return Err(SignInRefusal::UnverifiedEmail);
    }
    let name = id.name.clone().unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_string());
    let username = Username::parse(&name).or_else(|_| Username::parse("New listener"))?;
    let new = NewAccount { email: &email, username: &username, password_hash: None, provider };
    let user = create_account(tx, mode, None, &new)?;
    users::mark_email_verified(tx, &user.id)?;
    oauth::link(tx, &user.id, provider, &id.issuer, &id.subject, Some(email.as_str()))?;
    tracing::info!(user_id = %user.id, provider, "account created through OAuth");
    Ok(user.id.to_string())
}

/// Refused when it would leave the account with no way to sign in.
pub async fn unlink(state: &SharedState, caller: &Caller, provider: String) -> AppResult<bool> {
    let user_id = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let user = users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            let identities = oauth::count_for_user(tx, &user_id)?;
            if user.password_hash.is_none() && identities <= 1 {
                return Err(AppError::invalid("set a password before removing your only sign-in provider"));
            }
            if oauth::unlink(tx, &user_id, &provider)? { Ok(true) } else { Err(AppError::not_found("linked provider")) }
        })
        .await
}
