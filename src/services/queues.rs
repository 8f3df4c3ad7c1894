//! A person's saved play queue (so it follows them from phone to browser) and bookmarks.

pub use crate::db::queues::{BookmarkRow, PlayQueueRow};
use crate::db::{self, queues};
use crate::error::{AppError, AppResult};
use crate::services::sessions::Caller;
use crate::state::SharedState;

/// A saved queue holds at most this many tracks.
pub const MAX_QUEUE: usize = 5_000;

pub async fn play_queue(state: &SharedState, caller: &Caller) -> AppResult<Option<PlayQueueRow>> {
    let me = caller.user_id.clone();
    state.db.run(move |c| Ok(queues::play_queue(c, &me)?)).await
}

/// Replaces the saved queue; every track must exist, and `current` must be one of them. An
/// empty list clears it.
pub async fn save_play_queue(
    state: &SharedState,
    caller: &Caller,
    track_ids: Vec<String>,
    current: Option<String>,
    position_ms: i64,
    client: &str,
) -> AppResult<()> {
    if track_ids.len() > MAX_QUEUE {
        return Err(AppError::invalid(format!("a saved queue holds at most {MAX_QUEUE} tracks")));
    }
    if current.as_ref().is_some_and(|c| !track_ids.contains(c)) {
        return Err(AppError::invalid("the current track must be in the queue"));
    }
    let me = caller.user_id.clone();
    let queue = PlayQueueRow {
        track_ids,
        current_id: current,
        position_ms: position_ms.max(0),
        changed_at: db::now(),
        changed_by: client.chars().take(64).collect(),
    };
    state
        .db
        .transaction(move |tx| {
            if queue.track_ids.is_empty() {
                return Ok(queues::clear_play_queue(tx, &me)?);
            }
            let mut unique = queue.track_ids.clone();
            unique.sort();
            unique.dedup();
            if db::library::tracks_by_ids(tx, &unique)?.len() != unique.len() {
                return Err(AppError::not_found("a track in the queue"));
            }
            Ok(queues::save_play_queue(tx, &me, &queue)?)
        })
        .await
}

pub async fn bookmarks(state: &SharedState, caller: &Caller) -> AppResult<Vec<BookmarkRow>> {
    let me = caller.user_id.clone();
    state.db.run(move |c| Ok(queues::bookmarks(c, &me)?)).await
}

pub async fn set_bookmark(
    state: &SharedState,
    caller: &Caller,
    track_id: String,
    position_ms: i64,
    comment: Option<String>,
) -> AppResult<()> {
    if position_ms < 0 {
        return Err(AppError::invalid("a position is not negative"));
    }
    let comment = comment.map(|c| c.chars().take(500).collect::<String>());
    let me = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            crate::services::tracks::find_track(tx, &track_id)?;
            Ok(queues::upsert_bookmark(tx, &me, &track_id, position_ms, comment.as_deref())?)
        })
        .await
}

pub async fn delete_bookmark(state: &SharedState, caller: &Caller, track_id: String) -> AppResult<()> {
    let me = caller.user_id.clone();
    let removed = state.db.run(move |c| Ok(queues::delete_bookmark(c, &me, &track_id)?)).await?;
    if removed { Ok(()) } else { Err(AppError::not_found("bookmark")) }
}
