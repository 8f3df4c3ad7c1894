//! `/media/...`: files opened by a short-lived signed media grant (`?t=`), which names the one
//! resource it opens; the access token never appears in a URL. The media service decides what
//! to send; this module only speaks HTTP (Range, caching headers, 304).

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower::ServiceExt;

use super::HttpState;
use crate::error::AppError;
use crate::services::media::{self, Audio, StreamRequest};

pub fn routes() -> Router<HttpState> {
    Router::new().route("/media/cover/{kind}/{id}", get(cover)).route("/media/stream/{id}", get(stream))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MediaParams {
    t: Option<String>,
    size: Option<u32>,
    format: Option<String>,
    bitrate: Option<u32>,
    time_offset: Option<f64>,
}

async fn stream(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(params): Query<MediaParams>,
    req: Request,
) -> Response {
    let app = &state.app;
    if let Err(e) = media::check_grant(app, params.t.as_deref(), &format!("stream/{id}")).await {
        return e.into_response();
    }
    let request =
        StreamRequest { format: params.format, bitrate_kbps: params.bitrate, offset_secs: params.time_offset };
    match media::stream(app, id, request).await {
        Ok(Audio::File { path, content_type }) => serve_file(&path, content_type, req).await,
        Ok(Audio::Live { chunks, content_type }) => live(chunks, content_type),
        Err(e) => e.into_response(),
    }
}

/// A file with Range support; 404 if it vanished from disk.
pub(crate) async fn serve_file(path: &std::path::Path, mime: &str, req: Request) -> Response {
    let serve = tower_http::services::ServeFile::new_with_mime(path, &mime.parse().expect("valid mime"));
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

/// A transcode streamed as it is encoded: no length, no Range, not cached by the browser.
pub(crate) fn live(
    chunks: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>,
    content_type: &'static str,
) -> Response {
    let mut response = Response::new(Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(chunks)));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("none"));
    response
}

async fn cover(
    State(state): State<HttpState>,
    Path((kind, id)): Path<(String, String)>,
    Query(params): Query<MediaParams>,
    headers: HeaderMap,
) -> Response {
    let app = &state.app;
    if let Err(e) = media::check_grant(app, params.t.as_deref(), &format!("cover/{kind}/{id}")).await {
        return e.into_response();
    }
    let known = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    match media::picture(app, kind, id, params.size, known).await {
        Ok(None) => StatusCode::NOT_MODIFIED.into_response(),
        Ok(Some(picture)) => {
            let mut response = ([(header::CONTENT_TYPE, picture.content_type)], picture.bytes).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
            if let Ok(v) = HeaderValue::from_str(&picture.etag) {
                h.insert(header::ETAG, v);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}
