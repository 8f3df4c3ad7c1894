//! Rooms through GraphQL: thin resolvers over `services::rooms`. Live playback goes over the
//! room socket (`/ws/rooms`, docs/rooms.md); these read and manage rooms.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::room::{ControlMode as Mode, Visibility};
use crate::graphql::batch_loader::BatchLoader;
use crate::graphql::library::Track;
use crate::graphql::loaders::{TrackLoader, UserLoader};
use crate::graphql::types::User;
use crate::graphql::{GqlResult, caller, request, state};
use crate::services::rooms::{self, RoomChange, RoomView};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "Visibility")]
pub enum RoomVisibility {
    Private,
    Friends,
    Public,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "Mode")]
pub enum ControlMode {
    HostOnly,
    Everyone,
}

#[derive(InputObject, Default)]
pub struct RoomInput {
    name: Option<String>,
    visibility: Option<RoomVisibility>,
    control_mode: Option<ControlMode>,
    /// Let people without an account join by link or QR code (off by default).
    allow_guests: Option<bool>,
}

impl From<RoomInput> for RoomChange {
    fn from(i: RoomInput) -> Self {
        RoomChange {
            name: i.name,
            visibility: i.visibility.map(Into::into),
            control_mode: i.control_mode.map(Into::into),
            allow_guests: i.allow_guests,
        }
    }
}

pub struct Room(RoomView);

#[Object]
impl Room {
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.row.name
    }
    /// The short join code (6 characters, no look-alike letters).
    async fn code(&self) -> &str {
        &self.0.row.code
    }
    /// Who controls the room now.
    async fn host(&self) -> User {
        self.0.host.clone().into()
    }
    /// Who created it (may always manage it).
    async fn owner(&self) -> User {
        self.0.owner.clone().into()
    }
    async fn visibility(&self) -> RoomVisibility {
        self.0.row.visibility.into()
    }
    async fn control_mode(&self) -> ControlMode {
        self.0.row.control_mode.into()
    }
    async fn allow_guests(&self) -> bool {
        self.0.row.allow_guests
    }
    /// Accounts connected now.
    async fn members(&self, ctx: &Context<'_>) -> GqlResult<Vec<User>> {
        let ids: Vec<String> = self.0.live.member_ids.iter().map(ToString::to_string).collect();
        let mut users = ctx.data::<BatchLoader<UserLoader>>()?.load_many(ids.clone()).await?;
        Ok(ids.iter().filter_map(|id| users.remove(id)).map(|row| User::seen(ctx, row)).collect())
    }
    /// Guests connected now.
    async fn guest_count(&self) -> i32 {
        self.0.live.guest_count as i32
    }
    async fn now_playing(&self, ctx: &Context<'_>) -> GqlResult<Option<Track>> {
        let Some(id) = self.0.live.current_track.clone() else { return Ok(None) };
        Ok(ctx.data::<BatchLoader<TrackLoader>>()?.load_one(id).await?.map(Track))
    }
    /// Where the current track is, in milliseconds.
    async fn position_ms(&self) -> Option<i64> {
        self.0.live.position_ms
    }
    async fn playing(&self) -> bool {
        self.0.live.playing
    }
    async fn queue(&self, ctx: &Context<'_>) -> GqlResult<Vec<QueueItem>> {
        let ids: Vec<String> = self.0.live.queue.iter().map(|q| q.track_id.clone()).collect();
        let tracks = ctx.data::<BatchLoader<TrackLoader>>()?.load_many(ids).await?;
        let user_ids: Vec<String> = self.0.live.queue.iter().map(|q| q.added_by.clone()).collect();
        let users = ctx.data::<BatchLoader<UserLoader>>()?.load_many(user_ids).await?;
        Ok(self
            .0
            .live
            .queue
            .iter()
            .filter_map(|q| {
                Some(QueueItem {
                    id: ID(q.id.clone()),
                    track: Track(tracks.get(&q.track_id)?.clone()),
                    added_by: users.get(&q.added_by).map(|u| User::seen(ctx, u.clone())),
                    added_by_name: q.added_by_name.clone(),
                })
            })
            .collect())
    }
    /// An SVG QR code of `<baseUrl>/#/join/<code>`, for phones at a party.
    async fn join_qr_svg(&self, base_url: String) -> GqlResult<String> {
        Ok(rooms::join_qr_svg(&base_url, &self.0.row.code)?)
    }
    async fn created_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(crate::domain::time::parse_stored(&self.0.row.created_at)?)
    }
}

#[derive(SimpleObject)]
pub struct QueueItem {
    id: ID,
    track: Track,
    /// The account that added it; null for a guest.
    added_by: Option<User>,
    added_by_name: String,
}

/// What a guest uses to enter one room: send `token` in the socket's `hello`.
#[derive(SimpleObject)]
pub struct GuestPass {
    token: String,
    room_id: ID,
    name: String,
}

#[derive(Default)]
pub struct RoomQuery;

#[Object]
impl RoomQuery {
    /// A room you may see, or null.
    async fn room(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Room>> {
        Ok(rooms::room(state(ctx), &caller(ctx)?, id.0).await?.map(Room))
    }
    /// A room by its join code (case-insensitive), if you may join it.
    async fn room_by_code(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<Room>> {
        Ok(rooms::room_by_code(state(ctx), &caller(ctx)?, code).await?.map(Room))
    }
    /// Open rooms you may join: yours, friends', public ones and those you were invited to.
    async fn rooms(&self, ctx: &Context<'_>) -> GqlResult<Vec<Room>> {
        Ok(rooms::list(state(ctx), &caller(ctx)?).await?.into_iter().map(Room).collect())
    }
}

#[derive(Default)]
pub struct RoomMutation;

#[Object]
impl RoomMutation {
    async fn create_room(&self, ctx: &Context<'_>, input: RoomInput) -> GqlResult<Room> {
        Ok(Room(rooms::create(state(ctx), &caller(ctx)?, input.into()).await?))
    }
    /// The owner, the host or an admin.
    async fn update_room(&self, ctx: &Context<'_>, id: ID, input: RoomInput) -> GqlResult<Room> {
        Ok(Room(rooms::update(state(ctx), &caller(ctx)?, id.0, input.into()).await?))
    }
    /// The owner, the host or an admin. Members get `roomClosed`; guest passes end.
    async fn close_room(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(rooms::close(state(ctx), &caller(ctx)?, id.0).await?)
    }
    /// Sends a ROOM_INVITE notification; the invitee may then join even a private room.
    async fn invite_to_room(&self, ctx: &Context<'_>, room_id: ID, user_id: ID) -> GqlResult<bool> {
        Ok(rooms::invite(state(ctx), &caller(ctx)?, room_id.0, user_id.0).await?)
    }
    /// No account needed: a pass into one room that allows guests, under the name given.
    async fn join_room_as_guest(&self, ctx: &Context<'_>, code: String, name: String) -> GqlResult<GuestPass> {
        let pass = rooms::join_as_guest(state(ctx), request(ctx).ip, code, name).await?;
        Ok(GuestPass { token: pass.token, room_id: ID(pass.guest.room_id.to_string()), name: pass.guest.name })
    }
}
