//! `/media/...`: files opened by a short-lived signed media token (`?t=`), which names the one
//! resource it opens; the access token never appears in a URL.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower::ServiceExt;

use super::HttpState;
use crate::auth::jwt::TokenKind;
use crate::db::{library, users};
use crate::error::AppError;

pub fn routes() -> Router<HttpState> {
    Router::new().route("/media/cover/{kind}/{id}", get(cover)).route("/media/stream/{id}", get(stream))
}

#[derive(Deserialize)]
struct MediaParams {
    t: Option<String>,
    size: Option<u32>,
    format: Option<String>,
}

fn authorize(state: &HttpState, token: Option<&str>, resource: &str) -> Result<(), AppError> {
    let valid = token
        .and_then(|t| state.app.signer.verify(t, TokenKind::Media))
        .is_some_and(|c| c.res.as_deref() == Some(resource));
    if valid { Ok(()) } else { Err(AppError::unauthenticated("this media link has expired or is not valid")) }
}

/// The original file, with HTTP Range (seeking), Last-Modified and the right Content-Type.
async fn stream(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(params): Query<MediaParams>,
    req: Request,
) -> Response {
    if let Err(r) = authorize(&state, params.t.as_deref(), &format!("stream/{id}")) {
        return r.into_response();
    }
    if params.format.as_deref().is_some_and(|f| f != "original") {
        return AppError::invalid("only format=original is available").into_response();
    }
    let track = match state.app.db.run(move |c| Ok(library::tracks_by_ids(c, &[id])?.pop())).await {
        Ok(Some(t)) => t,
        Ok(None) => return AppError::not_found("track").into_response(),
        Err(e) => return e.into_response(),
    };
    let path = PathBuf::from(&track.path);
    let mime = crate::media::tags::content_type(&path, &track.codec);
    let serve = tower_http::services::ServeFile::new_with_mime(&path, &mime.parse().expect("valid mime"));
    match serve.oneshot(req).await {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => {
            AppError::not_found("the audio file (it may have been moved)").into_response()
        }
        Ok(response) => {
            let mut response = response.map(Body::new);
            // Signed URLs are private to whoever got them; the content never changes under an id.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
            response
        }
        Err(e) => AppError::internal(e).into_response(),
    }
}

async fn cover(
    State(state): State<HttpState>,
    Path((kind, id)): Path<(String, String)>,
    Query(params): Query<MediaParams>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&state, params.t.as_deref(), &format!("cover/{kind}/{id}")) {
        return r.into_response();
    }
    let avatars = state.app.data_path("avatars");
    let found = state
        .app
        .db
        .run(move |c| {
            Ok(match kind.as_str() {
                "user" => users::by_id(c, &id)?.and_then(|u| u.avatar_path).map(|p| avatars.join(p)),
                "album" => library::albums_by_ids(c, &[id])?.pop().and_then(|a| a.cover_path).map(PathBuf::from),
                "artist" => library::artists_by_ids(c, &[id])?.pop().and_then(|a| a.image_path).map(PathBuf::from),
                _ => None,
            })
        })
        .await;
    match found {
        Ok(Some(path)) => send_image(&state, path, params.size, &headers).await,
        Ok(None) => AppError::not_found("image").into_response(),
        Err(e) => e.into_response(),
    }
}

/// Sends the image, or a JPEG thumbnail of it when `size` is given (cached in memory).
async fn send_image(state: &HttpState, path: PathBuf, size: Option<u32>, headers: &HeaderMap) -> Response {
    let size = size.map(|s| s.clamp(16, 2048));
    let etag =
        format!("\"{}-{}\"", &crate::auth::opaque::sha256_hex(&path.display().to_string())[..16], size.unwrap_or(0));
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let (bytes, mime) = match size {
        None => match tokio::fs::read(&path).await {
            Ok(b) => (b, mime_guess::from_path(&path).first_or_octet_stream().to_string()),
            Err(_) => return AppError::not_found("image").into_response(),
        },
        Some(px) => match thumbnail(state, path, px).await {
            Ok(b) => (b, "image/jpeg".to_string()),
            Err(e) => return e.into_response(),
        },
    };
    let mut response = ([(header::CONTENT_TYPE, mime)], bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

async fn thumbnail(state: &HttpState, path: PathBuf, px: u32) -> Result<Vec<u8>, AppError> {
    let key = format!("{}@{px}", path.display());
    if let Some(hit) = state.app.thumbnails.get(&key) {
        return Ok(hit.to_vec());
    }
    let bytes = crate::telemetry::blocking(move || {
        crate::media::artwork::resize(&path, px).map_err(|e| AppError::invalid(format!("cannot read this image: {e}")))
    })
    .await?;
    state.app.thumbnails.insert(key, bytes.clone().into());
    Ok(bytes)
}

/// The in-memory thumbnail cache: bounded by total bytes, idle entries expire.
pub fn thumbnail_cache() -> moka::sync::Cache<String, std::sync::Arc<[u8]>> {
    moka::sync::Cache::builder()
        .weigher(|_k, v: &std::sync::Arc<[u8]>| v.len().try_into().unwrap_or(u32::MAX))
        .max_capacity(64 * 1024 * 1024)
        .time_to_idle(Duration::from_secs(3600))
        .build()
}
