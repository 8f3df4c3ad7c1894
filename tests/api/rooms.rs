//! Rooms: GraphQL management and the room protocol on `/ws/rooms`, with real WebSocket clients
//! (docs/rooms.md).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::fixtures;
use crate::helpers::{Session, Socket, TestApp, error_code};

const WAIT: Duration = Duration::from_secs(10);

/// One member's socket.
struct Client {
    ws: Socket,
    /// The latest frame of each type seen (a command's own broadcast arrives before its ack).
    last: std::collections::HashMap<String, Value>,
}

/// How a connection attempt ended: joined (with its `welcome`) or closed with a code.
enum Joined {
    Welcome(Box<Client>, Value),
    Closed(u16, String),
}

impl Joined {
    fn welcome(self) -> (Client, Value) {
        match self {
            Joined::Welcome(c, w) => (*c, w),
            Joined::Closed(code, reason) => panic!("expected a welcome, got close {code} {reason}"),
        }
    }
    fn closed(self) -> u16 {
        match self {
            Joined::Welcome(_, w) => panic!("expected a refusal, got {w}"),
            Joined::Closed(code, _) => code,
        }
    }
}

async fn open(app: &TestApp) -> Socket {
    let request = app.url("/ws/rooms").replace("http://", "ws://").into_client_request().unwrap();
    tokio_tungstenite::connect_async(request).await.expect("ws connects").0
}

/// Says hello with `token` to the room (`roomId` or `code` in `to`).
async fn join(app: &TestApp, token: &str, to: Value) -> Joined {
    let mut ws = open(app).await;
    let mut hello = json!({ "type": "hello", "token": token });
    hello.as_object_mut().unwrap().extend(to.as_object().unwrap().clone());
    ws.send(Message::text(hello.to_string())).await.unwrap();
    let mut client = Client { ws, last: Default::default() };
    match client.next_frame().await {
        Ok(frame) if frame["type"] == "welcome" => Joined::Welcome(Box::new(client), frame),
        Ok(frame) => panic!("expected welcome, got {frame}"),
        Err((code, reason)) => Joined::Closed(code, reason),
    }
}

async fn join_room(app: &TestApp, who: &Session, room: &str) -> (Client, Value) {
    join(app, &who.access, json!({ "roomId": room })).await.welcome()
}

impl Client {
    /// The next frame, or the close code and reason.
    async fn next_frame(&mut self) -> Result<Value, (u16, String)> {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next()).await.expect("the server answered in time");
            match message {
                Some(Ok(Message::Text(t))) => {
                    let frame: Value = serde_json::from_str(&t).unwrap();
                    self.last.insert(frame["type"].as_str().unwrap_or_default().to_string(), frame.clone());
                    return Ok(frame);
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame.map_or((1005, String::new()), |f| (f.code.into(), f.reason.to_string())));
                }
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return Err((1006, String::new())),
            }
        }
    }

    /// The next frame of `kind`, skipping others.
    async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            match self.next_frame().await {
                Ok(frame) if frame["type"] == kind => return frame,
                Ok(_) => continue,
                Err(close) => panic!("closed {close:?} while waiting for {kind}"),
            }
        }
    }

    /// The next frame of `kind` for which `wanted` holds, skipping others (older states).
    async fn next_where(&mut self, kind: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let frame = self.next_of(kind).await;
            if wanted(&frame) {
                return frame;
            }
        }
    }

    /// Waits for the socket to close; returns the code.
    async fn closed(&mut self) -> u16 {
        loop {
            if let Err((code, _)) = self.next_frame().await {
                return code;
            }
        }
    }

    /// The latest frame of `kind` seen so far.
    fn last(&self, kind: &str) -> &Value {
        self.last.get(kind).unwrap_or_else(|| panic!("no {kind} frame seen"))
    }

    async fn send(&mut self, frame: Value) {
        self.ws.send(Message::text(frame.to_string())).await.unwrap();
    }

    /// Sends a command with a `ref` and returns the server's `ack` or `error` for it.
    async fn command(&mut self, mut frame: Value) -> Value {
        static REF: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let reference = REF.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        frame["ref"] = json!(reference);
        self.send(frame).await;
        loop {
            let answer = self.next_frame().await.unwrap_or_else(|c| panic!("closed {c:?}"));
            if (answer["type"] == "ack" || answer["type"] == "error") && answer["ref"] == json!(reference) {
                return answer;
            }
        }
    }

    async fn ok(&mut self, frame: Value) {
        let answer = self.command(frame.clone()).await;
        assert_eq!(answer["type"], "ack", "{frame} → {answer}");
    }

    async fn refused(&mut self, frame: Value) -> String {
        let answer = self.command(frame.clone()).await;
        assert_eq!(answer["type"], "error", "{frame} → {answer}");
        answer["code"].as_str().unwrap().to_string()
    }
}

/// A server with three short tracks, an admin and Ann, Bob and Cat.
struct Party {
    app: TestApp,
    admin: Session,
    ann: Session,
    bob: Session,
    cat: Session,
    tracks: Vec<String>,
    _music: tempfile::TempDir,
}

async fn party() -> Party {
    party_with(|_| {}).await
}

async fn party_with(configure: impl FnOnce(&mut soundroom::config::Config)) -> Party {
    let music = tempfile::tempdir().unwrap();
    for (i, seconds) in [0.6, 20.0, 20.0].iter().enumerate() {
        fixtures::wav(&music.path().join(format!("{i:02}.wav")), *seconds);
    }
    let folder = music.path().to_path_buf();
    let app = TestApp::spawn_with(move |c| {
        c.library.folders = vec![folder];
        configure(c);
    })
    .await;
    let admin = app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let cat = app.register("cat@example.org", "Cat").await;
    app.scan().await;
    let list =
        app.gql_ok(Some(&ann.access), "{ tracks(first: 10, sort: NAME) { edges { node { id } } } }", json!({})).await;
    let tracks = list["tracks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect();
    Party { app, admin, ann, bob, cat, tracks, _music: music }
}

async fn create_room(app: &TestApp, who: &Session, input: Value) -> (String, String) {
    let room = app
        .gql_ok(
            Some(&who.access),
            "mutation($i: RoomInput!) { createRoom(input: $i) { id code } }",
            json!({ "i": input }),
        )
        .await;
    (room["createRoom"]["id"].as_str().unwrap().to_string(), room["createRoom"]["code"].as_str().unwrap().to_string())
}

async fn befriend(app: &TestApp, a: &Session, b: &Session) {
    let sent = app
        .gql_ok(
            Some(&a.access),
            "mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }",
            json!({ "u": b.user_id }),
        )
        .await;
    let accept = "mutation($r: ID!) { acceptFriendRequest(requestId: $r) { id } }";
    app.gql_ok(Some(&b.access), accept, json!({ "r": sent["sendFriendRequest"]["id"] })).await;
}

fn member_ids(frame: &Value) -> Vec<String> {
    frame["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_socket_must_say_hello_with_a_valid_token_from_this_origin() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den" })).await;
    assert_eq!(join(&p.app, "not-a-token", json!({ "roomId": room })).await.closed(), 4401);
    assert_eq!(join(&p.app, &p.ann.access, json!({ "roomId": "no-such-room" })).await.closed(), 4404);
    assert_eq!(join(&p.app, &p.ann.access, json!({ "code": "ZZZZZZ" })).await.closed(), 4404);
    // Something other than hello first.
    let mut ws = open(&p.app).await;
    ws.send(Message::text(json!({ "type": "chat", "text": "hi" }).to_string())).await.unwrap();
    assert_eq!(Client { ws, last: Default::default() }.closed().await, 4401);
    // Silence: closed after 5 s.
    let started = std::time::Instant::now();
    assert_eq!(Client { ws: open(&p.app).await, last: Default::default() }.closed().await, 4401);
    assert!(started.elapsed() >= Duration::from_secs(4));
    // Another site's page cannot open the socket with the visitor's browser.
    let mut request = p.app.url("/ws/rooms").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await.expect_err("refused");
    assert!(refused.to_string().contains("403"), "{refused}");
    // The welcome has the full state.
    let (_, welcome) = join_room(&p.app, &p.ann, &room).await;
    assert_eq!(welcome["you"]["id"], p.ann.user_id.as_str());
    assert_eq!(welcome["you"]["isHost"], true);
    assert_eq!(welcome["room"]["id"], room.as_str());
    assert!(welcome["serverTime"].as_i64().unwrap() > 1_600_000_000_000);
    assert_eq!(welcome["queue"]["items"], json!([]));
    assert_eq!(welcome["playback"]["playing"], false);
}

/// A client that closes first gets the close handshake answered (browsers report a close
/// without an answer as unclean), and a bad handshake is refused as RFC 6455 says.
#[tokio::test]
async fn a_close_from_the_client_is_answered_and_bad_handshakes_are_refused() {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    ann.ws.close(Some(CloseFrame { code: 1000.into(), reason: "bye".into() })).await.unwrap();
    let answered = async {
        while let Some(Ok(message)) = ann.ws.next().await {
            if let Message::Close(frame) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    };
    assert_eq!(tokio::time::timeout(WAIT, answered).await.expect("in time"), Some(1000));

    let handshake = |version: &'static str, key: &'static str| {
        p.app
            .client
            .get(p.app.url("/ws/rooms"))
            .header("connection", "Upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", version)
            .header("sec-websocket-key", key)
            .send()
    };
    let old = handshake("8", "dGhlIHNhbXBsZSBub25jZQ==").await.unwrap();
    assert_eq!(old.status(), 426);
    assert_eq!(old.headers()["sec-websocket-version"], "13");
    assert_eq!(handshake("13", "not a key").await.unwrap().status(), 400);
}

/// A client may send its first frame in the same packet as its upgrade request (real clients
/// wait for the 101, so only a raw socket shows it): the server must not lose it. A plain
/// request to the socket's address is refused.
#[tokio::test]
async fn a_hello_sent_with_the_upgrade_request_is_heard_and_plain_requests_are_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den" })).await;
    let plain = p.app.client.get(p.app.url("/ws/rooms")).send().await.unwrap();
    assert_eq!(plain.status(), 400);

    let host = p.app.addr.trim_start_matches("http://").to_string();
    let hello = json!({ "type": "hello", "token": p.ann.access, "roomId": room }).to_string();
    let mut bytes = format!(
        "GET /ws/rooms HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    .into_bytes();
    // One masked text frame; a zero mask leaves the payload as it is.
    bytes.push(0x81);
    match u16::try_from(hello.len()).unwrap() {
        len @ 0..=125 => bytes.push(0x80 | len as u8),
        len => {
            bytes.push(0x80 | 126);
            bytes.extend(len.to_be_bytes());
        }
    }
    bytes.extend([0; 4]);
    bytes.extend(hello.as_bytes());
    let mut tcp = tokio::net::TcpStream::connect(&host).await.unwrap();
    tcp.write_all(&bytes).await.unwrap();

    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&got).contains(r#""type":"welcome""#) {
            let n = tcp.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(WAIT, read).await.expect("an answer");
    let got = String::from_utf8_lossy(&got).to_lowercase();
    assert!(got.starts_with("http/1.1 101"), "{got}");
    // RFC 6455's own example key and answer.
    assert!(got.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "{got}");
    assert!(got.contains(r#""type":"welcome""#), "the hello was heard: {got}");
}

#[tokio::test]
async fn visibility_friendships_invitations_and_blocks_decide_who_gets_in() {
    let p = party().await;
    let (friends_room, code) = create_room(&p.app, &p.ann, json!({ "name": "Friends", "visibility": "FRIENDS" })).await;
    assert_eq!(join(&p.app, &p.bob.access, json!({ "code": code })).await.closed(), 4403, "a stranger");
    let by_code = "query($c: String!) { roomByCode(code: $c) { id } }";
    let seen = p.app.gql_ok(Some(&p.bob.access), by_code, json!({ "c": code.to_lowercase() })).await;
    assert!(seen["roomByCode"].is_null());
    befriend(&p.app, &p.ann, &p.bob).await;
    let seen = p.app.gql_ok(Some(&p.bob.access), by_code, json!({ "c": code.to_lowercase() })).await;
    assert_eq!(seen["roomByCode"]["id"], friends_room.as_str(), "codes are case-insensitive");
    join(&p.app, &p.bob.access, json!({ "code": code })).await.welcome();
    let listed = p.app.gql_ok(Some(&p.bob.access), "{ rooms { id owner { id } } }", json!({})).await;
    assert_eq!(listed["rooms"][0]["id"], friends_room.as_str());

    // A private room opens to an invitation, which arrives as a notification.
    let (private, _) = create_room(&p.app, &p.ann, json!({ "name": "Private", "visibility": "PRIVATE" })).await;
    assert_eq!(join(&p.app, &p.cat.access, json!({ "roomId": private })).await.closed(), 4403);
    let invite = "mutation($r: ID!, $u: ID!) { inviteToRoom(roomId: $r, userId: $u) }";
    p.app.gql_ok(Some(&p.ann.access), invite, json!({ "r": private, "u": p.cat.user_id })).await;
    let notes =
        p.app.gql_ok(Some(&p.cat.access), "{ notifications { edges { node { type roomId } } } }", json!({})).await;
    assert_eq!(notes["notifications"]["edges"][0]["node"], json!({ "type": "ROOM_INVITE", "roomId": private }));
    join(&p.app, &p.cat.access, json!({ "roomId": private })).await.welcome();

    // Someone the owner blocked cannot tell a public room exists.
    let (public, _) = create_room(&p.app, &p.ann, json!({ "name": "Open", "visibility": "PUBLIC" })).await;
    join(&p.app, &p.cat.access, json!({ "roomId": public })).await.welcome();
    p.app
        .gql_ok(Some(&p.ann.access), "mutation($u: ID!) { blockUser(userId: $u) }", json!({ "u": p.cat.user_id }))
        .await;
    assert_eq!(join(&p.app, &p.cat.access, json!({ "roomId": public })).await.closed(), 4404);
    let listed = p.app.gql_ok(Some(&p.cat.access), "{ rooms { id } }", json!({})).await;
    assert_eq!(listed["rooms"], json!([]), "blocked: no room of Ann's, not even the one invited to");
}

#[tokio::test]
async fn guests_join_by_code_when_allowed_are_limited_and_end_with_the_room() {
    let p = party().await;
    let (room, code) = create_room(&p.app, &p.ann, json!({ "name": "LAN party" })).await;
    let pass = "mutation($c: String!, $n: String!) { joinRoomAsGuest(code: $c, name: $n) { token roomId name } }";
    let refused = p.app.gql(None, pass, json!({ "c": code, "n": "Zoe" })).await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "guests are off by default");
    let update = "mutation($r: ID!) { updateRoom(id: $r, input: {allowGuests: true}) { allowGuests } }";
    p.app.gql_ok(Some(&p.ann.access), update, json!({ "r": room })).await;
    let blank = p.app.gql(None, pass, json!({ "c": code, "n": "  " })).await;
    assert_eq!(error_code(&blank), "BAD_USER_INPUT");
    let guest = p.app.gql_ok(None, pass, json!({ "c": code, "n": " Zoe " })).await;
    let token = guest["joinRoomAsGuest"]["token"].as_str().unwrap().to_string();
    assert_eq!(guest["joinRoomAsGuest"]["name"], "Zoe");

    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let (mut zoe, welcome) = join(&p.app, &token, json!({ "code": code })).await.welcome();
    assert_eq!(welcome["you"]["guest"], true);
    let joined = ann.next_of("memberJoined").await;
    assert_eq!(joined["member"]["name"], "Zoe");
    // A guest listens, chats and reacts, but does not control a host-only room.
    assert_eq!(zoe.refused(json!({ "type": "queueAdd", "trackIds": [p.tracks[1]] })).await, "FORBIDDEN");
    zoe.ok(json!({ "type": "chat", "text": "hello from a phone" })).await;
    assert_eq!(ann.next_of("chat").await["user"], json!({ "id": welcome["you"]["id"], "name": "Zoe", "guest": true }));
    zoe.ok(json!({ "type": "reaction", "emoji": "🔥" })).await;
    // The pass opens this room only, and no GraphQL.
    let (other, _) =
        create_room(&p.app, &p.ann, json!({ "name": "Other", "visibility": "PUBLIC", "allowGuests": true })).await;
    assert_eq!(join(&p.app, &token, json!({ "roomId": other })).await.closed(), 4403);
    let me = p.app.gql(Some(&token), "{ rooms { id } }", json!({})).await;
    assert_eq!(error_code(&me), "UNAUTHENTICATED");
    // The room's media links work for the guest while the room is open.
    ann.ok(json!({ "type": "queueAdd", "trackIds": [p.tracks[1]] })).await;
    let playback = zoe.next_of("playback").await;
    let stream = p.app.url(playback["track"]["streamUrl"].as_str().unwrap());
    assert_eq!(p.app.client.get(&stream).send().await.unwrap().status(), 200);

    p.app.gql_ok(Some(&p.ann.access), "mutation($r: ID!) { closeRoom(id: $r) }", json!({ "r": room })).await;
    assert_eq!(zoe.next_of("roomClosed").await["reason"], "the room was closed");
    assert_eq!(zoe.closed().await, 4000);
    assert_eq!(join(&p.app, &token, json!({ "code": code })).await.closed(), 4401, "the pass ended with the room");
    assert_eq!(p.app.client.get(&stream).send().await.unwrap().status(), 401, "so did the media links");
}

#[tokio::test]
async fn the_control_mode_decides_who_plays_and_a_play_starts_together_when_everyone_is_ready() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let (mut bob, _) = join_room(&p.app, &p.bob, &room).await;
    assert_eq!(bob.refused(json!({ "type": "queueAdd", "trackIds": [p.tracks[1]] })).await, "FORBIDDEN");
    assert_eq!(bob.refused(json!({ "type": "play" })).await, "FORBIDDEN");
    assert_eq!(ann.refused(json!({ "type": "queueAdd", "trackIds": ["no-such-track"] })).await, "NOT_FOUND");
    ann.ok(json!({ "type": "queueAdd", "trackIds": [p.tracks[1], p.tracks[2]] })).await;
    let queue = bob.next_of("queue").await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 2);
    assert_eq!(queue["items"][0]["addedBy"]["name"], "Ann");
    // The first track becomes current, paused, so everyone loads it.
    let loading = bob.next_of("playback").await;
    assert_eq!((loading["trackId"].as_str(), loading["playing"].as_bool()), (Some(p.tracks[1].as_str()), Some(false)));

    ann.ok(json!({ "type": "play" })).await;
    // Nothing starts until both are ready (or the wait runs out, 4 s).
    ann.ok(json!({ "type": "ready", "trackId": p.tracks[1], "ready": true })).await;
    let before = soundroom::rooms::protocol::now_ms();
    bob.send(json!({ "type": "ready", "trackId": p.tracks[1], "ready": true })).await;
    let started = loop {
        let frame = bob.next_of("playback").await;
        if frame["playing"] == true {
            break frame;
        }
    };
    let at = started["atServerMs"].as_i64().unwrap();
    assert!(at >= before + 250, "a play is scheduled a lead time ahead: {at} vs {before}");
    assert_eq!(started["positionMs"], 0);
    assert_eq!(started["by"], p.ann.user_id.as_str());

    // Everyone in control: Bob may play now.
    let update = "mutation($r: ID!) { updateRoom(id: $r, input: {controlMode: EVERYONE}) { controlMode } }";
    p.app.gql_ok(Some(&p.ann.access), update, json!({ "r": room })).await;
    assert_eq!(bob.next_of("room").await["room"]["controlMode"], "EVERYONE");
    bob.ok(json!({ "type": "pause", "positionMs": 5000 })).await;
    let paused = ann.next_where("playback", |f| f["by"] == p.bob.user_id.as_str()).await;
    assert_eq!((paused["playing"].as_bool(), paused["positionMs"].as_i64()), (Some(false), Some(5000)));
    bob.ok(json!({ "type": "seek", "positionMs": 999_999 })).await;
    let seek = ann.next_where("playback", |f| f["positionMs"] != 5000).await;
    assert_eq!(seek["positionMs"], 20_000, "seeks stay inside the track");
    bob.ok(json!({ "type": "next" })).await;
    ann.next_where("playback", |f| f["trackId"] == p.tracks[2].as_str()).await;
    assert_eq!(bob.refused(json!({ "type": "next" })).await, "BAD_USER_INPUT", "the last track has no next");
    bob.ok(json!({ "type": "previous" })).await;
    ann.next_where("playback", |f| f["trackId"] == p.tracks[1].as_str()).await;
}

#[tokio::test]
async fn the_host_hands_over_kicks_and_when_leaving_passes_to_the_longest_present() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let (mut bob, _) = join_room(&p.app, &p.bob, &room).await;
    let (mut cat, _) = join_room(&p.app, &p.cat, &room).await;
    assert_eq!(bob.refused(json!({ "type": "kick", "userId": p.cat.user_id })).await, "FORBIDDEN");
    assert_eq!(bob.refused(json!({ "type": "transferHost", "userId": p.bob.user_id })).await, "FORBIDDEN");

    // Ann leaves: Bob, present longer than Cat, becomes host.
    ann.ok(json!({ "type": "leave" })).await;
    assert_eq!(cat.next_of("memberLeft").await["userId"], p.ann.user_id.as_str());
    assert_eq!(cat.next_of("hostChanged").await["userId"], p.bob.user_id.as_str());
    bob.ok(json!({ "type": "transferHost", "userId": p.cat.user_id })).await;
    assert_eq!(cat.next_of("hostChanged").await["userId"], p.cat.user_id.as_str());
    cat.ok(json!({ "type": "kick", "userId": p.bob.user_id })).await;
    assert_eq!(bob.closed().await, 4403);
    assert_eq!(join(&p.app, &p.bob.access, json!({ "roomId": room })).await.closed(), 4403, "kicked stays out");
    // The owner cannot be kicked out of their own room.
    join_room(&p.app, &p.ann, &room).await;
    assert_eq!(cat.refused(json!({ "type": "kick", "userId": p.ann.user_id })).await, "FORBIDDEN");
}

#[tokio::test]
async fn a_dropped_connection_that_returns_in_time_resumes_without_leaving_and_two_tabs_count_once() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let (bob_tab, _) = join_room(&p.app, &p.bob, &room).await;
    ann.next_of("memberJoined").await;
    let (_bob_tab2, welcome) = join_room(&p.app, &p.bob, &room).await;
    assert_eq!(member_ids(&welcome), vec![p.ann.user_id.clone(), p.bob.user_id.clone()], "one person, one member");
    drop(_bob_tab2);
    drop(bob_tab);
    // Both of Bob's tabs dropped without `leave`: he is away, not gone.
    let away = loop {
        let members = ann.next_of("members").await;
        if members["members"][1]["connected"] == false {
            break members;
        }
    };
    assert_eq!(member_ids(&away).len(), 2);
    let (_bob, _) = join_room(&p.app, &p.bob, &room).await;
    // The next presence frame is Bob connected again: no memberLeft/memberJoined in between.
    loop {
        let frame = ann.next_frame().await.unwrap();
        assert_ne!(frame["type"], "memberLeft", "{frame}");
        assert_ne!(frame["type"], "memberJoined", "{frame}");
        if frame["type"] == "members" {
            assert_eq!(frame["members"][1]["connected"], true);
            break;
        }
    }
}

#[tokio::test]
async fn bad_frames_get_errors_and_change_nothing_and_floods_are_cut_off() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    for bad in [json!({ "type": "explode" }), json!({ "type": "seek", "positionMs": "soon" }), json!({ "no": "type" })]
    {
        assert_eq!(ann.refused(bad).await, "BAD_FRAME");
    }
    ann.send(json!("just a string")).await;
    assert_eq!(ann.next_of("error").await["code"], "BAD_FRAME");
    assert_eq!(ann.refused(json!({ "type": "chat", "text": "   " })).await, "BAD_USER_INPUT");
    assert_eq!(ann.refused(json!({ "type": "chat", "text": "x".repeat(501) })).await, "BAD_USER_INPUT");
    assert_eq!(ann.refused(json!({ "type": "queueRemove", "itemId": "nope" })).await, "NOT_FOUND");
    assert_eq!(ann.refused(json!({ "type": "seek", "positionMs": 10 })).await, "BAD_USER_INPUT", "nothing playing");
    let (_, state) = join_room(&p.app, &p.ann, &room).await;
    assert_eq!(state["queue"]["items"], json!([]));
    assert_eq!(state["recentChat"], json!([]));
    // Chat is limited to 5 messages in 10 s, reactions to 10.
    for i in 0..5 {
        ann.ok(json!({ "type": "chat", "text": format!("line {i}") })).await;
    }
    assert_eq!(ann.refused(json!({ "type": "chat", "text": "one too many" })).await, "RATE_LIMITED");
    // A flood of frames closes the socket with 4429.
    for _ in 0..200 {
        if ann.ws.send(Message::text(json!({ "type": "ping", "t0": 1 }).to_string())).await.is_err() {
            break;
        }
    }
    assert_eq!(ann.closed().await, 4429);
}

#[tokio::test]
async fn chat_is_kept_and_late_joiners_get_the_last_fifty_lines() {
    let p = party_with(|_| {}).await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    ann.ok(json!({ "type": "chat", "text": "first" })).await;
    ann.ok(json!({ "type": "chat", "text": "second" })).await;
    let (_, welcome) = join_room(&p.app, &p.bob, &room).await;
    let lines: Vec<&str> =
        welcome["recentChat"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(lines, ["first", "second"], "oldest first");
    assert_eq!(welcome["recentChat"][0]["user"]["name"], "Ann");
}

#[tokio::test]
async fn queue_edits_from_everyone_at_once_all_land_in_one_order() {
    let p = party().await;
    let (room, _) =
        create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC", "controlMode": "EVERYONE" })).await;
    let mut clients = Vec::new();
    for who in [&p.ann, &p.bob, &p.cat] {
        clients.push(join_room(&p.app, who, &room).await.0);
    }
    let adds = clients.iter_mut().enumerate().map(|(i, c)| {
        let track = p.tracks[i].clone();
        async move {
            for _ in 0..10 {
                c.ok(json!({ "type": "queueAdd", "trackIds": [track], "index": 0 })).await;
            }
        }
    });
    futures_util::future::join_all(adds).await;
    let (_, state) = join_room(&p.app, &p.ann, &room).await;
    let items = state["queue"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 30, "no edit was lost");
    for track in &p.tracks {
        assert_eq!(items.iter().filter(|i| i["trackId"] == track.as_str()).count(), 10);
    }
    // Every member's latest queue frame is that same order. An answered command is a barrier:
    // everything the room sent before it has arrived.
    let order: Vec<&Value> = items.iter().map(|i| &i["itemId"]).collect();
    for mut c in clients {
        assert_eq!(c.refused(json!({ "type": "queueRemove", "itemId": "barrier" })).await, "NOT_FOUND");
        let theirs: Vec<&Value> = c.last("queue")["items"].as_array().unwrap().iter().map(|i| &i["itemId"]).collect();
        assert_eq!(theirs, order);
    }
}

#[tokio::test]
async fn the_queue_moves_on_by_itself_at_the_end_of_a_track() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    ann.ok(json!({ "type": "queueAdd", "trackIds": [p.tracks[0], p.tracks[1]] })).await;
    ann.ok(json!({ "type": "play" })).await;
    ann.send(json!({ "type": "ready", "trackId": p.tracks[0], "ready": true })).await;
    // The 0.6 s track ends; the next one is loaded and, once ready, plays.
    let next = loop {
        let frame = ann.next_of("playback").await;
        if frame["trackId"] == p.tracks[1].as_str() {
            break frame;
        }
    };
    assert_eq!(next["playing"], false, "loading first");
    ann.send(json!({ "type": "ready", "trackId": p.tracks[1], "ready": true })).await;
    loop {
        let frame = ann.next_of("playback").await;
        if frame["playing"] == true {
            assert_eq!(frame["trackId"], p.tracks[1].as_str());
            break;
        }
    }
    // Moving and removing keep the order everyone sees.
    ann.ok(json!({ "type": "queueMove", "itemId": next["itemId"], "index": 0 })).await;
    assert_eq!(ann.last("queue")["items"][0]["trackId"], p.tracks[1].as_str());
    ann.ok(json!({ "type": "queueRemove", "itemId": next["itemId"] })).await;
    assert_eq!(ann.last("queue")["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_revoked_session_or_disabled_account_ends_its_room_sockets_at_once() {
    let p = party().await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC" })).await;
    let (mut bob, _) = join_room(&p.app, &p.bob, &room).await;
    p.app.gql_ok(Some(&p.bob.access), "mutation { logoutEverywhere }", json!({})).await;
    assert_eq!(bob.closed().await, 4401);
    let (mut cat, _) = join_room(&p.app, &p.cat, &room).await;
    let disable = "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }";
    p.app.gql_ok(Some(&p.admin.access), disable, json!({ "u": p.cat.user_id })).await;
    assert_eq!(cat.closed().await, 4401);
}

#[tokio::test]
async fn rooms_queues_and_positions_survive_a_restart_paused() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let p = party_with(move |c| c.storage.data_dir = dir).await;
    let (room, code) = create_room(&p.app, &p.ann, json!({ "name": "Den" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    ann.ok(json!({ "type": "queueAdd", "trackIds": [p.tracks[1], p.tracks[2]] })).await;
    ann.ok(json!({ "type": "play", "positionMs": 0 })).await;
    ann.ok(json!({ "type": "ready", "trackId": p.tracks[1], "ready": true })).await;
    ann.ok(json!({ "type": "chat", "text": "still here after a restart?" })).await;
    ann.ok(json!({ "type": "seek", "positionMs": 7000 })).await;
    let tracks = p.tracks.clone();
    let ann_token = p.ann.access.clone();
    let music = p._music.path().to_path_buf();
    drop(ann);
    drop(p.app);

    let dir = data.path().to_path_buf();
    let app = TestApp::spawn_with(move |c| {
        c.storage.data_dir = dir;
        c.library.folders = vec![music];
    })
    .await;
    let (_, welcome) = join(&app, &ann_token, json!({ "code": code })).await.welcome();
    let items: Vec<&str> =
        welcome["queue"]["items"].as_array().unwrap().iter().map(|i| i["trackId"].as_str().unwrap()).collect();
    assert_eq!(items, [tracks[1].as_str(), tracks[2].as_str()]);
    assert_eq!(welcome["playback"]["trackId"], tracks[1].as_str());
    assert_eq!(welcome["playback"]["playing"], false, "resumed paused");
    let position = welcome["playback"]["positionMs"].as_i64().unwrap();
    assert!((7000..9000).contains(&position), "where it was: {position}");
    assert_eq!(welcome["recentChat"][0]["text"], "still here after a restart?");
    assert_eq!(welcome["room"]["id"], room.as_str());
}

#[tokio::test]
async fn an_empty_room_stops_its_task_and_a_member_who_stays_away_leaves() {
    let p = party_with(|c| {
        c.rooms.idle_stop_secs = 1;
        c.rooms.reconnect_grace_secs = 1;
    })
    .await;
    let (room, _) = create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let (bob, _) = join_room(&p.app, &p.bob, &room).await;
    ann.ok(json!({ "type": "queueAdd", "trackIds": [p.tracks[1]] })).await;
    drop(bob);
    // Bob dropped without `leave` and never came back: after the grace period he leaves.
    assert_eq!(ann.next_of("memberLeft").await["userId"], p.bob.user_id.as_str());
    ann.ok(json!({ "type": "leave" })).await;
    let stopped = async {
        while p.app.state.rooms.live_count() > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(WAIT, stopped).await.expect("the empty room's task stopped");
    // The next member starts it again, from what was stored.
    let (_, welcome) = join_room(&p.app, &p.bob, &room).await;
    assert_eq!(welcome["queue"]["items"][0]["trackId"], p.tracks[1].as_str());
    assert_eq!(p.app.state.rooms.live_count(), 1);
}

/// A socket whose kernel receive buffer is tiny, so a member that stops reading backs up at once.
async fn open_small_window(app: &TestApp) -> Socket {
    let url = app.url("/ws/rooms").replace("http://", "ws://");
    let addr: std::net::SocketAddr = url.trim_start_matches("ws://").split('/').next().unwrap().parse().unwrap();
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(2048).unwrap();
    let stream = tcp.connect(addr).await.unwrap();
    let request = url.into_client_request().unwrap();
    let (ws, _) =
        tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream)).await.unwrap();
    ws
}

#[tokio::test]
async fn a_member_who_stops_reading_is_dropped_with_4408_and_the_room_goes_on() {
    let p = party_with(|c| c.rooms.member_queue_frames = 8).await;
    let (room, _) =
        create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC", "controlMode": "EVERYONE" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let mut ws = open_small_window(&p.app).await;
    ws.send(Message::text(json!({ "type": "hello", "token": p.bob.access, "roomId": room }).to_string()))
        .await
        .unwrap();
    let mut bob = Client { ws, last: Default::default() };
    bob.next_of("welcome").await;
    // Bob stops reading. A full queue (1,000 items) makes every queue frame large, so his
    // buffers fill within a few frames.
    for _ in 0..10 {
        ann.ok(json!({ "type": "queueAdd", "trackIds": vec![p.tracks[1].clone(); 100] })).await;
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    // Within the server's close grace (5 s) of the cut:
    for _ in 0..15 {
        // Ann's commands keep being answered however far behind Bob is (paced under the limit).
        let first = ann.last("queue")["items"][0]["itemId"].clone();
        ann.ok(json!({ "type": "queueMove", "itemId": first, "index": 99 })).await;
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    // Reading again, Bob finds what was sent before the cut, then the close.
    assert_eq!(bob.closed().await, 4408, "the slow member was dropped");
    // The room still answers its other members.
    ann.ok(json!({ "type": "pause" })).await;
}

#[tokio::test]
async fn a_connection_that_stops_answering_is_dropped_and_one_that_answers_pings_stays() {
    let p = party_with(|c| {
        c.rooms.keepalive_secs = 1;
        c.rooms.reconnect_grace_secs = 1;
    })
    .await;
    let (room, _) =
        create_room(&p.app, &p.ann, json!({ "name": "Den", "visibility": "PUBLIC", "controlMode": "EVERYONE" })).await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let (mut bob, _) = join_room(&p.app, &p.bob, &room).await;
    // Bob's client goes quiet: nobody reads it, so it answers no ping. Ann sends nothing
    // either, but her client answers the server's pings while she reads.
    let bob_id = p.bob.user_id.as_str();
    // (Pings alone would keep `next_where` reading forever: bound the whole wait.)
    let left = tokio::time::timeout(WAIT, ann.next_where("memberLeft", |f| f["userId"] == bob_id)).await;
    left.expect("the silent member was dropped and left after the grace");
    // That took two keepalive periods and the grace: Ann, silent all along, is still in.
    ann.ok(json!({ "type": "chat", "text": "still here" })).await;
    // Bob finds the server's pings, then the close.
    let mut pings = 0;
    let code = loop {
        match tokio::time::timeout(WAIT, bob.ws.next()).await.expect("the server closed in time") {
            Some(Ok(Message::Ping(_))) => pings += 1,
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    };
    assert_eq!(code, Some(4408));
    assert!(pings >= 1, "the server pinged before it gave up");
}

#[tokio::test]
async fn in_a_big_room_a_storm_of_presence_changes_goes_out_together_and_drops_nobody() {
    // Queues of 8 frames: a frame per change per member would overflow them at once.
    let p = party_with(|c| {
        c.rooms.member_queue_frames = 8;
        c.limits.auth_attempts_per_ip_per_minute = 1_000;
    })
    .await;
    let (room, code) = create_room(
        &p.app,
        &p.ann,
        json!({ "name": "Stadium", "visibility": "PUBLIC", "allowGuests": true, "controlMode": "EVERYONE" }),
    )
    .await;
    let (mut ann, _) = join_room(&p.app, &p.ann, &room).await;
    let pass = "mutation($c: String!, $n: String!) { joinRoomAsGuest(code: $c, name: $n) { token } }";
    let mut guests = Vec::new();
    for i in 0..70 {
        let token = p.app.gql_ok(None, pass, json!({ "c": code, "n": format!("Guest {i}") })).await;
        let token = token["joinRoomAsGuest"]["token"].as_str().unwrap().to_string();
        guests.push(join(&p.app, &token, json!({ "roomId": room })).await.welcome());
    }
    // The track changes; every guest reports ready at once, as browsers do once it is loaded.
    ann.ok(json!({ "type": "queueAdd", "trackIds": [p.tracks[1]] })).await;
    let item = ann.last("playback")["itemId"].clone();
    for (guest, _) in &mut guests {
        guest.send(json!({ "type": "ready", "itemId": item, "ready": true })).await;
    }
    // Ann follows the room through the changes until she has seen every guest ready.
    let guest_ids: Vec<String> = guests.iter().map(|(_, w)| w["you"]["id"].as_str().unwrap().to_string()).collect();
    let mut ready = std::collections::HashSet::new();
    let mut presence_frames = 0;
    while ready.len() < guest_ids.len() {
        let frame = ann.next_frame().await.unwrap_or_else(|close| panic!("Ann was cut off: {close:?}"));
        if frame["type"] != "membersChanged" {
            continue;
        }
        presence_frames += 1;
        for member in frame["members"].as_array().unwrap() {
            if member["ready"] == true && guest_ids.contains(&member["id"].as_str().unwrap().to_string()) {
                ready.insert(member["id"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(presence_frames < guest_ids.len() / 2, "{presence_frames} presence frames for 70 changes");
    // Nobody was dropped: every guest hears what Ann says next.
    ann.ok(json!({ "type": "chat", "text": "everyone here?" })).await;
    for (guest, _) in &mut guests {
        assert_eq!(guest.next_of("chat").await["text"], "everyone here?");
    }
}
