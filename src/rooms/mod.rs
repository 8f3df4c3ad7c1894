//! Listening together: live rooms. `hub` finds or starts a room's actor, `actor` is the room
//! (one task each), `protocol` its frames, `ws` the socket loop, `outbox` a socket's sending
//! side, which the room writes to directly. The rules (who may see, join and manage a room)
//! live in `services::rooms`.

pub mod actor;
mod bucket;
pub mod hub;
mod outbox;
pub mod protocol;
pub mod ws;

pub use hub::RoomHub;
