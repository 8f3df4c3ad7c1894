//! One task per live room. It owns the room's state (members, queue, playback clock) and is
//! the only one to change it: commands arrive over a channel, one at a time, so there are no
//! locks and no races between two people's edits. Frames to members are written straight to
//! their sockets (`rooms::outbox`); a connection whose backlog is full is dropped (its socket
//! closes with 4408) rather than slowing the room.

mod frames;
mod playback;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::bucket::Bucket;
use super::outbox::Outbox;
use super::protocol::{Author, ChatLine, ClientFrame, ServerFrame, now_ms};
use crate::domain::ids::{RoomId, UserId};
use crate::domain::room::{Clock, ControlMode};
use crate::services::rooms::{self, Identity, Live, RoomRow, RoomTrackRow};
use crate::state::SharedState;

/// How long a new track waits for everyone to be ready before it starts anyway.
const READY_WAIT_MS: i64 = 4_000;
/// While playing, the position is stored this often (a crash loses at most this much).
const SAVE_EVERY: Duration = Duration::from_secs(10);
/// `previous` restarts the track when it is further in than this.
const RESTART_AFTER_MS: i64 = 3_000;
const MAX_CHAT: usize = 500;
const MAX_EMOJI: usize = 16;
const MAX_ADD: usize = 100;
/// Up to this many members, presence changes send the whole `members` list at once; beyond
/// it, what changed goes out in one `membersChanged` frame every `PRESENCE_EVERY` at most.
const FULL_LIST_UP_TO: usize = 64;
/// When a track changes, every member reports ready within a second or so: a frame per report
/// per member (a million at 1,000 members) overflowed the members' queues and cut off even the
/// ones reading.
const PRESENCE_EVERY: Duration = Duration::from_millis(200);
/// Signed media links are renewed after this (they last 4 hours).
const URL_RENEW: Duration = Duration::from_secs(3600);

/// What a socket hands its room.
pub struct Connection {
    pub id: u64,
    pub identity: Identity,
    pub outbox: Arc<Outbox>,
    /// The client's latest round trip, reported in its pings.
    pub rtt_ms: Arc<AtomicU32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefusal {
    NotFound,
    Kicked,
    /// The room's actor stopped; try again.
    Gone,
}

pub enum Command {
    Join { conn: Box<Connection>, reply: oneshot::Sender<Result<(), JoinRefusal>> },
    Frame { conn_id: u64, reference: Option<Value>, frame: ClientFrame },
    Disconnected { conn_id: u64 },
    Snapshot(oneshot::Sender<Live>),
    Settings { row: Box<RoomRow>, guests_off: bool },
    Close { reason: String },
}

pub fn spawn(state: SharedState, id: RoomId, rx: mpsc::Receiver<Command>) {
    let span = tracing::info_span!("room", room = %id);
    tokio::spawn(tracing::Instrument::instrument(run(state, id, rx), span));
}

async fn run(state: SharedState, id: RoomId, mut rx: mpsc::Receiver<Command>) {
    let stored = match rooms::load(&state, &id).await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::error!(error = ?e, "could not load a room");
            None
        }
    };
    let Some(stored) = stored else {
        // Unknown or closed: refuse whoever is waiting, then leave the map.
        loop {
            while let Ok(command) = rx.try_recv() {
                refuse(command, JoinRefusal::NotFound);
            }
            if state.rooms.retire(&id, &mut rx) {
                while let Ok(command) = rx.try_recv() {
                    refuse(command, JoinRefusal::NotFound);
                }
                return;
            }
        }
    };
    let mut room = Room::new(state.clone(), stored);
    tracing::info!(queue = room.queue.len(), "room started");
    let shutdown = state.shutdown.clone();
    loop {
        let wake = room.next_wake();
        tokio::select! {
            command = rx.recv() => match command {
                Some(command) => room.handle(command).await,
                None => break,
            },
            _ = tokio::time::sleep_until(wake) => room.on_timer().await,
            _ = shutdown.cancelled() => {
                room.stop_for_shutdown().await;
                break;
            }
        }
        if room.closed || (room.idle_for() >= room.idle_stop() && state.rooms.retire(&id, &mut rx)) {
            if room.closed {
                state.rooms.retire_closed(&id);
            }
            room.save_position().await;
            // Anyone who slipped in while it stopped starts a fresh actor.
            while let Ok(command) = rx.try_recv() {
                refuse(command, JoinRefusal::Gone);
            }
            tracing::info!("room stopped");
            break;
        }
    }
}

fn refuse(command: Command, why: JoinRefusal) {
    match command {
        Command::Join { reply, .. } => {
            let _ = reply.send(Err(why));
        }
        Command::Snapshot(_) | Command::Frame { .. } | Command::Disconnected { .. } => {}
        Command::Settings { .. } | Command::Close { .. } => {}
    }
}

struct Member {
    id: String,
    name: String,
    guest: bool,
    user_id: Option<UserId>,
    /// Signed once when the member arrives (links last 4 hours).
    avatar_url: Option<String>,
    joined_at: i64,
    ready: bool,
    sockets: usize,
    /// Set while every socket is gone: the member leaves at this instant unless one returns.
    away_until: Option<Instant>,
    chat: Bucket,
    reactions: Bucket,
}

struct Socket {
    member: String,
    outbox: Arc<Outbox>,
    rtt_ms: Arc<AtomicU32>,
}

impl Drop for Socket {
    /// A socket the room lets go of without a word (its member removed, the room stopped)
    /// still hears why; an ending given before this one counts instead.
    fn drop(&mut self) {
        self.outbox.end(1011, "the room let go of this connection");
    }
}

struct Item {
    id: String,
    track_id: String,
    added_by: Author,
}

/// A new track waiting for members to be ready.
struct Pending {
    deadline_ms: i64,
    /// Start when ready (false: just load it, stay paused).
    autoplay: bool,
}

struct Room {
    state: SharedState,
    row: RoomRow,
    members: Vec<Member>,
    sockets: HashMap<u64, Socket>,
    queue: Vec<Item>,
    queue_seq: u64,
    tracks: HashMap<String, RoomTrackRow>,
    current: Option<String>,
    clock: Clock,
    by: Option<String>,
    seq: u64,
    pending: Option<Pending>,
    kicked: HashSet<String>,
    chat: VecDeque<ChatLine>,
    urls: HashMap<String, (String, Instant)>,
    empty_since: Option<Instant>,
    last_saved: Instant,
    closed: bool,
    /// A big room's members who joined, changed or left since the last `membersChanged`.
    presence: HashSet<String>,
    /// When that frame goes out.
    presence_due: Option<Instant>,
}

type Reply = Result<(), (&'static str, String)>;

fn forbidden(message: &str) -> Reply {
    Err(("FORBIDDEN", message.to_string()))
}

fn invalid(message: impl Into<String>) -> Reply {
    Err(("BAD_USER_INPUT", message.into()))
}

fn not_found(message: &str) -> Reply {
    Err(("NOT_FOUND", message.to_string()))
}

impl Room {
    fn new(state: SharedState, stored: rooms::Stored) -> Self {
        let now = now_ms();
        let queue = stored
            .queue
            .into_iter()
            .map(|q| Item {
                added_by: Author { guest: q.added_by.starts_with("guest-"), id: q.added_by, name: q.added_by_name },
                id: q.id,
                track_id: q.track_id,
            })
            .collect::<Vec<_>>();
        let current = stored.row.current_item_id.clone().filter(|c| queue.iter().any(|i| &i.id == c));
        let chat = stored
            .chat
            .into_iter()
            .map(|m| ChatLine {
                sent_at: m.sent_at_ms,
                id: m.id,
                user: Author { id: m.author_id, name: m.author_name, guest: m.guest },
                text: m.text,
            })
            .collect();
        Self {
            clock: Clock::paused(stored.row.position_ms, now),
            current,
            tracks: stored.tracks.into_iter().map(|t| (t.id.clone(), t)).collect(),
            state,
            row: stored.row,
            members: Vec::new(),
            sockets: HashMap::new(),
            queue,
            queue_seq: 1,
            by: None,
            seq: 1,
            pending: None,
            kicked: HashSet::new(),
            chat,
            urls: HashMap::new(),
            empty_since: Some(Instant::now()),
            last_saved: Instant::now(),
            closed: false,
            presence: HashSet::new(),
            presence_due: None,
        }
    }

    /// How long a dropped member stays (`rooms.reconnect_grace_secs`).
    fn grace(&self) -> Duration {
        Duration::from_secs(self.state.config.rooms.reconnect_grace_secs)
    }

    /// How long an empty room keeps its task (`rooms.idle_stop_secs`).
    fn idle_stop(&self) -> Duration {
        Duration::from_secs(self.state.config.rooms.idle_stop_secs)
    }

    fn idle_for(&self) -> Duration {
        self.empty_since.map_or(Duration::ZERO, |since| since.elapsed())
    }

    /// The next instant something is due: a scheduled start, the end of the track, a grace
    /// period running out, presence changes to send, a periodic save, or stopping for idleness.
    fn next_wake(&self) -> Instant {
        let now = Instant::now();
        let from_ms = |at: i64| now + Duration::from_millis((at - now_ms()).max(0) as u64);
        let mut wake = now + Duration::from_secs(3600);
        if let Some(p) = &self.pending {
            wake = wake.min(from_ms(p.deadline_ms));
        }
        if let Some(end) = self.current_track().and_then(|t| self.clock.ends_at(duration_ms(t))) {
            wake = wake.min(from_ms(end));
        }
        if let Some(away) = self.members.iter().filter_map(|m| m.away_until).min() {
            wake = wake.min(away);
        }
        if let Some(due) = self.presence_due {
            wake = wake.min(due);
        }
        if self.clock.playing {
            wake = wake.min(self.last_saved + SAVE_EVERY);
        }
        if let Some(since) = self.empty_since {
            wake = wake.min(since + self.idle_stop());
        }
        wake
    }

    async fn on_timer(&mut self) {
        let now = now_ms();
        if self.pending.as_ref().is_some_and(|p| now >= p.deadline_ms) {
            self.start_pending(true).await;
        }
        if let Some(end) = self.current_track().and_then(|t| self.clock.ends_at(duration_ms(t)))
            && now >= end
        {
            // Moving on by itself cannot fail: at the end of the queue it stops.
            let _ = self.advance(1, true, None).await;
        }
        let expired: Vec<String> = self
            .members
            .iter()
            .filter(|m| m.away_until.is_some_and(|t| t <= Instant::now()))
            .map(|m| m.id.clone())
            .collect();
        for id in expired {
            self.remove_member(&id).await;
        }
        if self.presence_due.is_some_and(|due| due <= Instant::now()) {
            self.flush_presence();
        }
        if self.clock.playing && self.last_saved.elapsed() >= SAVE_EVERY {
            self.save_position().await;
        }
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::Join { conn, reply } => {
                let outcome = self.join(conn).await;
                let _ = reply.send(outcome);
            }
            Command::Frame { conn_id, reference, frame } => {
                let Some(member) = self.sockets.get(&conn_id).map(|s| s.member.clone()) else { return };
                let leaving = matches!(frame, ClientFrame::Leave {});
                let result = self.command(&member, frame).await;
                let answer = match (result, reference) {
                    (Ok(()), Some(r)) => Some(ServerFrame::Ack { reference: r }),
                    (Ok(()), None) => None,
                    (Err((code, message)), r) => Some(ServerFrame::error(r, code, message)),
                };
                if let Some(answer) = answer {
                    self.send_to(conn_id, &answer);
                }
                if leaving {
                    if let Some(socket) = self.sockets.remove(&conn_id) {
                        socket.outbox.end(1000, "left the room");
                    }
                    self.socket_gone(&member, false).await;
                }
            }
            Command::Disconnected { conn_id } => {
                if let Some(socket) = self.sockets.remove(&conn_id) {
                    self.socket_gone(&socket.member, true).await;
                }
            }
            Command::Snapshot(reply) => {
                let _ = reply.send(self.live());
            }
            Command::Settings { row, guests_off } => {
                let host = self.row.host_id.clone();
                self.row = RoomRow { host_id: host, current_item_id: self.current.clone(), ..*row };
                self.broadcast(&ServerFrame::Room { room: self.room_info() });
                if guests_off {
                    let guests: Vec<String> = self.members.iter().filter(|m| m.guest).map(|m| m.id.clone()).collect();
                    for guest in guests {
                        self.close_member(&guest, 4403, "the host no longer lets guests in");
                        self.remove_member(&guest).await;
                    }
                }
            }
            Command::Close { reason } => {
                self.broadcast(&ServerFrame::RoomClosed { reason: reason.clone() });
                for socket in self.sockets.values() {
                    socket.outbox.end(4000, &reason);
                }
                self.sockets.clear();
                self.members.clear();
                self.closed = true;
            }
        }
    }

    async fn join(&mut self, conn: Box<Connection>) -> Result<(), JoinRefusal> {
        let identity = conn.identity;
        let id = identity.id().to_string();
        if self.kicked.contains(&id) {
            return Err(JoinRefusal::Kicked);
        }
        self.sockets.insert(conn.id, Socket { member: id.clone(), outbox: conn.outbox, rtt_ms: conn.rtt_ms });
        self.empty_since = None;
        match self.members.iter_mut().find(|m| m.id == id) {
            Some(member) => {
                member.sockets += 1;
                // Back within the grace period: no leave/join, just "connected" again.
                if member.away_until.take().is_some() {
                    self.member_changed(&id, Some(conn.id));
                }
            }
            None => {
                let member = Member {
                    name: identity.name().to_string(),
                    guest: identity.is_guest(),
                    user_id: identity.caller().map(|c| c.user_id.clone()),
                    avatar_url: matches!(&identity, Identity::User { row, .. } if row.avatar_path.is_some())
                        .then(|| self.url(&format!("cover/user/{id}"))),
                    id: id.clone(),
                    joined_at: now_ms(),
                    ready: false,
                    sockets: 1,
                    away_until: None,
                    chat: Bucket::new(0.5, 5.0),
                    reactions: Bucket::new(1.0, 10.0),
                };
                self.members.push(member);
                if self.members.len() > FULL_LIST_UP_TO {
                    self.presence_changed(&id);
                } else {
                    let info = self.member_info(self.members.last().expect("just pushed"));
                    self.broadcast_except(conn.id, &ServerFrame::MemberJoined { member: info.clone(), user: info });
                }
            }
        }
        let welcome = self.welcome(&id);
        self.send_to(conn.id, &welcome);
        Ok(())
    }

    /// A socket went away: the member leaves at once (`leave`) or after the grace period.
    async fn socket_gone(&mut self, member_id: &str, with_grace: bool) {
        let grace = self.grace();
        let Some(member) = self.members.iter_mut().find(|m| m.id == member_id) else { return };
        member.sockets = member.sockets.saturating_sub(1);
        if member.sockets == 0 {
            if with_grace {
                member.away_until = Some(Instant::now() + grace);
                let id = member_id.to_string();
                self.member_changed(&id, None);
            } else {
                self.remove_member(member_id).await;
            }
        }
        self.maybe_start().await;
    }

    async fn remove_member(&mut self, id: &str) {
        let Some(index) = self.members.iter().position(|m| m.id == id) else { return };
        let big = self.members.len() > FULL_LIST_UP_TO;
        self.members.remove(index);
        self.sockets.retain(|_, s| s.member != id);
        if big {
            self.presence_changed(id);
        } else {
            self.broadcast(&ServerFrame::MemberLeft { user_id: id.to_string() });
        }
        if self.row.host_id == id {
            // The account present longest takes over; with none left, the host stays absent.
            let next = self.members.iter().filter(|m| m.away_until.is_none()).find_map(|m| m.user_id.clone());
            if let Some(next) = next {
                self.set_host(next).await;
            }
        }
        if self.members.is_empty() {
            self.empty_since = Some(Instant::now());
        }
        self.maybe_start().await;
    }

    async fn set_host(&mut self, host: UserId) {
        if let Err(e) = rooms::save_host(&self.state, &self.row.id, &host).await {
            tracing::warn!(error = ?e, "could not store the new host");
        }
        self.row.host_id = host.clone();
        self.broadcast(&ServerFrame::HostChanged { user_id: host.to_string() });
    }

    fn may_control(&self, member: &str) -> bool {
        self.row.control_mode == ControlMode::Everyone || self.row.host_id == member
    }

    /// Carries out one command from `member`; an error changes nothing.
    async fn command(&mut self, member: &str, frame: ClientFrame) -> Reply {
        use ClientFrame as F;
        let controls = matches!(
            frame,
            F::Play { .. }
                | F::Pause { .. }
                | F::Seek { .. }
                | F::Next {}
                | F::Previous {}
                | F::QueueAdd { .. }
                | F::QueueRemove { .. }
                | F::QueueMove { .. }
        );
        if controls && !self.may_control(member) {
            return forbidden("only the host controls this room");
        }
        match frame {
            F::Hello { .. } => Err(("BAD_FRAME", "already joined".into())),
            // Answered by the socket itself; never reaches the room.
            F::Ping { .. } => Ok(()),
            F::Play { item_id, track_id, position_ms } => self.play(member, item_id, track_id, position_ms).await,
            F::Pause { position_ms } => self.pause(member, position_ms).await,
            F::Seek { position_ms } => self.seek(member, position_ms).await,
            F::Next {} => self.advance(1, self.clock.playing || self.autoplay_pending(), Some(member)).await,
            F::Previous {} => self.previous(member).await,
            F::QueueAdd { track_ids, index } => self.queue_add(member, track_ids, index).await,
            F::QueueRemove { item_id } => self.queue_remove(member, &item_id).await,
            F::QueueMove { item_id, index } => self.queue_move(&item_id, index).await,
            F::Ready { track_id, item_id, ready } => {
                let current = self.current_item();
                let matches = match (&item_id, &track_id) {
                    (Some(item), _) => current.is_some_and(|c| &c.id == item),
                    (None, Some(track)) => current.is_some_and(|c| &c.track_id == track),
                    (None, None) => false,
                };
                if !matches {
                    return not_found("that is not the current track");
                }
                if let Some(m) = self.members.iter_mut().find(|m| m.id == member)
                    && m.ready != ready
                {
                    m.ready = ready;
                    self.member_changed(member, None);
                }
                self.maybe_start().await;
                Ok(())
            }
            F::Chat { text } => self.chat(member, text).await,
            F::Reaction { emoji } => self.react(member, emoji),
            F::TransferHost { user_id } => {
                if self.row.host_id != member {
                    return forbidden("only the host can hand over the room");
                }
                let target = self.members.iter().find(|m| m.id == user_id && m.away_until.is_none());
                match target {
                    Some(m) if !m.guest => {
                        let id = m.user_id.clone().expect("accounts have a user id");
                        self.set_host(id).await;
                        Ok(())
                    }
                    Some(_) => invalid("a guest cannot host a room"),
                    None => not_found("that person is not in the room"),
                }
            }
            F::Kick { user_id } => {
                if self.row.host_id != member {
                    return forbidden("only the host can remove people");
                }
                if user_id == member {
                    return invalid("you cannot remove yourself; leave instead");
                }
                if self.row.owner_id == user_id {
                    return forbidden("the room's owner cannot be removed");
                }
                if !self.members.iter().any(|m| m.id == user_id) {
                    return not_found("that person is not in the room");
                }
                self.kicked.insert(user_id.clone());
                self.close_member(&user_id, 4403, "you were removed from the room");
                self.remove_member(&user_id).await;
                if user_id.starts_with("guest-")
                    && let Err(e) = rooms::end_guest(&self.state, user_id).await
                {
                    tracing::warn!(error = ?e, "could not end a kicked guest's pass");
                }
                Ok(())
            }
            F::Leave {} => Ok(()),
        }
    }
}

fn duration_ms(track: &RoomTrackRow) -> i64 {
    (track.duration * 1000.0).round() as i64
}

fn internal(e: crate::error::AppError) -> (&'static str, String) {
    e.log_if_internal();
    ("INTERNAL", "something went wrong; try again".to_string())
}
