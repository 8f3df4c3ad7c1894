//! Rooms under load: how fast a host's command reaches every member of a big room, and what
//! idle room connections cost the server.
//!
//!     cargo bench --bench rooms -- [members] [rounds] [idle]      (defaults 1000 200 10000)
//!
//! Starts the real `soundroom` binary (bench profile) on 127.0.0.1 with a temp data dir and one
//! short track, so the server's memory is its own. Phase 1: `members` guests join one room over
//! real WebSockets; the host then seeks `rounds` times and each round is timed from sending the
//! command until the last member has the `playback` frame (p50/p99/max). Phase 2: `idle` more
//! guests join a second room and stay idle; the server's RSS is read from /proc before and
//! after. The clients run in this process and share the machine's cores with the server.
//! Phase 1's members are lightweight (plain sockets on one epoll loop, `benches/fanout`) so
//! that what is measured is the server, not 1,000 tungstenite clients competing for its cores.
//!
//! `ROOMS_BENCH_BINARY=path` measures another build of the server (an older one, say) with the
//! same clients.
//!
//! With `ROOMS_BENCH_SPLIT_CPUS=1` (needs `taskset` and two CPUs) the server runs on CPU 1 and
//! this process (the 1,000 clients) on CPU 0, so the clients' work does not queue behind the
//! server's on the same core: the server gets one core of the two, not both.

mod fanout;
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::{percentile, rss_mb};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A 30-second mono WAV, written directly.
fn write_wav(path: &std::path::Path) -> std::io::Result<()> {
    let rate = 8000u32;
    let n = 30 * rate;
    let mut data = Vec::with_capacity(44 + 2 * n as usize);
    data.extend_from_slice(b"RIFF");
    data.extend_from_slice(&(36 + 2 * n).to_le_bytes());
    data.extend_from_slice(b"WAVEfmt ");
    data.extend_from_slice(&16u32.to_le_bytes());
    data.extend_from_slice(&1u16.to_le_bytes());
    data.extend_from_slice(&1u16.to_le_bytes());
    data.extend_from_slice(&rate.to_le_bytes());
    data.extend_from_slice(&(rate * 2).to_le_bytes());
    data.extend_from_slice(&2u16.to_le_bytes());
    data.extend_from_slice(&16u16.to_le_bytes());
    data.extend_from_slice(b"data");
    data.extend_from_slice(&(2 * n).to_le_bytes());
    for i in 0..n {
        let sample = ((i as f64 * 440.0 * std::f64::consts::TAU / f64::from(rate)).sin() * 8000.0) as i16;
        data.extend_from_slice(&sample.to_le_bytes());
    }
    std::fs::write(path, data)
}

/// User and system CPU time a process has used so far, in ms (/proc/<pid>/stat, 100 ticks a
/// second as on every Linux this runs on).
fn cpu_ms(process: &str) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{process}/stat")).unwrap_or_default();
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default()
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    let tick = |i: usize| fields.get(i).copied().unwrap_or(0.0) * 10.0;
    (tick(11), tick(12))
}

async fn gql(addr: &str, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
    let mut request = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await?.json().await?;
    anyhow::ensure!(body["errors"].is_null(), "GraphQL error: {body}");
    Ok(body["data"].clone())
}

/// Joins `room` with `token`; returns the socket once `welcome` arrived.
async fn join(addr: &str, token: &str, room: &str) -> anyhow::Result<Socket> {
    // tungstenite zero-fills its whole read buffer (128 KiB by default) before every read:
    // with 1,000 sockets that memset, not the server, was most of a round. A browser's reader
    // costs nothing like it, so the clients read into 4 KiB as the server does.
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    let url = format!("ws://{addr}/ws/rooms");
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    ws.send(Message::text(json!({ "type": "hello", "token": token, "roomId": room }).to_string())).await?;
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await? {
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"welcome""#) => return Ok(ws),
            Some(Ok(Message::Close(c))) => anyhow::bail!("refused: {c:?}"),
            Some(Ok(_)) => continue,
            other => anyhow::bail!("socket ended: {other:?}"),
        }
    }
}

async fn guests(addr: &str, code: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::with_capacity(n);
    let pass = "mutation($c: String!, $n: String!) { joinRoomAsGuest(code: $c, name: $n) { token } }";
    for i in 0..n {
        let data = gql(addr, None, pass, json!({ "c": code, "n": format!("Guest {i}") })).await?;
        tokens.push(data["joinRoomAsGuest"]["token"].as_str().unwrap_or_default().to_string());
    }
    Ok(tokens)
}

/// Opens one socket per token, a few at a time, handing each to `joined` at once.
async fn join_all(addr: &str, tokens: &[String], room: &str, mut joined: impl FnMut(Socket)) -> anyhow::Result<()> {
    for chunk in tokens.chunks(50) {
        let joins = chunk.iter().map(|t| join(addr, t, room));
        for socket in futures_util::future::join_all(joins).await {
            joined(socket?);
        }
    }
    Ok(())
}

/// Reads a socket until it closes, passing each text frame to `seen`.
fn read_all(ws: Socket, seen: impl Fn(&str) + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ws = ws;
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Text(t) = message {
                seen(&t);
            }
        }
    })
}

/// Where a `playback` frame puts the track, if `text` is one.
fn playback_position(text: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?.strip_prefix(r#"{"type":"playback""#)?;
    text.split(r#""positionMs":"#).nth(1)?.split([',', '}']).next()?.parse().ok()
}

/// Phase 1's room: where it is and who hosts it.
struct BigRoom {
    addr: String,
    room: String,
    host_token: String,
    track: String,
    /// The server's pid, for its CPU time and RSS.
    pid: String,
}

/// Phase 1: `tokens.len()` members join; the host queues the track, then seeks `rounds` times,
/// each timed until the last member has read the `playback` frame.
fn fan_out(big: &BigRoom, tokens: &[String], rounds: usize, split: bool) -> anyhow::Result<()> {
    let BigRoom { addr, room, host_token, track, pid } = big;
    let started = Instant::now();
    let mut room_members = fanout::Members::new()?;
    for token in tokens {
        room_members.join(addr, token, room)?;
    }
    let members = tokens.len();
    if split {
        println!("server pinned to CPU 1, clients to CPU 0");
    }
    println!("{members} members joined in {:.1} s; server RSS {:.1} MB", started.elapsed().as_secs_f64(), rss_mb(pid));
    let host = members;
    room_members.join(addr, host_token, room)?;
    let wait = Duration::from_secs(30);
    room_members.send(host, &json!({ "type": "queueAdd", "trackIds": [track] }).to_string())?;
    // The added track becomes current: one playback frame each, not timed.
    room_members.wait_all(0..members, wait, |t| playback_position(t).is_some())?;
    let mut latencies = Vec::with_capacity(rounds);
    let (server_cpu, clients_cpu) = (cpu_ms(pid), cpu_ms("self"));
    // A socket may send 20 frames a second; a host pressing buttons is far slower.
    let mut next_round = Instant::now();
    for round in 0..rounds {
        next_round += Duration::from_millis(100);
        std::thread::sleep(next_round.saturating_duration_since(Instant::now()));
        let position = 1000 + round as i64;
        let sent = Instant::now();
        room_members.send(host, &json!({ "type": "seek", "positionMs": position }).to_string())?;
        let last = room_members
            .wait_all(0..members, wait, |t| playback_position(t) == Some(position))
            .map_err(|e| anyhow::anyhow!("round {round}: {e}"))?;
        latencies.push(last.duration_since(sent).as_secs_f64() * 1000.0);
    }
    let per_round = |(user0, sys0): (f64, f64), (user1, sys1): (f64, f64)| {
        format!(
            "{:.1} ms (user {:.1}, system {:.1})",
            (user1 + sys1 - user0 - sys0) / rounds as f64,
            (user1 - user0) / rounds as f64,
            (sys1 - sys0) / rounds as f64
        )
    };
    println!(
        "CPU per round: server {}, clients {}",
        per_round(server_cpu, cpu_ms(pid)),
        per_round(clients_cpu, cpu_ms("self"))
    );
    // In the order measured: on a VM, the spikes that set p99 are scattered, not periodic.
    let in_order: Vec<String> = latencies.iter().map(|l| format!("{l:.0}")).collect();
    println!("each round (ms): {}", in_order.join(" "));
    latencies.sort_by(f64::total_cmp);
    println!(
        "host command → last of {members} members: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({rounds} rounds)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let members = *args.first().unwrap_or(&1000);
    let rounds = *args.get(1).unwrap_or(&200);
    let idle = *args.get(2).unwrap_or(&10_000);

    let dir = tempfile::tempdir()?;
    let music = dir.path().join("music");
    std::fs::create_dir_all(&music)?;
    write_wav(&music.join("tone.wav"))?;
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nmax_connections = {}\n[limits]\nauth_attempts_per_ip_per_minute = 1000000\n",
            members + idle + 200
        ),
    )?;
    let binary = std::env::var_os("ROOMS_BENCH_BINARY").unwrap_or_else(|| env!("CARGO_BIN_EXE_soundroom").into());
    let split = std::env::var_os("ROOMS_BENCH_SPLIT_CPUS").is_some_and(|v| v == "1");
    let mut command = if split {
        let pinned =
            Command::new("taskset").args(["-a", "-p", "-c", "0"]).arg(std::process::id().to_string()).output()?;
        anyhow::ensure!(pinned.status.success(), "taskset could not pin the clients to CPU 0");
        let mut c = Command::new("taskset");
        c.args(["-c", "1"]).arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    let mut child = command
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--music-dir")
        .arg(&music)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn,soundroom=info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let stderr = child.stderr.take().expect("piped");
    let server = Server(child);
    let pid = server.0.id();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().ok_or_else(|| anyhow::anyhow!("the server exited"))??;
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().trim_start_matches("http://").to_string();
        }
    };
    // The server's warnings (a member dropped for falling behind, say) belong in the report.
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.contains("WARN") || line.contains("ERROR") {
                eprintln!("server: {line}");
            }
        }
    });

    let host = gql(
        &addr,
        None,
        "mutation { register(input: {email: \"host@example.org\", password: \"correct horse battery\", username: \"Host\"}) { accessToken } }",
        json!({}),
    )
    .await?;
    let host_token = host["register"]["accessToken"].as_str().unwrap_or_default().to_string();
    // The server scans the music folder on start; wait for the track.
    let track = loop {
        let data = gql(&addr, Some(&host_token), "{ tracks(first: 1) { edges { node { id } } } }", json!({})).await?;
        if let Some(id) = data["tracks"]["edges"][0]["node"]["id"].as_str() {
            break id.to_string();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let create = "mutation($n: String!) { createRoom(input: {name: $n, allowGuests: true}) { id code } }";
    let room = gql(&addr, Some(&host_token), create, json!({ "n": "Big room" })).await?;
    let (room_id, code) = (
        room["createRoom"]["id"].as_str().unwrap_or_default().to_string(),
        room["createRoom"]["code"].as_str().unwrap_or_default().to_string(),
    );

    // Phase 1: fan-out to `members`, read by lightweight clients on one thread (benches/fanout).
    let tokens = guests(&addr, &code, members).await?;
    let big = BigRoom {
        addr: addr.clone(),
        room: room_id.clone(),
        host_token: host_token.clone(),
        track,
        pid: pid.to_string(),
    };
    tokio::task::spawn_blocking(move || fan_out(&big, &tokens, rounds, split)).await??;

    // Phase 2: idle connections, in rooms of 100 (a welcome carries the member list, so one
    // room of 10,000 would be a different test: presence for a crowd).
    if idle > 0 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = rss_mb(&pid.to_string());
        let started = Instant::now();
        let mut readers = Vec::with_capacity(idle);
        for r in 0..idle.div_ceil(100) {
            let room = gql(&addr, Some(&host_token), create, json!({ "n": format!("Idle room {r}") })).await?;
            let (room_id, code) = (
                room["createRoom"]["id"].as_str().unwrap_or_default().to_string(),
                room["createRoom"]["code"].as_str().unwrap_or_default().to_string(),
            );
            let n = 100.min(idle - r * 100);
            let tokens = guests(&addr, &code, n).await?;
            join_all(&addr, &tokens, &room_id, |ws| readers.push(read_all(ws, |_| {}))).await?;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        let after = rss_mb(&pid.to_string());
        println!(
            "{idle} idle room connections (in rooms of 100) open in {:.1} s: server RSS {:.1} MB before, {:.1} MB with them ({:.1} KB each)",
            started.elapsed().as_secs_f64(),
            before,
            after,
            (after - before) * 1024.0 / idle as f64
        );
        for reader in readers {
            reader.abort();
        }
    }
    Ok(())
}
