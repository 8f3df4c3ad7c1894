//! `/auth/oauth/{provider}/start` and `/callback`: the browser legs of an OAuth sign-in.
//! The result goes back to the web UI in the URL fragment (never the query string, so it is
//! not sent to servers or kept in their logs), as a one-time code or an error word.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::HttpState;
use crate::error::AppError;
use crate::services::oauth::{self, CallbackOutcome};

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/auth/oauth/{provider}/start", get(start))
        .route("/auth/oauth/{provider}/callback", get(callback))
}

/// The cookie that ties a round trip to the browser that started it: without it, someone
/// could make a victim's browser finish a sign-in the attacker began (login CSRF).
const STATE_COOKIE: &str = "soundroom_oauth";

/// The cookie that ties a login code to the browser that finished the round trip, so a code
/// pasted or linked into another browser is worthless (login CSRF). Only `/graphql` sees it,
/// Strict keeps other sites' requests from carrying it, and it lives as long as the code.
const LOGIN_COOKIE: &str = "soundroom_login";

#[derive(Deserialize)]
struct StartParams {
    link: Option<String>,
}

async fn start(
    State(state): State<HttpState>,
    Path(provider): Path<String>,
    Query(params): Query<StartParams>,
) -> Response {
    match oauth::begin(&state.app, &provider, params.link.as_deref()).await {
        Ok((url, csrf)) => {
            let cookie = format!(
                "{STATE_COOKIE}={}; Path=/auth/oauth; Max-Age=600; HttpOnly; SameSite=Lax{}",
                crate::auth::opaque::sha256_hex(&csrf),
                secure_flag(&state)
            );
            with_cookie(no_store(Redirect::to(&url)), &cookie)
        }
        Err(e) if e.kind() == crate::error::ErrorKind::NotFound => e.into_response(),
        Err(e) if e.kind() == crate::error::ErrorKind::Invalid => no_store(Redirect::to("/#loginError=link_expired")),
        Err(_) => no_store(Redirect::to("/#loginError=provider_unavailable")),
    }
}

fn secure_flag(state: &HttpState) -> &'static str {
    if state.app.config.server.base_url.starts_with("https://") { "; Secure" } else { "" }
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(&prefix).map(str::to_string))
        .next()
}

/// The login-binding cookie of a `/graphql` request, for `exchangeLoginCode`.
pub(super) fn login_binding(headers: &HeaderMap) -> Option<String> {
    cookie(headers, LOGIN_COOKIE)
}

#[derive(Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<HttpState>,
    Path(provider): Path<String>,
    Query(params): Query<CallbackParams>,
    headers: HeaderMap,
) -> Response {
    if state.app.auth.oidc.provider(&provider).is_none() {
        return AppError::not_found("sign-in provider").into_response();
    }
    if params.error.is_some() {
        // The person cancelled at the provider, or it refused; drop the pending state.
        if let Some(s) = &params.state {
            state.app.auth.pending_oauth.remove(s);
        }
        return no_store(Redirect::to("/#loginError=access_denied"));
    }
    let (Some(code), Some(csrf)) = (params.code, params.state) else {
        return no_store(Redirect::to("/#loginError=invalid_request"));
    };
    if cookie(&headers, STATE_COOKIE).as_deref() != Some(crate::auth::opaque::sha256_hex(&csrf).as_str()) {
        state.app.auth.pending_oauth.remove(&csrf);
        return no_store(Redirect::to("/#loginError=invalid_state"));
    }
    match oauth::callback(&state.app, &csrf, &code).await {
        Ok(outcome) => back_to_the_app(&state, outcome),
        Err(reason) => no_store(Redirect::to(&format!("/#loginError={}", reason.as_word()))),
    }
}

/// The redirect into the web UI with the one-time code the round trip earned.
fn back_to_the_app(state: &HttpState, outcome: CallbackOutcome) -> Response {
    match outcome {
        CallbackOutcome::SignedIn { login_code, browser_binding } => {
            // Not cleared after the exchange: the cookie is harmless once its one-time code is
            // spent, and gone in 120 s anyway.
            let cookie = format!(
                "{LOGIN_COOKIE}={browser_binding}; Path=/graphql; Max-Age=120; HttpOnly; SameSite=Strict{}",
                secure_flag(state)
            );
            with_cookie(no_store(Redirect::to(&format!("/#loginCode={login_code}"))), &cookie)
        }
        CallbackOutcome::LinkPending { link_code } => {
            no_store(Redirect::to(&format!("/#/profile?linkCode={link_code}")))
        }
    }
}

fn no_store(redirect: Redirect) -> Response {
    let mut response = redirect.into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
