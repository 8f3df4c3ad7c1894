//! Listening history and what friends are playing now.
//!
//! A play is recorded once a track was heard for half its length or four minutes, whichever
//! comes first (the rule Last.fm and ListenBrainz use); the player reports it. "Now playing" is
//! kept in memory only: it is set by the player, cleared on pause or stop, and forgotten after
//! the track would have ended. Friends see it live unless the person turned sharing off, in
//! which case they see nothing at all; blocked people never see it.

use chrono::{DateTime, Utc};

use crate::db::library::{self as db_library, TrackRow};
use crate::db::{plays, social, users};
use crate::domain::ids::{TrackId, UserId};
use crate::error::{AppError, AppResult};
use crate::services::events::Event;
use crate::services::sessions::Caller;
use crate::state::SharedState;

/// Half the track or four minutes, whichever is less.
pub fn play_threshold_secs(duration: f64) -> f64 {
    (duration / 2.0).min(240.0)
}

pub struct Play {
    pub track: TrackRow,
    pub played_at: String,
}

/// Records a play of `track_id` heard for `heard_secs`, at `played_at` (now when omitted).
pub async fn record_play(
    state: &SharedState,
    caller: &Caller,
    track_id: String,
    heard_secs: f64,
    played_at: Option<DateTime<Utc>>,
) -> AppResult<Play> {
    let now = Utc::now();
    let at = played_at.unwrap_or(now);
    if at > now + chrono::Duration::minutes(1) || at < now - chrono::Duration::days(365) {
        return Err(AppError::invalid("playedAt must be within the last year and not in the future"));
    }
    if !heard_secs.is_finite() || heard_secs < 0.0 {
        return Err(AppError::invalid("heardSeconds must be a positive number"));
    }
    let user = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let track = crate::services::tracks::find_track(tx, &track_id)?;
            let needed = play_threshold_secs(track.duration);
            // A little slack: players report time heard a few frames short.
            if heard_secs < needed * 0.98 || heard_secs > track.duration + 5.0 {
                return Err(AppError::invalid(format!(
                    "a play counts after {needed:.0} s of this track (half of it, or four minutes)"
                )));
            }
            // Nobody hears two tracks at once: a play cannot end sooner after the last one
            // than this one takes to count.
            if let Some((_, last)) = plays::last(tx, &user)? {
                let last = crate::db::parse_db_time(&last)?;
                if at >= last && (at - last).num_milliseconds() < (needed * 980.0) as i64 {
                    return Err(AppError::conflict("a play was recorded too recently for this one to count"));
                }
            }
            let played_at = crate::db::to_db_time(at);
            plays::insert(tx, &user, &track.id, &played_at)?;
            Ok(Play { track, played_at })
        })
        .await
}

pub async fn recently_played(state: &SharedState, caller: &Caller, first: usize) -> AppResult<Vec<Play>> {
    let user = caller.user_id.clone();
    state
        .db
        .run(move |c| {
            let rows = plays::recent(c, &user, 0, first)?;
            let ids: Vec<String> = rows.iter().map(|(t, _)| t.clone()).collect();
            let tracks = db_library::tracks_by_ids(c, &ids)?;
            Ok(rows
                .into_iter()
                .filter_map(|(id, played_at)| {
                    tracks.iter().find(|t| t.id == id).map(|t| Play { track: t.clone(), played_at })
                })
                .collect())
        })
        .await
}

/// The caller's most played tracks with their play counts.
pub async fn most_played(state: &SharedState, caller: &Caller, first: usize) -> AppResult<Vec<(TrackRow, i64)>> {
    let user = caller.user_id.clone();
    state
        .db
        .run(move |c| {
            let rows = plays::most_played(c, &user, first)?;
            let ids: Vec<String> = rows.iter().map(|(t, _)| t.clone()).collect();
            let tracks = db_library::tracks_by_ids(c, &ids)?;
            Ok(rows
                .into_iter()
                .filter_map(|(id, n)| tracks.iter().find(|t| t.id == id).map(|t| (t.clone(), n)))
                .collect())
        })
        .await
}

/// What someone is playing right now.
#[derive(Debug, Clone, PartialEq)]
pub struct NowPlaying {
    pub track_id: TrackId,
    pub started_at: DateTime<Utc>,
    /// Forgotten after this: the track would have ended (a player that vanished never says stop).
    pub until: DateTime<Utc>,
}

/// A friend's activity changed: what they play now, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityChange {
    pub friend: users::UserRow,
    pub playing: Option<NowPlaying>,
}

/// Sets (or, with `None`, clears) what the caller is playing, and tells their friends.
pub async fn set_now_playing(
    state: &SharedState,
    caller: &Caller,
    track_id: Option<String>,
    position_secs: f64,
) -> AppResult<bool> {
    let playing = match track_id {
        Some(id) => {
            let track = state
                .db
                .run(move |c| Ok(db_library::tracks_by_ids(c, &[id])?.pop()))
                .await?
                .ok_or_else(|| AppError::not_found("track"))?;
            let position = position_secs.clamp(0.0, track.duration);
            let now = Utc::now();
            let started_at = now - chrono::Duration::milliseconds((position * 1000.0) as i64);
            let remaining = chrono::Duration::milliseconds(((track.duration - position) * 1000.0) as i64);
            Some(NowPlaying { track_id: track.id, started_at, until: now + remaining + chrono::Duration::seconds(30) })
        }
        None => None,
    };
    match &playing {
        Some(p) => state.social.now_playing.insert(caller.user_id.to_string(), p.clone()),
        None => state.social.now_playing.invalidate(caller.user_id.as_str()),
    }
    tell_friends(state, &caller.user_id, playing).await?;
    Ok(true)
}

/// Sends an activity change to every friend who may see it (sharing on, not blocked).
pub async fn tell_friends(state: &SharedState, user_id: &str, playing: Option<NowPlaying>) -> AppResult<()> {
    let id = user_id.to_string();
    let found = state
        .db
        .run(move |c| {
            let Some(me) = users::by_id(c, &id)? else { return Ok(None) };
            // Friends of someone who stopped sharing learn nothing, not even that it stopped.
            if !me.share_activity {
                return Ok(None);
            }
            // Blocking ends friendships, so friends are never blocked.
            Ok(Some((me, social::friend_ids(c, &id)?)))
        })
        .await?;
    let Some((me, friends)) = found else { return Ok(()) };
    let change = ActivityChange { friend: me, playing };
    for friend in friends {
        state.events.send(&UserId::trusted(friend), Event::FriendActivity(Box::new(change.clone())));
    }
    Ok(())
}

/// What each of the caller's friends who share their activity is playing now.
pub async fn friends_activity(state: &SharedState, caller: &Caller) -> AppResult<Vec<ActivityChange>> {
    let me = caller.user_id.clone();
    let friends = state
        .db
        .run(move |c| {
            let ids = social::friend_ids(c, &me)?;
            Ok(users::by_ids(c, &ids)?.into_iter().filter(|u| !u.disabled && u.share_activity).collect::<Vec<_>>())
        })
        .await?;
    let now = Utc::now();
    Ok(friends
        .into_iter()
        .filter_map(|friend| {
            let playing = state.social.now_playing.get(friend.id.as_str()).filter(|p| p.until > now)?;
            Some(ActivityChange { friend, playing: Some(playing) })
        })
        .collect())
}

/// What the caller is playing now (on any device), whatever their sharing setting: their own.
pub async fn own_activity(state: &SharedState, caller: &Caller) -> AppResult<Option<ActivityChange>> {
    let Some(playing) = state.social.now_playing.get(caller.user_id.as_str()).filter(|p| p.until > Utc::now()) else {
        return Ok(None);
    };
    let id = caller.user_id.to_string();
    let me = state.db.run(move |c| Ok(users::by_id(c, &id)?)).await?;
    Ok(me.map(|friend| ActivityChange { friend, playing: Some(playing) }))
}

/// Turns sharing on or off; turning it off clears what friends see.
pub async fn set_sharing(state: &SharedState, caller: &Caller, on: bool) -> AppResult<()> {
    let id = caller.user_id.clone();
    if !on {
        // Tell friends it ended while sharing is still on, then stop sharing.
        tell_friends(state, &id, None).await?;
    }
    state.db.run(move |c| Ok(users::set_share_activity(c, &id, on)?)).await?;
    if on && let Some(playing) = state.social.now_playing.get(caller.user_id.as_str()) {
        tell_friends(state, &caller.user_id, Some(playing)).await?;
    }
    Ok(())
}
