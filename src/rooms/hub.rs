//! The live rooms: one actor per room that has someone in it, found by room id. The map is
//! only touched to find, start or retire an actor; never held across an await.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::actor::{self, Command, Connection, JoinRefusal};
use crate::domain::ids::RoomId;
use crate::services::rooms::{Live, RoomRow};
use crate::state::SharedState;

/// Commands a room may have waiting; senders wait when it is full, so a flood of frames slows
/// its senders, never the actor.
const COMMANDS: usize = 1024;

#[derive(Clone, Default)]
pub struct RoomHub {
    rooms: Arc<Mutex<HashMap<RoomId, mpsc::Sender<Command>>>>,
}

impl RoomHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<RoomId, mpsc::Sender<Command>>> {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn running(&self, id: &RoomId) -> Option<mpsc::Sender<Command>> {
        self.lock().get(id).filter(|tx| !tx.is_closed()).cloned()
    }

    /// The room's actor, started (it loads the room itself) if it is not running.
    fn actor(&self, state: &SharedState, id: &RoomId) -> mpsc::Sender<Command> {
        let mut rooms = self.lock();
        if let Some(tx) = rooms.get(id).filter(|tx| !tx.is_closed()) {
            return tx.clone();
        }
        let (tx, rx) = mpsc::channel(COMMANDS);
        rooms.insert(id.clone(), tx.clone());
        metrics::gauge!("soundroom_rooms_live").set(rooms.len() as f64);
        actor::spawn(state.clone(), id.clone(), rx);
        tx
    }

    /// Puts a connection into its room; the actor answers with `welcome` on the connection's
    /// queue, or refuses.
    pub async fn join(&self, state: &SharedState, id: &RoomId, conn: Box<Connection>) -> Result<(), JoinRefusal> {
        let mut conn = Some(conn);
        // An actor may be retiring just as we find it: then start a fresh one, once.
        for _ in 0..2 {
            let tx = self.actor(state, id);
            let (reply, answer) = oneshot::channel();
            let command = Command::Join { conn: conn.take().expect("the connection is sent once"), reply };
            match tx.send(command).await {
                Ok(()) => match answer.await {
                    Ok(Err(JoinRefusal::Gone)) | Err(_) => return Err(JoinRefusal::Gone),
                    Ok(outcome) => return outcome,
                },
                Err(mpsc::error::SendError(Command::Join { conn: back, .. })) => conn = Some(back),
                Err(_) => break,
            }
        }
        Err(JoinRefusal::Gone)
    }

    /// Sends a command to a running room (frames from its sockets); false when it is gone.
    pub async fn send(&self, id: &RoomId, command: Command) -> bool {
        match self.running(id) {
            Some(tx) => tx.send(command).await.is_ok(),
            None => false,
        }
    }

    /// Who is in a running room and what it plays; `None` when nobody is in it.
    pub async fn live(&self, id: &RoomId) -> Option<Live> {
        let tx = self.running(id)?;
        let (reply, answer) = oneshot::channel();
        tx.send(Command::Snapshot(reply)).await.ok()?;
        tokio::time::timeout(Duration::from_secs(2), answer).await.ok()?.ok()
    }

    pub async fn settings_changed(&self, room: &RoomRow, guests_off: bool) {
        self.send(&room.id, Command::Settings { row: Box::new(room.clone()), guests_off }).await;
    }

    pub async fn close(&self, id: &RoomId, reason: &str) {
        self.send(id, Command::Close { reason: reason.to_string() }).await;
    }

    /// Called by an actor with nothing left to do: it leaves the map unless a command arrived
    /// meanwhile (then it carries on). Holding the map lock makes the check and the removal one
    /// step for anyone looking the room up.
    pub(super) fn retire(&self, id: &RoomId, rx: &mut mpsc::Receiver<Command>) -> bool {
        let mut rooms = self.lock();
        if !rx.is_empty() {
            return false;
        }
        rx.close();
        rooms.remove(id);
        metrics::gauge!("soundroom_rooms_live").set(rooms.len() as f64);
        true
    }

    /// A closed room leaves the map at once, whatever is waiting (it will find the room closed).
    pub(super) fn retire_closed(&self, id: &RoomId) {
        let mut rooms = self.lock();
        rooms.remove(id);
        metrics::gauge!("soundroom_rooms_live").set(rooms.len() as f64);
    }

    pub fn live_count(&self) -> usize {
        self.lock().len()
    }
}
