//! Subscriptions over `/graphql/ws` (graphql-transport-ws).

use async_graphql::{Context, Enum, SimpleObject, Subscription as SubscriptionObject};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use tokio_stream::wrappers::BroadcastStream;

use crate::graphql::{caller, state};
use crate::services::notify::NotificationKind;
use crate::services::sessions;

pub struct Subscription;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum NotificationType {
    SessionRevoked,
}

#[derive(SimpleObject, Clone)]
pub struct Notification {
    #[graphql(name = "type")]
    pub kind: NotificationType,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

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
            async move { sessions::still_valid(&st, &me).await }
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

    /// Events for the signed-in user.
    async fn notifications(&self, ctx: &Context<'_>) -> async_graphql::Result<BoxStream<'static, Notification>> {
        let me = caller(ctx)?;
        let st = state(ctx).clone();
        let receiver = st.notifier.subscribe();
        let user_id = me.user_id.clone();
        let events = BroadcastStream::new(receiver).filter_map(move |event| {
            let event = event.ok();
            std::future::ready(event.filter(|n| n.user_id == user_id).map(|n| Notification {
                kind: match n.kind {
                    NotificationKind::SessionRevoked => NotificationType::SessionRevoked,
                },
                message: n.message,
                created_at: crate::db::parse_db_time(&n.created_at),
            }))
        });
        // Deliver each event, then end the subscription if it told this session it is over.
        let checked = events.then(move |n| {
            let (st, me) = (st.clone(), me.clone());
            async move {
                let alive = n.kind != NotificationType::SessionRevoked || sessions::still_valid(&st, &me).await;
                (n, alive)
            }
        });
        // Ends right after the event (not at the next one), hence unfold rather than scan.
        let until_revoked = futures_util::stream::unfold((checked.boxed(), false), |(mut events, done)| async move {
            if done {
                return None;
            }
            let (n, alive) = events.next().await?;
            Some((n, (events, !alive)))
        });
        Ok(until_revoked.boxed())
    }
}
