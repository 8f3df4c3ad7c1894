use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, error_code};

#[tokio::test]
async fn only_admins_administer() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let bob = app.register("bob@example.org", "Bob").await;
    for q in ["{ users { totalCount } }", "{ invites { id } }", "mutation { createInvite { code } }"] {
        let q = q.replace("{ totalCount }", "{ edges { node { id } } }");
        assert_eq!(error_code(&app.gql(Some(&bob.access), &q, json!({})).await), "FORBIDDEN", "{q}");
        assert_eq!(error_code(&app.gql(None, &q, json!({})).await), "UNAUTHENTICATED", "{q}");
    }
    let promote = app
        .gql(
            Some(&bob.access),
            "mutation($u: ID!) { setUserAdmin(userId: $u, admin: true) { isAdmin } }",
            json!({ "u": bob.user_id }),
        )
        .await;
    assert_eq!(error_code(&promote), "FORBIDDEN");
    let users = app
        .gql_ok(
            Some(&admin.access),
            "{ users(first: 1) { edges { node { email } } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(users["users"]["edges"][0]["node"]["email"], "admin@example.org");
    assert_eq!(users["users"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let q = "mutation($u: ID!, $a: Boolean!) { setUserAdmin(userId: $u, admin: $a) { isAdmin } }";
    let body = app.gql(Some(&admin.access), q, json!({ "u": admin.user_id, "a": false })).await;
    assert_eq!(error_code(&body), "CONFLICT");
    let bob = app.register("bob@example.org", "Bob").await;
    app.gql_ok(Some(&admin.access), q, json!({ "u": bob.user_id, "a": true })).await;
    let ok = app.gql_ok(Some(&admin.access), q, json!({ "u": admin.user_id, "a": false })).await;
    assert_eq!(ok["setUserAdmin"]["isAdmin"], false);
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_blocks_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let q = "mutation($u: ID!, $d: Boolean!) { setUserDisabled(userId: $u, disabled: $d) { disabled } }";
    app.gql_ok(Some(&admin.access), q, json!({ "u": bob.user_id, "d": true })).await;
    assert!(app.gql(Some(&bob.access), "{ me { id } }", json!({})).await["data"]["me"].is_null());
    assert_eq!(error_code(&app.login("bob@example.org", PASSWORD).await), "FORBIDDEN");
    let self_disable = app.gql(Some(&admin.access), q, json!({ "u": admin.user_id, "d": true })).await;
    assert_eq!(error_code(&self_disable), "BAD_USER_INPUT");
    let unknown =
        app.gql(Some(&admin.access), q, json!({ "u": "00000000-0000-0000-0000-000000000000", "d": true })).await;
    assert_eq!(error_code(&unknown), "NOT_FOUND");
}

#[tokio::test]
async fn invites_can_be_listed_and_revoked() {
    let app = TestApp::spawn_with(|c| c.auth.registration = soundroom::config::Registration::Invite).await;
    let admin = app.register("admin@example.org", "Admin").await;
    let inv = app
        .gql_ok(
            Some(&admin.access),
            "mutation { createInvite(maxUses: 2, expiresInHours: 1) { id code createdBy { username } } }",
            json!({}),
        )
        .await;
    assert_eq!(inv["createInvite"]["createdBy"]["username"], "Admin");
    let id = inv["createInvite"]["id"].as_str().unwrap();
    let code = inv["createInvite"]["code"].as_str().unwrap();
    let list = app.gql_ok(Some(&admin.access), "{ invites { id } }", json!({})).await;
    assert_eq!(list["invites"].as_array().unwrap().len(), 1);
    app.gql_ok(Some(&admin.access), "mutation($i: ID!) { revokeInvite(id: $i) }", json!({ "i": id })).await;
    let body = app
        .gql(
            None,
            "mutation($c: String) { register(input: {email: \"b@example.org\", password: \"correct horse battery\", username: \"B\", inviteCode: $c}) { user { id } } }",
            json!({ "c": code }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let bad = app.gql(Some(&admin.access), "mutation { createInvite(maxUses: 0) { id } }", json!({})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
}
