//! Subscriptions over `/graphql/ws` (graphql-transport-ws).

use async_graphql::{Context, Enum, SimpleObject, Subscription as SubscriptionObject};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use tokio_stream::wrappers::BroadcastStream;

use crate::graphql::{caller, state};
use crate::services::notify::NotificationKind;

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
        caller(ctx)?.require_admin()?;
        let receiver = state(ctx).library.subscribe();
        Ok(BroadcastStream::new(receiver)
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
        let receiver = state(ctx).notifier.subscribe();
        Ok(BroadcastStream::new(receiver)
            .filter_map(move |event| {
                let event = event.ok();
                std::future::ready(event.filter(|n| n.user_id == me.user_id).map(|n| Notification {
                    kind: match n.kind {
                        NotificationKind::SessionRevoked => NotificationType::SessionRevoked,
                    },
                    message: n.message,
                    created_at: crate::db::parse_db_time(&n.created_at),
                }))
            })
            .boxed())
    }
}
