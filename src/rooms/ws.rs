//! `GET /ws/rooms`: one socket per member connection (docs/rooms.md). The socket says hello,
//! is admitted by the rooms service, then hands its frames to the room's actor; the actor
//! writes its frames to the socket itself (`outbox`). Pings are answered here, at once, so
//! clock sync never waits behind the room.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};

use super::actor::{Command, Connection, JoinRefusal};
use super::bucket::Bucket;
use super::outbox::{Backlogged, Ending, Outbox, RoomIo, TOO_SLOW, frame_text};
use super::protocol::{self, ClientFrame, ServerFrame, now_ms};
use crate::domain::ids::RoomId;
use crate::error::ErrorKind;
use crate::http::HttpState;
use crate::services::events::Event;
use crate::services::rooms::{self, Identity, Refusal, RoomRef};
use crate::state::SharedState;

const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a closing connection may take to send what waits and hear the client's close:
/// a phone on a weak network may stall for a few seconds and should still learn why.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
const MAX_FRAME: usize = 16 * 1024;
const FRAMES_PER_SEC: f64 = 20.0;
const FRAME_BURST: f64 = 40.0;

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

type RoomSocket = WebSocketStream<RoomIo>;

/// The upgrade is done here rather than by axum's `WebSocket`, so the room can write to the
/// TCP socket itself (see `outbox`); tungstenite still reads and checks every client frame.
pub async fn upgrade(State(state): State<HttpState>, mut request: Request) -> Response {
    if !origin_allowed(request.headers(), &state.app.config.server.base_url) {
        return (StatusCode::FORBIDDEN, "this page may not open a room socket").into_response();
    }
    let accept = match websocket_accept(request.headers()) {
        Ok(accept) => accept,
        Err(BadHandshake::NotWebSocket) => {
            return (StatusCode::BAD_REQUEST, "this address takes WebSocket connections only").into_response();
        }
        Err(BadHandshake::Version) => {
            let version = [(header::SEC_WEBSOCKET_VERSION, "13")];
            return (StatusCode::UPGRADE_REQUIRED, version, "this server speaks WebSocket version 13").into_response();
        }
    };
    let Some(on_upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
        return (StatusCode::BAD_REQUEST, "this connection cannot be upgraded").into_response();
    };
    let app = state.app.clone();
    tokio::spawn(async move {
        let upgraded = match on_upgrade.await {
            Ok(upgraded) => upgraded,
            Err(e) => return tracing::debug!(error = %e, "a room socket's upgrade failed"),
        };
        let Ok(parts) = upgraded.downcast::<TokioIo<TcpStream>>() else {
            return tracing::error!("a room socket is not a plain TCP connection");
        };
        let (read, write) = parts.io.into_inner().into_split();
        let outbox = Arc::new(Outbox::new(write, app.config.rooms.member_queue_frames));
        let io = RoomIo { read, outbox: outbox.clone() };
        // Bytes the client sent right after its request (its hello, say) were read already.
        let leftover = parts.read_buf.to_vec();
        let socket = WebSocketStream::from_partially_read(io, leftover, Role::Server, Some(socket_config())).await;
        serve(app, socket, outbox).await;
    });
    (
        StatusCode::SWITCHING_PROTOCOLS,
        [(header::CONNECTION, "upgrade"), (header::UPGRADE, "websocket")],
        [(header::SEC_WEBSOCKET_ACCEPT, accept)],
    )
        .into_response()
}

fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME))
        // Small buffers: 10,000 idle members must fit. Client frames are small (a ping is
        // ~60 bytes); a bigger one grows this socket's buffer to its size, and it stays so.
        // tungstenite writes only pongs and close frames here, straight into the outbox.
        .read_buffer_size(1024)
        .write_buffer_size(0)
}

enum BadHandshake {
    NotWebSocket,
    /// Another version of the protocol than 13: answered with the one we speak.
    Version,
}

/// RFC 6455's opening handshake: the `Sec-WebSocket-Accept` answer, or what is wrong.
fn websocket_accept(headers: &HeaderMap) -> Result<String, BadHandshake> {
    let has_token = |name: HeaderName, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    if !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Err(BadHandshake::NotWebSocket);
    }
    if headers.get(header::SEC_WEBSOCKET_VERSION).is_none_or(|v| v != "13") {
        return Err(BadHandshake::Version);
    }
    // The key is 16 random bytes in base64.
    let key = headers.get(header::SEC_WEBSOCKET_KEY).ok_or(BadHandshake::NotWebSocket)?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(key.as_bytes());
    if decoded.map_or(true, |bytes| bytes.len() != 16) {
        return Err(BadHandshake::NotWebSocket);
    }
    Ok(derive_accept_key(key.as_bytes()))
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

async fn serve(app: SharedState, mut socket: RoomSocket, outbox: Arc<Outbox>) {
    let _gauge = crate::http::SocketGauge::open("room");
    let (identity, room_ref) = match hello(&app, &mut socket).await {
        Ok(hello) => hello,
        Err((code, reason)) => return close(socket, &outbox, code, reason).await,
    };
    let room = match rooms::admit(&app, &identity, room_ref).await {
        Ok(Ok(room)) => room,
        Ok(Err(Refusal::NotFound)) => return close(socket, &outbox, 4404, "there is no such room").await,
        Ok(Err(Refusal::Forbidden)) => return close(socket, &outbox, 4403, "you may not join this room").await,
        Err(e) => {
            e.log_if_internal();
            return close(socket, &outbox, 1011, "something went wrong; try again").await;
        }
    };
    let rtt_ms = Arc::new(AtomicU32::new(0));
    let conn_id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
    let mut joined = Err(JoinRefusal::Gone);
    // A room stopping just as we arrive is started again, once.
    for _ in 0..2 {
        let conn = Box::new(Connection {
            id: conn_id,
            identity: identity.clone(),
            outbox: outbox.clone(),
            rtt_ms: rtt_ms.clone(),
        });
        joined = app.rooms.join(&app, &room.id, conn).await;
        if joined != Err(JoinRefusal::Gone) {
            break;
        }
    }
    let refused = match joined {
        Ok(()) => None,
        Err(JoinRefusal::Kicked) => Some((4403, "you were removed from this room")),
        Err(JoinRefusal::NotFound) => Some((4404, "there is no such room")),
        Err(JoinRefusal::Gone) => Some((1011, "the room is restarting; try again")),
    };
    if let Some((code, reason)) = refused {
        return close(socket, &outbox, code, reason).await;
    }
    let ending = relay(&app, &mut socket, &outbox, &room.id, conn_id, &identity, &rtt_ms).await;
    match &ending {
        // Ours before the room lets go of the socket (which would end it with 1011). A member
        // too far behind gets the close frame without the frames it could not take.
        Some((4408, _)) => outbox.cut_off(),
        Some((code, reason)) => outbox.end(*code, reason),
        None => {}
    }
    app.rooms.send(&room.id, Command::Disconnected { conn_id }).await;
    if let Some((code, reason)) = ending {
        close(socket, &outbox, code, &reason).await;
    }
}

/// Waits for `hello` and authenticates it.
async fn hello(app: &SharedState, socket: &mut RoomSocket) -> Result<(Identity, RoomRef), (u16, &'static str)> {
    let deadline = Instant::now() + HELLO_TIMEOUT;
    let text = loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
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

/// This side's own answers (pongs, errors), framed and sent like the room's.
fn reply(outbox: &Outbox, frame: ServerFrame) -> Result<(), Backlogged> {
    outbox.send(frame_text(&frame.text()))
}

/// Reads the member's frames and hands them to the room (pings are answered here) while the
/// outbox writes whatever the socket could not take at once; returns the close code to send,
/// if one can still be sent. The room writes its frames to the socket itself, so a broadcast
/// wakes no member's task.
async fn relay(
    app: &SharedState,
    socket: &mut RoomSocket,
    outbox: &Outbox,
    room: &RoomId,
    conn_id: u64,
    identity: &Identity,
    rtt_ms: &AtomicU32,
) -> Option<(u16, String)> {
    let too_slow = || Some((4408, TOO_SLOW.to_string()));
    // A session signed out or an account disabled ends its room sockets at once.
    let mut session = identity.caller().map(|c| app.events.subscribe(&c.user_id, &c.session_id));
    let mut frames = Bucket::new(FRAMES_PER_SEC, FRAME_BURST);
    let shutdown = app.shutdown.cancelled();
    tokio::pin!(shutdown);
    let writing = outbox.run();
    tokio::pin!(writing);
    // Browsers answer a WebSocket ping by themselves, even in a background tab whose timers
    // (and so its clock-sync pings) are throttled.
    let keepalive = Duration::from_secs(app.config.rooms.keepalive_secs);
    let mut heard = Instant::now();
    let mut pinged = false;
    loop {
        let session_event = async {
            match session.as_mut() {
                Some(s) => s.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            incoming = socket.next() => {
                let received = now_ms();
                let message = match incoming {
                    // `close` sends tungstenite's answer to the client's close frame.
                    Some(Ok(Message::Close(_))) => return Some((1000, String::new())),
                    None | Some(Err(_)) => return None,
                    Some(Ok(message)) => message,
                };
                (heard, pinged) = (Instant::now(), false);
                // Every frame counts, WebSocket pings included (tungstenite answers those).
                if !frames.take() {
                    return Some((4429, "too many frames; slow down".into()));
                }
                let text = match message {
                    Message::Text(text) => text,
                    Message::Binary(_) => {
                        let error = ServerFrame::error(None, "BAD_FRAME", "frames are JSON text");
                        if reply(outbox, error).is_err() { return too_slow() }
                        continue;
                    }
                    _ => continue,
                };
                let (reference, frame) = protocol::parse(&text);
                let frame = match frame {
                    Ok(frame) => frame,
                    Err(why) => {
                        let error = ServerFrame::error(reference, "BAD_FRAME", format!("malformed frame: {why}"));
                        if reply(outbox, error).is_err() { return too_slow() }
                        continue;
                    }
                };
                if let ClientFrame::Ping { t0, rtt_ms: rtt } = frame {
                    if let Some(rtt) = rtt.filter(|r| r.is_finite() && *r >= 0.0) {
                        rtt_ms.store(rtt.min(10_000.0) as u32, Ordering::Relaxed);
                    }
                    let pong = ServerFrame::Pong { t0, t1: received, t2: now_ms() };
                    if reply(outbox, pong).is_err() { return too_slow() }
                    continue;
                }
                // After `leave` the room answers, then ends this connection (1000) through the
                // outbox, so the answer goes out before the close.
                if !app.rooms.send(room, Command::Frame { conn_id, reference, frame }).await {
                    return Some((4404, "the room has ended".into()));
                }
            }
            ending = &mut writing => return match ending {
                Ending::Close(code, reason) => Some((code, reason)),
                Ending::Broken => None,
            },
            event = session_event => match event {
                Some(Event::SessionRevoked { .. }) | None => return Some((4401, "your session has ended".into())),
                Some(_) => {}
            },
            _ = &mut shutdown => return Some((1001, "the server is stopping".into())),
            _ = tokio::time::sleep_until(heard + keepalive) => {
                if pinged {
                    return Some((4408, "no answer from this connection".into()));
                }
                (heard, pinged) = (Instant::now(), true);
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return too_slow();
                }
            }
        }
    }
}

/// Sends a close frame after whatever waits in the outbox, then reads until the client's own
/// close (briefly): closing a socket the client is still writing to would reset it, and the
/// client would never see the code. When the client closed first, this answers its close.
async fn close(mut socket: RoomSocket, outbox: &Outbox, code: u16, reason: &str) {
    let frame = CloseFrame { code: code.into(), reason: reason.into() };
    let handshake = async {
        // After the client's close tungstenite refuses ours; flushing sends its answer instead.
        let _ = socket.send(Message::Close(Some(frame))).await;
        let _ = socket.flush().await;
        let client_close = async {
            while let Some(Ok(message)) = socket.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        };
        tokio::join!(outbox.flush(), client_close);
    };
    let _ = tokio::time::timeout(CLOSE_GRACE, handshake).await;
}
