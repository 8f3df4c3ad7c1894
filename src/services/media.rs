//! Media use cases, for every edge that serves audio or pictures (`/media/*` now, the Subsonic
//! `stream`/`getCoverArt` and room members next): signed grants, which file to send, the
//! transcode policy (formats, bitrates, offsets), slots, the transcode cache, and thumbnails.
//! Every file leaves through `confined`, so nothing outside the library is ever served.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::auth::jwt::TokenKind;
use crate::db::{library, playlists, rooms, users};
use crate::error::{AppError, AppResult};
use crate::media::confine::Confinement;
use crate::media::transcode::cache::TranscodeCache;
use crate::media::transcode::stream::ChannelWriter;
use crate::media::transcode::{Format, Request as TranscodeRequest, Transcoder};
use crate::state::SharedState;
use crate::telemetry::blocking;

/// Media links live long enough for a long track to be fetched and seeked in.
pub const GRANT_SECS: i64 = 4 * 3600;

/// The URL that opens `resource` (e.g. `stream/<id>`, `cover/album/<id>`) for `viewer`.
/// `version` changes when the content does, so browsers can cache by URL.
pub fn grant_url(state: &SharedState, viewer: &str, resource: &str, version: Option<&str>) -> String {
    let key = (viewer.to_string(), resource.to_string());
    let token = state
        .media
        .grants
        .get_with(key, || state.auth.signer.sign(TokenKind::Media, viewer, GRANT_SECS, None, Some(resource)).into());
    match version {
        Some(v) => format!("/media/{resource}?t={token}&v={v}"),
        None => format!("/media/{resource}?t={token}"),
    }
}

/// Signed media links, reused for half their life: signing was most of the cost of a page of
/// 500 album covers, and a link that stays the same lets the browser cache the image. Whether
/// the viewer may still see it is checked when it is used (`check_grant`), not here.
pub fn grant_cache() -> moka::sync::Cache<(String, String), std::sync::Arc<str>> {
    moka::sync::Cache::builder()
        .max_capacity(200_000)
        .time_to_live(std::time::Duration::from_secs((GRANT_SECS / 2) as u64))
        .build()
}

/// A grant must be signed, unexpired, for this resource, and issued to an account that is
/// still enabled.
pub async fn check_grant(state: &SharedState, token: Option<&str>, resource: &str) -> AppResult<()> {
    let refused = || AppError::unauthenticated("this media link has expired or is not valid");
    let claims = token.and_then(|t| state.auth.signer.verify(t, TokenKind::Media)).ok_or_else(refused)?;
    if claims.res.as_deref() != Some(resource) {
        return Err(refused());
    }
    let viewer = claims.sub;
    // Links issued to a room open its tracks for every member (guests too) while it is open.
    if let Some(room) = viewer.strip_prefix("room:").map(str::to_string) {
        let open = state.db.run(move |c| Ok(rooms::by_id(c, &room)?.is_some_and(|r| r.closed_at.is_none()))).await?;
        return if open { Ok(()) } else { Err(refused()) };
    }
    let enabled = state.db.run(move |c| Ok(users::by_id(c, &viewer)?.is_some_and(|u| !u.disabled))).await?;
    if enabled { Ok(()) } else { Err(refused()) }
}

/// What a client asked for: the original, or a transcode.
#[derive(Debug, Default, Clone)]
pub struct StreamRequest {
    /// `None`, `original`, `opus` or `mp3`.
    pub format: Option<String>,
    pub bitrate_kbps: Option<u32>,
    /// Seconds into the track where a transcode starts.
    pub offset_secs: Option<f64>,
}

/// What to send.
pub enum Audio {
    /// A file on disk (the original or a cached transcode), to serve with Range support.
    File { path: PathBuf, content_type: &'static str },
    /// A transcode as it is encoded; dropping the receiver stops the encoder.
    Live { chunks: mpsc::Receiver<Result<Bytes, std::io::Error>>, content_type: &'static str },
}

pub async fn stream(state: &SharedState, track_id: String, request: StreamRequest) -> AppResult<Audio> {
    let format = match request.format.as_deref() {
        None | Some("original") => None,
        Some("opus") => Some(Format::Opus),
        Some("mp3") => Some(Format::Mp3),
        Some(_) => return Err(AppError::invalid("format must be original, opus or mp3")),
    };
    let track = state
        .db
        .run(move |c| Ok(library::tracks_by_ids(c, &[track_id])?.pop()))
        .await?
        .ok_or_else(|| AppError::not_found("track"))?;
    let path = confined(state, PathBuf::from(&track.path))
        .await
        .ok_or_else(|| AppError::not_found("the audio file (it may have been moved)"))?;
    match format {
        None => Ok(Audio::File { content_type: crate::media::tags::content_type(&path, &track.codec), path }),
        Some(format) => transcode(state, &track, path, format, &request).await,
    }
}

/// The file with links resolved, if it lies inside a music folder or the data directory's
/// media folders; `None` otherwise (or when it is gone).
async fn confined(state: &SharedState, path: PathBuf) -> Option<PathBuf> {
    let confinement = Confinement::for_serving(&state.config);
    let resolved = blocking(move || Ok(confinement.resolve(&path))).await.ok().flatten();
    if resolved.is_none() {
        tracing::warn!("refused to serve a file outside the music and data folders");
    }
    resolved
}

async fn transcode(
    state: &SharedState,
    track: &library::TrackRow,
    source: PathBuf,
    format: Format,
    request: &StreamRequest,
) -> AppResult<Audio> {
    let bitrate = request.bitrate_kbps.unwrap_or(match format {
        Format::Opus => 128,
        Format::Mp3 => 192,
    });
    if !(32..=320).contains(&bitrate) {
        return Err(AppError::invalid("bitrate must be between 32 and 320 kbps"));
    }
    let offset = request.offset_secs.unwrap_or(0.0);
    if !(0.0..=track.duration + 1.0).contains(&offset) {
        return Err(AppError::invalid("timeOffset must be between 0 and the track's duration"));
    }
    let key = TranscodeCache::key(&track.id, track.file_size, format, bitrate);
    let content_type = format.content_type();
    if offset == 0.0 {
        let (st, k) = (state.clone(), key.clone());
        if let Some(path) = blocking(move || Ok(st.media.transcode_cache.lookup(&k))).await? {
            return Ok(Audio::File { path, content_type });
        }
    }
    // Wait for a free slot; a client that gives up while waiting simply drops this future.
    let permit = state.media.transcode_slots.clone().acquire_owned().await.map_err(AppError::internal)?;
    let job = TranscodeRequest { format, bitrate_kbps: bitrate, offset_secs: offset };
    let transcoder = blocking(move || {
        Transcoder::open(&source, job).map_err(|e| AppError::invalid(format!("this track cannot be transcoded: {e:#}")))
    })
    .await?;
    // Only a whole track is worth keeping.
    let staged = if offset == 0.0 {
        let st = state.clone();
        blocking(move || Ok(st.media.transcode_cache.staging().ok())).await?
    } else {
        None
    };
    let (tx, chunks) = mpsc::channel(8);
    let span = tracing::info_span!("transcode", track = %track.id, ?format, bitrate, offset);
    let st = state.clone();
    crate::telemetry::spawn_blocking_job(span, move || {
        run_transcode(&st, transcoder, tx, staged, &key);
        drop(permit);
    });
    Ok(Audio::Live { chunks, content_type })
}

/// Encodes into the channel (and the cache file), never letting a decoder or encoder panic
/// reach the server; keeps the cached copy only when everything was written.
fn run_transcode(
    state: &SharedState,
    transcoder: Transcoder,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    staged: Option<tempfile::NamedTempFile>,
    key: &str,
) {
    let started = std::time::Instant::now();
    tracing::info!("transcode started");
    let format_label = transcoder.format().extension();
    let active = ActiveTranscode::start();
    let tee = staged.as_ref().and_then(|s| s.as_file().try_clone().ok());
    let copy_failed = Arc::new(AtomicBool::new(false));
    let writer = ChannelWriter::new(tx, tee, copy_failed.clone());
    let run = std::panic::AssertUnwindSafe(|| transcoder.run(writer));
    let result = std::panic::catch_unwind(run).unwrap_or_else(|_| Err(anyhow::anyhow!("the transcoder crashed")));
    drop(active);
    let outcome = if result.is_ok() { "finished" } else { "stopped" };
    metrics::counter!("soundroom_transcodes_total", "format" => format_label, "outcome" => outcome).increment(1);
    match result {
        Ok(()) => {
            tracing::info!(seconds = format!("{:.2}", started.elapsed().as_secs_f64()), "transcode finished");
            if let Some(staged) = staged.filter(|_| !copy_failed.load(Ordering::Relaxed))
                && let Err(e) = state.media.transcode_cache.commit(staged, key)
            {
                tracing::warn!(error = %e, "could not cache a transcode");
            }
        }
        // Usually the listener left; the partial output is dropped with `staged`.
        Err(e) => tracing::info!(reason = format!("{e:#}"), "transcode stopped"),
    }
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

/// A picture to send.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub content_type: String,
    /// Stable while the file and size are.
    pub etag: String,
}

/// Thumbnail sizes are snapped to these, so a client cannot make thousands of variants.
const THUMBNAIL_SIZES: &[u32] = &[32, 64, 128, 256, 512, 1024];

/// Decoding a large image takes tens of megabytes; a few at a time keeps memory bounded.
static THUMBNAIL_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

fn snap_thumbnail_size(requested: u32) -> u32 {
    THUMBNAIL_SIZES.iter().copied().find(|&s| s >= requested).unwrap_or(1024)
}

/// Where the picture of `kind` (`user`, `album`, `artist`, `playlist`) `id` is, confined.
async fn picture_path(state: &SharedState, kind: String, id: String) -> AppResult<PathBuf> {
    let avatars = state.config.storage.data_dir.join("avatars");
    let found = state
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
        .await?
        .ok_or_else(|| AppError::not_found("image"))?;
    confined(state, found).await.ok_or_else(|| AppError::not_found("image"))
}

fn etag_of(path: &Path, size: Option<u32>) -> String {
    let name = crate::auth::opaque::sha256_hex(&path.display().to_string());
    format!("\"{}-{}\"", &name[..16], size.unwrap_or(0))
}

/// The picture, or a JPEG thumbnail of it when `size` is given (cached in memory); `None` when
/// the client already has it (`known_etag`). A file that is not an image by its content is
/// never sent.
pub async fn picture(
    state: &SharedState,
    kind: String,
    id: String,
    size: Option<u32>,
    known_etag: Option<&str>,
) -> AppResult<Option<Picture>> {
    let path = picture_path(state, kind, id).await?;
    let size = size.map(snap_thumbnail_size);
    let etag = etag_of(&path, size);
    if known_etag == Some(etag.as_str()) {
        return Ok(None);
    }
    let Some(px) = size else {
        let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::not_found("image"))?;
        let ext = crate::media::artwork::image_extension(&bytes).ok_or_else(|| AppError::not_found("image"))?;
        let content_type = mime_guess::from_ext(ext).first_or_octet_stream().to_string();
        return Ok(Some(Picture { bytes, content_type, etag }));
    };
    let bytes = thumbnail(state, path, px).await?;
    Ok(Some(Picture { bytes, content_type: "image/jpeg".into(), etag }))
}

async fn thumbnail(state: &SharedState, path: PathBuf, px: u32) -> AppResult<Vec<u8>> {
    let key = format!("{}@{px}", path.display());
    if let Some(hit) = state.media.thumbnails.get(&key) {
        return Ok(hit.to_vec());
    }
    let _slot = THUMBNAIL_SLOTS.acquire().await.map_err(AppError::internal)?;
    if let Some(hit) = state.media.thumbnails.get(&key) {
        return Ok(hit.to_vec());
    }
    let bytes = blocking(move || {
        crate::media::artwork::resize(&path, px).map_err(|e| AppError::invalid(format!("cannot read this image: {e}")))
    })
    .await?;
    state.media.thumbnails.insert(key, bytes.clone().into());
    Ok(bytes)
}

/// The in-memory thumbnail cache: bounded by total bytes, idle entries expire.
pub fn thumbnail_cache() -> moka::sync::Cache<String, Arc<[u8]>> {
    moka::sync::Cache::builder()
        .weigher(|_k, v: &Arc<[u8]>| v.len().try_into().unwrap_or(u32::MAX))
        .max_capacity(64 * 1024 * 1024)
        .time_to_idle(std::time::Duration::from_secs(3600))
        .build()
}
