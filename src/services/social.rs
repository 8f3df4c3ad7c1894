//! Friends: requests, friendships, blocks, and the notifications they leave.
//!
//! Every change is one write transaction (SQLite serialises writers), so two people sending
//! each other a request at the same instant end with exactly one friendship: whichever runs
//! second finds the other's request and accepts it. A blocked person is told "not found", so a
//! block is never revealed.

pub use crate::db::social::Friendship;
use crate::db::{self, social, users};
use crate::domain::ids::UserId;
pub use crate::domain::social::NotificationKind;
use crate::error::{AppError, AppResult};
use crate::services::accounts::UserView;
use crate::services::events::Event;
use crate::services::sessions::Caller;
use crate::state::SharedState;

/// Read notifications older than this are pruned.
const KEEP_READ_DAYS: i64 = 30;

/// A pending request (or one just accepted by sending one back), with both people.
#[derive(Debug, Clone)]
pub struct FriendRequest {
    pub row: social::RequestRow,
    pub requester: UserView,
    pub receiver: UserView,
    pub accepted: bool,
}

/// A stored notification with the person it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    /// For FRIEND_REQUEST_RECEIVED while the request is still pending: answer it with this.
    pub request_id: Option<String>,
    pub actor: Option<UserSummary>,
    pub room_id: Option<String>,
    pub created_at: String,
    pub read: bool,
}

/// What a notification shows of the other person: a profile, nothing more.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSummary {
    pub row: users::UserRow,
}

/// An enabled account other than the caller's that neither blocked the other.
fn reachable(conn: &rusqlite::Connection, caller: &Caller, other: &str) -> AppResult<users::UserRow> {
    if other == caller.user_id {
        return Err(AppError::invalid("that is you"));
    }
    let user = users::by_id(conn, other)?.filter(|u| !u.disabled).ok_or_else(|| AppError::not_found("user"))?;
    if social::blocked_either_way(conn, &caller.user_id, other)? {
        return Err(AppError::not_found("user"));
    }
    Ok(user)
}

fn notify(
    conn: &rusqlite::Connection,
    user: &str,
    kind: NotificationKind,
    actor: &users::UserRow,
) -> AppResult<Notification> {
    let row = social::insert_notification(conn, user, kind, Some(&actor.id), None)?;
    let request_id = match kind {
        NotificationKind::FriendRequestReceived => social::request_between(conn, &actor.id, user)?.map(|r| r.id),
        NotificationKind::FriendRequestAccepted | NotificationKind::RoomInvite => None,
    };
    Ok(Notification {
        id: row.id,
        kind,
        request_id,
        actor: Some(UserSummary { row: actor.clone() }),
        room_id: None,
        created_at: row.created_at,
        read: false,
    })
}

/// Stores a ROOM_INVITE for `user` from `actor`; deliver it with `deliver` once committed.
pub(crate) fn room_invite(
    conn: &rusqlite::Connection,
    user: &str,
    actor: &users::UserRow,
    room_id: &str,
) -> AppResult<Notification> {
    let row = social::insert_notification(conn, user, NotificationKind::RoomInvite, Some(&actor.id), Some(room_id))?;
    Ok(Notification {
        id: row.id,
        kind: NotificationKind::RoomInvite,
        request_id: None,
        actor: Some(UserSummary { row: actor.clone() }),
        room_id: Some(room_id.to_string()),
        created_at: row.created_at,
        read: false,
    })
}

/// Pushes stored notifications to their people's open clients once the change has landed.
pub(crate) fn deliver(state: &SharedState, sent: Vec<(String, Notification)>) {
    for (user, notification) in sent {
        state.events.send(&UserId::trusted(user), Event::Notification(Box::new(notification)));
    }
}

pub async fn send_request(state: &SharedState, caller: &Caller, to: String) -> AppResult<FriendRequest> {
    state.social.check_request_rate(&caller.user_id)?;
    let max_pending = state.config.limits.max_pending_friend_requests as i64;
    let me = caller.clone();
    let (request, sent) = state
        .db
        .transaction(move |tx| {
            let them = reachable(tx, &me, &to)?;
            let mine = users::by_id(tx, &me.user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            if social::are_friends(tx, &me.user_id, &to)? {
                return Err(AppError::conflict("you are already friends"));
            }
            if social::request_between(tx, &me.user_id, &to)?.is_some() {
                return Err(AppError::conflict("you already sent a request"));
            }
            // They asked first: sending one back accepts theirs.
            if let Some(theirs) = social::request_between(tx, &to, &me.user_id)? {
                social::delete_request(tx, &theirs.id)?;
                social::befriend(tx, &me.user_id, &to)?;
                let note = notify(tx, &to, NotificationKind::FriendRequestAccepted, &mine)?;
                let request = FriendRequest {
                    row: theirs,
                    requester: UserView::seen_by(Some(&me), them),
                    receiver: UserView::own(mine),
                    accepted: true,
                };
                return Ok((request, vec![(to, note)]));
            }
            if social::count_outgoing(tx, &me.user_id)? >= max_pending {
                return Err(AppError::invalid(format!(
                    "you have {max_pending} requests waiting for an answer; cancel some first"
                )));
            }
            let row = social::insert_request(tx, &me.user_id, &to)?;
            let note = notify(tx, &to, NotificationKind::FriendRequestReceived, &mine)?;
            let request = FriendRequest {
                row,
                requester: UserView::own(mine),
                receiver: UserView::seen_by(Some(&me), them),
                accepted: false,
            };
            Ok((request, vec![(to, note)]))
        })
        .await?;
    deliver(state, sent);
    Ok(request)
}

/// Only the receiver accepts; returns the new friend.
pub async fn accept_request(state: &SharedState, caller: &Caller, request_id: String) -> AppResult<UserView> {
    let me = caller.clone();
    let (friend, sent) = state
        .db
        .transaction(move |tx| {
            let request = social::request_by_id(tx, &request_id)?
                .filter(|r| r.receiver_id == me.user_id)
                .ok_or_else(|| AppError::not_found("friend request"))?;
            let them = reachable(tx, &me, &request.requester_id)?;
            let mine = users::by_id(tx, &me.user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            social::delete_request(tx, &request.id)?;
            social::befriend(tx, &me.user_id, &them.id)?;
            let note = notify(tx, &them.id, NotificationKind::FriendRequestAccepted, &mine)?;
            Ok((UserView::seen_by(Some(&me), them.clone()), vec![(them.id.to_string(), note)]))
        })
        .await?;
    deliver(state, sent);
    Ok(friend)
}

/// Only the receiver declines; the requester is not told.
pub async fn decline_request(state: &SharedState, caller: &Caller, request_id: String) -> AppResult<bool> {
    let me = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let request = social::request_by_id(tx, &request_id)?
                .filter(|r| r.receiver_id == me)
                .ok_or_else(|| AppError::not_found("friend request"))?;
            Ok(social::delete_request(tx, &request.id)?)
        })
        .await
}

/// Only the requester cancels; the receiver's unread notification goes with it.
pub async fn cancel_request(state: &SharedState, caller: &Caller, request_id: String) -> AppResult<bool> {
    let me = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let request = social::request_by_id(tx, &request_id)?
                .filter(|r| r.requester_id == me)
                .ok_or_else(|| AppError::not_found("friend request"))?;
            social::delete_request_notification(tx, &request.receiver_id, &me)?;
            Ok(social::delete_request(tx, &request.id)?)
        })
        .await
}

/// Ends a friendship for both.
pub async fn remove_friend(state: &SharedState, caller: &Caller, user_id: String) -> AppResult<bool> {
    let me = caller.user_id.clone();
    state
        .db
        .transaction(
            move |tx| {
                if social::unfriend(tx, &me, &user_id)? { Ok(true) } else { Err(AppError::not_found("friend")) }
            },
        )
        .await
}

/// Blocks someone: any friendship and pending requests between the two end.
pub async fn block(state: &SharedState, caller: &Caller, user_id: String) -> AppResult<bool> {
    let me = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            if user_id == me {
                return Err(AppError::invalid("you cannot block yourself"));
            }
            users::by_id(tx, &user_id)?.ok_or_else(|| AppError::not_found("user"))?;
            social::block(tx, &me, &user_id)?;
            social::sever(tx, &me, &user_id)?;
            Ok(true)
        })
        .await
}

pub async fn unblock(state: &SharedState, caller: &Caller, user_id: String) -> AppResult<bool> {
    let me = caller.user_id.clone();
    state.db.transaction(move |tx| Ok(social::unblock(tx, &me, &user_id)?)).await
}

async fn users_seen_by(state: &SharedState, caller: &Caller, ids: Vec<String>) -> AppResult<Vec<UserView>> {
    let rows = state.db.run(move |c| Ok(users::by_ids(c, &ids)?)).await?;
    Ok(rows.into_iter().filter(|u| !u.disabled).map(|u| UserView::seen_by(Some(caller), u)).collect())
}

pub async fn friends(state: &SharedState, caller: &Caller) -> AppResult<Vec<UserView>> {
    let me = caller.user_id.clone();
    let ids = state.db.run(move |c| Ok(social::friend_ids(c, &me)?)).await?;
    let mut views = users_seen_by(state, caller, ids.clone()).await?;
    views.sort_by_key(|v| ids.iter().position(|i| i == v.id()));
    Ok(views)
}

pub async fn blocked_users(state: &SharedState, caller: &Caller) -> AppResult<Vec<UserView>> {
    let me = caller.user_id.clone();
    let ids = state.db.run(move |c| Ok(social::blocked_by(c, &me)?)).await?;
    users_seen_by(state, caller, ids).await
}

/// Pending requests to the caller (`outgoing` false) or from them.
pub async fn requests(state: &SharedState, caller: &Caller, outgoing: bool) -> AppResult<Vec<FriendRequest>> {
    let me = caller.clone();
    state
        .db
        .run(move |c| {
            let rows = social::requests_of(c, &me.user_id, outgoing)?;
            let mut ids: Vec<String> =
                rows.iter().flat_map(|r| [r.requester_id.to_string(), r.receiver_id.to_string()]).collect();
            ids.sort();
            ids.dedup();
            let people = users::by_ids(c, &ids)?;
            let view = |id: &str| {
                people.iter().find(|u| u.id == id && !u.disabled).map(|u| UserView::seen_by(Some(&me), u.clone()))
            };
            Ok(rows
                .into_iter()
                .filter_map(|row| {
                    let (requester, receiver) = (view(&row.requester_id)?, view(&row.receiver_id)?);
                    Some(FriendRequest { row, requester, receiver, accepted: false })
                })
                .collect())
        })
        .await
}

/// The caller's notifications, newest first, after the one with id `after`.
pub async fn notifications(
    state: &SharedState,
    caller: &Caller,
    after: Option<String>,
    limit: usize,
) -> AppResult<Vec<Notification>> {
    let me = caller.user_id.clone();
    state
        .db
        .run(move |c| {
            let cutoff = db::to_db_time(chrono::Utc::now() - chrono::Duration::days(KEEP_READ_DAYS));
            social::prune_read(c, &cutoff)?;
            let rows = social::notifications(c, &me, after.as_deref(), limit)?;
            let mut actor_ids: Vec<String> =
                rows.iter().filter_map(|r| r.actor_id.as_ref().map(|a| a.to_string())).collect();
            actor_ids.sort();
            actor_ids.dedup();
            let actors = users::by_ids(c, &actor_ids)?;
            rows.into_iter()
                .map(|r| {
                    let actor = actors.iter().find(|u| r.actor_id.as_deref() == Some(u.id.as_str())).cloned();
                    let kind = r.kind;
                    let request_id = match (kind, &r.actor_id) {
                        (NotificationKind::FriendRequestReceived, Some(from)) => {
                            social::request_between(c, from, &me)?.map(|q| q.id)
                        }
                        _ => None,
                    };
                    Ok(Notification {
                        kind,
                        request_id,
                        id: r.id,
                        actor: actor.map(|row| UserSummary { row }),
                        room_id: r.room_id,
                        created_at: r.created_at,
                        read: r.read_at.is_some(),
                    })
                })
                .collect()
        })
        .await
}

pub async fn unread_count(state: &SharedState, caller: &Caller) -> AppResult<i64> {
    let me = caller.user_id.clone();
    state.db.run(move |c| Ok(social::unread_count(c, &me)?)).await
}

/// Marks the given notifications read (all of them when `ids` is empty); returns how many.
pub async fn mark_read(state: &SharedState, caller: &Caller, ids: Vec<String>) -> AppResult<i64> {
    if ids.len() > 500 {
        return Err(AppError::invalid("mark at most 500 notifications at a time"));
    }
    let me = caller.user_id.clone();
    state.db.transaction(move |tx| Ok(social::mark_read(tx, &me, &ids)? as i64)).await
}

/// How `other` relates to the caller (friends, a request either way, or nothing).
pub async fn friendship(state: &SharedState, caller: &Caller, other: String) -> AppResult<Friendship> {
    let me = caller.user_id.clone();
    state.db.run(move |c| Ok(social::friendship(c, &me, &other)?)).await
}

/// Whether `viewer` may see or find `other` at all (neither blocked the other).
pub fn visible(conn: &rusqlite::Connection, viewer: &str, other: &str) -> AppResult<bool> {
    Ok(viewer == other || !social::blocked_either_way(conn, viewer, other)?)
}

/// Limits on sending requests, so nobody can spam the whole server.
pub struct SocialState {
    requests: governor::DefaultKeyedRateLimiter<String>,
    /// What each person is playing now (see `services::activity`); memory only.
    pub now_playing: moka::sync::Cache<String, crate::services::activity::NowPlaying>,
}

impl SocialState {
    pub fn new(requests_per_hour: u32) -> Self {
        let per_hour = std::num::NonZeroU32::new(requests_per_hour.max(1)).expect("at least one");
        Self {
            requests: governor::RateLimiter::keyed(governor::Quota::per_hour(per_hour)),
            now_playing: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(6 * 3600))
                .build(),
        }
    }

    fn check_request_rate(&self, user_id: &str) -> AppResult<()> {
        self.requests.check_key(&user_id.to_string()).map_err(|n| crate::auth::rate_limit::refusal(&n))
    }

    pub fn forget_idle(&self) {
        self.requests.retain_recent();
    }
}
