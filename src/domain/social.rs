//! Kinds stored for the social graph.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    FriendRequestReceived,
    FriendRequestAccepted,
    RoomInvite,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::FriendRequestReceived => "FRIEND_REQUEST_RECEIVED",
            NotificationKind::FriendRequestAccepted => "FRIEND_REQUEST_ACCEPTED",
            NotificationKind::RoomInvite => "ROOM_INVITE",
        }
    }

    /// The sentence shown for it, about `who`.
    pub fn message(self, who: &str) -> String {
        match self {
            NotificationKind::FriendRequestReceived => format!("{who} sent you a friend request"),
            NotificationKind::FriendRequestAccepted => format!("{who} accepted your friend request"),
            NotificationKind::RoomInvite => format!("{who} invited you to a room"),
        }
    }
}

impl FromSql for NotificationKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "FRIEND_REQUEST_RECEIVED" => Ok(NotificationKind::FriendRequestReceived),
            "FRIEND_REQUEST_ACCEPTED" => Ok(NotificationKind::FriendRequestAccepted),
            "ROOM_INVITE" => Ok(NotificationKind::RoomInvite),
            other => Err(FromSqlError::Other(format!("unknown notification kind {other:?}").into())),
        }
    }
}

impl ToSql for NotificationKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}
