//! Favourite albums and artists, ratings, and the saved play queue: the GraphQL side of
//! `services::marks` and `services::queues` (the Subsonic API uses the same services).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use crate::graphql::batch_loader::BatchLoader;
use crate::graphql::library::{Album, Artist, Track};
use crate::graphql::loaders::TrackLoader;
use crate::graphql::{GqlResult, caller, state};
use crate::services::{marks, queues};

#[derive(Default)]
pub struct MarksQuery;

#[Object]
impl MarksQuery {
    /// Your saved play queue (null when none): it follows you between the web player and apps.
    async fn play_queue(&self, ctx: &Context<'_>) -> GqlResult<Option<PlayQueue>> {
        Ok(queues::play_queue(state(ctx), &caller(ctx)?).await?.map(PlayQueue))
    }
}

pub struct PlayQueue(queues::PlayQueueRow);

#[Object]
impl PlayQueue {
    /// In order; tracks deleted since the queue was saved are left out.
    #[graphql(complexity = "100 * child_complexity + 1")]
    async fn tracks(&self, ctx: &Context<'_>) -> GqlResult<Vec<Track>> {
        let loader = ctx.data::<BatchLoader<TrackLoader>>()?;
        let found = loader.load_many(self.0.track_ids.iter().cloned()).await?;
        Ok(self.0.track_ids.iter().filter_map(|id| found.get(id).cloned()).map(Track).collect())
    }
    async fn current(&self, ctx: &Context<'_>) -> GqlResult<Option<Track>> {
        let Some(id) = &self.0.current_id else { return Ok(None) };
        Ok(ctx.data::<BatchLoader<TrackLoader>>()?.load_one(id.clone()).await?.map(Track))
    }
    async fn position_ms(&self) -> i64 {
        self.0.position_ms
    }
    async fn changed_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.changed_at)?)
    }
    /// The client that saved it (`web`, or a Subsonic app's name).
    async fn changed_by(&self) -> &str {
        &self.0.changed_by
    }
}

#[derive(Default)]
pub struct MarksMutation;

#[Object]
impl MarksMutation {
    async fn favorite_album(&self, ctx: &Context<'_>, album_id: ID) -> GqlResult<Album> {
        Ok(Album(marks::favorite_album(state(ctx), &caller(ctx)?, album_id.0, true).await?))
    }
    async fn unfavorite_album(&self, ctx: &Context<'_>, album_id: ID) -> GqlResult<Album> {
        Ok(Album(marks::favorite_album(state(ctx), &caller(ctx)?, album_id.0, false).await?))
    }
    async fn favorite_artist(&self, ctx: &Context<'_>, artist_id: ID) -> GqlResult<Artist> {
        Ok(Artist(marks::favorite_artist(state(ctx), &caller(ctx)?, artist_id.0, true).await?))
    }
    async fn unfavorite_artist(&self, ctx: &Context<'_>, artist_id: ID) -> GqlResult<Artist> {
        Ok(Artist(marks::favorite_artist(state(ctx), &caller(ctx)?, artist_id.0, false).await?))
    }
    /// Rates a track 1–5; 0 clears your rating.
    async fn set_track_rating(&self, ctx: &Context<'_>, track_id: ID, rating: i32) -> GqlResult<Track> {
        let (state, me) = (state(ctx), caller(ctx)?);
        marks::rate(state, &me, marks::RatingKind::Track, track_id.0.clone(), i64::from(rating)).await?;
        let track = crate::services::library::track(state, &me, track_id.0).await?;
        Ok(Track(track.ok_or_else(|| crate::error::AppError::not_found("track"))?))
    }
    /// Replaces your saved play queue; an empty list clears it. `currentId` must be in the list.
    async fn save_play_queue(
        &self,
        ctx: &Context<'_>,
        track_ids: Vec<ID>,
        current_id: Option<ID>,
        #[graphql(default)] position_ms: i64,
        #[graphql(default_with = "String::from(\"web\")")] client: String,
    ) -> GqlResult<bool> {
        let ids = track_ids.into_iter().map(|i| i.0).collect();
        let me = caller(ctx)?;
        queues::save_play_queue(state(ctx), &me, ids, current_id.map(|i| i.0), position_ms, &client).await?;
        Ok(true)
    }
}
