//! The shared playback and queue of a room, and its chat: what members' commands change.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use tokio::time::Instant;

use super::{FULL_LIST_UP_TO, Item, Pending, Reply, Room, duration_ms, internal, invalid, not_found};
use super::{MAX_ADD, MAX_CHAT, MAX_EMOJI, READY_WAIT_MS, RESTART_AFTER_MS};
use crate::domain::room::{Clock, clamp_index, lead_ms};
use crate::rooms::protocol::{ChatLine, ServerFrame, now_ms};
use crate::services::rooms::{self, QueueRow, RoomTrackRow};

impl Room {
    pub(super) async fn play(
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

    pub(super) async fn pause(&mut self, member: &str, position_ms: Option<i64>) -> Reply {
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

    pub(super) async fn seek(&mut self, member: &str, position_ms: i64) -> Reply {
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

    pub(super) async fn previous(&mut self, member: &str) -> Reply {
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
    pub(super) async fn advance(&mut self, step: isize, autoplay: bool, by: Option<&str>) -> Reply {
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
    pub(super) async fn prepare(&mut self, item: Option<String>, position_ms: i64, autoplay: bool, by: &str) {
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

    pub(super) fn autoplay_pending(&self) -> bool {
        self.pending.as_ref().is_some_and(|p| p.autoplay)
    }

    /// Starts a pending track once every connected member is ready.
    pub(super) async fn maybe_start(&mut self) {
        if self.pending.is_none() {
            return;
        }
        let connected = self.members.iter().filter(|m| m.sockets > 0);
        if connected.clone().all(|m| m.ready) {
            self.start_pending(false).await;
        }
    }

    /// Ends the wait: starts the track (a lead time from now) if it was meant to play.
    pub(super) async fn start_pending(&mut self, timed_out: bool) {
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
    pub(super) fn lead(&self) -> i64 {
        let worst = self.sockets.values().map(|s| s.rtt_ms.load(Ordering::Relaxed)).max().unwrap_or(0);
        lead_ms(worst)
    }

    /// After a playback change: tell everyone and store the position.
    pub(super) async fn changed(&mut self, by: &str) {
        self.seq += 1;
        self.by = (!by.is_empty()).then(|| by.to_string());
        let frame = ServerFrame::Playback(self.playback_info());
        self.broadcast(&frame);
        self.save_position().await;
    }

    pub(super) async fn save_position(&mut self) {
        self.last_saved = Instant::now();
        let position = self.clock.position(now_ms());
        if let Err(e) = rooms::save_position(&self.state, &self.row.id, self.current.clone(), position).await {
            tracing::warn!(error = ?e, "could not store the room's position");
        }
    }

    pub(super) async fn stop_for_shutdown(&mut self) {
        self.clock.pause(now_ms());
        self.save_position().await;
        for socket in self.sockets.values() {
            socket.outbox.end(1001, "the server is restarting");
        }
    }

    pub(super) fn clamp_position(&self, position_ms: i64) -> i64 {
        let duration = self.current_track().map_or(0, duration_ms);
        position_ms.clamp(0, duration.max(0))
    }

    // ---- the queue ----

    pub(super) async fn queue_add(&mut self, member: &str, track_ids: Vec<String>, index: Option<i64>) -> Reply {
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
    pub(super) async fn insert_tracks(
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

    pub(super) async fn queue_remove(&mut self, member: &str, item_id: &str) -> Reply {
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

    pub(super) async fn queue_move(&mut self, item_id: &str, index: i64) -> Reply {
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

    pub(super) async fn save_queue(&mut self) {
        self.queue_seq += 1;
        let rows = self.queue_rows();
        if let Err(e) = rooms::save_queue(&self.state, &self.row.id, rows).await {
            tracing::warn!(error = ?e, "could not store the room's queue");
        }
    }

    /// The queue as stored and as GraphQL shows it.
    pub(super) fn queue_rows(&self) -> Vec<QueueRow> {
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

    pub(super) fn current_index(&self) -> Option<usize> {
        let current = self.current.as_ref()?;
        self.queue.iter().position(|i| &i.id == current)
    }

    pub(super) fn current_item(&self) -> Option<&Item> {
        self.current_index().map(|i| &self.queue[i])
    }

    pub(super) fn current_track(&self) -> Option<&RoomTrackRow> {
        self.current_item().and_then(|i| self.tracks.get(&i.track_id))
    }

    // ---- chat and reactions ----

    pub(super) async fn chat(&mut self, member: &str, text: String) -> Reply {
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

    pub(super) fn react(&mut self, member: &str, emoji: String) -> Reply {
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
}
