//! The GraphQL API: schema assembly, request context, and one thin module per domain.
//! Resolvers find out who is asking, call a service, and convert the result.

mod account;
mod activity;
mod admin;
mod batch_loader;
pub mod library;
mod library_api;
pub mod limits;
pub mod loaders;
mod marks;
mod pagination;
pub mod playlists;
pub mod response_cache;
mod rooms;
mod server;
mod social;
mod socket;
mod subscription;
mod subsonic;
pub mod types;

use std::net::IpAddr;

use async_graphql::{Context, MergedObject, Schema};

use crate::error::{AppError, AppResult};

/// What resolvers return: errors convert from AppError with their code kept.
pub type GqlResult<T> = async_graphql::Result<T>;
use crate::services::sessions::Caller;
use crate::state::SharedState;

#[derive(MergedObject, Default)]
pub struct Query(
    account::AccountQuery,
    admin::AdminQuery,
    server::ServerQuery,
    library_api::LibraryQuery,
    playlists::PlaylistQuery,
    social::SocialQuery,
    activity::ActivityQuery,
    rooms::RoomQuery,
    subsonic::SubsonicQuery,
    marks::MarksQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    account::AuthMutation,
    account::ProfileMutation,
    admin::AdminMutation,
    library_api::LibraryMutation,
    playlists::PlaylistMutation,
    social::SocialMutation,
    rooms::RoomMutation,
    subsonic::SubsonicMutation,
    activity::ActivityMutation,
    marks::MarksMutation,
);

pub type AppSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Facts about the request, put into every execution by the HTTP layer.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub ip: IpAddr,
    /// `Some` when a valid access token came with the request.
    pub caller: Option<Caller>,
    /// A token came but was invalid or expired: say so instead of "sign in".
    pub token_rejected: bool,
    /// The `soundroom_login` cookie: `exchangeLoginCode` works only in the browser that got it.
    pub login_binding: Option<String>,
    /// The device cookie of a browser that signed in before (sign-in throttling trusts it).
    pub device: Option<String>,
}

pub fn build_schema(state: SharedState) -> AppSchema {
    builder(state).finish()
}

/// The same schema for `/graphql/ws`, refusing anything but subscriptions.
pub fn build_socket_schema(state: SharedState) -> AppSchema {
    builder(state).extension(socket::SubscriptionsOnly).finish()
}

fn builder(state: SharedState) -> async_graphql::SchemaBuilder<Query, Mutation, subscription::Subscription> {
    let limits = &state.config.limits;
    Schema::build(Query::default(), Mutation::default(), subscription::Subscription)
        .limit_depth(limits.graphql_max_depth)
        .limit_complexity(limits.graphql_max_complexity)
        .limit_recursive_depth(64)
        .data(state.clone())
}

/// The SDL `soundroom schema` prints; building needs no state.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), subscription::Subscription).finish().sdl()
}

pub(crate) fn state<'a>(ctx: &'a Context<'_>) -> &'a SharedState {
    ctx.data_unchecked::<SharedState>()
}

pub(crate) fn request<'a>(ctx: &'a Context<'_>) -> &'a RequestContext {
    ctx.data_unchecked::<RequestContext>()
}

/// The signed-in caller, or UNAUTHENTICATED.
pub(crate) fn caller(ctx: &Context<'_>) -> AppResult<Caller> {
    let req = request(ctx);
    match (&req.caller, req.token_rejected) {
        (Some(c), _) => Ok(c.clone()),
        (None, true) => Err(AppError::unauthenticated("your session has expired; sign in again")),
        (None, false) => Err(AppError::unauthenticated("sign in first")),
    }
}

pub(crate) fn caller_opt<'a>(ctx: &'a Context<'_>) -> Option<&'a Caller> {
    request(ctx).caller.as_ref()
}
