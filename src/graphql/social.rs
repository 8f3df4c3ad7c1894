//! Friends, blocks and notifications: thin resolvers over `services::social`.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};

use crate::graphql::account::page_size;
use crate::graphql::types::User;
use crate::graphql::{GqlResult, caller, state};
use crate::services::social::{self, NotificationKind};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum NotificationType {
    SessionRevoked,
    FriendRequestReceived,
    FriendRequestAccepted,
    RoomInvite,
}

impl From<NotificationKind> for NotificationType {
    fn from(kind: NotificationKind) -> Self {
        match kind {
            NotificationKind::FriendRequestReceived => NotificationType::FriendRequestReceived,
            NotificationKind::FriendRequestAccepted => NotificationType::FriendRequestAccepted,
            NotificationKind::RoomInvite => NotificationType::RoomInvite,
        }
    }
}

/// Something that happened for the signed-in person. Stored ones (all but SESSION_REVOKED)
/// have an id and can be marked read.
pub struct Notification {
    pub id: Option<String>,
    pub kind: NotificationType,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub actor: Option<crate::services::accounts::UserRow>,
    pub room_id: Option<String>,
    pub request_id: Option<String>,
}

impl Notification {
    pub fn stored(n: social::Notification) -> GqlResult<Self> {
        let who = n.actor.as_ref().map_or("Someone", |a| a.row.username.as_str());
        Ok(Self {
            message: n.kind.message(who),
            id: Some(n.id),
            kind: n.kind.into(),
            created_at: crate::domain::time::parse_stored(&n.created_at)?,
            read: n.read,
            actor: n.actor.map(|a| a.row),
            room_id: n.room_id,
            request_id: n.request_id,
        })
    }
}

#[Object]
impl Notification {
    async fn id(&self) -> Option<ID> {
        self.id.clone().map(ID)
    }
    #[graphql(name = "type")]
    async fn kind(&self) -> NotificationType {
        self.kind
    }
    async fn message(&self) -> &str {
        &self.message
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    async fn read(&self) -> bool {
        self.read
    }
    /// The other person: who sent the request, accepted it, or invited you.
    async fn user(&self, ctx: &Context<'_>) -> Option<User> {
        self.actor.clone().map(|row| User::seen(ctx, row))
    }
    async fn room_id(&self) -> Option<ID> {
        self.room_id.clone().map(ID)
    }
    /// For FRIEND_REQUEST_RECEIVED while still pending: accept or decline it with this id.
    async fn friend_request_id(&self) -> Option<ID> {
        self.request_id.clone().map(ID)
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum FriendRequestStatus {
    Pending,
    /// Sent back to someone who had asked first: you are friends now.
    Accepted,
}

pub struct FriendRequest(social::FriendRequest);

#[Object]
impl FriendRequest {
    async fn id(&self) -> ID {
        ID(self.0.row.id.clone())
    }
    async fn requester(&self) -> User {
        User::from(self.0.requester.clone())
    }
    async fn receiver(&self) -> User {
        User::from(self.0.receiver.clone())
    }
    async fn created_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.row.created_at)?)
    }
    async fn status(&self) -> FriendRequestStatus {
        if self.0.accepted { FriendRequestStatus::Accepted } else { FriendRequestStatus::Pending }
    }
}

#[derive(Default)]
pub struct SocialQuery;

#[Object]
impl SocialQuery {
    async fn friends(&self, ctx: &Context<'_>) -> GqlResult<Vec<User>> {
        Ok(social::friends(state(ctx), &caller(ctx)?).await?.into_iter().map(User::from).collect())
    }
    async fn incoming_friend_requests(&self, ctx: &Context<'_>) -> GqlResult<Vec<FriendRequest>> {
        Ok(social::requests(state(ctx), &caller(ctx)?, false).await?.into_iter().map(FriendRequest).collect())
    }
    async fn outgoing_friend_requests(&self, ctx: &Context<'_>) -> GqlResult<Vec<FriendRequest>> {
        Ok(social::requests(state(ctx), &caller(ctx)?, true).await?.into_iter().map(FriendRequest).collect())
    }
    async fn blocked_users(&self, ctx: &Context<'_>) -> GqlResult<Vec<User>> {
        Ok(social::blocked_users(state(ctx), &caller(ctx)?).await?.into_iter().map(User::from).collect())
    }
    /// Stored notifications, newest first.
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, Notification>> {
        let limit = page_size(first)?;
        let mut rows = social::notifications(state(ctx), &caller(ctx)?, after, limit + 1).await?;
        let has_next = rows.len() > limit;
        rows.truncate(limit);
        let mut page = Connection::new(false, has_next);
        for n in rows {
            let cursor = n.id.clone();
            page.edges.push(Edge::new(cursor, Notification::stored(n)?));
        }
        Ok(page)
    }
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(social::unread_count(state(ctx), &caller(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct SocialMutation;

#[Object]
impl SocialMutation {
    /// Sends a request; if they had asked you already, you become friends at once (ACCEPTED).
    async fn send_friend_request(&self, ctx: &Context<'_>, user_id: ID) -> GqlResult<FriendRequest> {
        Ok(FriendRequest(social::send_request(state(ctx), &caller(ctx)?, user_id.0).await?))
    }
    /// Returns the new friend.
    async fn accept_friend_request(&self, ctx: &Context<'_>, request_id: ID) -> GqlResult<User> {
        Ok(social::accept_request(state(ctx), &caller(ctx)?, request_id.0).await?.into())
    }
    async fn decline_friend_request(&self, ctx: &Context<'_>, request_id: ID) -> GqlResult<bool> {
        Ok(social::decline_request(state(ctx), &caller(ctx)?, request_id.0).await?)
    }
    async fn cancel_friend_request(&self, ctx: &Context<'_>, request_id: ID) -> GqlResult<bool> {
        Ok(social::cancel_request(state(ctx), &caller(ctx)?, request_id.0).await?)
    }
    async fn remove_friend(&self, ctx: &Context<'_>, user_id: ID) -> GqlResult<bool> {
        Ok(social::remove_friend(state(ctx), &caller(ctx)?, user_id.0).await?)
    }
    /// Ends any friendship and pending requests; they can no longer find or reach you.
    async fn block_user(&self, ctx: &Context<'_>, user_id: ID) -> GqlResult<bool> {
        Ok(social::block(state(ctx), &caller(ctx)?, user_id.0).await?)
    }
    async fn unblock_user(&self, ctx: &Context<'_>, user_id: ID) -> GqlResult<bool> {
        Ok(social::unblock(state(ctx), &caller(ctx)?, user_id.0).await?)
    }
    /// Marks these notifications read, or all of them when `ids` is omitted; returns how many.
    async fn mark_notifications_read(&self, ctx: &Context<'_>, ids: Option<Vec<ID>>) -> GqlResult<i64> {
        let ids = ids.unwrap_or_default().into_iter().map(|i| i.0).collect();
        Ok(social::mark_read(state(ctx), &caller(ctx)?, ids).await?)
    }
}
