//! The event hub: everything delivered live to a person's open clients (notifications now;
//! friend activity, presence and room invites build on it).
//!
//! Each connected client registers a small bounded queue under its user and session. Sending
//! to a user touches only that user's queues, never a global stream every subscriber filters.
//! A client whose queue is full is cut off (logged and counted) rather than slowing anyone or
//! silently missing events; its stream ends and it reconnects. Dropping a `Subscription`
//! removes its queue. The rule "a live connection ends with its session" lives here: revoking
//! sessions tells their clients, then closes their queues.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use chrono::{DateTime, Utc};
use futures_util::Stream;
use tokio::sync::mpsc;

use crate::domain::ids::{SessionId, UserId};

/// Events one client may have waiting; a client further behind is cut off.
const QUEUE: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// This session was signed out (sign out, sign out everywhere, password change, account
    /// disabled, a copied refresh token). The last event its clients receive.
    SessionRevoked { message: String, at: DateTime<Utc> },
    /// A stored notification (friend request, accepted request, room invite), pushed live.
    Notification(Box<crate::services::social::Notification>),
    /// What a friend is playing now changed.
    FriendActivity(Box<crate::services::activity::ActivityChange>),
}

impl Event {
    pub fn session_revoked(message: impl Into<String>) -> Self {
        Event::SessionRevoked { message: message.into(), at: Utc::now() }
    }
}

struct Listener {
    id: u64,
    session_id: SessionId,
    sender: mpsc::Sender<Event>,
}

#[derive(Clone, Default)]
pub struct EventHub {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    listeners: Mutex<HashMap<UserId, Vec<Listener>>>,
    next_id: AtomicU64,
}

impl EventHub {
    /// Registers a client of `user_id` signed in as `session_id`.
    pub fn subscribe(&self, user_id: &UserId, session_id: &SessionId) -> Subscription {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let listener = Listener { id, session_id: session_id.clone(), sender };
        self.lock().entry(user_id.clone()).or_default().push(listener);
        metrics::gauge!("soundroom_event_listeners").increment(1.0);
        Subscription { receiver, registration: Registration { hub: self.clone(), user_id: user_id.clone(), id } }
    }

    /// Delivers `event` to every open client of `user_id`.
    pub fn send(&self, user_id: &UserId, event: Event) {
        self.deliver(user_id, |_| true, &event, false);
    }

    /// Tells the clients of `user_id`'s sessions (all but `keep`) that they ended, then closes
    /// their streams.
    pub fn end_sessions(&self, user_id: &UserId, keep: Option<&SessionId>, farewell: Event) {
        self.deliver(user_id, |l| Some(&l.session_id) != keep, &farewell, true);
    }

    /// Tells the clients of one session it ended, then closes their streams.
    pub fn end_session(&self, user_id: &UserId, session_id: &SessionId, farewell: Event) {
        self.deliver(user_id, |l| &l.session_id == session_id, &farewell, true);
    }

    /// Open clients, for tests and metrics.
    pub fn listener_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    fn deliver(&self, user_id: &UserId, wanted: impl Fn(&Listener) -> bool, event: &Event, then_close: bool) {
        let mut all = self.lock();
        let Some(listeners) = all.get_mut(user_id) else { return };
        let before = listeners.len();
        listeners.retain(|l| {
            if !wanted(l) {
                return true;
            }
            match l.sender.try_send(event.clone()) {
                Ok(()) => !then_close,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(user_id = %user_id, "a live client fell {QUEUE} events behind; disconnecting it");
                    metrics::counter!("soundroom_event_listeners_cut_off_total").increment(1);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
        let removed = before - listeners.len();
        if listeners.is_empty() {
            all.remove(user_id);
        }
        metrics::gauge!("soundroom_event_listeners").decrement(removed as f64);
    }

    fn remove(&self, user_id: &UserId, id: u64) {
        let mut all = self.lock();
        let Some(listeners) = all.get_mut(user_id) else { return };
        let before = listeners.len();
        listeners.retain(|l| l.id != id);
        metrics::gauge!("soundroom_event_listeners").decrement((before - listeners.len()) as f64);
        if listeners.is_empty() {
            all.remove(user_id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, Vec<Listener>>> {
        // Never held across an await; a panic while holding it leaves the map usable.
        self.inner.listeners.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One client's events. The stream ends when its session ends or it was cut off.
pub struct Subscription {
    receiver: mpsc::Receiver<Event>,
    registration: Registration,
}

impl Stream for Subscription {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.receiver.poll_recv(cx)
    }
}

impl Subscription {
    pub fn user_id(&self) -> &UserId {
        &self.registration.user_id
    }
}

/// Removes its queue from the hub when the client goes away.
struct Registration {
    hub: EventHub,
    user_id: UserId,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.remove(&self.user_id, self.id);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn events_reach_only_their_user_and_ended_sessions_close() {
        let hub = EventHub::default();
        let (ann, bob_id) = (UserId::trusted("ann"), UserId::trusted("bob"));
        let session = |s: &str| SessionId::trusted(s);
        let mut ann_phone = hub.subscribe(&ann, &session("s1"));
        let mut ann_laptop = hub.subscribe(&ann, &session("s2"));
        let bob = hub.subscribe(&bob_id, &session("s3"));
        hub.end_sessions(&ann, Some(&session("s2")), Event::session_revoked("bye"));
        assert!(matches!(ann_phone.next().await, Some(Event::SessionRevoked { .. })));
        assert_eq!(ann_phone.next().await, None, "the revoked session's stream ends");
        assert_eq!(hub.listener_count(), 2, "the kept session and Bob stay");
        hub.end_session(&ann, &session("s2"), Event::session_revoked("bye"));
        assert!(ann_laptop.next().await.is_some());
        assert_eq!(ann_laptop.next().await, None);
        drop(bob);
        assert_eq!(hub.listener_count(), 0, "dropping a subscription unregisters it");
    }

    #[tokio::test]
    async fn a_client_that_falls_behind_is_cut_off() {
        let hub = EventHub::default();
        let ann = UserId::trusted("ann");
        let mut slow = hub.subscribe(&ann, &SessionId::trusted("s1"));
        for _ in 0..=QUEUE {
            hub.send(&ann, Event::session_revoked("x"));
        }
        assert_eq!(hub.listener_count(), 0);
        let mut received = 0;
        while slow.next().await.is_some() {
            received += 1;
        }
        assert_eq!(received, QUEUE, "it keeps what was queued, then its stream ends");
    }
}
