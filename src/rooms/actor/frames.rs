//! What a room tells its members: frames built from its state, and the fan-out to every
//! member's socket.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::time::Instant;

use super::{FULL_LIST_UP_TO, Member, PRESENCE_EVERY, Room, URL_RENEW, duration_ms};
use crate::rooms::outbox::{Outbox, frame_text};
use crate::rooms::protocol::{
    Author, MemberInfo, PlaybackInfo, QueueEntry, QueueInfo, RoomInfo, ServerFrame, TrackInfo, now_ms,
};
use crate::services::rooms::Live;

impl Room {
    pub(super) fn author(&self, member: &str) -> Author {
        match self.members.iter().find(|m| m.id == member) {
            Some(m) => Author { id: m.id.clone(), name: m.name.clone(), guest: m.guest },
            None => Author { id: member.to_string(), name: String::new(), guest: false },
        }
    }

    pub(super) fn url(&mut self, resource: &str) -> String {
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

    pub(super) fn track_info(&mut self, track_id: &str) -> Option<TrackInfo> {
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

    pub(super) fn playback_info(&mut self) -> PlaybackInfo {
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

    pub(super) fn queue_info(&mut self) -> QueueInfo {
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

    pub(super) fn member_info(&self, m: &Member) -> MemberInfo {
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

    pub(super) fn room_info(&self) -> RoomInfo {
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

    pub(super) fn members_info(&self) -> Vec<MemberInfo> {
        self.members.iter().map(|m| self.member_info(m)).collect()
    }

    pub(super) fn welcome(&mut self, member: &str) -> ServerFrame {
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

    pub(super) fn live(&self) -> Live {
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

    /// Tells everyone (but `skip`, a socket that just came back and has it from its
    /// `welcome`) that a member's ready or connected state changed: the full list at once in a
    /// small room (as the protocol began), with the next `membersChanged` in a big one.
    pub(super) fn member_changed(&mut self, id: &str, skip: Option<u64>) {
        if self.members.len() > FULL_LIST_UP_TO {
            self.presence_changed(id);
            return;
        }
        self.clear_presence();
        let frame = ServerFrame::Members { members: self.members_info() };
        self.broadcast_frame(&frame, skip);
    }

    /// Notes that a big room's member joined, changed or left; `flush_presence` tells everyone.
    pub(super) fn presence_changed(&mut self, id: &str) {
        self.presence.insert(id.to_string());
        self.presence_due.get_or_insert_with(|| Instant::now() + PRESENCE_EVERY);
    }

    /// Sends what changed since the last time in one frame (the whole list if the room has
    /// become small again).
    pub(super) fn flush_presence(&mut self) {
        let changed = std::mem::take(&mut self.presence);
        self.presence_due = None;
        if changed.is_empty() {
            return;
        }
        if self.members.len() <= FULL_LIST_UP_TO {
            self.broadcast_members();
            return;
        }
        let members: Vec<MemberInfo> =
            self.members.iter().filter(|m| changed.contains(&m.id)).map(|m| self.member_info(m)).collect();
        let present: HashSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
        let left = changed.iter().filter(|id| !present.contains(id.as_str())).cloned().collect();
        self.broadcast(&ServerFrame::MembersChanged { members, left });
    }

    /// The whole list went out: nothing noted before it is news.
    fn clear_presence(&mut self) {
        self.presence.clear();
        self.presence_due = None;
    }

    pub(super) fn broadcast_members(&mut self) {
        self.clear_presence();
        let frame = ServerFrame::Members { members: self.members_info() };
        self.broadcast(&frame);
    }

    pub(super) fn broadcast_queue(&mut self) {
        let frame = ServerFrame::Queue(self.queue_info());
        self.broadcast(&frame);
    }

    pub(super) fn broadcast(&mut self, frame: &ServerFrame) {
        self.broadcast_frame(frame, None);
    }

    pub(super) fn broadcast_except(&mut self, skip: u64, frame: &ServerFrame) {
        self.broadcast_frame(frame, Some(skip));
    }

    /// Serialises and frames `frame` once and writes the same bytes to every socket; a socket
    /// whose backlog is full is dropped (it closes with 4408 and may reconnect) so it never
    /// holds the room back. In a big room a second thread helps: the kernel's work per socket
    /// is most of a broadcast's cost. Both take the next socket from a shared counter, so a
    /// helper that gets no core soon costs little; each socket is written by one thread and
    /// both are done before the next frame, so every member's frames stay in order.
    pub(super) fn broadcast_frame(&mut self, frame: &ServerFrame, skip: Option<u64>) {
        let bytes = frame_text(&frame.text());
        let targets: Vec<(u64, &Outbox)> =
            self.sockets.iter().filter(|(id, _)| Some(**id) != skip).map(|(id, s)| (*id, &*s.outbox)).collect();
        let next = AtomicUsize::new(0);
        let write = || {
            let mut too_slow = Vec::new();
            while let Some((id, outbox)) = targets.get(next.fetch_add(1, Ordering::Relaxed)) {
                if outbox.send(bytes.clone()).is_err() {
                    too_slow.push(*id);
                }
            }
            too_slow
        };
        let too_slow = if targets.len() > WRITE_ON_TWO_THREADS_PAST && two_cores() {
            std::thread::scope(|scope| {
                let helper = std::thread::Builder::new().name("room-fan-out".into()).spawn_scoped(scope, write);
                // Without a helper (no thread to be had) this one writes them all.
                let mut too_slow = write();
                match helper.map(|h| h.join()) {
                    Ok(Ok(theirs)) => too_slow.extend(theirs),
                    // A helper that failed may have missed some members, and which is not
                    // known: all reconnect to a fresh `welcome` rather than drift.
                    Ok(Err(_)) => too_slow = targets.iter().map(|(id, _)| *id).collect(),
                    Err(_) => {}
                }
                too_slow
            })
        } else {
            write()
        };
        self.drop_slow(too_slow);
    }

    pub(super) fn send_to(&mut self, conn: u64, frame: &ServerFrame) {
        let full = self.sockets.get(&conn).is_some_and(|s| s.outbox.send(frame_text(&frame.text())).is_err());
        if full {
            self.drop_slow(vec![conn]);
        }
    }

    pub(super) fn drop_slow(&mut self, sockets: Vec<u64>) {
        let grace = self.grace();
        for id in sockets {
            if let Some(socket) = self.sockets.remove(&id) {
                tracing::warn!("a room member fell too far behind; dropping the connection");
                metrics::counter!("soundroom_room_sockets_cut_off_total").increment(1);
                socket.outbox.cut_off();
                if let Some(m) = self.members.iter_mut().find(|m| m.id == socket.member) {
                    m.sockets = m.sockets.saturating_sub(1);
                    if m.sockets == 0 {
                        m.away_until = Some(Instant::now() + grace);
                    }
                }
            }
        }
    }

    /// Closes every socket of a member with `code`.
    pub(super) fn close_member(&mut self, member: &str, code: u16, reason: &str) {
        for socket in self.sockets.values().filter(|s| s.member == member) {
            socket.outbox.end(code, reason);
        }
        self.sockets.retain(|_, s| s.member != member);
    }
}

/// Sockets past which a broadcast is written on two threads: below, a thread's start costs
/// more than it saves.
const WRITE_ON_TWO_THREADS_PAST: usize = 64;

/// Whether writing a broadcast on two threads can go faster than on one.
fn two_cores() -> bool {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())) > 1
}
