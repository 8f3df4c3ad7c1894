//! Sign-in and account linking through OAuth / OIDC providers.
//!
//! Rules (API.md): an identity is (issuer, subject) and always signs into the same account. A new
//! identity whose *verified* email matches an account is linked to it; an unverified match is
//! refused. Otherwise a new account is made when sign-up is open (the first account always).

use crate::auth::oidc::VerifiedIdentity;
use crate::auth::opaque;
use crate::db::{oauth, users};
use crate::domain::user::{Email, Username};
use crate::error::{AppError, AppResult};
use crate::services::auth::{NewAccount, create_account};
use crate::services::sessions::Caller;
use crate::state::SharedState;

/// The provider URL to send the browser to, and the `state` it will come back with (the HTTP
/// layer binds it to the browser with a cookie). `link` is a code from `begin_link`.
pub async fn begin(state: &SharedState, provider: &str, link: Option<&str>) -> AppResult<(String, String)> {
    if state.oidc.provider(provider).is_none() {
        return Err(AppError::not_found("sign-in provider"));
    }
    let link_user_id = match link {
        Some(code) => Some(
            state
                .link_starts
                .remove(code)
                .ok_or_else(|| AppError::invalid("this link request has expired; start again from your profile"))?,
        ),
        None => None,
    };
    let (url, csrf_state, pending) = state.oidc.begin(provider, link_user_id).await.map_err(|e| {
        tracing::warn!(provider, error = format!("{e:#}"), "OAuth start failed");
        AppError::new(crate::error::ErrorKind::Internal, "the sign-in provider cannot be reached")
    })?;
    state.pending_oauth.insert(csrf_state.clone(), pending);
    Ok((url, csrf_state))
}

/// Where to send the browser to link `provider` to the caller's account: the start route with a
/// one-time code (valid 5 minutes), so the round trip sets the browser-binding cookie.
pub async fn begin_link(state: &SharedState, caller: &Caller, provider: &str) -> AppResult<String> {
    if state.oidc.provider(provider).is_none() {
        return Err(AppError::not_found("sign-in provider"));
    }
    let code = opaque::random_token();
    state.link_starts.insert(code.clone(), caller.user_id.clone());
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
        state.pending_links.remove(code).ok_or_else(|| AppError::invalid("this link has expired; try again"))?;
    if pending.user_id != caller.user_id {
        return Err(AppError::forbidden("this link was started by another account"));
    }
    let provider = pending.provider.clone();
    link(state, pending.user_id, pending.provider, pending.identity).await.map_err(|reason| match reason {
        "identity_in_use" => AppError::conflict("that sign-in is already linked to another account"),
        "provider_already_linked" => AppError::conflict("a sign-in from this provider is already linked"),
        _ => AppError::internal(anyhow::anyhow!("linking failed: {reason}")),
    })?;
    Ok(provider)
}

/// What the callback achieved, for the redirect back to the web UI.
pub enum CallbackOutcome {
    /// A one-time code the UI exchanges for tokens.
    SignedIn { login_code: String },
    /// A one-time code the signed-in UI passes to `completeOAuthLink`.
    LinkPending { link_code: String },
}

/// Finishes a provider round trip. Failure reasons are short machine words for `#loginError=`.
pub async fn callback(state: &SharedState, csrf_state: &str, code: &str) -> Result<CallbackOutcome, &'static str> {
    let pending = state.pending_oauth.remove(csrf_state).ok_or("invalid_state")?;
    let identity = state.oidc.finish(code, &pending).await.map_err(|e| {
        tracing::warn!(provider = %pending.provider, error = format!("{e:#}"), "OAuth callback refused");
        "invalid_token"
    })?;
    let provider = pending.provider.clone();
    if let Some(user_id) = pending.link_user_id {
        let link_code = opaque::random_token();
        state.pending_links.insert(link_code.clone(), PendingLink { user_id, provider, identity });
        return Ok(CallbackOutcome::LinkPending { link_code });
    }
    let user_id = sign_in(state, provider, identity).await?;
    let login_code = opaque::random_token();
    state.login_codes.insert(login_code.clone(), user_id);
    Ok(CallbackOutcome::SignedIn { login_code })
}

async fn link(
    state: &SharedState,
    user_id: String,
    provider: String,
    id: VerifiedIdentity,
) -> Result<(), &'static str> {
    state
        .db
        .transaction(move |tx| {
            match oauth::user_for_identity(tx, &id.issuer, &id.subject)? {
                Some(owner) if owner == user_id => return Ok(Ok(())),
                Some(_) => return Ok(Err("identity_in_use")),
                None => {}
            }
            if oauth::providers_for_user(tx, &user_id)?.contains(&provider) {
                return Ok(Err("provider_already_linked"));
            }
            oauth::link(tx, &user_id, &provider, &id.issuer, &id.subject, id.email.as_deref())?;
            Ok(Ok(()))
        })
        .await
        .map_err(|_| "internal")?
}

async fn sign_in(state: &SharedState, provider: String, id: VerifiedIdentity) -> Result<String, &'static str> {
    let mode = state.config.auth.registration;
    let result = state
        .db
        .transaction(move |tx| {
            if let Some(user_id) = oauth::user_for_identity(tx, &id.issuer, &id.subject)? {
                return Ok(Ok(user_id));
            }
            let email = match id.email.as_deref().map(Email::parse) {
                Some(Ok(e)) => e,
                _ => return Ok(Err("no_email")),
            };
            if let Some(existing) = users::by_email(tx, email.as_str())? {
                if !id.email_verified {
                    return Ok(Err("unverified_email"));
                }
                oauth::link(tx, &existing.id, &provider, &id.issuer, &id.subject, Some(email.as_str()))?;
                return Ok(Ok(existing.id));
            }
            let name = id.name.clone().unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_string());
            let username = Username::parse(&name).or_else(|_| Username::parse("New listener"))?;
            let new = NewAccount { email: &email, username: &username, password_hash: None, provider: &provider };
            let user = match create_account(tx, mode, None, &new) {
                Ok(u) => u,
                Err(e) if e.kind() == crate::error::ErrorKind::Forbidden => return Ok(Err("registration_closed")),
                Err(e) => return Err(e),
            };
            oauth::link(tx, &user.id, &provider, &id.issuer, &id.subject, Some(email.as_str()))?;
            tracing::info!(user_id = %user.id, provider = %provider, "account created through OAuth");
            Ok(Ok(user.id))
        })
        .await;
    match result {
        Ok(inner) => inner,
        Err(e) => {
            e.log_if_internal();
            Err("internal")
        }
    }
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
