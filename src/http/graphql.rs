//! `/graphql` (POST and GET, GraphiQL in a browser) and `/graphql/ws` (subscriptions).

use std::net::{IpAddr, SocketAddr};

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::HttpState;
use super::client::client_ip;
use super::error::graphql_error;
use super::multipart::{self, MultipartError};
use crate::error::ErrorKind;
use crate::graphql::RequestContext;
use crate::graphql::response_cache::Key;
use crate::services::{library, sessions};

pub fn routes(state: &HttpState) -> Router<HttpState> {
    let upload_limit = state.app.config.limits.max_upload_mb * 1024 * 1024;
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/graphql/ws", get(graphql_ws))
}

/// Authenticates the bearer token, if any. A bad token does not fail the request outright:
/// `login` must still work; resolvers that need a caller report the expiry.
async fn request_context(state: &HttpState, peer: SocketAddr, headers: &HeaderMap) -> Result<RequestContext, Response> {
    let ip = client_ip(peer, headers, state.app.config.server.trust_proxy_headers);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let (caller, token_rejected) = match bearer {
        None | Some("") => (None, false),
        Some(token) => match sessions::authenticate(&state.app, token).await {
            Ok(caller) => (Some(caller), false),
            // The database failing is not the caller's fault: never "your session expired".
            Err(e) if e.kind() == ErrorKind::Internal => return Err(e.into_response()),
            Err(_) => (None, true),
        },
    };
    Ok(RequestContext {
        ip,
        caller,
        token_rejected,
        login_binding: super::oauth::login_binding(headers),
        device: super::client::cookie(headers, crate::services::auth::DEVICE_COOKIE),
    })
}

async fn graphql_post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let ctx = match request_context(&state, peer, &headers).await {
        Ok(ctx) => ctx,
        Err(response) => return response,
    };
    let request = match read_request(&state, req, &ctx).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    execute(&state, request, ctx).await
}

/// Runs a request with its context and fresh dataloaders.
async fn execute(state: &HttpState, mut request: async_graphql::Request, ctx: RequestContext) -> Response {
    if let Err(refused) =
        crate::graphql::limits::check_mutations(&mut request, state.app.config.limits.max_mutations_per_request)
    {
        return GraphQLResponse::from(async_graphql::Response::from_errors(vec![refused])).into_response();
    }
    let user = ctx.caller.as_ref().map(|c| c.user_id.to_string());
    // Uploads carry files: never a cache key.
    let key = user
        .as_deref()
        .filter(|_| state.responses.enabled() && request.uploads.is_empty())
        .map(|u| Key::new(u, &request));
    let before = library::data_generation();
    if let Some(body) = key.as_ref().and_then(|k| state.responses.get(k, before)) {
        return json_response(body);
    }
    let request = crate::graphql::loaders::attach(request.data(ctx), &state.app, user);
    let response = state.schema.execute(request).await;
    match key {
        // Only a clean answer with no headers of its own is worth keeping.
        Some(key) if response.is_ok() && response.http_headers.is_empty() => {
            let body = bytes::Bytes::from(serde_json::to_vec(&response).unwrap_or_default());
            state.responses.put(key, before, library::data_generation(), body.clone());
            json_response(body)
        }
        _ => GraphQLResponse::from(response).into_response(),
    }
}

fn json_response(body: bytes::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/graphql-response+json")], body).into_response()
}

/// Reads one GraphQL request: JSON up to `limits.max_body_kb`; multipart (uploads, signed-in
/// callers only) with a limit for each part, files streamed to temp files rather than memory.
/// A body announced larger than its limit is refused before a byte of it is read.
async fn read_request(
    state: &HttpState,
    req: Request,
    ctx: &RequestContext,
) -> Result<async_graphql::Request, Response> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    match content_type.filter(|c| c.starts_with("multipart/form-data")) {
        Some(content_type) => read_multipart(state, req, ctx, &content_type, declared).await,
        None => read_json(state, req, declared).await,
    }
}

async fn read_multipart(
    state: &HttpState,
    req: Request,
    ctx: &RequestContext,
    content_type: &str,
    declared: Option<usize>,
) -> Result<async_graphql::Request, Response> {
    let limits = &state.app.config.limits;
    if ctx.caller.is_none() {
        return Err(graphql_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in to upload"));
    }
    let max = limits.max_upload_mb * 1024 * 1024;
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(limits.max_upload_mb));
    }
    let operations = limits.max_body_kb * 1024;
    let part_limits = multipart::Limits { operations, map: 64 * 1024, file: max, files: 8, total: max };
    multipart::read(req.into_body(), content_type, &part_limits).await.map_err(|e| match e {
        MultipartError::TooLarge(what, limit) => graphql_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BAD_USER_INPUT",
            &format!("{what} is larger than {limit} bytes"),
        ),
        MultipartError::Invalid(message) => graphql_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message),
        MultipartError::Io(e) => crate::error::AppError::internal(e).into_response(),
        MultipartError::Internal(e) => e.into_response(),
    })
}

async fn read_json(
    state: &HttpState,
    req: Request,
    declared: Option<usize>,
) -> Result<async_graphql::Request, Response> {
    let max = state.app.config.limits.max_body_kb * 1024;
    let too_large = || {
        graphql_error(StatusCode::PAYLOAD_TOO_LARGE, "BAD_USER_INPUT", &format!("the request body exceeds {max} bytes"))
    };
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(req.into_body(), max).await.map_err(|_| too_large())?;
    serde_json::from_slice::<async_graphql::Request>(&bytes).map_err(|e| {
        graphql_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &format!("the request is not valid GraphQL JSON: {e}"))
    })
}

fn too_large(max_mb: usize) -> Response {
    graphql_error(StatusCode::PAYLOAD_TOO_LARGE, "BAD_USER_INPUT", &format!("the upload is larger than {max_mb} MiB"))
}

async fn graphql_get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let query = req.uri().query().unwrap_or_default().to_owned();
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if query.is_empty() && wants_html && req.method() == Method::GET {
        return super::assets::graphql_ide(&headers);
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(e) => return graphql_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &format!("bad query string: {e}")),
    };
    // Only reads over GET: a mutation's arguments (passwords, tokens) must not sit in a URL
    // that proxies and browsers log.
    if !only_queries(&request.query) {
        return graphql_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_USER_INPUT",
            "send mutations and subscriptions with POST",
        );
    }
    match request_context(&state, peer, &headers).await {
        Ok(ctx) => execute(&state, request, ctx).await,
        Err(response) => response,
    }
}

fn only_queries(document: &str) -> bool {
    use async_graphql::parser::types::OperationType;
    match async_graphql::parser::parse_query(document) {
        Ok(doc) => doc.operations.iter().all(|(_, op)| op.node.ty == OperationType::Query),
        Err(_) => true, // let execution report the syntax error as usual
    }
}

/// Subscriptions. The token travels in `connection_init` (`{"token": "..."}`), never in the URL.
async fn graphql_ws(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let ip = client_ip(peer, &headers, state.app.config.server.trust_proxy_headers);
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| serve_socket(state, socket, protocol, ip))
}

/// One subscription socket until it closes, fails to initialise in time, or the server stops.
async fn serve_socket(state: HttpState, socket: axum::extract::ws::WebSocket, protocol: GraphQLProtocol, ip: IpAddr) {
    let _guard = super::health::SocketGauge::open("graphql");
    let shutdown = state.app.shutdown.clone();
    let initialised = std::sync::Arc::new(tokio::sync::Notify::new());
    let init_done = initialised.clone();
    let app = state.app.clone();
    let connection = GraphQLWebSocket::new(socket, state.socket_schema.clone(), protocol)
        .on_connection_init(move |payload| async move {
            init_done.notify_one();
            socket_context(&app, ip, payload).await
        })
        .serve();
    // A socket that never says `connection_init` would otherwise be held open forever.
    let silent = async {
        if tokio::time::timeout(CONNECTION_INIT_TIMEOUT, initialised.notified()).await.is_ok() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        _ = connection => {}
        _ = silent => tracing::debug!("closed a subscription socket that did not initialise in time"),
        _ = shutdown.cancelled() => {}
    }
}

/// The caller of a subscription socket, from the token in `connection_init` (never the URL).
async fn socket_context(
    app: &crate::state::SharedState,
    ip: IpAddr,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let caller = match payload.get("token").and_then(|t| t.as_str()) {
        Some(token) => Some(sessions::authenticate(app, token).await.map_err(async_graphql::Error::from)?),
        None => None,
    };
    let mut data = async_graphql::Data::default();
    data.insert(RequestContext { ip, caller, token_rejected: false, login_binding: None, device: None });
    Ok(data)
}

/// graphql-transport-ws lets a server close sockets that do not initialise in time.
const CONNECTION_INIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
