//! The sending side of one room socket, shared by its room's task and its own. A room frames
//! each broadcast once and writes the same bytes to every member's socket straight from its
//! own task (a non-blocking `try_write`): at 1,000 members that is 1,000 system calls and
//! nothing else, no task woken and no copy per member, and an idle socket keeps no write
//! buffer. Only what the kernel cannot take at once waits in the backlog, which the socket's
//! task writes out when there is room; a backlog past its limit cuts the member off (4408)
//! rather than slow the room.
//!
//! Every write, tungstenite's own (its automatic pongs, the close handshake) included, goes
//! through the outbox as whole frames under one lock, so frames never interleave. Once the
//! connection is ended nothing but control frames follows: no data after the close frame.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

/// A text message as one unmasked (server-to-client) WebSocket frame, ready to write.
pub fn frame_text(text: &str) -> Bytes {
    let frame = Frame::message(Bytes::copy_from_slice(text.as_bytes()), OpCode::Data(Data::Text), true);
    let mut out = Vec::with_capacity(text.len() + 10);
    frame.format(&mut out).expect("writing to a Vec cannot fail");
    out.into()
}

pub const TOO_SLOW: &str = "this connection fell too far behind";

/// Control frames (pongs, the close) the backlog may hold past its limit. Client frames,
/// pings included, are rate-limited, and a full backlog soon ends the connection anyway.
const CONTROL_SLACK: usize = 8;

/// The backlog is full: the member is too far behind.
#[derive(Debug, PartialEq, Eq)]
pub struct Backlogged;

/// Why [`Outbox::run`] returned.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// The room ends this connection with a close code and reason.
    Close(u16, String),
    /// The connection broke; nothing more can be sent.
    Broken,
}

pub struct Outbox {
    tcp: OwnedWriteHalf,
    state: Mutex<State>,
    /// Wakes the socket's task: a backlog to write, or an ending.
    wake: Notify,
    /// Frames the backlog may hold.
    limit: usize,
}

#[derive(Default)]
struct State {
    /// Whole frames waiting for the socket; the first may be partly written.
    backlog: VecDeque<Bytes>,
    /// The first frame in the backlog is partly written and must be finished first.
    partial: bool,
    end: Option<(u16, String)>,
    broken: bool,
}

impl Outbox {
    pub fn new(tcp: OwnedWriteHalf, limit: usize) -> Self {
        Outbox { tcp, state: Mutex::default(), wake: Notify::new(), limit: limit.max(1) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding it; a poisoned lock still holds consistent frames.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes one whole data frame now if the socket takes it, or queues it behind what
    /// waits. Once the connection is ended it is dropped: nothing may follow a close frame.
    pub fn send(&self, frame: Bytes) -> Result<(), Backlogged> {
        self.send_frame(frame, false)
    }

    /// `control`: a control frame (pong, close) may pass the limit by a little, so a member
    /// cut off for a full backlog still hears why, and a ping is still answered.
    fn send_frame(&self, frame: Bytes, control: bool) -> Result<(), Backlogged> {
        let mut state = self.lock();
        if state.broken || (state.end.is_some() && !control) {
            return Ok(());
        }
        if !state.backlog.is_empty() {
            let limit = if control { self.limit + CONTROL_SLACK } else { self.limit };
            if state.backlog.len() >= limit {
                return Err(Backlogged);
            }
            state.backlog.push_back(frame);
            return Ok(());
        }
        match self.tcp.try_write(&frame) {
            Ok(n) if n == frame.len() => return Ok(()),
            Ok(n) => {
                state.backlog.push_back(frame.slice(n..));
                state.partial = true;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => state.backlog.push_back(frame),
            Err(_) => state.broken = true,
        }
        drop(state);
        self.wake.notify_one();
        Ok(())
    }

    /// Ends this connection: the socket's task closes it with `code` after what is queued;
    /// data frames sent from now on are dropped. The first ending counts.
    pub fn end(&self, code: u16, reason: &str) {
        self.end_with(code, reason, false);
    }

    /// Ends a member too far behind (4408): what is queued is dropped (a frame already begun
    /// is finished), since it reconnects to a fresh `welcome` anyway.
    pub fn cut_off(&self) {
        self.end_with(4408, TOO_SLOW, true);
    }

    fn end_with(&self, code: u16, reason: &str, drop_queued: bool) {
        let mut state = self.lock();
        if state.end.is_some() {
            return;
        }
        state.end = Some((code, reason.to_string()));
        if drop_queued {
            let keep = usize::from(state.partial);
            state.backlog.truncate(keep);
        }
        drop(state);
        self.wake.notify_one();
    }

    /// Writes the backlog out as the socket makes room, until the connection is ended or
    /// breaks. Run by the socket's own task, beside its reading.
    pub async fn run(&self) -> Ending {
        loop {
            let step = {
                let mut state = self.lock();
                if let Some((code, reason)) = &state.end {
                    return Ending::Close(*code, reason.clone());
                }
                self.write_backlog(&mut state)
            };
            match step {
                Step::Done => self.wake.notified().await,
                // An ending must not wait for a client that never reads again.
                Step::Blocked => tokio::select! {
                    ready = self.tcp.writable() => if ready.is_err() { return Ending::Broken },
                    () = self.wake.notified() => {}
                },
                Step::Broken => return Ending::Broken,
            }
        }
    }

    /// Waits until everything queued is written (or the connection breaks).
    pub async fn flush(&self) {
        loop {
            let step = self.write_backlog(&mut self.lock());
            match step {
                Step::Blocked if self.tcp.writable().await.is_ok() => {}
                _ => return,
            }
        }
    }

    fn write_backlog(&self, state: &mut State) -> Step {
        if state.broken {
            return Step::Broken;
        }
        while let Some(front) = state.backlog.front_mut() {
            match self.tcp.try_write(front) {
                Ok(n) if n == front.len() => {
                    state.backlog.pop_front();
                    state.partial = false;
                }
                Ok(n) => {
                    front.advance(n);
                    state.partial = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Blocked,
                Err(_) => {
                    state.broken = true;
                    return Step::Broken;
                }
            }
        }
        Step::Done
    }
}

enum Step {
    Done,
    Blocked,
    Broken,
}

/// The socket as tungstenite sees it: reads from the connection, writes through the outbox.
pub struct RoomIo {
    pub read: OwnedReadHalf,
    pub outbox: Arc<Outbox>,
}

impl AsyncRead for RoomIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.read).poll_read(cx, buf)
    }
}

impl AsyncWrite for RoomIo {
    /// tungstenite hands over whole frames (its write buffer is flushed frame by frame), so
    /// each call starts at a frame and is queued whole. tungstenite writes only control
    /// frames here (pongs, close; opcodes 8 and up).
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let control = buf.first().is_some_and(|first| first & 0x08 != 0);
        Poll::Ready(match self.outbox.send_frame(Bytes::copy_from_slice(buf), control) {
            Ok(()) => Ok(buf.len()),
            Err(Backlogged) => Err(io::Error::other("this connection fell too far behind")),
        })
    }

    /// Written or queued for the socket's task: nothing is held here.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpStream};

    /// The server's side as a room socket (backlog of 4 frames), and the client's socket.
    async fn pair() -> (RoomIo, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let (read, write) = server.into_split();
        (RoomIo { read, outbox: Arc::new(Outbox::new(write, 4)) }, client)
    }

    /// Fills the kernel's buffers and the backlog of a client that does not read.
    fn fill(outbox: &Outbox) {
        let big = frame_text(&"b".repeat(1 << 20));
        while outbox.send(big.clone()).is_ok() {}
        assert_eq!(outbox.lock().backlog.len(), 4);
    }

    #[test]
    fn a_text_frame_is_unmasked_with_the_right_length() {
        assert_eq!(&frame_text("hi")[..], b"\x81\x02hi");
        let long = "x".repeat(300);
        let frame = frame_text(&long);
        assert_eq!(&frame[..4], &[0x81, 126, 1, 44]);
        assert_eq!(frame.len(), 304);
    }

    #[tokio::test]
    async fn frames_arrive_whole_and_in_order_and_a_full_backlog_refuses_more() {
        let (io, mut client) = pair().await;
        let outbox = io.outbox;
        // Big frames fill the kernel's buffers; the rest waits in the backlog, up to its limit.
        let big = frame_text(&"a".repeat(1 << 20));
        let mut sent = 0;
        while outbox.send(big.clone()).is_ok() {
            sent += 1;
            assert!(sent < 64, "the backlog never filled");
        }
        assert_eq!(outbox.lock().backlog.len(), 4);
        let expected = big.len() * sent;
        let reader = tokio::spawn(async move {
            let mut got = vec![0u8; expected];
            client.read_exact(&mut got).await.unwrap();
            got
        });
        outbox.flush().await;
        let got = reader.await.unwrap();
        assert!(got.chunks(big.len()).all(|chunk| chunk == &big[..]), "frames arrived whole, one after another");
        assert!(outbox.lock().backlog.is_empty());
    }

    #[tokio::test]
    async fn a_cut_off_drops_what_waits_but_finishes_a_frame_begun() {
        let (io, _client) = pair().await;
        let outbox = io.outbox;
        fill(&outbox);
        let partial = outbox.lock().partial;
        outbox.cut_off();
        outbox.end(1000, "later endings do not count");
        assert_eq!(outbox.lock().backlog.len(), usize::from(partial));
        assert_eq!(outbox.run().await, Ending::Close(4408, TOO_SLOW.into()));
        assert_eq!(outbox.run().await, Ending::Close(4408, TOO_SLOW.into()), "an ending stays");
    }

    #[tokio::test]
    async fn other_endings_keep_what_waits_and_reach_a_client_that_never_reads() {
        let (io, _client) = pair().await;
        let outbox = io.outbox;
        fill(&outbox);
        // The socket's task waits for room in a socket that will never have any.
        let running = tokio::spawn({
            let outbox = outbox.clone();
            async move { outbox.run().await }
        });
        tokio::task::yield_now().await;
        outbox.end(4000, "the room was closed");
        let ending = tokio::time::timeout(std::time::Duration::from_secs(10), running).await;
        assert_eq!(ending.expect("the ending woke it").unwrap(), Ending::Close(4000, "the room was closed".into()));
        assert_eq!(outbox.lock().backlog.len(), 4, "what waited is still to be sent");
    }

    #[tokio::test]
    async fn control_frames_fit_behind_a_full_backlog_by_a_little_and_data_frames_do_not() {
        let (mut io, _client) = pair().await;
        fill(&io.outbox);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let text = Pin::new(&mut io).poll_write(&mut cx, &frame_text("late"));
        assert!(matches!(text, Poll::Ready(Err(_))), "a text frame is refused");
        let pong = [0x8a, 0x00];
        for _ in 0..CONTROL_SLACK - 1 {
            assert!(matches!(Pin::new(&mut io).poll_write(&mut cx, &pong), Poll::Ready(Ok(2))), "a pong is taken");
        }
        let close = Pin::new(&mut io).poll_write(&mut cx, &[0x88, 0x02, 0x0f, 0xa0]);
        assert!(matches!(close, Poll::Ready(Ok(4))), "a close frame is taken");
        assert!(matches!(Pin::new(&mut io).poll_write(&mut cx, &pong), Poll::Ready(Err(_))), "but only a few");
    }

    #[tokio::test]
    async fn nothing_but_control_frames_follow_an_ending() {
        let (mut io, _client) = pair().await;
        fill(&io.outbox);
        io.outbox.end(4429, "too many frames");
        assert_eq!(io.outbox.send(frame_text("after the close")), Ok(()));
        assert_eq!(io.outbox.lock().backlog.len(), 4, "a data frame after the ending is dropped");
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let close = Pin::new(&mut io).poll_write(&mut cx, &[0x88, 0x02, 0x11, 0x5d]);
        assert!(matches!(close, Poll::Ready(Ok(4))));
        assert_eq!(io.outbox.lock().backlog.len(), 5, "the close frame is queued");
    }
}
