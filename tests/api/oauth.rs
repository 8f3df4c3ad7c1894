//! OAuth / OIDC sign-in against a mock provider started by the test: discovery, JWKS, an
//! authorize endpoint that approves at once, and a token endpoint that checks PKCE.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use soundroom::config::{OidcConfig, Registration, Secret};

use crate::helpers::{TestApp, error_code};

/// What the mock provider puts in its next ID token.
#[derive(Clone)]
struct Person {
    sub: String,
    email: String,
    email_verified: bool,
    /// Replace the nonce the client sent (a replayed or forged token).
    nonce_override: Option<String>,
    /// Seconds from now until the ID token expires (negative: already expired).
    expires_in: i64,
}

impl Person {
    fn new(sub: &str, email: &str) -> Self {
        Person { sub: sub.into(), email: email.into(), email_verified: true, nonce_override: None, expires_in: 300 }
    }
}

#[derive(Clone)]
struct Mock {
    issuer: String,
    person: Arc<Mutex<Person>>,
    /// code → (nonce, PKCE challenge)
    codes: Arc<Mutex<HashMap<String, (String, String)>>>,
}

struct Provider {
    issuer: String,
    person: Arc<Mutex<Person>>,
}

async fn start_provider() -> Provider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let mock = Mock {
        issuer: issuer.clone(),
        person: Arc::new(Mutex::new(Person::new("sub-1", "ann@example.org"))),
        codes: Arc::default(),
    };
    let person = mock.person.clone();
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route(
            "/jwks",
            get(|| async {
                Json(serde_json::from_str::<Value>(include_str!("../fixtures/oidc-test-jwks.json")).unwrap())
            }),
        )
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(mock);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Provider { issuer, person }
}

async fn discovery(State(m): State<Mock>) -> Json<Value> {
    Json(json!({
        "issuer": m.issuer,
        "authorization_endpoint": format!("{}/authorize", m.issuer),
        "token_endpoint": format!("{}/token", m.issuer),
        "jwks_uri": format!("{}/jwks", m.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"]
    }))
}

async fn authorize(State(m): State<Mock>, Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    let code = format!("code-{}", m.codes.lock().unwrap().len());
    m.codes.lock().unwrap().insert(code.clone(), (q["nonce"].clone(), q["code_challenge"].clone()));
    Redirect::to(&format!("{}?code={code}&state={}", q["redirect_uri"], q["state"]))
}

async fn token(State(m): State<Mock>, Form(f): Form<HashMap<String, String>>) -> impl IntoResponse {
    let Some((nonce, challenge)) = m.codes.lock().unwrap().remove(&f["code"]) else {
        return (axum::http::StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant" }))).into_response();
    };
    let verifier_hash =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(f["code_verifier"].as_bytes()));
    if verifier_hash != challenge {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant", "error_description": "PKCE" })),
        )
            .into_response();
    }
    let p = m.person.lock().unwrap().clone();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": m.issuer, "sub": p.sub, "aud": "soundroom-test", "iat": now - 10, "exp": now + p.expires_in,
        "nonce": p.nonce_override.unwrap_or(nonce), "email": p.email, "email_verified": p.email_verified,
        "preferred_username": "Ann From OIDC"
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("test-key".into());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(include_bytes!("../fixtures/oidc-test-key.pem")).unwrap();
    let id_token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    Json(json!({ "access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token }))
        .into_response()
}

fn oidc_config(name: &str, display_name: &str, issuer: &str) -> OidcConfig {
    OidcConfig {
        name: name.into(),
        display_name: display_name.into(),
        issuer: issuer.into(),
        client_id: "soundroom-test".into(),
        client_secret: Secret::new("shh"),
        scopes: vec!["openid".into(), "email".into(), "profile".into()],
    }
}

async fn app_with(provider: &Provider, registration: Registration) -> TestApp {
    let issuer = provider.issuer.clone();
    TestApp::spawn_with(move |c| {
        c.auth.registration = registration;
        c.auth.oidc.push(oidc_config("mock", "Mock ID", &issuer));
    })
    .await
}

/// Two independent providers: `mock` and `other`.
async fn app_with_two(first: &Provider, second: &Provider) -> TestApp {
    let (a, b) = (first.issuer.clone(), second.issuer.clone());
    TestApp::spawn_with(move |c| {
        c.auth.oidc.push(oidc_config("mock", "Mock ID", &a));
        c.auth.oidc.push(oidc_config("other", "Other ID", &b));
    })
    .await
}

/// A browser: follows nothing by itself, keeps cookies.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

/// Drives the browser's part: start → provider → callback; returns the final fragment.
async fn round_trip(app: &TestApp) -> String {
    round_trip_from(app, &browser(), "/auth/oauth/mock/start").await
}

async fn round_trip_from(app: &TestApp, browser: &reqwest::Client, start_path: &str) -> String {
    let start = browser.get(app.url(start_path)).send().await.unwrap();
    assert!(start.status().is_redirection(), "{}", start.status());
    let to_provider = start.headers()["location"].to_str().unwrap().to_string();
    let from_provider = browser.get(&to_provider).send().await.unwrap();
    let callback = from_provider.headers()["location"].to_str().unwrap().to_string();
    assert!(callback.starts_with(&app.url("/auth/oauth/")) && callback.contains("/callback?"), "{callback}");
    let done = browser.get(&callback).send().await.unwrap();
    assert_eq!(done.headers()["cache-control"], "no-store");
    done.headers()["location"].to_str().unwrap().to_string()
}

/// Redeems the code in `fragment` from `client` (a browser, with its cookies, or not).
async fn exchange(app: &TestApp, client: &reqwest::Client, fragment: &str) -> Value {
    let code = fragment.strip_prefix("/#loginCode=").unwrap_or_else(|| panic!("no login code in {fragment}"));
    let query = "mutation($c: String!) { exchangeLoginCode(code: $c) { __typename
        ... on AuthPayload { accessToken refreshToken user { id email provider isAdmin } } } }";
    let body = json!({ "query": query, "variables": { "c": code } });
    client.post(app.url("/graphql")).json(&body).send().await.unwrap().json().await.unwrap()
}

/// A whole sign-in through `provider` in a fresh browser; returns the `exchangeLoginCode` body.
async fn sign_in_with(app: &TestApp, provider: &str) -> Value {
    let browser = browser();
    let fragment = round_trip_from(app, &browser, &format!("/auth/oauth/{provider}/start")).await;
    exchange(app, &browser, &fragment).await
}

async fn sign_in(app: &TestApp) -> Value {
    sign_in_with(app, "mock").await
}

async fn identity_count(app: &TestApp) -> i64 {
    app.state.db.run(|c| Ok(c.query_row("SELECT count(*) FROM oauth_identities", [], |r| r.get(0))?)).await.unwrap()
}

#[tokio::test]
async fn a_new_identity_creates_an_account_and_signs_into_it_again() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let info = app.gql_ok(None, "{ serverInfo { authProviders { name displayName } } }", json!({})).await;
    assert_eq!(info["serverInfo"]["authProviders"][0]["displayName"], "Mock ID");

    let first = sign_in(&app).await;
    let user = &first["data"]["exchangeLoginCode"]["user"];
    assert_eq!(user["email"], "ann@example.org");
    assert_eq!(user["provider"], "mock");
    assert_eq!(user["isAdmin"], true, "the first account of the server is admin however it was made");

    // The same identity signs into the same account even after its email changed.
    provider.person.lock().unwrap().email = "ann.new@example.org".into();
    let again = sign_in(&app).await;
    assert_eq!(again["data"]["exchangeLoginCode"]["user"]["id"], user["id"]);
    assert_eq!(app.user_count().await, 1);
}

#[tokio::test]
async fn a_login_code_works_once() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let browser = browser();
    let fragment = round_trip_from(&app, &browser, "/auth/oauth/mock/start").await;
    assert!(exchange(&app, &browser, &fragment).await["errors"].is_null());
    assert_eq!(error_code(&exchange(&app, &browser, &fragment).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_login_code_redeemed_in_another_browser_is_refused_and_spent() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let browser = browser();
    let fragment = round_trip_from(&app, &browser, "/auth/oauth/mock/start").await;
    // A client without the login cookie (say, the code read from a log or a shoulder).
    let elsewhere = exchange(&app, &app.client, &fragment).await;
    assert_eq!(error_code(&elsewhere), "UNAUTHENTICATED");
    assert!(elsewhere["errors"][0]["message"].as_str().unwrap().contains("another browser"), "{elsewhere}");
    // The attempt spent the code: it is dead in the right browser too.
    assert_eq!(error_code(&exchange(&app, &browser, &fragment).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_attackers_login_code_does_not_sign_the_victims_browser_in() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let victim = browser();
    let victims_own = round_trip_from(&app, &victim, "/auth/oauth/mock/start").await;
    // The attacker finishes a round trip as themselves and sends the victim `/#loginCode=...`.
    *provider.person.lock().unwrap() = Person::new("mallory-sub", "mallory@example.org");
    let attacker = browser();
    let attackers = round_trip_from(&app, &attacker, "/auth/oauth/mock/start").await;
    let planted = exchange(&app, &victim, &attackers).await;
    assert_eq!(error_code(&planted), "UNAUTHENTICATED", "the victim must not be signed into the attacker's account");
    // The victim's own login cookie was not disturbed.
    let own = exchange(&app, &victim, &victims_own).await;
    assert_eq!(own["data"]["exchangeLoginCode"]["user"]["email"], "ann@example.org");
}

#[tokio::test]
async fn a_squatters_password_account_never_captures_a_provider_sign_in() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    app.register("admin@example.org", "Admin").await;
    // The attacker registers first with the victim's address; password sign-up proves nothing.
    let squatter = app.register("ann@example.org", "Mallory").await;
    // The victim signs in with the provider, which vouches for ann@example.org.
    assert_eq!(round_trip(&app).await, "/#loginError=email_in_use");
    let me = app.gql_ok(Some(&squatter.access), "{ me { linkedProviders } }", json!({})).await;
    assert_eq!(me["me"]["linkedProviders"], json!([]), "the victim's identity is not in the squatter's account");
    assert_eq!(app.user_count().await, 2);
    assert_eq!(identity_count(&app).await, 0);
    // An unverified identity with that email is refused the same way.
    provider.person.lock().unwrap().email_verified = false;
    assert_eq!(round_trip(&app).await, "/#loginError=email_in_use");
    assert_eq!(identity_count(&app).await, 0);
}

#[tokio::test]
async fn an_unverified_email_creates_no_account() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    provider.person.lock().unwrap().email_verified = false;
    assert_eq!(round_trip(&app).await, "/#loginError=unverified_email");
    assert_eq!(app.user_count().await, 0);
    assert_eq!(identity_count(&app).await, 0);
    // The owner of the address can still come and take it.
    provider.person.lock().unwrap().email_verified = true;
    let owner = sign_in(&app).await;
    assert_eq!(owner["data"]["exchangeLoginCode"]["user"]["email"], "ann@example.org");
}

#[tokio::test]
async fn verified_identities_of_two_providers_with_the_same_email_share_one_account() {
    let (first, second) = (start_provider().await, start_provider().await);
    let app = app_with_two(&first, &second).await;
    *second.person.lock().unwrap() = Person::new("other-sub", "ann@example.org");
    let ann = sign_in_with(&app, "mock").await;
    let ann_id = ann["data"]["exchangeLoginCode"]["user"]["id"].as_str().unwrap().to_string();
    // The second provider does not vouch for the address: no joining.
    second.person.lock().unwrap().email_verified = false;
    let browser = browser();
    assert_eq!(round_trip_from(&app, &browser, "/auth/oauth/other/start").await, "/#loginError=email_in_use");
    // It does: both sides proved the address, so it is the same person.
    second.person.lock().unwrap().email_verified = true;
    let joined = sign_in_with(&app, "other").await;
    assert_eq!(joined["data"]["exchangeLoginCode"]["user"]["id"], ann_id.as_str());
    let token = joined["data"]["exchangeLoginCode"]["accessToken"].as_str().unwrap();
    let me = app.gql_ok(Some(token), "{ me { linkedProviders } }", json!({})).await;
    assert_eq!(me["me"]["linkedProviders"], json!(["mock", "other"]));
    assert_eq!(app.user_count().await, 1);
}

#[tokio::test]
async fn a_provider_linked_from_the_profile_proves_the_email_for_later_sign_ins() {
    let (first, second) = (start_provider().await, start_provider().await);
    let app = app_with_two(&first, &second).await;
    let ann = app.register("ann@example.org", "Ann").await;
    let begin = app.gql_ok(Some(&ann.access), "mutation { beginOAuthLink(provider: \"mock\") }", json!({})).await;
    let done = round_trip_from(&app, &browser(), begin["beginOAuthLink"].as_str().unwrap()).await;
    let code = done.strip_prefix("/#/profile?linkCode=").unwrap_or_else(|| panic!("{done}"));
    app.gql_ok(Some(&ann.access), "mutation($c: String!) { completeOAuthLink(code: $c) }", json!({ "c": code })).await;
    // Ann's own identity vouched for ann@example.org, so another provider's verified
    // identity with that address now joins her account.
    *second.person.lock().unwrap() = Person::new("other-sub", "ann@example.org");
    let joined = sign_in_with(&app, "other").await;
    assert_eq!(joined["data"]["exchangeLoginCode"]["user"]["id"], ann.user_id.as_str());
    assert_eq!(app.user_count().await, 1);
}

#[tokio::test]
async fn bad_state_bad_nonce_and_expired_tokens_create_nothing() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let forged = app.client.get(app.url("/auth/oauth/mock/callback?code=code-0&state=forged")).send().await.unwrap();
    assert_eq!(forged.headers()["location"], "/#loginError=invalid_state");

    provider.person.lock().unwrap().nonce_override = Some("someone-elses-nonce".into());
    assert_eq!(round_trip(&app).await, "/#loginError=invalid_token");
    provider.person.lock().unwrap().nonce_override = None;

    provider.person.lock().unwrap().expires_in = -120;
    assert_eq!(round_trip(&app).await, "/#loginError=invalid_token");
    assert_eq!(app.user_count().await, 0);

    // A state is single-use: replaying a finished callback fails.
    provider.person.lock().unwrap().expires_in = 300;
    let browser = browser();
    let start = browser.get(app.url("/auth/oauth/mock/start")).send().await.unwrap();
    let to_provider = start.headers()["location"].to_str().unwrap().to_string();
    let callback = browser.get(&to_provider).send().await.unwrap().headers()["location"].to_str().unwrap().to_string();
    let ok = browser.get(&callback).send().await.unwrap();
    let location = ok.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/#loginCode="), "{location}");
    let replay = browser.get(&callback).send().await.unwrap();
    assert_eq!(replay.headers()["location"], "/#loginError=invalid_state");

    // A callback in another browser than the one that started it (login CSRF) is refused.
    let attacker = self::browser();
    let start = attacker.get(app.url("/auth/oauth/mock/start")).send().await.unwrap();
    let to_provider = start.headers()["location"].to_str().unwrap().to_string();
    let callback = attacker.get(&to_provider).send().await.unwrap().headers()["location"].to_str().unwrap().to_string();
    let victim = app.client.get(&callback).send().await.unwrap();
    assert_eq!(victim.headers()["location"], "/#loginError=invalid_state");
    assert_eq!(app.user_count().await, 1);
}

#[tokio::test]
async fn new_identities_need_open_registration_once_the_server_has_an_admin() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Invite).await;
    app.register("admin@example.org", "Admin").await;
    assert_eq!(round_trip(&app).await, "/#loginError=registration_closed");
    assert_eq!(app.user_count().await, 1);
    let unknown = app.client.get(app.url("/auth/oauth/nope/start")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_signed_in_user_links_and_unlinks_a_provider() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let bob = app.register("bob@example.org", "Bob").await;
    let begin = app.gql_ok(Some(&bob.access), "mutation { beginOAuthLink(provider: \"mock\") }", json!({})).await;
    let start = begin["beginOAuthLink"].as_str().unwrap().to_string();
    assert!(start.starts_with("/auth/oauth/mock/start?link="), "{start}");
    let done = round_trip_from(&app, &browser(), &start).await;
    let code = done.strip_prefix("/#/profile?linkCode=").unwrap_or_else(|| panic!("{done}"));
    let linked = app
        .gql_ok(Some(&bob.access), "mutation($c: String!) { completeOAuthLink(code: $c) }", json!({ "c": code }))
        .await;
    assert_eq!(linked["completeOAuthLink"], "mock");
    let me = app.gql_ok(Some(&bob.access), "{ me { linkedProviders } }", json!({})).await;
    assert_eq!(me["me"]["linkedProviders"], json!(["mock"]));
    // The identity (ann@example.org at the provider) now signs into Bob's account.
    let signed_in = sign_in(&app).await;
    assert_eq!(signed_in["data"]["exchangeLoginCode"]["user"]["id"], bob.user_id.as_str());
    app.gql_ok(Some(&bob.access), "mutation { unlinkOAuthIdentity(provider: \"mock\") }", json!({})).await;
}

#[tokio::test]
async fn a_link_started_by_someone_else_cannot_be_completed_by_the_victim() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let attacker = app.register("mallory@example.org", "Mallory").await;
    let victim = app.register("ann@example.org", "Ann").await;
    let begin = app.gql_ok(Some(&attacker.access), "mutation { beginOAuthLink(provider: \"mock\") }", json!({})).await;
    // The victim opens the attacker's link and signs in at the provider as themselves.
    let done = round_trip_from(&app, &browser(), begin["beginOAuthLink"].as_str().unwrap()).await;
    let code = done.strip_prefix("/#/profile?linkCode=").unwrap();
    let body = app
        .gql(Some(&victim.access), "mutation($c: String!) { completeOAuthLink(code: $c) }", json!({ "c": code }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let me = app.gql_ok(Some(&attacker.access), "{ me { linkedProviders } }", json!({})).await;
    assert_eq!(me["me"]["linkedProviders"], json!([]), "nothing was linked to the attacker");
    // A link code is single-use and a start code cannot be reused either.
    let again = app
        .gql(Some(&attacker.access), "mutation($c: String!) { completeOAuthLink(code: $c) }", json!({ "c": code }))
        .await;
    assert_eq!(error_code(&again), "BAD_USER_INPUT");
    let reuse = browser().get(app.url(begin["beginOAuthLink"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(reuse.headers()["location"], "/#loginError=link_expired");
}

#[tokio::test]
async fn an_oauth_only_account_cannot_unlink_its_only_way_in() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let signed_in = sign_in(&app).await;
    let token = signed_in["data"]["exchangeLoginCode"]["accessToken"].as_str().unwrap().to_string();
    let body = app.gql(Some(&token), "mutation { unlinkOAuthIdentity(provider: \"mock\") }", json!({})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

const SET_FIRST_PASSWORD: &str =
    "mutation { changePassword(currentPassword: \"\", newPassword: \"a brand new password\") }";

#[tokio::test]
async fn an_oauth_only_account_sets_a_first_password_right_after_signing_in() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let signed_in = sign_in(&app).await;
    let token = signed_in["data"]["exchangeLoginCode"]["accessToken"].as_str().unwrap();
    app.gql_ok(Some(token), SET_FIRST_PASSWORD, json!({})).await;
    assert_eq!(
        app.login("ann@example.org", "a brand new password").await["data"]["login"]["__typename"],
        "AuthPayload"
    );
}

#[tokio::test]
async fn an_old_session_cannot_add_a_first_password() {
    let provider = start_provider().await;
    let app = app_with(&provider, Registration::Open).await;
    let signed_in = sign_in(&app).await;
    let payload = &signed_in["data"]["exchangeLoginCode"];
    let user_id = payload["user"]["id"].as_str().unwrap().to_string();
    // The sign-in happened 11 minutes ago (say, a browser left open, or a stolen token).
    let id = user_id.clone();
    app.state
        .db
        .run(move |c| {
            let then = soundroom::db::to_db_time(chrono::Utc::now() - chrono::Duration::minutes(11));
            Ok(c.execute("UPDATE refresh_tokens SET created_at = ?1 WHERE user_id = ?2", [then, id])?)
        })
        .await
        .unwrap();
    let body = app.gql(Some(payload["accessToken"].as_str().unwrap()), SET_FIRST_PASSWORD, json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(body["errors"][0]["message"], "sign in again with Mock ID to set a password");
    // Refreshing continues the old sign-in; it is not a new one.
    let refreshed = app
        .gql_ok(
            None,
            "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }",
            json!({ "r": payload["refreshToken"] }),
        )
        .await;
    let body =
        app.gql(Some(refreshed["refreshToken"]["accessToken"].as_str().unwrap()), SET_FIRST_PASSWORD, json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let hash =
        app.state.db.run(move |c| Ok(soundroom::db::users::by_id(c, &user_id)?.unwrap().password_hash)).await.unwrap();
    assert!(hash.is_none(), "no password was set");
    assert_eq!(error_code(&app.login("ann@example.org", "a brand new password").await), "UNAUTHENTICATED");
}
