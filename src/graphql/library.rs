//! Artist, Album and Track objects. Nested fields go through dataloaders.

use async_graphql::{Context, Enum, ID, Lookahead, Object};
use chrono::{DateTime, Utc};

use crate::domain::ids::{AlbumId, ArtistId};
use crate::graphql::batch_loader::BatchLoader;
use crate::graphql::loaders::*;
use crate::graphql::pagination::{self, Page};
use crate::graphql::{GqlResult, state};
use crate::services::library;
use crate::services::library::{AlbumRow, ArtistRow, TrackFilter, TrackRow};

/// A media URL for the caller (see `services::media::grant_url`). `version` changes when the
/// content does, so browsers can cache images by URL.
pub fn media_url(ctx: &Context<'_>, resource: &str, version: Option<&str>) -> String {
    let viewer = crate::graphql::caller_opt(ctx).map(|c| c.user_id.to_string()).unwrap_or_default();
    media_url_for(ctx, &viewer, resource, version)
}

/// A media URL issued to `viewer`: the link stops working if that account is disabled.
pub fn media_url_for(ctx: &Context<'_>, viewer: &str, resource: &str, version: Option<&str>) -> String {
    crate::services::media::grant_url(state(ctx), viewer, resource, version)
}

pub struct Artist(pub ArtistRow);
pub struct Album(pub AlbumRow);
pub struct Track(pub TrackRow);

#[Object]
impl Artist {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn genre(&self) -> Option<&str> {
        self.0.genre.as_deref()
    }
    async fn image_url(&self, ctx: &Context<'_>) -> Option<String> {
        self.0
            .image_path
            .as_ref()
            .map(|_| media_url(ctx, &format!("cover/artist/{}", self.0.id), Some(&self.0.updated_at)))
    }
    #[graphql(complexity = "50 * child_complexity + 1")]
    async fn albums(&self, ctx: &Context<'_>) -> GqlResult<Vec<Album>> {
        let me = crate::graphql::caller(ctx)?;
        let (rows, _) = library::albums(
            state(ctx),
            &me,
            library::AlbumFilter::by_artist(&self.0.id),
            false,
            Default::default(),
            0,
            500,
        )
        .await?;
        Ok(rows.into_iter().map(Album).collect())
    }
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity + 1")]
    async fn tracks(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> GqlResult<Page<Track>> {
        let filter = TrackFilter { artist_id: Some(self.0.id.to_string()), ..Default::default() };
        track_page(ctx, filter, Default::default(), first.unwrap_or(50), after).await
    }
    async fn track_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        let loader = ctx.data::<BatchLoader<ArtistTrackCountLoader>>()?;
        Ok(loader.load_one(self.0.id.to_string()).await?.unwrap_or(0))
    }
    /// Whether it is among your favourite artists.
    async fn is_favorite(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        let loader = ctx.data::<BatchLoader<ArtistFavoriteLoader>>()?;
        Ok(loader.load_one(self.0.id.to_string()).await?.unwrap_or(false))
    }
}

#[Object]
impl Album {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn artist(&self, ctx: &Context<'_>) -> GqlResult<Option<Artist>> {
        load_artist(ctx, self.0.artist_id.as_ref()).await
    }
    async fn year(&self) -> Option<i64> {
        self.0.year
    }
    async fn cover_url(&self, ctx: &Context<'_>) -> Option<String> {
        album_cover_url(ctx, &self.0)
    }
    /// Whether it is among your favourite albums.
    async fn is_favorite(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        let loader = ctx.data::<BatchLoader<AlbumFavoriteLoader>>()?;
        Ok(loader.load_one(self.0.id.to_string()).await?.unwrap_or(false))
    }
    /// In disc and track order.
    #[graphql(complexity = "30 * child_complexity + 1")]
    async fn tracks(&self, ctx: &Context<'_>) -> GqlResult<Vec<Track>> {
        let filter = TrackFilter { album_id: Some(self.0.id.to_string()), ..Default::default() };
        let me = crate::graphql::caller(ctx)?;
        let (rows, _) = library::tracks(state(ctx), &me, filter, Default::default(), 0, 1000).await?;
        Ok(rows.into_iter().map(Track).collect())
    }
    /// Total length in seconds.
    async fn duration(&self, ctx: &Context<'_>) -> GqlResult<f64> {
        let loader = ctx.data::<BatchLoader<AlbumDurationLoader>>()?;
        Ok(loader.load_one(self.0.id.to_string()).await?.unwrap_or(0.0))
    }
}

fn album_cover_url(ctx: &Context<'_>, album: &AlbumRow) -> Option<String> {
    let path = album.cover_path.as_ref()?;
    Some(media_url(ctx, &format!("cover/album/{}", album.id), Some(&crate::auth::opaque::sha256_hex(path)[..8])))
}

/// Fetches what the query asks of the artists in `rows` (a page's rows) before they are
/// resolved, one query per field (see `BatchLoader::prefetch`).
pub async fn prefetch_artist_fields(ctx: &Context<'_>, rows: &[ArtistRow]) -> GqlResult<()> {
    let node = page_rows(ctx);
    let ids = || rows.iter().map(|r| r.id.to_string());
    futures_util::try_join!(
        prefetch_when::<ArtistTrackCountLoader, _>(ctx, &node, &["trackCount"], ids),
        prefetch_when::<ArtistFavoriteLoader, _>(ctx, &node, &["isFavorite"], ids),
    )?;
    Ok(())
}

/// As `prefetch_artist_fields`, for albums.
pub async fn prefetch_album_fields(ctx: &Context<'_>, rows: &[AlbumRow]) -> GqlResult<()> {
    let node = page_rows(ctx);
    let ids = || rows.iter().map(|r| r.id.to_string());
    let artist_ids = || rows.iter().filter_map(|r| r.artist_id.as_ref().map(ToString::to_string));
    futures_util::try_join!(
        prefetch_when::<ArtistLoader, _>(ctx, &node, &["artist"], artist_ids),
        prefetch_when::<AlbumFavoriteLoader, _>(ctx, &node, &["isFavorite"], ids),
        prefetch_when::<AlbumDurationLoader, _>(ctx, &node, &["duration"], ids),
    )?;
    Ok(())
}

/// As `prefetch_artist_fields`, for tracks.
pub async fn prefetch_track_fields(ctx: &Context<'_>, rows: &[TrackRow]) -> GqlResult<()> {
    let node = page_rows(ctx);
    let ids = || rows.iter().map(|r| r.id.to_string());
    let artist_ids = || rows.iter().filter_map(|r| r.artist_id.as_ref().map(ToString::to_string));
    let album_ids = || rows.iter().filter_map(|r| r.album_id.as_ref().map(ToString::to_string));
    futures_util::try_join!(
        prefetch_when::<ArtistLoader, _>(ctx, &node, &["artist"], artist_ids),
        prefetch_when::<AlbumLoader, _>(ctx, &node, &["album", "coverUrl"], album_ids),
        prefetch_when::<FavoriteLoader, _>(ctx, &node, &["isFavorite"], ids),
        prefetch_when::<PlayStatsLoader, _>(ctx, &node, &["playCount", "lastPlayedAt"], ids),
    )?;
    Ok(())
}

/// Where a page's rows are in the query: `edges { node }` or `nodes`.
fn page_rows<'a>(ctx: &'a Context<'_>) -> [Lookahead<'a>; 2] {
    [ctx.look_ahead().field("edges").field("node"), ctx.look_ahead().field("nodes")]
}

/// Prefetches `keys()` into loader `L` when the rows (`node`) ask for any of `fields`.
async fn prefetch_when<L, K>(
    ctx: &Context<'_>,
    node: &[Lookahead<'_>],
    fields: &[&str],
    keys: impl FnOnce() -> K,
) -> GqlResult<()>
where
    L: async_graphql::dataloader::Loader<String, Error = async_graphql::Error>,
    K: IntoIterator<Item = String>,
{
    // Only in queries: what a prefetch finds is kept for the rest of the request, and a
    // mutation's later fields may change it (a subscription's request lasts for hours).
    let reading = ctx.query_env.operation.node.ty == async_graphql::parser::types::OperationType::Query;
    if reading && node.iter().any(|rows| fields.iter().any(|field| rows.field(field).exists())) {
        ctx.data::<BatchLoader<L>>()?.prefetch(keys()).await?;
    }
    Ok(())
}

async fn load_artist(ctx: &Context<'_>, id: Option<&ArtistId>) -> GqlResult<Option<Artist>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.data::<BatchLoader<ArtistLoader>>()?.load_one(id.to_string()).await?.map(Artist))
}

async fn load_album(ctx: &Context<'_>, id: Option<&AlbumId>) -> GqlResult<Option<AlbumRow>> {
    let Some(id) = id else { return Ok(None) };
    ctx.data::<BatchLoader<AlbumLoader>>()?.load_one(id.to_string()).await
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum StreamFormat {
    /// The file as stored, with HTTP Range support.
    #[default]
    Original,
    /// Ogg Opus, transcoded in the server (what browsers play best).
    Opus,
    /// MP3, transcoded in the server.
    #[graphql(name = "MP3")]
    Mp3,
}

#[Object]
impl Track {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn genre(&self) -> Option<&str> {
        self.0.genre.as_deref()
    }
    /// Seconds.
    async fn duration(&self) -> f64 {
        self.0.duration
    }
    async fn artist(&self, ctx: &Context<'_>) -> GqlResult<Option<Artist>> {
        load_artist(ctx, self.0.artist_id.as_ref()).await
    }
    async fn album(&self, ctx: &Context<'_>) -> GqlResult<Option<Album>> {
        Ok(load_album(ctx, self.0.album_id.as_ref()).await?.map(Album))
    }
    async fn track_number(&self) -> Option<i64> {
        self.0.track_number
    }
    async fn disc_number(&self) -> Option<i64> {
        self.0.disc_number
    }
    async fn year(&self) -> Option<i64> {
        self.0.year
    }
    async fn codec(&self) -> &str {
        &self.0.codec
    }
    /// Bits per second.
    async fn bitrate(&self) -> Option<i64> {
        self.0.bitrate
    }
    async fn sample_rate(&self) -> Option<i64> {
        self.0.sample_rate
    }
    async fn channels(&self) -> Option<i64> {
        self.0.channels
    }
    async fn file_size(&self) -> i64 {
        self.0.file_size
    }
    /// `library` (from the music folders) or `upload`.
    async fn source(&self) -> &str {
        self.0.source.as_str()
    }
    /// Where the file is: relative to its music folder, or `uploads/<file>` for an upload.
    async fn path(&self, ctx: &Context<'_>) -> String {
        library::display_path(state(ctx), &self.0)
    }
    /// Your rating, 1–5; 0 when you have not rated it.
    async fn rating(&self, ctx: &Context<'_>) -> GqlResult<i32> {
        let loader = ctx.data::<BatchLoader<TrackRatingLoader>>()?;
        Ok(loader.load_one(self.0.id.to_string()).await?.map_or(0, i32::from))
    }
    /// Lyrics found beside the file (`.lrc`) or in its tags; null when there are none.
    async fn lyrics(&self, ctx: &Context<'_>) -> GqlResult<Option<Lyrics>> {
        Ok(ctx.data::<BatchLoader<LyricsLoader>>()?.load_one(self.0.id.to_string()).await?.map(Lyrics))
    }
    async fn cover_url(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        Ok(load_album(ctx, self.0.album_id.as_ref()).await?.and_then(|a| album_cover_url(ctx, &a)))
    }
    async fn is_favorite(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        Ok(ctx.data::<BatchLoader<FavoriteLoader>>()?.load_one(self.0.id.to_string()).await?.unwrap_or(false))
    }
    async fn created_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.created_at)?)
    }
    /// How many times you played it.
    async fn play_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(self.play_stats(ctx).await?.map_or(0, |(n, _)| n))
    }
    /// When you last played it.
    async fn last_played_at(&self, ctx: &Context<'_>) -> GqlResult<Option<DateTime<Utc>>> {
        match self.play_stats(ctx).await? {
            Some((_, at)) => Ok(Some(crate::domain::time::parse_stored(&at)?)),
            None => Ok(None),
        }
    }
    /// Whether the caller may edit or delete this track (its uploader, or an admin).
    async fn can_edit(&self, ctx: &Context<'_>) -> bool {
        crate::graphql::caller_opt(ctx).is_some_and(|c| library::may_edit(c, &self.0).is_ok())
    }
    /// A signed, short-lived URL of the audio. `bitrate` (kbps, 32–320) applies to transcodes;
    /// append `&timeOffset=<seconds>` to start a transcode mid-track.
    async fn stream_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] format: StreamFormat,
        bitrate: Option<i32>,
    ) -> String {
        let url = media_url(ctx, &format!("stream/{}", self.0.id), None);
        let format = match format {
            StreamFormat::Original => return url,
            StreamFormat::Opus => "opus",
            StreamFormat::Mp3 => "mp3",
        };
        match bitrate {
            Some(b) => format!("{url}&format={format}&bitrate={b}"),
            None => format!("{url}&format={format}"),
        }
    }
}

pub struct Lyrics(crate::domain::lyrics::Lyrics);

#[Object]
impl Lyrics {
    /// Whether lines carry start times (LRC).
    async fn synced(&self) -> bool {
        self.0.synced
    }
    async fn lines(&self) -> Vec<LyricLine> {
        self.0.lines.iter().map(|l| LyricLine { start_ms: l.start_ms, text: l.text.clone() }).collect()
    }
    /// The whole text, one line per line.
    async fn text(&self) -> String {
        self.0.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
    }
}

#[derive(async_graphql::SimpleObject)]
pub struct LyricLine {
    /// Milliseconds from the start; null for unsynced lyrics.
    start_ms: Option<i64>,
    text: String,
}

/// One page of tracks as a Relay connection.
impl Track {
    async fn play_stats(&self, ctx: &Context<'_>) -> GqlResult<Option<(i64, String)>> {
        let loader = ctx.data::<BatchLoader<PlayStatsLoader>>()?;
        loader.load_one(self.0.id.to_string()).await
    }
}

/// Between a track's name and id in a cursor (ids never hold it).
const KEY_SEPARATOR: char = '\u{1f}';

pub async fn track_page(
    ctx: &Context<'_>,
    filter: TrackFilter,
    sort: crate::services::library::TrackSort,
    first: i32,
    after: Option<String>,
) -> GqlResult<Page<Track>> {
    let me = crate::graphql::caller(ctx)?;
    let (offset, limit) = pagination::window(first, after.as_deref())?;
    let key = after.as_deref().and_then(pagination::key).and_then(|k| {
        let (name, id) = k.rsplit_once(KEY_SEPARATOR)?;
        Some((name.to_owned(), id.to_owned()))
    });
    let keyed = library::keyset_applies(&filter, sort);
    let (rows, total) = library::tracks_after(state(ctx), &me, filter, sort, offset, key, limit).await?;
    prefetch_track_fields(ctx, &rows).await?;
    let tracks = rows.into_iter().map(Track).collect();
    if keyed {
        Ok(pagination::page_with_keys(tracks, offset, total, |t| format!("{}{KEY_SEPARATOR}{}", t.0.name, t.0.id)))
    } else {
        Ok(pagination::page(tracks, offset, total))
    }
}
