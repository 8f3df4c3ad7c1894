//! The test harness: `TestApp::spawn()` boots a server; methods speak GraphQL like a client.

use std::sync::Once;

use serde_json::{Value, json};
use soundroom::config::{Config, Registration};
use tokio::net::TcpListener;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub addr: String,
    pub client: reqwest::Client,
    pub state: soundroom::state::SharedState,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Logs only when TEST_LOG is set, so failures stay readable.
fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            soundroom::telemetry::init();
        }
    });
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        init_logs();
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config::default();
        config.storage.data_dir = dir.path().join("data");
        config.server.base_url = addr.clone();
        config.auth.registration = Registration::Open;
        configure(&mut config);
        let state = soundroom::state::AppState::build(config, soundroom::metrics_handle()).expect("state");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server_state = state.clone();
        tokio::spawn(async move {
            soundroom::serve(listener, server_state, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { addr, client, state, _dir: dir, shutdown: Some(tx) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// Sends a GraphQL request and returns the whole JSON response.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request").json().await.expect("json")
    }

    /// Like `gql` but expects success and returns `data`.
    pub async fn gql_ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    pub async fn register(&self, email: &str, username: &str) -> Session {
        let data = self
            .gql_ok(
                None,
                "mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken expiresIn user { id isAdmin tag } } }",
                json!({ "i": { "email": email, "password": PASSWORD, "username": username } }),
            )
            .await;
        Session::from(&data["register"])
    }

    /// Password sign-in; returns the raw `login` result (a session or a challenge).
    pub async fn login(&self, email: &str, password: &str) -> Value {
        self.gql(
            None,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
                __typename
                ... on AuthPayload { accessToken refreshToken user { id } }
                ... on TwoFactorChallenge { challengeToken } } }",
            json!({ "e": email, "p": password }),
        )
        .await
    }

    /// Runs a full library scan and waits for it.
    pub async fn scan(&self) -> soundroom::services::library::ScanStatus {
        soundroom::services::library::run_scan(self.state.clone()).await.expect("scan")
    }

    /// An app whose library folder is `music`, with an admin signed in.
    pub async fn with_music(music: &std::path::Path) -> (Self, Session) {
        let folder = music.to_path_buf();
        let app = Self::spawn_with(move |c| c.library.folders = vec![folder]).await;
        let admin = app.register("admin@example.org", "Admin").await;
        (app, admin)
    }

    pub async fn user_count(&self) -> i64 {
        self.state.db.run(|c| Ok(soundroom::db::users::count(c)?)).await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
    pub is_admin: bool,
}

impl From<&Value> for Session {
    fn from(v: &Value) -> Self {
        Session {
            access: v["accessToken"].as_str().expect("accessToken").to_string(),
            refresh: v["refreshToken"].as_str().expect("refreshToken").to_string(),
            user_id: v["user"]["id"].as_str().expect("user id").to_string(),
            is_admin: v["user"]["isAdmin"].as_bool().unwrap_or(false),
        }
    }
}

/// The `extensions.code` of the first error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no error code in {body}"))
}

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A graphql-transport-ws socket on `/graphql/ws` signed in with `token` and running `query`,
/// returned once the server has registered it with the event hub (so no event is missed).
pub async fn subscribe(app: &TestApp, token: &str, query: &str) -> Socket {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let before = app.state.events.listener_count();
    let mut request = app.url("/graphql/ws").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("ws connects");
    ws.send(Message::text(json!({ "type": "connection_init", "payload": { "token": token } }).to_string()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(Message::Text(t))) if t.contains("connection_ack") => {}
        other => panic!("expected connection_ack, got {other:?}"),
    }
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    ws.send(Message::text(subscribe.to_string())).await.unwrap();
    for _ in 0..1000 {
        if app.state.events.listener_count() > before {
            return ws;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the subscription never registered");
}

/// The `data.<field>` of the next `next` message (at most 10 s away).
pub async fn next_data(ws: &mut Socket, field: &str) -> Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next()).await.expect("a message");
        if let Message::Text(t) = frame.expect("socket open").expect("frame") {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "next" {
                return v["payload"]["data"][field].clone();
            }
        }
    }
}
