//! The Subsonic / OpenSubsonic API at `/rest/<method>[.view]`, for the phone and desktop apps
//! people already use. An edge like GraphQL: it reads parameters (query string or a urlencoded
//! POST body, the `formPost` extension), authenticates with an app password
//! (`services::app_passwords`), and calls the same services, so no rule is copied. Errors are
//! HTTP 200 with `status="failed"` and the spec's codes.

mod annotation;
mod lists;
mod methods;
mod nodes;
mod response;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::http::HttpState;
use crate::services::app_passwords::{self, Credentials, Refusal};
pub use response::{Format, Node};

pub fn routes() -> Router<HttpState> {
    Router::new().route("/rest/{method}", any(handle)).layer(DefaultBodyLimit::max(64 * 1024))
}

type Result<T> = std::result::Result<T, Failure>;

/// Everything the library holds, for lists that page through it all.
const ALL: usize = 100_000;

/// The request's parameters, from the query string and a form body together.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }
    pub fn required(&self, key: &str) -> Result<&str> {
        self.get(key).ok_or_else(|| Failure::missing(key))
    }
    pub fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>> {
        self.get(key)
            .map(|v| v.parse().map_err(|_| Failure::new(0, format!("parameter '{key}' must be a number"))))
            .transpose()
    }
    pub fn flag(&self, key: &str) -> Option<bool> {
        self.get(key).map(|v| v == "true" || v == "1")
    }
}

/// A Subsonic error: `code` from the spec, a message for people.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: u16,
    pub message: String,
}

impl Failure {
    pub fn new(code: u16, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
    pub fn missing(key: &str) -> Self {
        Self::new(10, format!("required parameter '{key}' is missing"))
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(70, format!("{what} not found"))
    }
}

impl From<crate::error::AppError> for Failure {
    fn from(e: crate::error::AppError) -> Self {
        use crate::error::ErrorKind;
        e.log_if_internal();
        let code = match e.kind() {
            ErrorKind::NotFound => 70,
            ErrorKind::Forbidden | ErrorKind::Unauthenticated => 50,
            ErrorKind::Invalid => 0,
            _ => 0,
        };
        Self::new(code, e.message().to_string())
    }
}

/// What a method answers: a response tree, or a raw HTTP response (audio, images).
pub enum Answer {
    /// `status="ok"` and nothing else (ping, star, scrobble).
    Empty,
    Tree(Node),
    Raw(Response),
}

async fn handle(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(method): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let app = state.app.clone();
    let method = method.strip_suffix(".view").unwrap_or(&method).to_string();
    let mut params = Vec::new();
    if let Some(query) = request.uri().query() {
        params.extend(url::form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    // A streamed file needs the original request (Range); only forms are read as a body.
    let request = if form {
        // Keep the method, URI and headers (Range) for the stream; only the body is spent.
        let (mut parts, body) = request.into_parts();
        // The file is then served as for a GET (form posts are how apps send parameters).
        parts.method = axum::http::Method::GET;
        let body: Bytes = match axum::body::to_bytes(body, 64 * 1024).await {
            Ok(b) => b,
            Err(_) => return failure(&Format::Xml, Failure::new(0, "the form body is too large")),
        };
        params.extend(url::form_urlencoded::parse(&body).into_owned());
        Request::from_parts(parts, axum::body::Body::empty())
    } else {
        request
    };
    let params = Params(params);
    let format = match (params.get("f"), params.get("callback")) {
        (Some("json"), _) => Format::Json,
        (Some("jsonp"), Some(cb)) if cb.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') => {
            Format::Jsonp(cb.to_string())
        }
        _ => Format::Xml,
    };
    if method == "getOpenSubsonicExtensions" {
        return tree(&format, methods::extensions());
    }
    let ip = crate::http::client_ip(peer, &headers, app.config.server.trust_proxy_headers);
    let credentials = Credentials {
        user: params.get("u").map(str::to_string),
        password: params.get("p").map(str::to_string),
        token: params.get("t").map(str::to_string),
        salt: params.get("s").map(str::to_string),
        api_key: params.get("apiKey").map(str::to_string),
    };
    let caller = match app_passwords::authenticate(&app, ip, credentials).await {
        Ok(caller) => caller,
        Err(refusal) => return failure(&format, refused(refusal)),
    };
    let span = tracing::info_span!("subsonic", method = %method, user = %caller.user_id);
    let answer = tracing::Instrument::instrument(methods::call(&app, &caller, &method, &params, request), span).await;
    match answer {
        Ok(Answer::Empty) => tree(&format, response::envelope(true)),
        Ok(Answer::Tree(node)) => tree(&format, response::envelope(true).child(node)),
        Ok(Answer::Raw(response)) => response,
        Err(f) => failure(&format, f),
    }
}

fn refused(refusal: Refusal) -> Failure {
    match refusal {
        Refusal::Missing => Failure::new(10, "required parameter is missing: u with p or t and s, or apiKey"),
        Refusal::WrongCredentials => Failure::new(40, "wrong username or password (use an app password)"),
        Refusal::Conflicting => Failure::new(43, "use one authentication mechanism: apiKey alone, or u with p or t+s"),
        Refusal::BadApiKey => Failure::new(44, "invalid API key"),
    }
}

fn tree(format: &Format, node: Node) -> Response {
    let (body, content_type) = response::render(&node, format);
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn failure(format: &Format, f: Failure) -> Response {
    let error = Node::new("error")
        .attr("code", serde_json::Value::from(f.code))
        .attr("message", serde_json::Value::from(f.message));
    tree(format, response::envelope(false).child(error))
}
