//! The room protocol's frames (docs/rooms.md): what clients send, what the server sends.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A frame from a client. `ref` is kept apart so even a frame that fails to parse can be
/// answered with its `ref`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum ClientFrame {
    Hello { token: String, room_id: Option<String>, code: Option<String> },
    Ping { t0: f64, rtt_ms: Option<f64> },
    Play { item_id: Option<String>, track_id: Option<String>, position_ms: Option<i64> },
    Pause { position_ms: Option<i64> },
    Seek { position_ms: i64 },
    Next {},
    Previous {},
    QueueAdd { track_ids: Vec<String>, index: Option<i64> },
    QueueRemove { item_id: String },
    QueueMove { item_id: String, index: i64 },
    Ready { track_id: Option<String>, item_id: Option<String>, ready: bool },
    Chat { text: String },
    Reaction { emoji: String },
    TransferHost { user_id: String },
    Kick { user_id: String },
    Leave {},
}

/// Parses a text frame into its `ref` and the frame, or a message saying what is wrong.
pub fn parse(text: &str) -> (Option<Value>, Result<ClientFrame, String>) {
    let mut value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return (None, Err(format!("not JSON: {e}"))),
    };
    let Some(object) = value.as_object_mut() else { return (None, Err("a frame is a JSON object".into())) };
    let reference = object.remove("ref").filter(|r| r.is_string() || r.is_number());
    let frame = serde_json::from_value(value).map_err(|e| e.to_string());
    (reference, frame)
}

/// A person in the room as every member sees them.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemberInfo {
    pub id: String,
    pub name: String,
    pub guest: bool,
    pub avatar_url: Option<String>,
    pub is_host: bool,
    pub ready: bool,
    pub connected: bool,
    pub joined_at: i64,
}

/// The author of a chat line or a reaction.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    pub id: String,
    pub name: String,
    pub guest: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomInfo {
    pub id: String,
    pub name: String,
    pub code: String,
    pub visibility: crate::domain::room::Visibility,
    pub control_mode: crate::domain::room::ControlMode,
    pub allow_guests: bool,
    pub host_id: String,
    pub owner_id: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackInfo {
    pub id: String,
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub duration_ms: i64,
    pub codec: String,
    pub cover_url: Option<String>,
    pub stream_url: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry {
    pub item_id: String,
    pub track_id: String,
    pub added_by: Author,
    pub track: TrackInfo,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaybackInfo {
    pub item_id: Option<String>,
    pub track_id: Option<String>,
    pub track: Option<TrackInfo>,
    pub playing: bool,
    pub position_ms: i64,
    pub at_server_ms: i64,
    pub rate: f64,
    pub by: Option<String>,
    pub seq: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatLine {
    pub id: String,
    pub user: Author,
    pub text: String,
    pub sent_at: i64,
}

/// A frame to clients. Built, serialised once and dropped, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ServerFrame {
    Welcome {
        you: MemberInfo,
        room: RoomInfo,
        members: Vec<MemberInfo>,
        playback: PlaybackInfo,
        queue: QueueInfo,
        recent_chat: Vec<ChatLine>,
        server_time: i64,
    },
    Pong {
        t0: f64,
        t1: i64,
        t2: i64,
    },
    Playback(PlaybackInfo),
    Queue(QueueInfo),
    Members {
        members: Vec<MemberInfo>,
    },
    MemberJoined {
        member: MemberInfo,
        user: MemberInfo,
    },
    /// Rooms larger than 64 members: who joined or changed (ready, connected) and who left
    /// since the last such frame, sent at most five times a second.
    MembersChanged {
        members: Vec<MemberInfo>,
        left: Vec<String>,
    },
    MemberLeft {
        user_id: String,
    },
    HostChanged {
        user_id: String,
    },
    Room {
        room: RoomInfo,
    },
    Chat(ChatLine),
    Reaction {
        user: Author,
        emoji: String,
    },
    RoomClosed {
        reason: String,
    },
    Ack {
        #[serde(rename = "ref")]
        reference: Value,
    },
    Error {
        #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<Value>,
        code: &'static str,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueInfo {
    pub items: Vec<QueueEntry>,
    pub seq: u64,
}

impl ServerFrame {
    pub fn error(reference: Option<Value>, code: &'static str, message: impl Into<String>) -> Self {
        ServerFrame::Error { reference, code, message: message.into() }
    }

    /// The frame as JSON text, serialised once however many members receive it.
    pub fn text(&self) -> axum::extract::ws::Utf8Bytes {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"type":"error","code":"INTERNAL","message":"?"}"#.into())
            .into()
    }
}

/// Server time: Unix epoch milliseconds, the clock every client converts to its own.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_parse_with_their_ref_and_bad_ones_say_why() {
        let (r, frame) = parse(r#"{"type":"seek","positionMs":5000,"ref":7}"#);
        assert_eq!(r, Some(serde_json::json!(7)));
        assert!(matches!(frame, Ok(ClientFrame::Seek { position_ms: 5000 })));
        let (r, frame) = parse(r#"{"type":"next","ref":"a"}"#);
        assert_eq!(r, Some(serde_json::json!("a")));
        assert!(matches!(frame, Ok(ClientFrame::Next {})));
        assert!(parse(r#"{"type":"explode","ref":1}"#).1.is_err());
        assert!(parse(r#"{"type":"seek","positionMs":"soon"}"#).1.is_err());
        assert!(parse(r#"{"type":"seek","positionMs":1,"extra":true}"#).1.is_err());
        assert!(parse("[1,2]").1.is_err());
        assert!(parse("not json").1.is_err());
    }

    #[test]
    fn server_frames_have_the_documented_shape() {
        let frame = ServerFrame::Pong { t0: 1.5, t1: 2, t2: 3 };
        assert_eq!(&*frame.text(), r#"{"type":"pong","t0":1.5,"t1":2,"t2":3}"#);
        let frame = ServerFrame::MemberLeft { user_id: "u".into() };
        assert_eq!(&*frame.text(), r#"{"type":"memberLeft","userId":"u"}"#);
        let frame = ServerFrame::MembersChanged { members: vec![], left: vec!["u".into()] };
        assert_eq!(&*frame.text(), r#"{"type":"membersChanged","members":[],"left":["u"]}"#);
        let frame = ServerFrame::error(Some(serde_json::json!(1)), "BAD_FRAME", "no");
        assert_eq!(&*frame.text(), r#"{"type":"error","ref":1,"code":"BAD_FRAME","message":"no"}"#);
    }
}
