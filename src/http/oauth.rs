//! `/auth/oauth/{provider}/start` and `/callback`: the browser legs of an OAuth sign-in.
//! The result goes back to the web UI in the URL fragment (never the query string, so it is
//! not sent to servers or kept in their logs), as a one-time code or an error word.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
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

async fn start(State(state): State<HttpState>, Path(provider): Path<String>) -> Response {
    match oauth::begin(&state.app, &provider, None).await {
        Ok(url) => no_store(Redirect::to(&url)),
        Err(e) if e.kind() == crate::error::ErrorKind::NotFound => e.into_response(),
        Err(_) => no_store(Redirect::to("/#loginError=provider_unavailable")),
    }
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
    match oauth::callback(&state.app, &csrf, &code).await {
        Ok(CallbackOutcome::SignedIn { login_code }) => no_store(Redirect::to(&format!("/#loginCode={login_code}"))),
        Ok(CallbackOutcome::Linked { provider }) => no_store(Redirect::to(&format!("/#/profile?linked={provider}"))),
        Err(reason) => no_store(Redirect::to(&format!("/#loginError={reason}"))),
    }
}

fn no_store(redirect: Redirect) -> Response {
    let mut response = redirect.into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
