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

#[tokio::test]
async fn an_admin_creates_an_account_and_a_one_time_reset_link_opens_it_once() {
    let app = TestApp::spawn_with(|c| c.auth.registration = soundroom::config::Registration::Closed).await;
    let admin = app.register("admin@example.org", "Admin").await;
    let create = "mutation($i: NewUserInput!) { createUser(input: $i) { id username email isAdmin } }";
    let input = json!({ "name": "Cleo", "email": "cleo@example.org", "password": PASSWORD });
    let made = app.gql_ok(Some(&admin.access), create, json!({ "i": input })).await;
    assert_eq!(made["createUser"]["isAdmin"], false);
    let cleo = made["createUser"]["id"].as_str().unwrap().to_string();
    assert!(
        app.login("cleo@example.org", PASSWORD).await["data"]["login"].is_object(),
        "closed sign-up does not stop an admin"
    );
    // The same email again, a short password, or a non-admin: refused, nothing created.
    assert_eq!(error_code(&app.gql(Some(&admin.access), create, json!({ "i": input })).await), "CONFLICT");
    let weak = json!({ "name": "Dan", "email": "dan@example.org", "password": "x" });
    assert_eq!(error_code(&app.gql(Some(&admin.access), create, json!({ "i": weak })).await), "BAD_USER_INPUT");
    let cleo_session = app.login("cleo@example.org", PASSWORD).await;
    let cleo_token = cleo_session["data"]["login"]["accessToken"].as_str().unwrap().to_string();
    let other = json!({ "name": "Eve", "email": "eve@example.org", "password": PASSWORD });
    assert_eq!(error_code(&app.gql(Some(&cleo_token), create, json!({ "i": other })).await), "FORBIDDEN");
    assert_eq!(app.user_count().await, 2);

    let link = "mutation($u: ID!) { createPasswordResetLink(userId: $u) }";
    assert_eq!(error_code(&app.gql(Some(&cleo_token), link, json!({ "u": cleo })).await), "FORBIDDEN");
    let url = app.gql_ok(Some(&admin.access), link, json!({ "u": cleo })).await["createPasswordResetLink"]
        .as_str()
        .unwrap()
        .to_string();
    let token = url.strip_prefix("/#/reset/").expect("a fragment link").to_string();
    let reset = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }";
    let new_password = "a brand new passphrase";
    // Signed out; a weak password keeps the link usable.
    assert_eq!(error_code(&app.gql(None, reset, json!({ "t": token, "p": "x" })).await), "BAD_USER_INPUT");
    assert_eq!(app.gql_ok(None, reset, json!({ "t": token, "p": new_password })).await["resetPassword"], true);
    assert_eq!(
        error_code(&app.gql(None, reset, json!({ "t": token, "p": "another passphrase" })).await),
        "BAD_USER_INPUT",
        "once only"
    );
    assert!(app.login("cleo@example.org", new_password).await["data"]["login"].is_object());
    assert!(app.login("cleo@example.org", PASSWORD).await.get("errors").is_some(), "the old password is gone");
    let me = app.gql(Some(&cleo_token), "{ me { id } }", json!({})).await;
    assert!(me["data"]["me"].is_null() || me.get("errors").is_some(), "old sessions were signed out: {me}");
}

#[tokio::test]
async fn deleting_an_account_deletes_or_hands_over_its_playlists_and_uploads() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let cleo = app.register("cleo@example.org", "Cleo").await;
    let create = "mutation($n: String!) { createPlaylist(input: { name: $n }) { id } }";
    app.gql_ok(Some(&bob.access), create, json!({ "n": "Bob's mix" })).await;
    app.gql_ok(Some(&cleo.access), create, json!({ "n": "Cleo's mix" })).await;
    let delete =
        "mutation($u: ID!, $p: OwnedData!, $up: OwnedData!) { deleteUser(userId: $u, playlists: $p, uploads: $up) }";
    // Not one's own account, not by a non-admin, not an unknown one.
    let me = json!({ "u": admin.user_id, "p": "DELETE", "up": "DELETE" });
    assert_eq!(error_code(&app.gql(Some(&admin.access), delete, me).await), "BAD_USER_INPUT");
    let by_bob = json!({ "u": cleo.user_id, "p": "DELETE", "up": "DELETE" });
    assert_eq!(error_code(&app.gql(Some(&bob.access), delete, by_bob).await), "FORBIDDEN");
    let unknown = json!({ "u": "nobody", "p": "DELETE", "up": "DELETE" });
    assert_eq!(error_code(&app.gql(Some(&admin.access), delete, unknown).await), "NOT_FOUND");

    app.gql_ok(Some(&admin.access), delete, json!({ "u": bob.user_id, "p": "TRANSFER", "up": "DELETE" })).await;
    app.gql_ok(Some(&admin.access), delete, json!({ "u": cleo.user_id, "p": "DELETE", "up": "TRANSFER" })).await;
    let mine = app.gql_ok(Some(&admin.access), "{ myPlaylists { edges { node { name } } } }", json!({})).await;
    assert_eq!(
        mine["myPlaylists"]["edges"],
        json!([{ "node": { "name": "Bob's mix" } }]),
        "Bob's handed over, Cleo's deleted"
    );
    assert_eq!(app.user_count().await, 1);
    assert!(app.login("bob@example.org", PASSWORD).await.get("errors").is_some());
    let gone = app.gql(Some(&bob.access), "{ me { id } }", json!({})).await;
    assert!(gone["data"]["me"].is_null() || gone.get("errors").is_some(), "{gone}");
}
