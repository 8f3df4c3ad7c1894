//! Library queries and mutations: browse, search, edit, upload, scan.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Upload};
use chrono::{DateTime, Utc};

use crate::graphql::library::{Album, Artist, Track, track_page};
use crate::graphql::pagination::{self, Page};
use crate::graphql::playlists::Playlist;
use crate::graphql::types::User;
use crate::graphql::{GqlResult, caller, state};
use crate::services::library::{AlbumFilter, TrackFilter};
use crate::services::{albums, library, tracks};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum TrackSort {
    #[default]
    Name,
    DateAdded,
    Year,
}

impl From<TrackSort> for crate::services::library::TrackSort {
    fn from(s: TrackSort) -> Self {
        match s {
            TrackSort::Name => Self::Name,
            TrackSort::DateAdded => Self::DateAdded,
            TrackSort::Year => Self::Year,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum AlbumSort {
    #[default]
    Title,
    /// Your most recently played first.
    RecentlyPlayed,
    /// Your most played first.
    MostPlayed,
    /// Recently added first.
    Newest,
    /// By year, oldest first; albums without a year last.
    Year,
    /// By the album artist's name.
    Artist,
    /// A fresh shuffle on every call (pages are not stable).
    Random,
    /// Your highest rated first.
    HighestRated,
}

impl From<AlbumSort> for crate::services::library::AlbumSort {
    fn from(s: AlbumSort) -> Self {
        match s {
            AlbumSort::Title => Self::Title,
            AlbumSort::RecentlyPlayed => Self::RecentlyPlayed,
            AlbumSort::MostPlayed => Self::MostPlayed,
            AlbumSort::Newest => Self::Newest,
            AlbumSort::Year => Self::Year,
            AlbumSort::Artist => Self::ArtistName,
            AlbumSort::Random => Self::Random,
            AlbumSort::HighestRated => Self::HighestRated,
        }
    }
}

#[derive(SimpleObject)]
pub struct SearchResults {
    pub artists: Vec<Artist>,
    pub albums: Vec<Album>,
    pub tracks: Vec<Track>,
    pub playlists: Vec<Playlist>,
    pub users: Vec<User>,
}

#[derive(SimpleObject)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct LibraryStatus {
    pub scanning: bool,
    pub tracks: i64,
    pub albums: i64,
    pub artists: i64,
    pub last_scan_started_at: Option<DateTime<Utc>>,
    pub last_scan_finished_at: Option<DateTime<Utc>>,
    pub last_scan_duration_ms: Option<i64>,
    pub skipped: Vec<SkippedFile>,
}

async fn library_status(ctx: &Context<'_>, status: library::ScanStatus) -> GqlResult<LibraryStatus> {
    let counts = library::counts(state(ctx)).await?;
    let time = |t: Option<String>| t.map(|t| crate::domain::time::parse_stored(&t)).transpose();
    Ok(LibraryStatus {
        scanning: status.scanning,
        tracks: counts.tracks,
        albums: counts.albums,
        artists: counts.artists,
        last_scan_started_at: time(status.last_started_at)?,
        last_scan_finished_at: time(status.last_finished_at)?,
        last_scan_duration_ms: status.last_duration_ms,
        skipped: status.skipped.into_iter().map(|(path, reason)| SkippedFile { path, reason }).collect(),
    })
}

fn search_filter(search: Option<String>) -> Option<String> {
    search.as_deref().and_then(crate::services::library::fts_query)
}

#[derive(Default)]
pub struct LibraryQuery;

#[Object]
impl LibraryQuery {
    async fn artist(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Artist>> {
        Ok(library::artist(state(ctx), &caller(ctx)?, id.0).await?.map(Artist))
    }

    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn artists(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
        search: Option<String>,
        genre: Option<String>,
        #[graphql(default, desc = "Only your favourite artists.")] favorites: bool,
    ) -> GqlResult<Page<Artist>> {
        let me = caller(ctx)?;
        let (offset, limit) = pagination::window(first, after.as_deref())?;
        let (rows, total) =
            library::artists(state(ctx), &me, search_filter(search), genre, favorites, offset, limit).await?;
        crate::graphql::library::prefetch_artist_fields(ctx, &rows).await?;
        Ok(pagination::page(rows.into_iter().map(Artist).collect(), offset, total))
    }

    async fn album(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Album>> {
        Ok(library::album(state(ctx), &caller(ctx)?, id.0).await?.map(Album))
    }

    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn albums(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
        search: Option<String>,
        artist_id: Option<ID>,
        genre: Option<String>,
        #[graphql(default)] sort: AlbumSort,
        #[graphql(default, desc = "Only your favourite albums.")] favorites: bool,
    ) -> GqlResult<Page<Album>> {
        let me = caller(ctx)?;
        let (offset, limit) = pagination::window(first, after.as_deref())?;
        let filter = AlbumFilter {
            search: search_filter(search),
            artist_id: artist_id.map(|i| i.0),
            genre,
            ..AlbumFilter::default()
        };
        let (rows, total) = library::albums(state(ctx), &me, filter, favorites, sort.into(), offset, limit).await?;
        crate::graphql::library::prefetch_album_fields(ctx, &rows).await?;
        Ok(pagination::page(rows.into_iter().map(Album).collect(), offset, total))
    }

    async fn track(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Track>> {
        Ok(library::track(state(ctx), &caller(ctx)?, id.0).await?.map(Track))
    }

    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn tracks(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
        search: Option<String>,
        artist_id: Option<ID>,
        album_id: Option<ID>,
        genre: Option<String>,
        #[graphql(default)] sort: TrackSort,
    ) -> GqlResult<Page<Track>> {
        let filter = TrackFilter {
            search: search_filter(search),
            artist_id: artist_id.map(|i| i.0),
            album_id: album_id.map(|i| i.0),
            genre,
            favorites_of: None,
        };
        track_page(ctx, filter, sort.into(), first, after).await
    }

    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn favorites(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Page<Track>> {
        let me = caller(ctx)?;
        let filter = TrackFilter { favorites_of: Some(me.user_id.to_string()), ..Default::default() };
        track_page(ctx, filter, Default::default(), first, after).await
    }

    async fn genres(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        Ok(library::genres(state(ctx), &caller(ctx)?).await?)
    }

    /// Prefix, case- and diacritic-insensitive search across the library, playlists and people.
    #[graphql(complexity = "first.max(1) as usize * 5 * child_complexity + 1")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(default = 10)] first: i32,
    ) -> GqlResult<SearchResults> {
        let first = first.clamp(1, 50) as usize;
        let hits = library::search(state(ctx), &caller(ctx)?, &query, first).await?;
        Ok(SearchResults {
            artists: hits.artists.into_iter().map(Artist).collect(),
            albums: hits.albums.into_iter().map(Album).collect(),
            tracks: hits.tracks.into_iter().map(Track).collect(),
            playlists: hits.playlists.into_iter().map(Playlist).collect(),
            users: hits.users.into_iter().map(|r| User::seen(ctx, r)).collect(),
        })
    }

    /// Scan state and library size (admin).
    async fn library_status(&self, ctx: &Context<'_>) -> GqlResult<LibraryStatus> {
        let status = library::scan_status(&caller(ctx)?, state(ctx))?;
        library_status(ctx, status).await
    }
}

#[derive(InputObject, Default)]
pub struct TrackInput {
    pub name: Option<String>,
    pub genre: Option<String>,
    pub artist_name: Option<String>,
    pub album_title: Option<String>,
    pub track_number: Option<i32>,
    pub disc_number: Option<i32>,
    pub year: Option<i32>,
}

impl From<TrackInput> for tracks::TrackChange {
    fn from(i: TrackInput) -> Self {
        Self {
            name: i.name,
            genre: i.genre,
            artist_name: i.artist_name,
            album_title: i.album_title,
            track_number: i.track_number,
            disc_number: i.disc_number,
            year: i.year,
        }
    }
}

#[derive(InputObject)]
pub struct ArtistInput {
    pub name: Option<String>,
    pub genre: Option<String>,
    /// A picture of the artist (PNG, JPEG, GIF or WebP).
    pub image: Option<Upload>,
}

impl ArtistInput {
    fn into_change(self, ctx: &Context<'_>) -> GqlResult<tracks::ArtistChange> {
        let image = self.image.map(|u| crate::graphql::account::read_image(ctx, u)).transpose()?;
        Ok(tracks::ArtistChange { name: self.name, genre: self.genre, image })
    }
}

#[derive(InputObject)]
pub struct AlbumInput {
    pub title: Option<String>,
    pub year: Option<i32>,
    /// Moves the album to this artist (created if new).
    pub artist_name: Option<String>,
    /// A cover image (PNG, JPEG, GIF or WebP).
    pub cover: Option<Upload>,
}

#[derive(Default)]
pub struct LibraryMutation;

#[Object]
impl LibraryMutation {
    /// Adds an audio file; tags fill what `input` leaves out. Identical content is refused.
    #[graphql(name = "uploadTrack")]
    async fn upload_track(&self, ctx: &Context<'_>, file: Upload, input: Option<TrackUploadInput>) -> GqlResult<Track> {
        let me = caller(ctx)?;
        let value =
            file.value(ctx).map_err(|e| crate::error::AppError::invalid(format!("cannot read the upload: {e}")))?;
        let change = input.map(|i| i.fields.into()).unwrap_or_default();
        Ok(Track(tracks::upload(state(ctx), &me, value.content, value.filename, change).await?))
    }

    async fn update_track(&self, ctx: &Context<'_>, id: ID, input: TrackInput) -> GqlResult<Track> {
        Ok(Track(tracks::update(state(ctx), &caller(ctx)?, id.0, input.into()).await?))
    }

    /// Also removes it from every playlist and favourite list. An upload's file is deleted; a
    /// file from the music folders stays on disk and is hidden from later scans
    /// (`hiddenTracks`, `restoreHiddenTrack`).
    async fn delete_track(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(tracks::delete(state(ctx), &caller(ctx)?, id.0).await?)
    }

    /// Admins, or the uploader of every track on the album.
    async fn update_album(&self, ctx: &Context<'_>, id: ID, input: AlbumInput) -> GqlResult<Album> {
        let cover = input.cover.map(|u| crate::graphql::account::read_image(ctx, u)).transpose()?;
        let change =
            albums::AlbumChange { title: input.title, year: input.year, artist_name: input.artist_name, cover };
        Ok(Album(albums::update(state(ctx), &caller(ctx)?, id.0, change).await?))
    }

    async fn create_artist(&self, ctx: &Context<'_>, input: ArtistInput) -> GqlResult<Artist> {
        let change = input.into_change(ctx)?;
        Ok(Artist(tracks::create_artist(state(ctx), &caller(ctx)?, change).await?))
    }

    async fn update_artist(&self, ctx: &Context<'_>, id: ID, input: ArtistInput) -> GqlResult<Artist> {
        let change = input.into_change(ctx)?;
        Ok(Artist(tracks::update_artist(state(ctx), &caller(ctx)?, id.0, change).await?))
    }

    async fn delete_artist(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(tracks::delete_artist(state(ctx), &caller(ctx)?, id.0).await?)
    }

    /// Starts a scan of the music folders (admin); progress arrives on `libraryScan`.
    async fn rescan_library(&self, ctx: &Context<'_>) -> GqlResult<LibraryStatus> {
        let status = library::rescan(state(ctx), &caller(ctx)?).await?;
        library_status(ctx, status).await
    }
}

/// The same fields as `TrackInput`, for uploads.
#[derive(InputObject)]
pub struct TrackUploadInput {
    #[graphql(flatten)]
    pub fields: TrackInput,
}
