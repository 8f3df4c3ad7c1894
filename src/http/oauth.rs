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
            let secure = if state.app.config.server.base_url.starts_with("https://") { "; Secure" } else { "" };
            let cookie = format!(
                "{STATE_COOKIE}={}; Path=/auth/oauth; Max-Age=600; HttpOnly; SameSite=Lax{secure}",
                crate::auth::opaque::sha256_hex(&csrf)
            );
            let mut response = no_store(Redirect::to(&url));
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) if e.kind() == crate::error::ErrorKind::NotFound => e.into_response(),
        Err(e) if e.kind() == crate::error::ErrorKind::Invalid => no_store(Redirect::to("/#loginError=link_expired")),
        Err(_) => no_store(Redirect::to("/#loginError=provider_unavailable")),
    }
}

fn state_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(&format!("{STATE_COOKIE}=")).map(str::to_string))
        .next()
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
    if state.app.oidc.provider(&provider).is_none() {
        return AppError::not_found("sign-in provider").into_response();
    }
    if params.error.is_some() {
        // The person cancelled at the provider, or it refused; drop the pending state.
        if let Some(s) = &params.state {
            state.app.pending_oauth.remove(s);
        }
        return no_store(Redirect::to("/#loginError=access_denied"));
    }
    let (Some(code), Some(csrf)) = (params.code, params.state) else {
        return no_store(Redirect::to("/#loginError=invalid_request"));
    };
    if state_cookie(&headers).as_deref() != Some(crate::auth::opaque::sha256_hex(&csrf).as_str()) {
        state.app.pending_oauth.remove(&csrf);
        return no_store(Redirect::to("/#loginError=invalid_state"));
    }
    match oauth::callback(&state.app, &csrf, &code).await {
        Ok(CallbackOutcome::SignedIn { login_code }) => no_store(Redirect::to(&format!("/#loginCode={login_code}"))),
        Ok(CallbackOutcome::LinkPending { link_code }) => {
            no_store(Redirect::to(&format!("/#/profile?linkCode={link_code}")))
        }
        Err(reason) => no_store(Redirect::to(&format!("/#loginError={reason}"))),
    }
}

fn no_store(redirect: Redirect) -> Response {
    let mut response = redirect.into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
