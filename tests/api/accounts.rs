use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, error_code};

#[tokio::test]
async fn the_first_account_is_admin_and_later_ones_are_not() {
    let app = TestApp::spawn().await;
    let info = app.gql_ok(None, "{ serverInfo { needsSetup registration } }", json!({})).await;
    assert_eq!(info["serverInfo"]["needsSetup"], true);
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    assert!(ann.is_admin);
    assert!(!bob.is_admin);
    let info = app.gql_ok(None, "{ serverInfo { needsSetup } }", json!({})).await;
    assert_eq!(info["serverInfo"]["needsSetup"], false);
}

#[tokio::test]
async fn emails_are_normalised_and_unique() {
    let app = TestApp::spawn().await;
    app.register("Ann@Example.org", "Ann").await;
    let body = app
        .gql(
            None,
            "mutation { register(input: {email: \"  ann@EXAMPLE.org\", password: \"correct horse battery\", username: \"Ann2\"}) { accessToken } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "CONFLICT");
    assert_eq!(app.user_count().await, 1);
    let login = app.login("ANN@example.org ", PASSWORD).await;
    assert_eq!(login["data"]["login"]["__typename"], "AuthPayload");
}

#[tokio::test]
async fn weak_passwords_and_bad_emails_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    for (email, password) in [("ann@example.org", "short"), ("not-an-email", PASSWORD)] {
        let body = app
            .gql(
                None,
                "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p, username: \"Ann\"}) { accessToken } }",
                json!({ "e": email, "p": password }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert!(!body["errors"][0]["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    app.register("ann@example.org", "Ann").await;
    let wrong_password = app.login("ann@example.org", "wrong password here").await;
    let unknown = app.login("nobody@example.org", "wrong password here").await;
    assert_eq!(error_code(&wrong_password), "UNAUTHENTICATED");
    assert_eq!(wrong_password["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(error_code(&unknown), "UNAUTHENTICATED");
}

#[tokio::test]
async fn registration_modes_are_enforced() {
    let app = TestApp::spawn_with(|c| c.auth.registration = soundroom::config::Registration::Invite).await;
    let admin = app.register("admin@example.org", "Admin").await;
    let attempt = |code: Option<String>| {
        let app = &app;
        async move {
            app.gql(
                None,
                "mutation($c: String) { register(input: {email: \"bob@example.org\", password: \"correct horse battery\", username: \"Bob\", inviteCode: $c}) { user { id } } }",
                json!({ "c": code }),
            )
            .await
        }
    };
    assert_eq!(error_code(&attempt(None).await), "FORBIDDEN");
    assert_eq!(error_code(&attempt(Some("nope".into())).await), "BAD_USER_INPUT");
    let invite =
        app.gql_ok(Some(&admin.access), "mutation { createInvite(maxUses: 1) { code uses maxUses } }", json!({})).await;
    let code = invite["createInvite"]["code"].as_str().unwrap().to_string();
    let ok = attempt(Some(code.clone())).await;
    assert!(ok["errors"].is_null(), "{ok}");
    // Used up: a second person cannot use it.
    let again = app
        .gql(
            None,
            "mutation($c: String) { register(input: {email: \"cy@example.org\", password: \"correct horse battery\", username: \"Cy\", inviteCode: $c}) { user { id } } }",
            json!({ "c": code }),
        )
        .await;
    assert_eq!(error_code(&again), "BAD_USER_INPUT");
    assert_eq!(app.user_count().await, 2);

    let closed = TestApp::spawn_with(|c| c.auth.registration = soundroom::config::Registration::Closed).await;
    closed.register("first@example.org", "First").await; // the first-run account is always allowed
    let body = closed
        .gql(
            None,
            "mutation { register(input: {email: \"b@example.org\", password: \"correct horse battery\", username: \"B\"}) { user { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn profile_updates_username_tag_and_avatar() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let data = app
        .gql_ok(
            Some(&ann.access),
            "mutation { updateProfile(input: {username: \"Ann K\", tag: \"annk\"}) { username tag } }",
            json!({}),
        )
        .await;
    assert_eq!(data["updateProfile"]["tag"], "annk");
    let taken =
        app.gql(Some(&bob.access), "mutation { updateProfile(input: {tag: \"AnnK\"}) { tag } }", json!({})).await;
    assert_eq!(error_code(&taken), "CONFLICT");
    let own =
        app.gql_ok(Some(&ann.access), "mutation { updateProfile(input: {tag: \"ANNK\"}) { tag } }", json!({})).await;
    assert_eq!(own["updateProfile"]["tag"], "annk", "re-saving one's own tag in another case is fine");
    let found =
        app.gql_ok(Some(&bob.access), "{ userByTag(tag: \"@annk\") { username email friendship } }", json!({})).await;
    assert_eq!(found["userByTag"]["username"], "Ann K");
    assert!(found["userByTag"]["email"].is_null(), "email is private");
    assert_eq!(found["userByTag"]["friendship"], "NONE");

    // Avatar upload through the GraphQL multipart request spec.
    let png: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let user = upload_avatar(&app, &ann.access, png.to_vec()).await;
    let url = user["data"]["updateProfile"]["avatarUrl"].as_str().expect("avatar url").to_string();
    let res = app.client.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), png);
    // The signed URL opens this resource only, and not without its token.
    let bare = url.split('?').next().unwrap();
    assert_eq!(app.client.get(app.url(bare)).send().await.unwrap().status(), 401);
    let other = url.replace(&ann.user_id, &bob.user_id);
    assert_eq!(app.client.get(app.url(&other)).send().await.unwrap().status(), 401);

    // Not an image: refused, and the previous avatar stays.
    let bad = upload_avatar(&app, &ann.access, b"#!/bin/sh\necho hi".to_vec()).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let me = app.gql_ok(Some(&ann.access), "{ me { avatarUrl } }", json!({})).await;
    assert!(me["me"]["avatarUrl"].is_string());
    let avatars = std::fs::read_dir(app.state.data_path("avatars")).unwrap().count();
    assert_eq!(avatars, 1, "exactly the one stored avatar is on disk");
}

async fn upload_avatar(app: &TestApp, token: &str, bytes: Vec<u8>) -> serde_json::Value {
    let operations = json!({
        "query": "mutation($f: Upload!) { updateProfile(input: {avatar: $f}) { avatarUrl } }",
        "variables": { "f": null }
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(bytes).file_name("a.png").mime_str("image/png").unwrap());
    app.client.post(app.url("/graphql")).bearer_auth(token).multipart(form).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn change_password_signs_out_other_sessions_but_not_this_one() {
    let app = TestApp::spawn().await;
    let first = app.register("ann@example.org", "Ann").await;
    let second = crate::helpers::Session::from(&app.login("ann@example.org", PASSWORD).await["data"]["login"]);
    let wrong = app
        .gql(
            Some(&first.access),
            "mutation { changePassword(currentPassword: \"not it at all\", newPassword: \"a brand new password\") }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&wrong), "BAD_USER_INPUT");
    app.gql_ok(
        Some(&first.access),
        "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a brand new password\") }",
        json!({ "c": PASSWORD }),
    )
    .await;
    let me = app.gql(Some(&second.access), "{ me { id } }", json!({})).await;
    assert!(me["data"]["me"].is_null(), "the other session ended: {me}");
    let refreshed = app
        .gql(
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            json!({ "t": second.refresh }),
        )
        .await;
    assert_eq!(error_code(&refreshed), "UNAUTHENTICATED");
    let still = app.gql_ok(Some(&first.access), "{ me { id } }", json!({})).await;
    assert_eq!(still["me"]["id"], first.user_id.as_str());
    assert_eq!(app.login("ann@example.org", PASSWORD).await["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(
        app.login("ann@example.org", "a brand new password").await["data"]["login"]["__typename"],
        "AuthPayload"
    );
}

#[tokio::test]
async fn bad_requests_get_clear_errors() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    let syntax = app.gql(None, "{ serverInfo { name ", json!({})).await;
    assert!(syntax["errors"][0]["message"].as_str().unwrap().contains("expected"), "{syntax}");

    let wrong_type = app.gql(None, "mutation { login(email: 5, password: true) { __typename } }", json!({})).await;
    assert!(wrong_type["errors"].is_array());

    let big = "x".repeat(2 * 1024 * 1024);
    let res = app.client.post(app.url("/graphql")).json(&json!({ "query": big })).send().await.unwrap();
    assert_eq!(res.status(), 413);

    let nested = format!(
        "{{ __schema {{ types {{ {} name {} }} }} }}",
        "fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType {",
        "} } } } } } } } } } } } } } } }"
    );
    let depth = app.gql(None, &nested, json!({})).await;
    assert!(depth["errors"][0]["message"].as_str().unwrap().to_lowercase().contains("nested"), "{depth}");

    let expired = app.gql(Some("not.a.token"), "{ me { id } }", json!({})).await;
    assert!(expired["data"]["me"].is_null());
    let needs_auth = app.gql(Some("not.a.token"), "mutation { logoutEverywhere }", json!({})).await;
    assert_eq!(error_code(&needs_auth), "UNAUTHENTICATED");
    assert!(needs_auth["errors"][0]["message"].as_str().unwrap().contains("expired"));

    let a = app.register("ann@example.org", "Ann").await;
    let unknown =
        app.gql_ok(Some(&a.access), "{ user(id: \"00000000-0000-0000-0000-000000000000\") { id } }", json!({})).await;
    assert!(unknown["user"].is_null());
}
