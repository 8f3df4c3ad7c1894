//! `GET /ws/rooms`: one socket per member connection (docs/rooms.md). The socket says hello,
//! is admitted by the rooms service, then relays frames to its room's actor and the actor's
//! frames back. Pings are answered here, at once, so clock sync never waits behind the room.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::actor::{Command, Connection, JoinRefusal, Outgoing};
use super::bucket::Bucket;
use super::protocol::{self, ClientFrame, ServerFrame, now_ms};
use crate::domain::ids::RoomId;
use crate::error::ErrorKind;
use crate::http::HttpState;
use crate::services::events::Event;
use crate::services::rooms::{self, Identity, Refusal, RoomRef};
use crate::state::SharedState;

const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_FRAME: usize = 16 * 1024;
const FRAMES_PER_SEC: f64 = 20.0;
const FRAME_BURST: f64 = 40.0;

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

pub async fn upgrade(State(state): State<HttpState>, headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    if !origin_allowed(&headers, &state.app.config.server.base_url) {
        return (StatusCode::FORBIDDEN, "this page may not open a room socket").into_response();
    }
    let app = state.app.clone();
    upgrade
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        // Small buffers: 10,000 idle members must fit. Client frames are small (a ping is
        // ~60 bytes); a bigger one grows this socket's buffer to its size, and it stays so.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve(app, socket))
}

/// Browsers always send `Origin`: it must be this server (as the browser reached it, or its
/// configured base URL). Clients that are not browsers send none and prove themselves with the
/// token in `hello`.
fn origin_allowed(headers: &HeaderMap, base_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let same_host = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host);
    same_host || origin == base_url.trim_end_matches('/')
}

async fn serve(app: SharedState, mut socket: WebSocket) {
    let _gauge = crate::http::SocketGauge::open("room");
    let (identity, room_ref) = match hello(&app, &mut socket).await {
        Ok(hello) => hello,
        Err((code, reason)) => return close(socket, code, reason).await,
    };
    let room = match rooms::admit(&app, &identity, room_ref).await {
        Ok(Ok(room)) => room,
        Ok(Err(Refusal::NotFound)) => return close(socket, 4404, "there is no such room").await,
        Ok(Err(Refusal::Forbidden)) => return close(socket, 4403, "you may not join this room").await,
        Err(e) => {
            e.log_if_internal();
            return close(socket, 1011, "something went wrong; try again").await;
        }
    };
    let rtt_ms = Arc::new(AtomicU32::new(0));
    let conn_id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
    let (outbox_tx, outbox) = mpsc::channel(app.config.rooms.member_queue_frames);
    let mut joined = Err(JoinRefusal::Gone);
    // A room stopping just as we arrive is started again, once.
    for _ in 0..2 {
        let conn = Box::new(Connection {
            id: conn_id,
            identity: identity.clone(),
            outbox: outbox_tx.clone(),
            rtt_ms: rtt_ms.clone(),
        });
        joined = app.rooms.join(&app, &room.id, conn).await;
        if joined != Err(JoinRefusal::Gone) {
            break;
        }
    }
    drop(outbox_tx);
    match joined {
        Ok(()) => {}
        Err(JoinRefusal::Kicked) => return close(socket, 4403, "you were removed from this room").await,
        Err(JoinRefusal::NotFound) => return close(socket, 4404, "there is no such room").await,
        Err(JoinRefusal::Gone) => return close(socket, 1011, "the room is restarting; try again").await,
    }
    let ending = relay(&app, socket, &room.id, conn_id, &identity, outbox, &rtt_ms).await;
    app.rooms.send(&room.id, Command::Disconnected { conn_id }).await;
    if let Some((socket, code, reason)) = ending {
        close(socket, code, &reason).await;
    }
}

/// Waits for `hello` and authenticates it.
async fn hello(app: &SharedState, socket: &mut WebSocket) -> Result<(Identity, RoomRef), (u16, &'static str)> {
    let text = loop {
        match tokio::time::timeout(HELLO_TIMEOUT, socket.recv()).await {
            Err(_) => return Err((4401, "say hello within 5 seconds")),
            Ok(None | Some(Err(_))) => return Err((1000, "")),
            Ok(Some(Ok(Message::Text(text)))) => break text,
            Ok(Some(Ok(Message::Close(_)))) => return Err((1000, "")),
            Ok(Some(Ok(_))) => continue,
        }
    };
    let Ok(ClientFrame::Hello { token, room_id, code }) = protocol::parse(&text).1 else {
        return Err((4401, "the first frame must be hello with a token"));
    };
    let room = match (room_id, code) {
        (Some(id), _) => RoomRef::Id(id),
        (None, Some(code)) => RoomRef::Code(code),
        (None, None) => return Err((4404, "hello names no room")),
    };
    match rooms::authenticate(app, &token).await {
        Ok(identity) => Ok((identity, room)),
        Err(e) if e.kind() == ErrorKind::Internal => {
            e.log_if_internal();
            Err((1011, "something went wrong; try again"))
        }
        Err(_) => Err((4401, "your session has ended; sign in again")),
    }
}

type Sink = SplitSink<WebSocket, Message>;

/// Why a socket's writer stopped.
enum WriterEnd {
    /// The room closes us (or dropped us), with this code.
    Close(u16, String),
    /// The reader asked it to stop.
    Stopped,
    /// The connection broke; no close frame can be sent.
    Broken,
}

/// Relays until the socket or the room ends; returns the socket and the close code to send, if
/// one can still be sent. The room's frames are written by their own task, so a broadcast
/// wakes only that writer, not this loop and its read side (in a big room every member wakes
/// for every frame).
async fn relay(
    app: &SharedState,
    socket: WebSocket,
    room: &RoomId,
    conn_id: u64,
    identity: &Identity,
    outbox: mpsc::Receiver<Outgoing>,
    rtt_ms: &AtomicU32,
) -> Option<(WebSocket, u16, String)> {
    let (sink, mut stream) = socket.split();
    // Pongs and error frames from this side; the writer sends them before the room's frames.
    let (replies, replies_rx) = mpsc::channel::<Utf8Bytes>(8);
    let mut writer = tokio::spawn(write(sink, outbox, replies_rx));
    // A session signed out or an account disabled ends its room sockets at once.
    let mut session = identity.caller().map(|c| app.events.subscribe(&c.user_id, &c.session_id));
    let mut frames = Bucket::new(FRAMES_PER_SEC, FRAME_BURST);
    let shutdown = app.shutdown.cancelled();
    tokio::pin!(shutdown);
    // (close code and reason, or None to just drop the connection; grace for the writer)
    let (ending, grace) = loop {
        let session_event = async {
            match session.as_mut() {
                Some(s) => s.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            incoming = stream.next() => {
                let received = now_ms();
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        let error = ServerFrame::error(None, "BAD_FRAME", "frames are JSON text");
                        if replies.send(error.text()).await.is_err() { break (None, Duration::ZERO) }
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break (None, Duration::ZERO),
                    Some(Ok(_)) => continue,
                };
                if !frames.take() {
                    break (Some((4429, "too many frames; slow down".into())), Duration::ZERO);
                }
                let (reference, frame) = protocol::parse(&text);
                let frame = match frame {
                    Ok(frame) => frame,
                    Err(why) => {
                        let error = ServerFrame::error(reference, "BAD_FRAME", format!("malformed frame: {why}"));
                        if replies.send(error.text()).await.is_err() { break (None, Duration::ZERO) }
                        continue;
                    }
                };
                if let ClientFrame::Ping { t0, rtt_ms: rtt } = frame {
                    if let Some(rtt) = rtt.filter(|r| r.is_finite() && *r >= 0.0) {
                        rtt_ms.store(rtt.min(10_000.0) as u32, Ordering::Relaxed);
                    }
                    let pong = ServerFrame::Pong { t0, t1: received, t2: now_ms() };
                    if replies.send(pong.text()).await.is_err() { break (None, Duration::ZERO) }
                    continue;
                }
                let leaving = matches!(frame, ClientFrame::Leave {});
                if !app.rooms.send(room, Command::Frame { conn_id, reference, frame }).await {
                    break (Some((4404, "the room has ended".into())), Duration::ZERO);
                }
                if leaving {
                    // The room answers (ack) before it forgets us; let that reach the client.
                    break (Some((1000, "left the room".into())), LEAVE_GRACE);
                }
            }
            written = &mut writer => {
                let (sink, end) = written.ok()?;
                let WriterEnd::Close(code, reason) = end else { return None };
                return Some((sink.reunite(stream).ok()?, code, reason));
            }
            event = session_event => match event {
                Some(Event::SessionRevoked { .. }) | None => break (Some((4401, "your session has ended".into())), Duration::ZERO),
                Some(_) => {}
            },
            _ = &mut shutdown => break (Some((1001, "the server is stopping".into())), Duration::ZERO),
        }
    };
    let (code, reason) = ending?;
    let sink = stop_writer(writer, replies, grace).await?;
    Some((sink.reunite(stream).ok()?, code, reason))
}

/// How long a leaving member's last frames may take to go out.
const LEAVE_GRACE: Duration = Duration::from_millis(500);

/// Lets the writer finish what the room sent within `grace`, then stops it and returns the
/// socket's sending half. A writer stuck on a client that does not read is abandoned.
async fn stop_writer(
    mut writer: tokio::task::JoinHandle<(Sink, WriterEnd)>,
    replies: mpsc::Sender<Utf8Bytes>,
    grace: Duration,
) -> Option<Sink> {
    if let Ok(done) = tokio::time::timeout(grace, &mut writer).await {
        return done.ok().map(|(sink, _)| sink);
    }
    drop(replies);
    match tokio::time::timeout(Duration::from_secs(2), &mut writer).await {
        Ok(done) => done.ok().map(|(sink, _)| sink),
        Err(_) => {
            writer.abort();
            None
        }
    }
}

/// Writes this side's replies and the room's frames until the room closes us, the reader
/// drops `replies`, or the connection breaks.
async fn write(
    mut sink: Sink,
    mut outbox: mpsc::Receiver<Outgoing>,
    mut replies: mpsc::Receiver<Utf8Bytes>,
) -> (Sink, WriterEnd) {
    loop {
        let text = tokio::select! {
            biased;
            reply = replies.recv() => match reply {
                Some(text) => text,
                None => return (sink, WriterEnd::Stopped),
            },
            outgoing = outbox.recv() => match outgoing {
                Some(Outgoing::Text(text)) => text,
                Some(Outgoing::Close(code, reason)) => return (sink, WriterEnd::Close(code, reason)),
                // The room dropped us because our queue filled up.
                None => return (sink, WriterEnd::Close(4408, "this connection fell too far behind".into())),
            },
        };
        if sink.send(Message::Text(text)).await.is_err() {
            return (sink, WriterEnd::Broken);
        }
    }
}

/// Sends a close frame, then reads until the client's own close (briefly): closing a socket
/// the client is still writing to would reset it, and the client would never see the code.
async fn close(mut socket: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame { code, reason: Utf8Bytes::from(reason) };
    let handshake = async {
        socket.send(Message::Close(Some(frame))).await?;
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
        Ok::<_, axum::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), handshake).await;
}
