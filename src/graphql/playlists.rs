//! Playlists, their items, and favourites.

use async_graphql::{Context, ID, InputObject, Object, Upload};
use chrono::{DateTime, Utc};

use crate::graphql::batch_loader::BatchLoader;
use crate::graphql::library::Track;
use crate::graphql::loaders::{PlaylistStatsLoader, TrackLoader, UserLoader};
use crate::graphql::pagination::{self, Page};
use crate::graphql::types::User;
use crate::graphql::{GqlResult, caller, state};
use crate::services::playlists;
use crate::services::playlists::{ItemRow, PlaylistRow};

pub struct Playlist(pub PlaylistRow);
pub struct PlaylistItem(pub ItemRow);

#[Object]
impl Playlist {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn image_url(&self, ctx: &Context<'_>) -> Option<String> {
        let path = self.0.image_path.as_ref()?;
        let version = crate::auth::opaque::sha256_hex(path);
        Some(crate::graphql::library::media_url(ctx, &format!("cover/playlist/{}", self.0.id), Some(&version[..8])))
    }
    async fn public(&self) -> bool {
        self.0.public
    }
    async fn owner(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        Ok(ctx
            .data::<BatchLoader<UserLoader>>()?
            .load_one(self.0.owner_id.to_string())
            .await?
            .map(|r| User::seen(ctx, r)))
    }
    /// In playlist order; a track may appear more than once.
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn items(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Page<PlaylistItem>> {
        let (offset, limit) = pagination::window(first, after.as_deref())?;
        let rows = playlists::items(state(ctx), self.0.id.to_string(), offset, limit).await?;
        let total = self.stats(ctx).await?.0;
        Ok(pagination::page(rows.into_iter().map(PlaylistItem).collect(), offset, total))
    }
    async fn track_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(self.stats(ctx).await?.0)
    }
    /// Seconds.
    async fn duration(&self, ctx: &Context<'_>) -> GqlResult<f64> {
        Ok(self.stats(ctx).await?.1)
    }
    async fn created_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.created_at)?)
    }
    async fn updated_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.updated_at)?)
    }
}

impl Playlist {
    async fn stats(&self, ctx: &Context<'_>) -> GqlResult<(i64, f64)> {
        let loader = ctx.data::<BatchLoader<PlaylistStatsLoader>>()?;
        Ok(loader.load_one(self.0.id.to_string()).await?.unwrap_or((0, 0.0)))
    }
}

#[Object]
impl PlaylistItem {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn position(&self) -> i64 {
        self.0.position
    }
    async fn track(&self, ctx: &Context<'_>) -> GqlResult<Option<Track>> {
        Ok(ctx.data::<BatchLoader<TrackLoader>>()?.load_one(self.0.track_id.to_string()).await?.map(Track))
    }
    async fn added_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.added_at)?)
    }
}

#[derive(InputObject)]
pub struct PlaylistInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
    /// A cover image (PNG, JPEG, GIF or WebP).
    pub image: Option<Upload>,
}

impl PlaylistInput {
    fn into_change(self, ctx: &Context<'_>) -> GqlResult<playlists::PlaylistChange> {
        let image = self.image.map(|u| crate::graphql::account::read_image(ctx, u)).transpose()?;
        Ok(playlists::PlaylistChange { name: self.name, description: self.description, public: self.public, image })
    }
}

#[derive(Default)]
pub struct PlaylistQuery;

#[Object]
impl PlaylistQuery {
    /// Null when it does not exist or is private to someone else.
    async fn playlist(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Playlist>> {
        Ok(playlists::get(state(ctx), &caller(ctx)?, id.0).await?.map(Playlist))
    }

    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn my_playlists(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Page<Playlist>> {
        let (offset, limit) = pagination::window(first, after.as_deref())?;
        let (rows, total) = playlists::mine(state(ctx), &caller(ctx)?, offset, limit).await?;
        Ok(pagination::page(rows.into_iter().map(Playlist).collect(), offset, total))
    }

    /// Other people's public playlists, most recently changed first.
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn public_playlists(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Page<Playlist>> {
        let (offset, limit) = pagination::window(first, after.as_deref())?;
        let (rows, total) = playlists::public_of_others(state(ctx), &caller(ctx)?, offset, limit).await?;
        Ok(pagination::page(rows.into_iter().map(Playlist).collect(), offset, total))
    }
}

#[derive(Default)]
pub struct PlaylistMutation;

fn ids(v: Vec<ID>) -> Vec<String> {
    v.into_iter().map(|i| i.0).collect()
}

#[Object]
impl PlaylistMutation {
    /// A private copy of your playlist or someone's public one, same tracks in the same order.
    async fn copy_playlist(&self, ctx: &Context<'_>, id: ID, name: Option<String>) -> GqlResult<Playlist> {
        Ok(Playlist(playlists::copy(state(ctx), &caller(ctx)?, id.0, name).await?))
    }

    async fn create_playlist(&self, ctx: &Context<'_>, input: PlaylistInput) -> GqlResult<Playlist> {
        Ok(Playlist(playlists::create(state(ctx), &caller(ctx)?, input.into_change(ctx)?).await?))
    }

    async fn update_playlist(&self, ctx: &Context<'_>, id: ID, input: PlaylistInput) -> GqlResult<Playlist> {
        Ok(Playlist(playlists::update(state(ctx), &caller(ctx)?, id.0, input.into_change(ctx)?).await?))
    }

    async fn delete_playlist(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(playlists::delete(state(ctx), &caller(ctx)?, id.0).await?)
    }

    /// Inserts at `position` (0-based; the end when omitted).
    async fn add_tracks_to_playlist(
        &self,
        ctx: &Context<'_>,
        playlist_id: ID,
        track_ids: Vec<ID>,
        position: Option<i32>,
    ) -> GqlResult<Playlist> {
        let p =
            playlists::add_tracks(state(ctx), &caller(ctx)?, playlist_id.0, ids(track_ids), position.map(i64::from))
                .await?;
        Ok(Playlist(p))
    }

    async fn remove_playlist_items(
        &self,
        ctx: &Context<'_>,
        playlist_id: ID,
        item_ids: Vec<ID>,
    ) -> GqlResult<Playlist> {
        Ok(Playlist(playlists::remove_items(state(ctx), &caller(ctx)?, playlist_id.0, ids(item_ids)).await?))
    }

    async fn move_playlist_item(
        &self,
        ctx: &Context<'_>,
        playlist_id: ID,
        item_id: ID,
        to_position: i32,
    ) -> GqlResult<Playlist> {
        let p = playlists::move_item(state(ctx), &caller(ctx)?, playlist_id.0, item_id.0, to_position.into()).await?;
        Ok(Playlist(p))
    }

    async fn favorite_track(&self, ctx: &Context<'_>, track_id: ID) -> GqlResult<Track> {
        favorite(ctx, track_id, true).await
    }

    async fn unfavorite_track(&self, ctx: &Context<'_>, track_id: ID) -> GqlResult<Track> {
        favorite(ctx, track_id, false).await
    }
}

async fn favorite(ctx: &Context<'_>, track_id: ID, on: bool) -> GqlResult<Track> {
    Ok(Track(playlists::set_favorite(state(ctx), &caller(ctx)?, track_id.0, on).await?))
}
