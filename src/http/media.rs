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
use crate::db::{library, playlists, users};
use crate::error::AppError;
use crate::media::confine::Confinement;
use crate::media::transcode::cache::TranscodeCache;
use crate::media::transcode::stream::ChannelWriter;
use crate::media::transcode::{Format, Request as TranscodeRequest, Transcoder};

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
    /// Seconds into the track where a transcode starts.
    time_offset: Option<f64>,
}

/// A media token must be signed, unexpired, for this resource, and issued to an account that
/// is still enabled.
async fn authorize(state: &HttpState, token: Option<&str>, resource: &str) -> Result<(), AppError> {
    let refused = || AppError::unauthenticated("this media link has expired or is not valid");
    let claims = token.and_then(|t| state.app.signer.verify(t, TokenKind::Media)).ok_or_else(refused)?;
    if claims.res.as_deref() != Some(resource) {
        return Err(refused());
    }
    let viewer = claims.sub;
    let enabled = state.app.db.run(move |c| Ok(users::by_id(c, &viewer)?.is_some_and(|u| !u.disabled))).await?;
    if enabled { Ok(()) } else { Err(refused()) }
}

/// The original file, with HTTP Range (seeking), Last-Modified and the right Content-Type.
async fn stream(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(params): Query<MediaParams>,
    req: Request,
) -> Response {
    if let Err(r) = authorize(&state, params.t.as_deref(), &format!("stream/{id}")).await {
        return r.into_response();
    }
    let format = match params.format.as_deref() {
        None | Some("original") => None,
        Some("opus") => Some(Format::Opus),
        Some("mp3") => Some(Format::Mp3),
        Some(_) => return AppError::invalid("format must be original, opus or mp3").into_response(),
    };
    let track = match state.app.db.run(move |c| Ok(library::tracks_by_ids(c, &[id])?.pop())).await {
        Ok(Some(t)) => t,
        Ok(None) => return AppError::not_found("track").into_response(),
        Err(e) => return e.into_response(),
    };
    let Some(path) = confined(&state, PathBuf::from(&track.path)).await else {
        return AppError::not_found("the audio file (it may have been moved)").into_response();
    };
    if let Some(format) = format {
        return match transcode_response(&state, &track, &path, format, &params, req).await {
            Ok(r) => r,
            Err(e) => e.into_response(),
        };
    }
    let mime = crate::media::tags::content_type(&path, &track.codec);
    serve_file(&path, mime, req).await
}

/// The file with links resolved, if it lies inside a music folder or the data directory's media
/// folders; `None` otherwise (or when it is gone), so a link to `/etc/passwd` serves nothing.
async fn confined(state: &HttpState, path: PathBuf) -> Option<PathBuf> {
    let confinement = Confinement::for_serving(&state.app.config);
    let resolved = crate::telemetry::blocking(move || Ok(confinement.resolve(&path))).await.ok().flatten();
    if resolved.is_none() {
        tracing::warn!("refused to serve a file outside the music and data folders");
    }
    resolved
}

/// A file with Range support; 404 if it vanished from disk.
async fn serve_file(path: &std::path::Path, mime: &str, req: Request) -> Response {
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

/// Streams a transcode as it is encoded. A finished full-length transcode is cached on disk
/// and later served from there, with Range support.
async fn transcode_response(
    state: &HttpState,
    track: &library::TrackRow,
    source: &std::path::Path,
    format: Format,
    params: &MediaParams,
    req: Request,
) -> Result<Response, AppError> {
    let bitrate = params.bitrate.unwrap_or(match format {
        Format::Opus => 128,
        Format::Mp3 => 192,
    });
    if !(32..=320).contains(&bitrate) {
        return Err(AppError::invalid("bitrate must be between 32 and 320 kbps"));
    }
    let offset = params.time_offset.unwrap_or(0.0);
    if !(0.0..=track.duration + 1.0).contains(&offset) {
        return Err(AppError::invalid("timeOffset must be between 0 and the track's duration"));
    }
    let key = TranscodeCache::key(&track.id, track.file_size, format, bitrate);
    if offset == 0.0 {
        let (app, k) = (state.app.clone(), key.clone());
        if let Some(cached) = crate::telemetry::blocking(move || Ok(app.transcode_cache.lookup(&k))).await? {
            return Ok(serve_file(&cached, format.content_type(), req).await);
        }
    }
    // Wait for a free slot; a client that gives up while waiting simply drops this future.
    let permit = state.app.transcode_slots.clone().acquire_owned().await.map_err(AppError::internal)?;
    let request = TranscodeRequest { format, bitrate_kbps: bitrate, offset_secs: offset };
    let path = source.to_path_buf();
    let transcoder = crate::telemetry::blocking(move || {
        Transcoder::open(&path, request)
            .map_err(|e| AppError::invalid(format!("this track cannot be transcoded: {e:#}")))
    })
    .await?;
    let app = state.app.clone();
    let staged = if offset == 0.0 {
        crate::telemetry::blocking(move || Ok(app.transcode_cache.staging().ok())).await?
    } else {
        None
    };
    let tee = staged.as_ref().and_then(|s| s.as_file().try_clone().ok());
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let app = state.app.clone();
    let track_id = track.id.clone();
    let span = tracing::info_span!("transcode", track = %track_id, ?format, bitrate, offset);
    tokio::task::spawn_blocking(move || {
        let _span = span.enter();
        let started = std::time::Instant::now();
        tracing::info!("transcode started");
        let format_label = format.extension();
        let active = ActiveTranscode::start();
        // A decoder or encoder panic ends this stream, never the server, and frees the slot.
        let copy_failed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = ChannelWriter::new(tx, tee, copy_failed.clone());
        let run = std::panic::AssertUnwindSafe(|| transcoder.run(writer));
        let result = std::panic::catch_unwind(run).unwrap_or_else(|_| Err(anyhow::anyhow!("the transcoder crashed")));
        drop(active);
        drop(permit);
        let outcome = if result.is_ok() { "finished" } else { "stopped" };
        metrics::counter!("soundroom_transcodes_total", "format" => format_label, "outcome" => outcome).increment(1);
        match result {
            Ok(()) => {
                tracing::info!(seconds = format!("{:.2}", started.elapsed().as_secs_f64()), "transcode finished");
                if let Some(staged) = staged.filter(|_| !copy_failed.load(std::sync::atomic::Ordering::Relaxed))
                    && let Err(e) = app.transcode_cache.commit(staged, &key)
                {
                    tracing::warn!(error = %e, "could not cache a transcode");
                }
            }
            // Usually the listener left; the partial output is dropped with `staged`.
            Err(e) => tracing::info!(reason = format!("{e:#}"), "transcode stopped"),
        }
    });
    let body = Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("none"));
    Ok(response)
}

/// Counts a running transcode in `/metrics` for as long as it lives.
struct ActiveTranscode;

impl ActiveTranscode {
    fn start() -> Self {
        metrics::gauge!("soundroom_transcodes_active").increment(1.0);
        Self
    }
}

impl Drop for ActiveTranscode {
    fn drop(&mut self) {
        metrics::gauge!("soundroom_transcodes_active").decrement(1.0);
    }
}

async fn cover(
    State(state): State<HttpState>,
    Path((kind, id)): Path<(String, String)>,
    Query(params): Query<MediaParams>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&state, params.t.as_deref(), &format!("cover/{kind}/{id}")).await {
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
                "playlist" => playlists::by_id(c, &id)?.and_then(|p| p.image_path).map(PathBuf::from),
                _ => None,
            })
        })
        .await;
    let path = match found {
        Ok(Some(path)) => path,
        Ok(None) => return AppError::not_found("image").into_response(),
        Err(e) => return e.into_response(),
    };
    match confined(&state, path).await {
        Some(path) => send_image(&state, path, params.size, &headers).await,
        None => AppError::not_found("image").into_response(),
    }
}

/// Thumbnail sizes are snapped to these, so a client cannot make thousands of variants.
const THUMBNAIL_SIZES: &[u32] = &[32, 64, 128, 256, 512, 1024];

fn snap_thumbnail_size(requested: u32) -> u32 {
    THUMBNAIL_SIZES.iter().copied().find(|&s| s >= requested).unwrap_or(1024)
}

/// Decoding a large image takes tens of megabytes; a few at a time keeps memory bounded.
static THUMBNAIL_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Sends the image, or a JPEG thumbnail of it when `size` is given (cached in memory).
async fn send_image(state: &HttpState, path: PathBuf, size: Option<u32>, headers: &HeaderMap) -> Response {
    let size = size.map(snap_thumbnail_size);
    let etag =
        format!("\"{}-{}\"", &crate::auth::opaque::sha256_hex(&path.display().to_string())[..16], size.unwrap_or(0));
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let (bytes, mime) = match size {
        // The type comes from the content: a file that is not a picture is never sent.
        None => match tokio::fs::read(&path).await {
            Ok(b) => match crate::media::artwork::image_extension(&b) {
                Some(ext) => (b, mime_guess::from_ext(ext).first_or_octet_stream().to_string()),
                None => return AppError::not_found("image").into_response(),
            },
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
    let _slot = THUMBNAIL_SLOTS.acquire().await.map_err(AppError::internal)?;
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
