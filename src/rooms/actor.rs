//! One task per live room. It owns the room's state (members, queue, playback clock) and is
//! the only one to change it: commands arrive over a channel, one at a time, so there are no
//! locks and no races between two people's edits. Frames to members go into each connection's
//! bounded queue; a connection whose queue is full is dropped (its socket closes with 4408)
//! rather than slowing the room.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::bucket::Bucket;
use super::protocol::{
    Author, ChatLine, ClientFrame, MemberInfo, PlaybackInfo, QueueEntry, QueueInfo, RoomInfo, ServerFrame, TrackInfo,
    now_ms,
};
use crate::domain::ids::{RoomId, UserId};
use crate::domain::room::{Clock, ControlMode, clamp_index, lead_ms};
use crate::services::rooms::{self, Identity, Live, QueueRow, RoomRow, RoomTrackRow};
use crate::state::SharedState;

/// A member whose last socket dropped stays this long, so a reconnect is seamless.
pub const GRACE: Duration = Duration::from_secs(15);
/// A room with nobody in it stops its actor after this long.
const IDLE: Duration = Duration::from_secs(60);
/// How long a new track waits for everyone to be ready before it starts anyway.
const READY_WAIT_MS: i64 = 4_000;
/// While playing, the position is stored this often (a crash loses at most this much).
const SAVE_EVERY: Duration = Duration::from_secs(10);
/// `previous` restarts the track when it is further in than this.
const RESTART_AFTER_MS: i64 = 3_000;
const MAX_CHAT: usize = 500;
const MAX_EMOJI: usize = 16;
const MAX_ADD: usize = 100;
/// Up to this many members, presence changes send the whole `members` list; beyond it, one
/// `memberUpdated` frame (so a change costs one small frame per member, not the whole list).
const FULL_LIST_UP_TO: usize = 64;
/// Signed media links are renewed after this (they last 4 hours).
const URL_RENEW: Duration = Duration::from_secs(3600);

/// What a socket hands its room.
pub struct Connection {
    pub id: u64,
    pub identity: Identity,
    pub outbox: mpsc::Sender<Outgoing>,
    /// The client's latest round trip, reported in its pings.
    pub rtt_ms: Arc<AtomicU32>,
}

/// What the room sends a socket.
#[derive(Debug, Clone)]
pub enum Outgoing {
    Text(Arc<str>),
    /// Close with this code and reason (and stop).
    Close(u16, String),
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
        if room.closed || (room.idle_for() >= IDLE && state.rooms.retire(&id, &mut rx)) {
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
    outbox: mpsc::Sender<Outgoing>,
    rtt_ms: Arc<AtomicU32>,
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
        }
    }

    fn idle_for(&self) -> Duration {
        self.empty_since.map_or(Duration::ZERO, |since| since.elapsed())
    }

    /// The next instant something is due: a scheduled start, the end of the track, a grace
    /// period running out, a periodic save, or stopping for idleness.
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
        if self.clock.playing {
            wake = wake.min(self.last_saved + SAVE_EVERY);
        }
        if let Some(since) = self.empty_since {
            wake = wake.min(since + IDLE);
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
                    self.send_to(conn_id, answer.text());
                }
                if leaving {
                    self.sockets.remove(&conn_id);
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
                    let _ = socket.outbox.try_send(Outgoing::Close(4000, reason.clone()));
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
                let info = self.member_info(self.members.last().expect("just pushed"));
                self.broadcast_except(conn.id, &ServerFrame::MemberJoined { member: info.clone(), user: info });
            }
        }
        let welcome = self.welcome(&id);
        self.send_to(conn.id, welcome.text());
        Ok(())
    }

    /// A socket went away: the member leaves at once (`leave`) or after the grace period.
    async fn socket_gone(&mut self, member_id: &str, grace: bool) {
        let Some(member) = self.members.iter_mut().find(|m| m.id == member_id) else { return };
        member.sockets = member.sockets.saturating_sub(1);
        if member.sockets == 0 {
            if grace {
                member.away_until = Some(Instant::now() + GRACE);
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
        self.members.remove(index);
        self.sockets.retain(|_, s| s.member != id);
        self.broadcast(&ServerFrame::MemberLeft { user_id: id.to_string() });
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

    async fn play(
        &mut self,
        member: &str,
        item_id: Option<String>,
        track_id: Option<String>,
        position_ms: Option<i64>,
    ) -> Reply {
        if let Some(item) = item_id {
            if !self.queue.iter().any(|i| i.id == item) {
                return not_found("that item is not in the queue");
            }
            self.prepare(Some(item), position_ms.unwrap_or(0).max(0), true, member).await;
            return Ok(());
        }
        if let Some(track) = track_id {
            if self.queue.len() >= rooms::MAX_QUEUE {
                return invalid(format!("the queue is full ({} tracks)", rooms::MAX_QUEUE));
            }
            let item = self.insert_tracks(member, vec![track], Some(self.current_index().map_or(0, |i| i + 1))).await?;
            self.save_queue().await;
            self.broadcast_queue();
            self.prepare(item.into_iter().next(), position_ms.unwrap_or(0).max(0), true, member).await;
            return Ok(());
        }
        if self.current.is_none() {
            let Some(first) = self.queue.first().map(|i| i.id.clone()) else {
                return invalid("the queue is empty; add a track first");
            };
            self.prepare(Some(first), 0, true, member).await;
            return Ok(());
        }
        if let Some(p) = &mut self.pending {
            p.autoplay = true;
            self.maybe_start().await;
            return Ok(());
        }
        if self.clock.playing && position_ms.is_none() {
            return Ok(());
        }
        let now = now_ms();
        let from = position_ms.map_or(self.clock.position(now), |p| self.clamp_position(p));
        self.clock.start(from, now + self.lead());
        self.changed(member).await;
        Ok(())
    }

    async fn pause(&mut self, member: &str, position_ms: Option<i64>) -> Reply {
        if self.current.is_none() {
            return Ok(());
        }
        let now = now_ms();
        match position_ms {
            Some(p) => self.clock = Clock::paused(self.clamp_position(p), now),
            None => self.clock.pause(now),
        }
        if let Some(p) = &mut self.pending {
            p.autoplay = false;
        }
        self.changed(member).await;
        Ok(())
    }

    async fn seek(&mut self, member: &str, position_ms: i64) -> Reply {
        if self.current.is_none() {
            return invalid("nothing is playing");
        }
        let to = self.clamp_position(position_ms);
        let now = now_ms();
        if self.clock.playing {
            // Everyone jumps together, a lead time from now.
            self.clock.start(to, now + self.lead());
        } else {
            self.clock = Clock::paused(to, now);
        }
        self.changed(member).await;
        Ok(())
    }

    async fn previous(&mut self, member: &str) -> Reply {
        let at_start = self.clock.position(now_ms()) <= RESTART_AFTER_MS;
        match self.current_index() {
            Some(i) if at_start && i > 0 => {
                let autoplay = self.clock.playing || self.autoplay_pending();
                self.advance(-1, autoplay, Some(member)).await
            }
            Some(_) => self.seek(member, 0).await,
            None => invalid("nothing is playing"),
        }
    }

    /// Moves `step` items along the queue. At the end of the queue playback stops on the last
    /// track, back at its start.
    async fn advance(&mut self, step: isize, autoplay: bool, by: Option<&str>) -> Reply {
        let next = self
            .current_index()
            .and_then(|i| i.checked_add_signed(step))
            .and_then(|i| self.queue.get(i))
            .map(|item| item.id.clone());
        match next {
            Some(item) => {
                self.prepare(Some(item), 0, autoplay, by.unwrap_or("")).await;
                Ok(())
            }
            None if by.is_none() => {
                // The last track ended by itself.
                self.pending = None;
                self.clock = Clock::paused(0, now_ms());
                self.changed("").await;
                Ok(())
            }
            None => invalid(if step > 0 { "this is the last track in the queue" } else { "this is the first track" }),
        }
    }

    /// Makes `item` current at `position_ms`, paused, and waits (bounded) for every member to
    /// load it before starting (when `autoplay`).
    async fn prepare(&mut self, item: Option<String>, position_ms: i64, autoplay: bool, by: &str) {
        let now = now_ms();
        self.current = item;
        self.clock = Clock::paused(position_ms, now);
        for member in &mut self.members {
            member.ready = false;
        }
        self.pending = self.current.is_some().then_some(Pending { deadline_ms: now + READY_WAIT_MS, autoplay });
        self.changed(by).await;
        // Everyone's `ready` is false again; clients know that from the new item, so only a
        // small room gets the list (a big one would get a frame per member per member).
        if self.members.len() <= FULL_LIST_UP_TO {
            self.broadcast_members();
        }
        self.maybe_start().await;
    }

    fn autoplay_pending(&self) -> bool {
        self.pending.as_ref().is_some_and(|p| p.autoplay)
    }

    /// Starts a pending track once every connected member is ready.
    async fn maybe_start(&mut self) {
        if self.pending.is_none() {
            return;
        }
        let connected = self.members.iter().filter(|m| m.sockets > 0);
        if connected.clone().all(|m| m.ready) {
            self.start_pending(false).await;
        }
    }

    /// Ends the wait: starts the track (a lead time from now) if it was meant to play.
    async fn start_pending(&mut self, timed_out: bool) {
        let Some(pending) = self.pending.take() else { return };
        if timed_out {
            let waiting = self.members.iter().filter(|m| m.sockets > 0 && !m.ready).count();
            tracing::debug!(waiting, "started without members still loading");
        }
        if pending.autoplay {
            let now = now_ms();
            let from = self.clock.position(now);
            self.clock.start(from, now + self.lead());
            let by = self.by.clone().unwrap_or_default();
            self.changed(&by).await;
        }
    }

    /// How far ahead a start is scheduled: twice the worst round trip reported, within bounds.
    fn lead(&self) -> i64 {
        let worst = self.sockets.values().map(|s| s.rtt_ms.load(Ordering::Relaxed)).max().unwrap_or(0);
        lead_ms(worst)
    }

    /// After a playback change: tell everyone and store the position.
    async fn changed(&mut self, by: &str) {
        self.seq += 1;
        self.by = (!by.is_empty()).then(|| by.to_string());
        let frame = ServerFrame::Playback(self.playback_info());
        self.broadcast(&frame);
        self.save_position().await;
    }

    async fn save_position(&mut self) {
        self.last_saved = Instant::now();
        let position = self.clock.position(now_ms());
        if let Err(e) = rooms::save_position(&self.state, &self.row.id, self.current.clone(), position).await {
            tracing::warn!(error = ?e, "could not store the room's position");
        }
    }

    async fn stop_for_shutdown(&mut self) {
        self.clock.pause(now_ms());
        self.save_position().await;
        for socket in self.sockets.values() {
            let _ = socket.outbox.try_send(Outgoing::Close(1001, "the server is restarting".into()));
        }
    }

    fn clamp_position(&self, position_ms: i64) -> i64 {
        let duration = self.current_track().map_or(0, duration_ms);
        position_ms.clamp(0, duration.max(0))
    }

    // ---- the queue ----

    async fn queue_add(&mut self, member: &str, track_ids: Vec<String>, index: Option<i64>) -> Reply {
        if track_ids.is_empty() || track_ids.len() > MAX_ADD {
            return invalid(format!("add 1 to {MAX_ADD} tracks at a time"));
        }
        if self.queue.len() + track_ids.len() > rooms::MAX_QUEUE {
            return invalid(format!("the queue holds at most {} tracks", rooms::MAX_QUEUE));
        }
        let at = index.map(|i| clamp_index(i, self.queue.len()));
        let added = self.insert_tracks(member, track_ids, at).await?;
        self.save_queue().await;
        self.broadcast_queue();
        // The first track of an empty room becomes current, so everyone starts loading it.
        if self.current.is_none() {
            self.prepare(added.into_iter().next(), 0, false, member).await;
        }
        Ok(())
    }

    /// Inserts tracks (all must exist) at `at` (the end by default); returns the new item ids.
    async fn insert_tracks(
        &mut self,
        member: &str,
        track_ids: Vec<String>,
        at: Option<usize>,
    ) -> Result<Vec<String>, (&'static str, String)> {
        let missing: Vec<String> = track_ids.iter().filter(|t| !self.tracks.contains_key(*t)).cloned().collect();
        if !missing.is_empty() {
            let found = rooms::tracks(&self.state, missing.clone()).await.map_err(internal)?;
            if found.len() < missing.iter().collect::<HashSet<_>>().len() {
                return Err(("NOT_FOUND", "a track to add does not exist".into()));
            }
            self.tracks.extend(found.into_iter().map(|t| (t.id.clone(), t)));
        }
        let author = self.author(member);
        let items: Vec<Item> = track_ids
            .into_iter()
            .map(|track_id| Item { id: rooms::new_item_id(), track_id, added_by: author.clone() })
            .collect();
        let ids = items.iter().map(|i| i.id.clone()).collect();
        let at = at.unwrap_or(self.queue.len()).min(self.queue.len());
        self.queue.splice(at..at, items);
        Ok(ids)
    }

    async fn queue_remove(&mut self, member: &str, item_id: &str) -> Reply {
        let Some(index) = self.queue.iter().position(|i| i.id == item_id) else {
            return not_found("that item is not in the queue");
        };
        let was_current = self.current.as_deref() == Some(item_id);
        let autoplay = self.clock.playing || self.autoplay_pending();
        self.queue.remove(index);
        self.save_queue().await;
        self.broadcast_queue();
        if was_current {
            // The item after it now sits at `index`.
            let next = self.queue.get(index).map(|i| i.id.clone());
            match next {
                Some(next) => self.prepare(Some(next), 0, autoplay, member).await,
                None => {
                    self.current = None;
                    self.pending = None;
                    self.clock = Clock::paused(0, now_ms());
                    self.changed(member).await;
                }
            }
        }
        Ok(())
    }

    async fn queue_move(&mut self, item_id: &str, index: i64) -> Reply {
        let Some(from) = self.queue.iter().position(|i| i.id == item_id) else {
            return not_found("that item is not in the queue");
        };
        let item = self.queue.remove(from);
        let to = clamp_index(index, self.queue.len());
        self.queue.insert(to, item);
        self.save_queue().await;
        self.broadcast_queue();
        Ok(())
    }

    async fn save_queue(&mut self) {
        self.queue_seq += 1;
        let rows = self.queue_rows();
        if let Err(e) = rooms::save_queue(&self.state, &self.row.id, rows).await {
            tracing::warn!(error = ?e, "could not store the room's queue");
        }
    }

    /// The queue as stored and as GraphQL shows it.
    fn queue_rows(&self) -> Vec<QueueRow> {
        self.queue
            .iter()
            .map(|i| QueueRow {
                id: i.id.clone(),
                track_id: i.track_id.clone(),
                added_by: i.added_by.id.clone(),
                added_by_name: i.added_by.name.clone(),
            })
            .collect()
    }

    fn current_index(&self) -> Option<usize> {
        let current = self.current.as_ref()?;
        self.queue.iter().position(|i| &i.id == current)
    }

    fn current_item(&self) -> Option<&Item> {
        self.current_index().map(|i| &self.queue[i])
    }

    fn current_track(&self) -> Option<&RoomTrackRow> {
        self.current_item().and_then(|i| self.tracks.get(&i.track_id))
    }

    // ---- chat and reactions ----

    async fn chat(&mut self, member: &str, text: String) -> Reply {
        let text = text.trim().to_string();
        if text.is_empty() || text.chars().count() > MAX_CHAT {
            return invalid(format!("a message has 1 to {MAX_CHAT} characters"));
        }
        if !self.members.iter_mut().find(|m| m.id == member).is_some_and(|m| m.chat.take()) {
            return Err(("RATE_LIMITED", "slow down: at most 5 messages in 10 seconds".into()));
        }
        let author = self.author(member);
        let (id, sent_at) =
            rooms::post_message(&self.state, &self.row.id, &author.id, &author.name, author.guest, &text)
                .await
                .map_err(internal)?;
        let line = ChatLine { id, user: author, text, sent_at };
        self.broadcast(&ServerFrame::Chat(line.clone()));
        self.chat.push_back(line);
        while self.chat.len() > rooms::RECENT_CHAT {
            self.chat.pop_front();
        }
        Ok(())
    }

    fn react(&mut self, member: &str, emoji: String) -> Reply {
        let emoji = emoji.trim().to_string();
        if emoji.is_empty() || emoji.chars().count() > MAX_EMOJI || emoji.chars().any(char::is_control) {
            return invalid(format!("a reaction has 1 to {MAX_EMOJI} characters"));
        }
        if !self.members.iter_mut().find(|m| m.id == member).is_some_and(|m| m.reactions.take()) {
            return Err(("RATE_LIMITED", "slow down: at most 10 reactions in 10 seconds".into()));
        }
        let user = self.author(member);
        self.broadcast(&ServerFrame::Reaction { user, emoji });
        Ok(())
    }

    // ---- frames ----

    fn author(&self, member: &str) -> Author {
        match self.members.iter().find(|m| m.id == member) {
            Some(m) => Author { id: m.id.clone(), name: m.name.clone(), guest: m.guest },
            None => Author { id: member.to_string(), name: String::new(), guest: false },
        }
    }

    fn url(&mut self, resource: &str) -> String {
        if let Some((url, at)) = self.urls.get(resource)
            && at.elapsed() < URL_RENEW
        {
            return url.clone();
        }
        let viewer = format!("room:{}", self.row.id);
        let url = crate::services::media::grant_url(&self.state, &viewer, resource, None);
        self.urls.insert(resource.to_string(), (url.clone(), Instant::now()));
        url
    }

    fn track_info(&mut self, track_id: &str) -> Option<TrackInfo> {
        let track = self.tracks.get(track_id)?.clone();
        let cover_url = match (&track.album_id, track.has_cover) {
            (Some(album), true) => Some(self.url(&format!("cover/album/{album}"))),
            _ => None,
        };
        Some(TrackInfo {
            stream_url: self.url(&format!("stream/{}", track.id)),
            duration_ms: duration_ms(&track),
            id: track.id,
            title: track.title,
            artist: track.artist,
            album: track.album,
            codec: track.codec,
            cover_url,
        })
    }

    fn playback_info(&mut self) -> PlaybackInfo {
        let item = self.current_item().map(|i| (i.id.clone(), i.track_id.clone()));
        let track = item.as_ref().and_then(|(_, t)| self.track_info(t));
        PlaybackInfo {
            item_id: item.as_ref().map(|(i, _)| i.clone()),
            track_id: item.map(|(_, t)| t),
            track,
            playing: self.clock.playing,
            position_ms: self.clock.position_ms,
            at_server_ms: self.clock.at_ms,
            rate: 1.0,
            by: self.by.clone(),
            seq: self.seq,
        }
    }

    fn queue_info(&mut self) -> QueueInfo {
        let entries: Vec<(String, String, Author)> =
            self.queue.iter().map(|i| (i.id.clone(), i.track_id.clone(), i.added_by.clone())).collect();
        let items = entries
            .into_iter()
            .filter_map(|(item_id, track_id, added_by)| {
                let track = self.track_info(&track_id)?;
                Some(QueueEntry { item_id, track_id, added_by, track })
            })
            .collect();
        QueueInfo { items, seq: self.queue_seq }
    }

    fn member_info(&self, m: &Member) -> MemberInfo {
        MemberInfo {
            id: m.id.clone(),
            name: m.name.clone(),
            guest: m.guest,
            avatar_url: m.avatar_url.clone(),
            is_host: self.row.host_id == m.id,
            ready: m.ready,
            connected: m.away_until.is_none(),
            joined_at: m.joined_at,
        }
    }

    fn room_info(&self) -> RoomInfo {
        RoomInfo {
            id: self.row.id.to_string(),
            name: self.row.name.clone(),
            code: self.row.code.clone(),
            visibility: self.row.visibility,
            control_mode: self.row.control_mode,
            allow_guests: self.row.allow_guests,
            host_id: self.row.host_id.to_string(),
            owner_id: self.row.owner_id.to_string(),
        }
    }

    fn members_info(&self) -> Vec<MemberInfo> {
        self.members.iter().map(|m| self.member_info(m)).collect()
    }

    fn welcome(&mut self, member: &str) -> ServerFrame {
        let members = self.members_info();
        let you = members.iter().find(|m| m.id == member).cloned().expect("the member just joined");
        ServerFrame::Welcome {
            you,
            room: self.room_info(),
            members,
            playback: self.playback_info(),
            queue: self.queue_info(),
            recent_chat: self.chat.iter().cloned().collect(),
            server_time: now_ms(),
        }
    }

    fn live(&self) -> Live {
        let current = self.current_item();
        Live {
            member_ids: self.members.iter().filter_map(|m| m.user_id.clone()).collect(),
            guest_count: self.members.iter().filter(|m| m.guest).count(),
            current_track: current.map(|c| c.track_id.clone()),
            position_ms: current.map(|_| self.clock.position(now_ms())),
            playing: self.clock.playing,
            queue: self.queue_rows(),
        }
    }

    /// Tells everyone (but `skip`) that one member's ready or connected state changed: the
    /// full list in a small room (as the protocol began), just that member in a big one.
    fn member_changed(&mut self, id: &str, skip: Option<u64>) {
        let frame = if self.members.len() <= FULL_LIST_UP_TO {
            ServerFrame::Members { members: self.members_info() }
        } else {
            let Some(member) = self.members.iter().find(|m| m.id == id) else { return };
            ServerFrame::MemberUpdated { member: self.member_info(member) }
        };
        self.broadcast_text(frame.text(), skip);
    }

    fn broadcast_members(&mut self) {
        let frame = ServerFrame::Members { members: self.members_info() };
        self.broadcast(&frame);
    }

    fn broadcast_queue(&mut self) {
        let frame = ServerFrame::Queue(self.queue_info());
        self.broadcast(&frame);
    }

    fn broadcast(&mut self, frame: &ServerFrame) {
        self.broadcast_text(frame.text(), None);
    }

    fn broadcast_except(&mut self, skip: u64, frame: &ServerFrame) {
        self.broadcast_text(frame.text(), Some(skip));
    }

    /// Queues `text` for every socket; a socket whose queue is full is dropped (it closes with
    /// 4408 and may reconnect) so it never holds the room back.
    fn broadcast_text(&mut self, text: Arc<str>, skip: Option<u64>) {
        let mut too_slow = Vec::new();
        for (id, socket) in &self.sockets {
            if Some(*id) == skip {
                continue;
            }
            if let Err(mpsc::error::TrySendError::Full(_)) = socket.outbox.try_send(Outgoing::Text(text.clone())) {
                too_slow.push(*id);
            }
        }
        self.drop_slow(too_slow);
    }

    fn send_to(&mut self, conn: u64, text: Arc<str>) {
        let full = self.sockets.get(&conn).is_some_and(|s| {
            matches!(s.outbox.try_send(Outgoing::Text(text)), Err(mpsc::error::TrySendError::Full(_)))
        });
        if full {
            self.drop_slow(vec![conn]);
        }
    }

    fn drop_slow(&mut self, sockets: Vec<u64>) {
        for id in sockets {
            if let Some(socket) = self.sockets.remove(&id) {
                tracing::warn!("a room member fell too far behind; dropping the connection");
                metrics::counter!("soundroom_room_sockets_cut_off_total").increment(1);
                // Its queue is full, so no close frame fits: dropping the sender tells the socket.
                drop(socket.outbox);
                if let Some(m) = self.members.iter_mut().find(|m| m.id == socket.member) {
                    m.sockets = m.sockets.saturating_sub(1);
                    if m.sockets == 0 {
                        m.away_until = Some(Instant::now() + GRACE);
                    }
                }
            }
        }
    }

    /// Closes every socket of a member with `code`.
    fn close_member(&mut self, member: &str, code: u16, reason: &str) {
        for socket in self.sockets.values().filter(|s| s.member == member) {
            let _ = socket.outbox.try_send(Outgoing::Close(code, reason.to_string()));
        }
        self.sockets.retain(|_, s| s.member != member);
    }
}

fn duration_ms(track: &RoomTrackRow) -> i64 {
    (track.duration * 1000.0).round() as i64
}

fn internal(e: crate::error::AppError) -> (&'static str, String) {
    e.log_if_internal();
    ("INTERNAL", "something went wrong; try again".to_string())
}
