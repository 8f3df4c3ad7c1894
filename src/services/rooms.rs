//! Rooms: who may see, join and manage a room, guest passes, and what the room actors store.
//! The GraphQL resolvers and the room socket both come here, so there is one rule for each.
//!
//! Visibility: the owner, the host, admins and invitees always; PUBLIC rooms every account;
//! FRIENDS rooms the owner's friends. A block between a person and the owner hides the room
//! (it answers "not found", so the block is never revealed). Closed rooms are gone.

use std::net::IpAddr;

use crate::auth::jwt::TokenKind;
pub use crate::db::rooms::{GuestRow, MessageRow, QueueRow, RoomRow, RoomTrackRow};
use crate::db::{self, rooms, social, users};
use crate::domain::ids::{RoomId, UserId};
use crate::domain::room::{self as rules, ControlMode, Visibility};
use crate::error::{AppError, AppResult};
use crate::services::accounts::UserView;
use crate::services::sessions::{self, Caller};
use crate::state::SharedState;

/// Guest passes last a long party, and die with the room whatever their age.
const GUEST_PASS_SECS: i64 = 24 * 3600;
pub const MAX_NAME: usize = 80;
pub const MAX_GUEST_NAME: usize = 32;
/// The shared queue's length limit.
pub const MAX_QUEUE: usize = 1000;

/// Settings from `createRoom` / `updateRoom`; `None` keeps what is there.
#[derive(Debug, Default, Clone)]
pub struct RoomChange {
    pub name: Option<String>,
    pub visibility: Option<Visibility>,
    pub control_mode: Option<ControlMode>,
    pub allow_guests: Option<bool>,
}

/// Someone in a room: an account, or a guest with a pass for this one room.
#[derive(Debug, Clone)]
pub enum Identity {
    User { caller: Caller, row: Box<users::UserRow> },
    Guest(GuestRow),
}

impl Identity {
    /// The id members are known by (a user id or a guest id).
    pub fn id(&self) -> &str {
        match self {
            Identity::User { caller, .. } => &caller.user_id,
            Identity::Guest(g) => &g.id,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Identity::User { row, .. } => &row.username,
            Identity::Guest(g) => &g.name,
        }
    }
    pub fn is_guest(&self) -> bool {
        matches!(self, Identity::Guest(_))
    }
    pub fn caller(&self) -> Option<&Caller> {
        match self {
            Identity::User { caller, .. } => Some(caller),
            Identity::Guest(_) => None,
        }
    }
}

/// How a socket names the room it wants.
#[derive(Debug, Clone)]
pub enum RoomRef {
    Id(String),
    Code(String),
}

/// Why someone may not enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    Forbidden,
}

/// A room as seen in a listing or by `room(id)`: settings plus what is live in it.
#[derive(Debug, Clone)]
pub struct RoomView {
    pub row: RoomRow,
    pub host: UserView,
    pub owner: UserView,
    pub live: Live,
}

/// What is happening in a room now (from its actor, or stored when nobody is in it).
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub member_ids: Vec<UserId>,
    pub guest_count: usize,
    pub current_track: Option<String>,
    pub position_ms: Option<i64>,
    pub playing: bool,
    pub queue: Vec<QueueRow>,
}

/// The one rule: whether `caller` may see and join `room`.
pub fn may_join(conn: &rusqlite::Connection, caller: &Caller, room: &RoomRow) -> AppResult<bool> {
    if room.closed_at.is_some() {
        return Ok(false);
    }
    let me = caller.user_id.as_str();
    if room.owner_id == me || room.host_id == me || caller.is_admin {
        return Ok(true);
    }
    if social::blocked_either_way(conn, me, &room.owner_id)? {
        return Ok(false);
    }
    if rooms::is_invited(conn, &room.id, me)? {
        return Ok(true);
    }
    Ok(match room.visibility {
        Visibility::Public => true,
        Visibility::Friends => social::are_friends(conn, me, &room.owner_id)?,
        Visibility::Private => false,
    })
}

/// Whether `caller` may change a room's settings or close it: its owner, its host, an admin.
fn may_manage(caller: &Caller, room: &RoomRow) -> bool {
    caller.is_admin || room.owner_id == caller.user_id || room.host_id == caller.user_id
}

fn visible(conn: &rusqlite::Connection, caller: &Caller, id: &str) -> AppResult<RoomRow> {
    match rooms::by_id(conn, id)? {
        Some(room) if may_join(conn, caller, &room)? => Ok(room),
        _ => Err(AppError::not_found("room")),
    }
}

fn clean_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::invalid(format!("a room name has 1 to {MAX_NAME} characters")));
    }
    Ok(name.to_string())
}

pub async fn create(state: &SharedState, caller: &Caller, change: RoomChange) -> AppResult<RoomView> {
    let name = clean_name(change.name.as_deref().unwrap_or_default())?;
    let me = caller.user_id.clone();
    let row = state
        .db
        .transaction(move |tx| {
            let mut rng = rand::thread_rng();
            // 31^6 ≈ 887 million codes: a clash is rare, and a retry ends it.
            for _ in 0..8 {
                let code = rules::new_code(&mut rng);
                if rooms::open_by_code(tx, &code)?.is_some() {
                    continue;
                }
                let row = RoomRow {
                    id: RoomId::trusted(db::new_id()),
                    name: name.clone(),
                    code,
                    host_id: me.clone(),
                    owner_id: me.clone(),
                    visibility: change.visibility.unwrap_or(Visibility::Friends),
                    control_mode: change.control_mode.unwrap_or(ControlMode::HostOnly),
                    allow_guests: change.allow_guests.unwrap_or(false),
                    closed_at: None,
                    current_item_id: None,
                    position_ms: 0,
                    created_at: db::now(),
                };
                rooms::insert(tx, &row)?;
                return Ok(row);
            }
            Err(AppError::internal(anyhow::anyhow!("could not find a free room code")))
        })
        .await?;
    tracing::info!(room = %row.id, by = %caller.user_id, "room created");
    view(state, caller, row).await
}

pub async fn update(state: &SharedState, caller: &Caller, id: String, change: RoomChange) -> AppResult<RoomView> {
    let name = change.name.as_deref().map(clean_name).transpose()?;
    let who = caller.clone();
    let (row, guests_off) = state
        .db
        .transaction(move |tx| {
            let mut room = visible(tx, &who, &id)?;
            if !may_manage(&who, &room) {
                return Err(AppError::forbidden("only the room's owner or host may change it"));
            }
            let had_guests = room.allow_guests;
            if let Some(name) = name {
                room.name = name;
            }
            room.visibility = change.visibility.unwrap_or(room.visibility);
            room.control_mode = change.control_mode.unwrap_or(room.control_mode);
            room.allow_guests = change.allow_guests.unwrap_or(room.allow_guests);
            rooms::update_settings(tx, &room)?;
            let guests_off = had_guests && !room.allow_guests;
            if guests_off {
                rooms::delete_guests(tx, &room.id)?;
            }
            Ok((room, guests_off))
        })
        .await?;
    state.rooms.settings_changed(&row, guests_off).await;
    view(state, caller, row).await
}

pub async fn close(state: &SharedState, caller: &Caller, id: String) -> AppResult<bool> {
    let who = caller.clone();
    let room_id = id.clone();
    state
        .db
        .transaction(move |tx| {
            let room = visible(tx, &who, &room_id)?;
            if !may_manage(&who, &room) {
                return Err(AppError::forbidden("only the room's owner or host may close it"));
            }
            Ok(rooms::close(tx, &room.id)?)
        })
        .await?;
    tracing::info!(room = %id, by = %caller.user_id, "room closed");
    state.rooms.close(&RoomId::trusted(id), "the room was closed").await;
    Ok(true)
}

pub async fn room(state: &SharedState, caller: &Caller, id: String) -> AppResult<Option<RoomView>> {
    let who = caller.clone();
    let row = state.db.run(move |c| Ok(visible(c, &who, &id).ok())).await?;
    match row {
        Some(row) => Ok(Some(view(state, caller, row).await?)),
        None => Ok(None),
    }
}

pub async fn room_by_code(state: &SharedState, caller: &Caller, code: String) -> AppResult<Option<RoomView>> {
    let Some(code) = rules::normalize_code(&code) else { return Ok(None) };
    let who = caller.clone();
    let row = state
        .db
        .run(move |c| match rooms::open_by_code(c, &code)? {
            Some(room) if may_join(c, &who, &room)? => Ok(Some(room)),
            _ => Ok(None),
        })
        .await?;
    match row {
        Some(row) => Ok(Some(view(state, caller, row).await?)),
        None => Ok(None),
    }
}

/// Open rooms the caller may join, busiest first.
pub async fn list(state: &SharedState, caller: &Caller) -> AppResult<Vec<RoomView>> {
    let who = caller.clone();
    let rows = state
        .db
        .run(move |c| {
            let mut mine = Vec::new();
            for room in rooms::open_candidates(c, &who.user_id)? {
                if may_join(c, &who, &room)? {
                    mine.push(room);
                }
            }
            Ok(mine)
        })
        .await?;
    let mut views = views(state, caller, rows).await?;
    views.sort_by_key(|v| std::cmp::Reverse(v.live.member_ids.len() + v.live.guest_count));
    Ok(views)
}

async fn view(state: &SharedState, caller: &Caller, row: RoomRow) -> AppResult<RoomView> {
    Ok(views(state, caller, vec![row]).await?.pop().expect("one room in, one view out"))
}

/// Rooms with what is live in them: from their actors, or stored for rooms nobody is in. Two
/// queries whatever the number of rooms (their people, and the stored queues).
async fn views(state: &SharedState, caller: &Caller, rows: Vec<RoomRow>) -> AppResult<Vec<RoomView>> {
    let mut live = Vec::with_capacity(rows.len());
    for row in &rows {
        live.push(state.rooms.live(&row.id).await);
    }
    let idle: Vec<String> =
        rows.iter().zip(&live).filter(|(_, l)| l.is_none()).map(|(r, _)| r.id.to_string()).collect();
    let people: Vec<String> = rows.iter().flat_map(|r| [r.host_id.to_string(), r.owner_id.to_string()]).collect();
    let (mut queues, users) =
        state.db.run(move |c| Ok((rooms::queues_of(c, &idle)?, users::by_ids(c, &people)?))).await?;
    let users: std::collections::HashMap<String, users::UserRow> =
        users.into_iter().map(|u| (u.id.to_string(), u)).collect();
    let person = |id: &UserId| {
        users
            .get(id.as_str())
            .cloned()
            .map(|u| UserView::seen_by(Some(caller), u))
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("a room's host or owner is missing")))
    };
    rows.into_iter()
        .zip(live)
        .map(|(row, live)| {
            let live = live.unwrap_or_else(|| {
                let queue = queues.remove(row.id.as_str()).unwrap_or_default();
                let current = row.current_item_id.as_ref().and_then(|item| queue.iter().find(|q| &q.id == item));
                Live {
                    current_track: current.map(|q| q.track_id.clone()),
                    position_ms: current.map(|_| row.position_ms),
                    queue,
                    ..Live::default()
                }
            });
            Ok(RoomView { host: person(&row.host_id)?, owner: person(&row.owner_id)?, row, live })
        })
        .collect()
}

/// Invites a person (not blocked either way, enabled) to a room the caller may join.
pub async fn invite(state: &SharedState, caller: &Caller, room_id: String, user_id: String) -> AppResult<bool> {
    let who = caller.clone();
    let note = state
        .db
        .transaction(move |tx| {
            let room = visible(tx, &who, &room_id)?;
            if user_id == who.user_id {
                return Err(AppError::invalid("you cannot invite yourself"));
            }
            let them =
                users::by_id(tx, &user_id)?.filter(|u| !u.disabled).ok_or_else(|| AppError::not_found("user"))?;
            if social::blocked_either_way(tx, &who.user_id, &them.id)?
                || social::blocked_either_way(tx, &room.owner_id, &them.id)?
            {
                return Err(AppError::not_found("user"));
            }
            let me = users::by_id(tx, &who.user_id)?.ok_or_else(|| AppError::not_found("account"))?;
            rooms::invite(tx, &room.id, &them.id)?;
            let note = crate::services::social::room_invite(tx, &them.id, &me, &room.id)?;
            Ok((them.id.to_string(), note))
        })
        .await?;
    crate::services::social::deliver(state, vec![note]);
    Ok(true)
}

/// A guest pass: who the guest is and the token that opens the room socket.
#[derive(Debug, Clone)]
pub struct GuestPass {
    pub token: String,
    pub guest: GuestRow,
}

/// Lets someone without an account into a room that allows guests, under a name of their
/// choice. Limited per address like sign-ins, so a room cannot be flooded with guests.
pub async fn join_as_guest(state: &SharedState, ip: IpAddr, code: String, name: String) -> AppResult<GuestPass> {
    state.auth.limiter.check_ip(ip)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_GUEST_NAME || name.chars().any(char::is_control) {
        return Err(AppError::invalid(format!("a name has 1 to {MAX_GUEST_NAME} characters")));
    }
    let code = rules::normalize_code(&code).ok_or_else(|| AppError::not_found("room"))?;
    let guest = state
        .db
        .transaction(move |tx| {
            let room = rooms::open_by_code(tx, &code)?.ok_or_else(|| AppError::not_found("room"))?;
            if !room.allow_guests {
                return Err(AppError::forbidden("this room does not let guests in; ask the host"));
            }
            let guest = GuestRow { id: format!("guest-{}", db::new_id()), room_id: room.id, name };
            rooms::insert_guest(tx, &guest)?;
            Ok(guest)
        })
        .await?;
    let token = state.auth.signer.sign(TokenKind::Guest, &guest.id, GUEST_PASS_SECS, None, Some(&guest.room_id));
    tracing::info!(room = %guest.room_id, "a guest joined by code");
    Ok(GuestPass { token, guest })
}

/// Who a socket's `hello` token belongs to: an access token (a live session of an enabled
/// account) or a guest pass (its room still open and still allowing guests).
pub async fn authenticate(state: &SharedState, token: &str) -> AppResult<Identity> {
    if let Some(claims) = state.auth.signer.verify(token, TokenKind::Guest) {
        let room = claims.res.unwrap_or_default();
        let guest = state
            .db
            .run(move |c| {
                let guest = rooms::guest(c, &claims.sub)?.filter(|g| g.room_id == room);
                let open = rooms::by_id(c, &room)?.is_some_and(|r| r.closed_at.is_none() && r.allow_guests);
                Ok(guest.filter(|_| open))
            })
            .await?;
        return guest.map(Identity::Guest).ok_or_else(|| AppError::unauthenticated("this guest pass has ended"));
    }
    let caller = sessions::authenticate(state, token).await?;
    let id = caller.user_id.clone();
    let row = state.db.run(move |c| Ok(users::by_id(c, &id)?)).await?;
    let row = row.ok_or_else(|| AppError::unauthenticated("your session has ended; sign in again"))?;
    Ok(Identity::User { caller, row: Box::new(row) })
}

/// The room a socket may enter, or why not.
pub async fn admit(state: &SharedState, who: &Identity, room: RoomRef) -> AppResult<Result<RoomRow, Refusal>> {
    let who = who.clone();
    state
        .db
        .run(move |c| {
            let row = match room {
                RoomRef::Id(id) => rooms::by_id(c, &id)?.filter(|r| r.closed_at.is_none()),
                RoomRef::Code(code) => match rules::normalize_code(&code) {
                    Some(code) => rooms::open_by_code(c, &code)?,
                    None => None,
                },
            };
            let Some(row) = row else { return Ok(Err(Refusal::NotFound)) };
            let allowed = match &who {
                Identity::Guest(g) => g.room_id == row.id && row.allow_guests,
                Identity::User { caller, .. } => may_join(c, caller, &row)?,
            };
            // Someone blocked by the owner learns nothing: the room does not exist for them.
            Ok(match (&who, allowed) {
                (_, true) => Ok(row),
                (Identity::User { caller, .. }, false)
                    if social::blocked_either_way(c, &caller.user_id, &row.owner_id)? =>
                {
                    Err(Refusal::NotFound)
                }
                (_, false) => Err(Refusal::Forbidden),
            })
        })
        .await
}

// ---- what the room actor stores ----

/// Everything stored about a room, for its actor to start from.
pub struct Stored {
    pub row: RoomRow,
    pub queue: Vec<QueueRow>,
    pub tracks: Vec<RoomTrackRow>,
    pub chat: Vec<StoredMessage>,
}

/// A chat line as stored, with its time in server ms.
pub struct StoredMessage {
    pub id: String,
    pub author_id: String,
    pub author_name: String,
    pub guest: bool,
    pub text: String,
    pub sent_at_ms: i64,
}

/// The chat messages a member gets on joining.
pub const RECENT_CHAT: usize = 50;

pub async fn load(state: &SharedState, id: &RoomId) -> AppResult<Option<Stored>> {
    let id = id.clone();
    state
        .db
        .run(move |c| {
            let Some(row) = rooms::by_id(c, &id)?.filter(|r| r.closed_at.is_none()) else { return Ok(None) };
            let queue = rooms::queue(c, &id)?;
            let ids: Vec<String> = queue.iter().map(|q| q.track_id.clone()).collect();
            let tracks = rooms::room_tracks(c, &ids)?;
            let mut chat = Vec::new();
            for m in rooms::recent_messages(c, &id, RECENT_CHAT)? {
                let sent_at_ms = db::parse_db_time(&m.sent_at)?.timestamp_millis();
                chat.push(StoredMessage {
                    id: m.id,
                    author_id: m.author_id,
                    author_name: m.author_name,
                    guest: m.guest,
                    text: m.text,
                    sent_at_ms,
                });
            }
            Ok(Some(Stored { row, queue, tracks, chat }))
        })
        .await
}

/// Tracks by id for the queue; unknown ids are left out (the caller checks).
pub async fn tracks(state: &SharedState, ids: Vec<String>) -> AppResult<Vec<RoomTrackRow>> {
    state.db.run(move |c| Ok(rooms::room_tracks(c, &ids)?)).await
}

pub async fn save_queue(state: &SharedState, id: &RoomId, items: Vec<QueueRow>) -> AppResult<()> {
    let id = id.clone();
    state.db.transaction(move |tx| Ok(rooms::replace_queue(tx, &id, &items)?)).await
}

pub async fn save_position(state: &SharedState, id: &RoomId, item: Option<String>, position_ms: i64) -> AppResult<()> {
    let id = id.clone();
    state.db.run(move |c| Ok(rooms::save_position(c, &id, item.as_deref(), position_ms)?)).await
}

pub async fn save_host(state: &SharedState, id: &RoomId, host: &UserId) -> AppResult<()> {
    let (id, host) = (id.clone(), host.clone());
    state.db.run(move |c| Ok(rooms::set_host(c, &id, &host)?)).await
}

/// Stores a chat line; returns its id and when it was sent (server ms).
pub async fn post_message(
    state: &SharedState,
    id: &RoomId,
    author_id: &str,
    author_name: &str,
    guest: bool,
    text: &str,
) -> AppResult<(String, i64)> {
    let now = chrono::Utc::now();
    let message = MessageRow {
        id: db::new_id(),
        author_id: author_id.to_string(),
        author_name: author_name.to_string(),
        guest,
        text: text.to_string(),
        sent_at: db::to_db_time(now),
    };
    let message_id = message.id.clone();
    let room = id.clone();
    state.db.run(move |c| Ok(rooms::insert_message(c, &room, &message)?)).await?;
    Ok((message_id, now.timestamp_millis()))
}

pub fn new_item_id() -> String {
    db::new_id()
}

/// A kicked guest's pass stops working.
pub async fn end_guest(state: &SharedState, guest_id: String) -> AppResult<()> {
    state.db.run(move |c| Ok(rooms::delete_guest(c, &guest_id)?)).await
}

/// An SVG QR code of a room's join link under `base_url` (the address the host's browser uses).
pub fn join_qr_svg(base_url: &str, code: &str) -> AppResult<String> {
    let base = base_url.trim_end_matches('/');
    let valid = (base.starts_with("http://") || base.starts_with("https://")) && base.len() <= 200;
    if !valid || base.chars().any(|c| c.is_whitespace() || c == '#') {
        return Err(AppError::invalid("baseUrl must be an http(s) address"));
    }
    let link = format!("{base}/#/join/{code}");
    let qr = qrcode::QrCode::new(link.as_bytes()).map_err(AppError::internal)?;
    Ok(qr.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
}
