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

#[SubscriptionObject]
impl Subscription {
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
