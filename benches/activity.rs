//! How fast a "now playing" change reaches every online friend, and what 1,000 open
//! subscriptions cost.
//!
//!     cargo bench --bench activity -- [users] [friends] [rounds]      (defaults 1000 50 200)
//!
//! Boots the real server in-process on 127.0.0.1:0 with a temp data dir, makes `users`
//! accounts each with `friends` friends (a ring: user i befriends the next friends/2), opens one
//! `friendActivity` subscription per user over real WebSockets, then for `rounds` users in
//! turn calls `setNowPlaying` over HTTP and times until every friend's socket has the event.
//! Prints p50/p99 and the process RSS (server and clients share the process, so it is an
//! upper bound for the server). Loopback only; every loop is bounded.

mod support;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use support::{percentile, rss_mb};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let users = *args.first().unwrap_or(&1000);
    let friends = (*args.get(1).unwrap_or(&50)).min(users - 1);
    let rounds = (*args.get(2).unwrap_or(&200)).min(users);

    let dir = tempfile::tempdir()?;
    let mut config = soundroom::config::Config::default();
    config.storage.data_dir = dir.path().join("data");
    config.server.max_connections = users + 100;
    let state = soundroom::state::AppState::build(config, soundroom::metrics_handle())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server_state = state.clone();
    tokio::spawn(async move { soundroom::serve(listener, server_state, std::future::pending()).await });

    // Accounts, friendships, a track and a session each, straight into the database.
    let music = dir.path().join("music");
    std::fs::create_dir_all(&music)?;
    let started = Instant::now();
    let st = state.clone();
    let (tokens, ids, track) = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let mut rows = Vec::new();
            for i in 0..users {
                let new = soundroom::db::users::NewUser {
                    email: &format!("u{i}@example.org"),
                    username: &format!("User {i}"),
                    tag: &format!("u{i}"),
                    password_hash: None,
                    is_admin: i == 0,
                    provider: "password",
                };
                rows.push(soundroom::db::users::insert(&tx, &new)?);
            }
            for i in 0..users {
                for d in 1..=friends / 2 {
                    soundroom::db::social::befriend(&tx, &rows[i].id, &rows[(i + d) % users].id)?;
                }
            }
            let track = bench_track(&tx)?;
            let mut tokens = Vec::new();
            for row in &rows {
                tokens.push(soundroom::services::sessions::issue(&tx, &st, row.clone(), None)?.access_token);
            }
            tx.commit()?;
            Ok((tokens, rows.into_iter().map(|r| r.id).collect::<Vec<_>>(), track))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    println!("set up {users} users with {friends} friends each in {:.1} s", started.elapsed().as_secs_f64());

    // One subscription per user.
    let rss_before = rss_mb("self");
    let mut sockets = Vec::new();
    for token in &tokens {
        let mut request = format!("ws://{addr}/graphql/ws").into_client_request()?;
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
        ws.send(Message::text(json!({ "type": "connection_init", "payload": { "token": token } }).to_string())).await?;
        let subscribe = json!({ "id": "1", "type": "subscribe",
            "payload": { "query": "subscription { friendActivity { user { id } startedAt } }" } });
        ws.send(Message::text(subscribe.to_string())).await?;
        sockets.push(ws);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while state.events.listener_count() < users && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rss_open = rss_mb("self");
    println!(
        "{} subscriptions open; RSS {:.1} MB before, {:.1} MB with them ({:.1} KB each, clients included)",
        state.events.listener_count(),
        rss_before,
        rss_open,
        (rss_open - rss_before) * 1024.0 / users as f64
    );

    let (writers, mut receivers): (Vec<_>, Vec<_>) = sockets.into_iter().map(|ws| ws.split()).unzip();
    let _keep_writers_open = writers;
    let client = reqwest::Client::new();
    let mut latencies = Vec::new();
    let mut deliveries = Vec::new();
    for round in 0..rounds {
        let who = round * (users / rounds.max(1)).max(1) % users;
        // Friends of `who` are the users whose ring reaches `who`, and those `who` reaches.
        let audience: Vec<usize> =
            (1..=friends / 2).flat_map(|d| [(who + d) % users, (who + users - d) % users]).collect();
        let mut audience: Vec<usize> = audience.into_iter().filter(|&i| i != who).collect();
        audience.sort();
        audience.dedup();
        let sent = Instant::now();
        let body = json!({ "query": "mutation($t: ID) { setNowPlaying(trackId: $t) }", "variables": { "t": track } });
        let reply = client.post(format!("http://{addr}/graphql")).bearer_auth(&tokens[who]).json(&body).send().await?;
        anyhow::ensure!(reply.status().is_success(), "setNowPlaying failed");
        let mut last = Duration::ZERO;
        for &friend in &audience {
            let frame = tokio::time::timeout(Duration::from_secs(10), async {
                loop {
                    match receivers[friend].next().await {
                        Some(Ok(Message::Text(t))) if t.contains(ids[who].as_str()) => return Ok(()),
                        Some(Ok(_)) => continue,
                        other => return Err(anyhow::anyhow!("socket ended: {other:?}")),
                    }
                }
            })
            .await;
            frame.map_err(|_| anyhow::anyhow!("friend {friend} never heard from {who}"))??;
            last = last.max(sent.elapsed());
        }
        latencies.push(last.as_secs_f64() * 1000.0);
        deliveries.push(audience.len());
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    println!(
        "now playing to every online friend ({} friends each, {} rounds): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        deliveries.first().copied().unwrap_or(0),
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    println!("RSS at the end: {:.1} MB", rss_mb("self"));
    Ok(())
}

/// A track row to point "now playing" at (no file is needed for that).
fn bench_track(conn: &rusqlite::Connection) -> soundroom::error::AppResult<String> {
    let artist = soundroom::db::library::artist_id_for(conn, "Bench Artist")?;
    let album = soundroom::db::library::album_id_for(conn, "Bench Album", Some(&artist), None, None)?;
    let row = soundroom::db::library::NewTrack {
        name: "Bench Track",
        artist_id: Some(&artist),
        album_id: Some(&album),
        genre: None,
        track_number: Some(1),
        disc_number: None,
        year: None,
        duration: 240.0,
        codec: "mp3",
        bitrate: None,
        sample_rate: None,
        channels: None,
        path: "/nonexistent/bench.mp3",
        file_size: 1,
        file_mtime: 0,
        content_hash: None,
        source: soundroom::domain::library::TrackSource::Library,
        uploaded_by: None,
    };
    let id = soundroom::db::new_id();
    soundroom::db::library::insert_tracks(conn, &[(id.clone(), row)])?;
    Ok(id)
}
