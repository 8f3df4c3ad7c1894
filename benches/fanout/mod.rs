//! Lightweight room members for the fan-out measurement: plain sockets speaking just enough
//! WebSocket (RFC 6455) to join a room and spot one frame, all read by one thread over one
//! epoll loop.
//!
//! Why not tungstenite in tokio: there each member costs a task wake, a frame decode, UTF-8
//! validation and a channel send, ~10 us a member, about as much CPU as the server spends on
//! the broadcast. On a 2-core machine those clients steal the core the server is measured on;
//! a browser on its own device costs the server nothing. Here a member costs one `read`.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};

/// Client frames must be masked; the key need not be secret for a benchmark.
const MASK: [u8; 4] = [0x5a, 0x17, 0xc3, 0x9e];

pub struct Members {
    poll: Poll,
    events: Events,
    sockets: Vec<Member>,
}

struct Member {
    stream: mio::net::TcpStream,
    /// Bytes read but not yet a whole frame.
    pending: Vec<u8>,
    /// When this member saw the awaited frame, this round.
    seen: Option<Instant>,
}

/// A masked text frame, as a client sends it.
pub fn text_frame(text: &str) -> Vec<u8> {
    let payload = text.as_bytes();
    let mut frame = vec![0x81];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= usize::from(u16::MAX) => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&MASK);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    frame
}

/// The first whole server frame in `buf`: (opcode, payload range, bytes used).
fn next_frame(buf: &[u8]) -> Option<(u8, std::ops::Range<usize>, usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let (len, start) = match b1 & 0x7f {
        126 => (usize::from(u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?)), 4),
        127 => (u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize, 10),
        n => (usize::from(n), 2),
    };
    (buf.len() >= start + len).then_some((b0 & 0x0f, start..start + len, start + len))
}

/// Connects, upgrades and says hello; returns the blocking socket once `welcome` arrived.
fn join(addr: &str, token: &str, room: &str) -> anyhow::Result<(TcpStream, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET /ws/rooms HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )?;
    let mut pending = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk)?;
        anyhow::ensure!(n > 0, "the server closed the upgrade");
        pending.extend_from_slice(&chunk[..n]);
        if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    anyhow::ensure!(pending.starts_with(b"HTTP/1.1 101"), "upgrade refused: {}", String::from_utf8_lossy(&pending));
    pending.drain(..head_end);
    let hello = serde_json::json!({ "type": "hello", "token": token, "roomId": room });
    stream.write_all(&text_frame(&hello.to_string()))?;
    loop {
        while let Some((opcode, payload, used)) = next_frame(&pending) {
            anyhow::ensure!(opcode != 8, "refused: {:?}", String::from_utf8_lossy(&pending[payload]));
            let welcome = opcode == 1 && pending[payload].starts_with(br#"{"type":"welcome""#);
            pending.drain(..used);
            if welcome {
                return Ok((stream, pending));
            }
        }
        let n = stream.read(&mut chunk)?;
        anyhow::ensure!(n > 0, "the server closed the socket before welcome");
        pending.extend_from_slice(&chunk[..n]);
    }
}

impl Members {
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self { poll: Poll::new()?, events: Events::with_capacity(1024), sockets: Vec::new() })
    }

    /// Joins one more member. Everyone already in is read meanwhile: each join is announced to
    /// the whole room, and a member that stopped reading would be dropped as too slow.
    pub fn join(&mut self, addr: &str, token: &str, room: &str) -> anyhow::Result<()> {
        let (stream, pending) = join(addr, token, room)?;
        stream.set_nonblocking(true)?;
        let mut stream = mio::net::TcpStream::from_std(stream);
        self.poll.registry().register(&mut stream, Token(self.sockets.len()), Interest::READABLE)?;
        self.sockets.push(Member { stream, pending, seen: None });
        self.read_ready(Duration::ZERO, |_| false)?;
        Ok(())
    }

    /// Sends a text frame from member `i` (the host, say).
    pub fn send(&mut self, i: usize, text: &str) -> anyhow::Result<()> {
        let frame = text_frame(text);
        let stream = &mut self.sockets[i].stream;
        let mut written = 0;
        while written < frame.len() {
            match stream.write(&frame[written..]) {
                Ok(n) => written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Waits until every member in `counted` has a text frame for which `wanted` holds;
    /// returns when the last of them read it.
    pub fn wait_all(
        &mut self,
        counted: std::ops::Range<usize>,
        timeout: Duration,
        wanted: impl Fn(&[u8]) -> bool,
    ) -> anyhow::Result<Instant> {
        for member in &mut self.sockets {
            member.seen = None;
        }
        let deadline = Instant::now() + timeout;
        let (mut seen, mut last) = (0, Instant::now());
        while seen < counted.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            anyhow::ensure!(!left.is_zero(), "only {seen} of {} members had the frame", counted.len());
            for (i, at) in self.read_ready(left, &wanted)? {
                if counted.contains(&i) {
                    seen += 1;
                    last = last.max(at);
                }
            }
        }
        Ok(last)
    }

    /// One epoll wait, then every ready socket read dry. Returns the members that saw a frame
    /// for which `wanted` holds for the first time since `wait_all` began, with the moment its
    /// bytes were read.
    fn read_ready(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&[u8]) -> bool,
    ) -> anyhow::Result<Vec<(usize, Instant)>> {
        self.poll.poll(&mut self.events, Some(timeout))?;
        let mut chunk = [0u8; 4096];
        let mut newly_seen = Vec::new();
        for event in &self.events {
            let member = &mut self.sockets[event.token().0];
            loop {
                match member.stream.read(&mut chunk) {
                    Ok(0) => anyhow::bail!("the server closed member {}", event.token().0),
                    Ok(n) => {
                        let at = Instant::now();
                        member.pending.extend_from_slice(&chunk[..n]);
                        let mut used = 0;
                        while let Some((opcode, payload, len)) = next_frame(&member.pending[used..]) {
                            let payload = &member.pending[used..][payload];
                            anyhow::ensure!(opcode != 8, "closed: {:?}", String::from_utf8_lossy(payload));
                            if opcode == 1 && member.seen.is_none() && wanted(payload) {
                                member.seen = Some(at);
                                newly_seen.push((event.token().0, at));
                            }
                            used += len;
                        }
                        member.pending.drain(..used);
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(newly_seen)
    }
}
