use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{PASSWORD, Session, TestApp, error_code, subscribe};

const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }";

#[tokio::test]
async fn refresh_tokens_rotate_on_every_use() {
    let app = TestApp::spawn().await;
    let s0 = app.register("ann@example.org", "Ann").await;
    let d1 = app.gql_ok(None, REFRESH, json!({ "t": s0.refresh })).await;
    let s1 = Session::from(&d1["refreshToken"]);
    assert_ne!(s1.refresh, s0.refresh);
    let me = app.gql_ok(Some(&s1.access), "{ me { id } }", json!({})).await;
    assert_eq!(me["me"]["id"], s0.user_id.as_str());
    let d2 = app.gql_ok(None, REFRESH, json!({ "t": s1.refresh })).await;
    assert!(d2["refreshToken"]["accessToken"].is_string());
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let s0 = app.register("ann@example.org", "Ann").await;
    let other_sign_in = Session::from(&app.login("ann@example.org", PASSWORD).await["data"]["login"]);
    let s1 = Session::from(&app.gql_ok(None, REFRESH, json!({ "t": s0.refresh })).await["refreshToken"]);
    // An attacker replays the stolen, already-used token.
    let replay = app.gql(None, REFRESH, json!({ "t": s0.refresh })).await;
    assert_eq!(error_code(&replay), "UNAUTHENTICATED");
    // The legitimate newest token of that family is dead too, and so is its access token.
    let after = app.gql(None, REFRESH, json!({ "t": s1.refresh })).await;
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
    let me = app.gql(Some(&s1.access), "{ me { id } }", json!({})).await;
    assert!(me["data"]["me"].is_null());
    // A separate sign-in (another family) is untouched.
    let still = app.gql_ok(None, REFRESH, json!({ "t": other_sign_in.refresh })).await;
    assert!(still["refreshToken"]["accessToken"].is_string());
}

#[tokio::test]
async fn logout_ends_one_session_and_logout_everywhere_ends_all() {
    let app = TestApp::spawn().await;
    let a = app.register("ann@example.org", "Ann").await;
    let b = Session::from(&app.login("ann@example.org", PASSWORD).await["data"]["login"]);
    let c = Session::from(&app.login("ann@example.org", PASSWORD).await["data"]["login"]);
    app.gql_ok(None, "mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": a.refresh })).await;
    assert_eq!(error_code(&app.gql(None, REFRESH, json!({ "t": a.refresh })).await), "UNAUTHENTICATED");
    assert!(app.gql(Some(&a.access), "{ me { id } }", json!({})).await["data"]["me"].is_null());
    assert!(app.gql_ok(Some(&b.access), "{ me { id } }", json!({})).await["me"].is_object());

    app.gql_ok(Some(&b.access), "mutation { logoutEverywhere }", json!({})).await;
    for s in [&b, &c] {
        assert!(app.gql(Some(&s.access), "{ me { id } }", json!({})).await["data"]["me"].is_null());
        assert_eq!(error_code(&app.gql(None, REFRESH, json!({ "t": s.refresh })).await), "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let a = app.register("ann@example.org", "Ann").await;
    let expired = app.state.auth.signer.sign(soundroom::auth::jwt::TokenKind::Access, &a.user_id, -1, None, None);
    let body = app.gql(Some(&expired), "mutation { logoutEverywhere }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_account_and_per_address() {
    let app = TestApp::spawn_with(|c| {
        c.limits.auth_attempts_per_account_per_minute = 3;
        c.limits.auth_attempts_per_ip_per_minute = 6;
    })
    .await;
    app.register("ann@example.org", "Ann").await;
    for _ in 0..3 {
        assert_eq!(error_code(&app.login("ann@example.org", "wrong password!").await), "UNAUTHENTICATED");
    }
    let limited = app.login("ann@example.org", PASSWORD).await;
    assert_eq!(error_code(&limited), "RATE_LIMITED", "even the right password waits: {limited}");
    assert!(limited["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() >= 1);
    // Other accounts from the same address share the per-address budget.
    app.login("b@example.org", "whatever pass").await;
    let mut codes = Vec::new();
    for i in 0..3 {
        codes.push(error_code(&app.login(&format!("c{i}@example.org"), "whatever pass").await).to_string());
    }
    assert!(codes.contains(&"RATE_LIMITED".to_string()), "{codes:?}");
}

#[tokio::test]
async fn subscriptions_authenticate_in_connection_init_and_hear_session_revocations() {
    let app = TestApp::spawn().await;
    let a = app.register("ann@example.org", "Ann").await;
    let mut request = app.url("/graphql/ws").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("ws connects");
    ws.send(Message::text(json!({ "type": "connection_init", "payload": { "token": a.access } }).to_string()))
        .await
        .unwrap();
    let ack = next_json(&mut ws).await;
    assert_eq!(ack["type"], "connection_ack");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notifications { type message } }" } })
            .to_string(),
    ))
    .await
    .unwrap();
    // Subscribing is asynchronous on the server; keep revoking until the event arrives.
    let event = loop {
        soundroom::services::sessions::revoke_all(&app.state, &a.user_id, Some("keep-none".into())).await.unwrap();
        match tokio::time::timeout(std::time::Duration::from_millis(500), next_json(&mut ws)).await {
            Ok(v) => break v,
            Err(_) => continue,
        }
    };
    assert_eq!(event["type"], "next");
    assert_eq!(event["payload"]["data"]["notifications"]["type"], "SESSION_REVOKED");
    // That was this session: the subscription ends after telling it.
    let end = next_json(&mut ws).await;
    assert_eq!(end["type"], "complete", "{end}");
}

#[tokio::test]
async fn subscriptions_refuse_a_bad_token() {
    let app = TestApp::spawn().await;
    let mut request = app.url("/graphql/ws").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(json!({ "type": "connection_init", "payload": { "token": "forged" } }).to_string()))
        .await
        .unwrap();
    match ws.next().await {
        // async-graphql closes a refused connection_init with 1002 and the reason.
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), 1002);
            assert!(frame.reason.contains("session"), "{}", frame.reason);
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}

async fn next_json<S>(ws: &mut S) -> serde_json::Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await.expect("socket open").expect("frame") {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_subscription_socket_refuses_queries_and_mutations() {
    let app = TestApp::spawn().await;
    let a = app.register("ann@example.org", "Ann").await;
    let mut request = app.url("/graphql/ws").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(json!({ "type": "connection_init", "payload": { "token": a.access } }).to_string()))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    ws.send(Message::text(
        json!({ "id": "m", "type": "subscribe", "payload": { "query": "mutation { logoutEverywhere }" } }).to_string(),
    ))
    .await
    .unwrap();
    let reply = next_json(&mut ws).await;
    assert!(reply["payload"]["data"].is_null(), "{reply}");
    assert!(reply["payload"]["errors"][0]["message"].as_str().unwrap().contains("subscriptions only"), "{reply}");
    // The session is untouched: the mutation never ran.
    assert!(app.gql_ok(Some(&a.access), "{ me { id } }", json!({})).await["me"].is_object());
}

#[tokio::test]
async fn mutations_are_refused_over_get() {
    let app = TestApp::spawn().await;
    let url = app.url("/graphql?query=mutation%7Blogin(email%3A%22a%40b.c%22%2Cpassword%3A%22x%22)%7B__typename%7D%7D");
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn signing_out_one_session_ends_its_subscriptions_and_no_others() {
    let app = TestApp::spawn().await;
    let phone = app.register("ann@example.org", "Ann").await;
    let laptop = Session::from(&app.login("ann@example.org", PASSWORD).await["data"]["login"]);
    let query = "subscription { notifications { type } }";
    let mut phone_ws = subscribe(&app, &phone.access, query).await;
    let _laptop_ws = subscribe(&app, &laptop.access, query).await;
    app.gql_ok(None, "mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": phone.refresh })).await;
    let event = next_json(&mut phone_ws).await;
    assert_eq!(event["payload"]["data"]["notifications"]["type"], "SESSION_REVOKED", "{event}");
    assert_eq!(next_json(&mut phone_ws).await["type"], "complete");
    assert_eq!(app.state.events.listener_count(), 1, "the laptop's subscription lives on");
}
