//! `/media/...`: files opened by a short-lived signed media token (`?t=`), which names the one
//! resource it opens; the access token never appears in a URL.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::HttpState;
use crate::auth::jwt::TokenKind;
use crate::db::users;
use crate::error::AppError;

pub fn routes() -> Router<HttpState> {
    Router::new().route("/media/cover/{kind}/{id}", get(cover))
}

#[derive(Deserialize)]
struct MediaParams {
    t: Option<String>,
}

async fn cover(
    State(state): State<HttpState>,
    Path((kind, id)): Path<(String, String)>,
    Query(params): Query<MediaParams>,
    headers: HeaderMap,
) -> Response {
    let resource = format!("cover/{kind}/{id}");
    let valid = params
        .t
        .as_deref()
        .and_then(|t| state.app.signer.verify(t, TokenKind::Media))
        .is_some_and(|c| c.res.as_deref() == Some(resource.as_str()));
    if !valid {
        return AppError::unauthenticated("this media link has expired or is not valid").into_response();
    }
    let file_name = match kind.as_str() {
        "user" => state.app.db.run(move |conn| Ok(users::by_id(conn, &id)?.and_then(|u| u.avatar_path))).await,
        _ => return AppError::not_found("image").into_response(),
    };
    match file_name {
        Ok(Some(name)) => send_image(&state.app.data_path("avatars").join(&name), &name, &headers).await,
        Ok(None) => AppError::not_found("image").into_response(),
        Err(e) => e.into_response(),
    }
}

async fn send_image(path: &std::path::Path, name: &str, headers: &HeaderMap) -> Response {
    // The stored name is unique per upload, so it doubles as a strong validator.
    let etag = format!("\"{name}\"");
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let Ok(bytes) = tokio::fs::read(path).await else {
        return AppError::not_found("image").into_response();
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let mut response = ([(header::CONTENT_TYPE, mime.as_ref().to_owned())], bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}
