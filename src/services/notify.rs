//! Per-user notifications for the `notifications` subscription. A broadcast channel fans each
//! event out to every open subscription; events for nobody listening are dropped.

use std::sync::Arc;

use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// This session was signed out (sign out everywhere, password change, account disabled).
    SessionRevoked,
}

#[derive(Debug, Clone)]
pub struct Notification {
    pub user_id: String,
    pub kind: NotificationKind,
    pub message: String,
    pub created_at: String,
}

#[derive(Clone)]
pub struct Notifier {
    sender: Arc<broadcast::Sender<Notification>>,
}

impl Default for Notifier {
    fn default() -> Self {
        Self { sender: Arc::new(broadcast::channel(256).0) }
    }
}

impl Notifier {
    pub fn send(&self, user_id: &str, kind: NotificationKind, message: impl Into<String>) {
        let _ = self.sender.send(Notification {
            user_id: user_id.to_string(),
            kind,
            message: message.into(),
            created_at: crate::db::now(),
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.sender.subscribe()
    }
}
