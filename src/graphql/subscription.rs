//! Subscriptions over `/graphql/ws` (graphql-transport-ws).

use async_graphql::{Context, SimpleObject, Subscription as SubscriptionObject};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use tokio_stream::wrappers::BroadcastStream;

use crate::graphql::social::{Notification, NotificationType};
use crate::graphql::{caller, state};
use crate::services::events::Event;
use crate::services::sessions;

pub struct Subscription;

#[derive(SimpleObject, Clone)]
pub struct ScanProgress {
    pub phase: String,
    pub files_seen: i64,
    pub files_total: Option<i64>,
    pub added: i64,
    pub updated: i64,
    pub removed: i64,
    pub skipped: i64,
    pub done: bool,
}

#[SubscriptionObject]
impl Subscription {
    /// Progress of library scans (admin).
    async fn library_scan(&self, ctx: &Context<'_>) -> async_graphql::Result<BoxStream<'static, ScanProgress>> {
        let me = caller(ctx)?;
        me.require_admin()?;
        let st = state(ctx).clone();
        let receiver = st.library.subscribe();
        // Progress stops flowing to a session that was signed out or disabled meanwhile.
        let alive = BroadcastStream::new(receiver).take_while(move |_| {
            let (st, me) = (st.clone(), me.clone());
            async move {
                // A database failure ends the stream too (logged as what it is, not a sign-out).
                sessions::still_valid(&st, &me).await.unwrap_or_else(|e| {
                    e.log_if_internal();
                    false
                })
            }
        });
        Ok(alive
            .filter_map(|p| {
                std::future::ready(p.ok().map(|p| ScanProgress {
                    phase: p.phase.to_string(),
                    files_seen: p.files_seen as i64,
                    files_total: p.files_total.map(|n| n as i64),
                    added: p.added as i64,
                    updated: p.updated as i64,
                    removed: p.removed as i64,
                    skipped: p.skipped as i64,
                    done: p.done,
                }))
            })
            .boxed())
    }

    /// Events for the signed-in user. The stream ends when this session does (after a
    /// SESSION_REVOKED event) or when the client falls too far behind.
    async fn notifications(&self, ctx: &Context<'_>) -> async_graphql::Result<BoxStream<'static, Notification>> {
        let me = caller(ctx)?;
        let events = state(ctx).events.subscribe(&me.user_id, &me.session_id);
        Ok(events
            .filter_map(|event| {
                std::future::ready(match event {
                    Event::SessionRevoked { message, at } => Some(Notification {
                        id: None,
                        kind: NotificationType::SessionRevoked,
                        message,
                        created_at: at,
                        read: false,
                        actor: None,
                        room_id: None,
                        request_id: None,
                    }),
                    Event::Notification(stored) => Notification::stored(*stored).ok(),
                    Event::FriendActivity(_) => None,
                })
            })
            .boxed())
    }

    /// What friends play, live: an event when one starts a track or stops (track null).
    async fn friend_activity(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<BoxStream<'static, crate::graphql::activity::FriendActivity>> {
        let me = caller(ctx)?;
        let events = state(ctx).events.subscribe(&me.user_id, &me.session_id);
        Ok(events
            .filter_map(|event| {
                std::future::ready(match event {
                    Event::FriendActivity(change) => Some(crate::graphql::activity::FriendActivity(*change)),
                    Event::SessionRevoked { .. } | Event::Notification(_) => None,
                })
            })
            .boxed())
    }
}
