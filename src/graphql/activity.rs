//! Listening history and friends' activity: thin resolvers over `services::activity`.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::graphql::library::Track;
use crate::graphql::types::User;
use crate::graphql::{GqlResult, caller, state};
use crate::services::activity::{self, ActivityChange};

pub struct Play(activity::Play);

#[Object]
impl Play {
    async fn track(&self) -> Track {
        Track(self.0.track.clone())
    }
    async fn played_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.played_at)?)
    }
}

#[derive(SimpleObject)]
pub struct PlayCount {
    pub track: Track,
    pub plays: i64,
}

/// What a friend is playing now (`track` is null when they stopped).
pub struct FriendActivity(pub ActivityChange);

#[Object]
impl FriendActivity {
    async fn user(&self, ctx: &Context<'_>) -> User {
        User::seen(ctx, self.0.friend.clone())
    }
    async fn track(&self, ctx: &Context<'_>) -> GqlResult<Option<Track>> {
        let Some(playing) = &self.0.playing else { return Ok(None) };
        let id = playing.track_id.clone();
        Ok(crate::services::library::track(state(ctx), &caller(ctx)?, id.to_string()).await?.map(Track))
    }
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.playing.as_ref().map(|p| p.started_at)
    }
}

fn count(first: i32) -> GqlResult<usize> {
    Ok(crate::graphql::account::page_size(first)?)
}

#[derive(Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// Your latest plays, newest first.
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn recently_played(&self, ctx: &Context<'_>, #[graphql(default = 20)] first: i32) -> GqlResult<Vec<Play>> {
        Ok(activity::recently_played(state(ctx), &caller(ctx)?, count(first)?).await?.into_iter().map(Play).collect())
    }
    /// Your most played tracks.
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn most_played(&self, ctx: &Context<'_>, #[graphql(default = 20)] first: i32) -> GqlResult<Vec<PlayCount>> {
        let rows = activity::most_played(state(ctx), &caller(ctx)?, count(first)?).await?;
        Ok(rows.into_iter().map(|(t, plays)| PlayCount { track: Track(t), plays }).collect())
    }
    /// What your friends are playing now (those who share it).
    async fn friends_activity(&self, ctx: &Context<'_>) -> GqlResult<Vec<FriendActivity>> {
        Ok(activity::friends_activity(state(ctx), &caller(ctx)?).await?.into_iter().map(FriendActivity).collect())
    }
}

#[derive(Default)]
pub struct ActivityMutation;

#[Object]
impl ActivityMutation {
    /// Records a play once the track was heard for half its length or four minutes.
    async fn record_play(
        &self,
        ctx: &Context<'_>,
        track_id: ID,
        heard_seconds: f64,
        played_at: Option<DateTime<Utc>>,
    ) -> GqlResult<Play> {
        Ok(Play(activity::record_play(state(ctx), &caller(ctx)?, track_id.0, heard_seconds, played_at).await?))
    }
    /// What you are playing now (null when you pause or stop); friends see it live.
    async fn set_now_playing(
        &self,
        ctx: &Context<'_>,
        track_id: Option<ID>,
        #[graphql(default = 0.0)] position_seconds: f64,
    ) -> GqlResult<bool> {
        Ok(activity::set_now_playing(state(ctx), &caller(ctx)?, track_id.map(|i| i.0), position_seconds).await?)
    }
    /// Whether friends see what you play. Off: they see nothing, not even that it is off.
    async fn set_activity_sharing(&self, ctx: &Context<'_>, on: bool) -> GqlResult<bool> {
        activity::set_sharing(state(ctx), &caller(ctx)?, on).await?;
        Ok(on)
    }
}
