//! Friends: requests, friendships, blocks and notifications, through the public API.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, next_data, subscribe};

const SEND: &str = "mutation($u: ID!) { sendFriendRequest(userId: $u) { id status requester { id } receiver { id } } }";
const ACCEPT: &str = "mutation($r: ID!) { acceptFriendRequest(requestId: $r) { id username } }";
const FRIENDS: &str = "{ friends { id } }";
const NOTIFICATIONS: &str =
    "subscription { notifications { id type message read friendRequestId user { id username email } } }";

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_string()).collect()
}

async fn friends_of(app: &TestApp, who: &Session) -> Vec<String> {
    ids(&app.gql_ok(Some(&who.access), FRIENDS, json!({})).await["friends"])
}

async fn send(app: &TestApp, from: &Session, to: &Session) -> Value {
    app.gql(Some(&from.access), SEND, json!({ "u": to.user_id })).await
}

#[tokio::test]
async fn a_request_accepted_makes_friends_for_both_and_removing_ends_it_for_both() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let sent = send(&app, &ann, &bob).await;
    let request = sent["data"]["sendFriendRequest"]["id"].as_str().unwrap().to_string();
    assert_eq!(sent["data"]["sendFriendRequest"]["status"], "PENDING");
    assert_eq!(error_code(&send(&app, &ann, &bob).await), "CONFLICT", "no duplicate pending request");
    let incoming =
        app.gql_ok(Some(&bob.access), "{ incomingFriendRequests { id requester { username } } }", json!({})).await;
    assert_eq!(incoming["incomingFriendRequests"][0]["requester"]["username"], "Ann");
    let outgoing = app.gql_ok(Some(&ann.access), "{ outgoingFriendRequests { id } }", json!({})).await;
    assert_eq!(ids(&outgoing["outgoingFriendRequests"]), vec![request.clone()]);
    let status = "query($u: ID!) { user(id: $u) { friendship } }";
    assert_eq!(
        app.gql_ok(Some(&ann.access), status, json!({ "u": bob.user_id })).await["user"]["friendship"],
        "REQUEST_SENT"
    );
    assert_eq!(
        app.gql_ok(Some(&bob.access), status, json!({ "u": ann.user_id })).await["user"]["friendship"],
        "REQUEST_RECEIVED"
    );

    // Only the receiver accepts.
    assert_eq!(error_code(&app.gql(Some(&ann.access), ACCEPT, json!({ "r": request })).await), "NOT_FOUND");
    let accepted = app.gql_ok(Some(&bob.access), ACCEPT, json!({ "r": request })).await;
    assert_eq!(accepted["acceptFriendRequest"]["username"], "Ann");
    assert_eq!(friends_of(&app, &ann).await, vec![bob.user_id.clone()]);
    assert_eq!(friends_of(&app, &bob).await, vec![ann.user_id.clone()]);
    let pending = app.gql_ok(Some(&bob.access), "{ incomingFriendRequests { id } }", json!({})).await;
    assert_eq!(pending["incomingFriendRequests"], json!([]), "the request is gone once accepted");
    assert_eq!(error_code(&send(&app, &bob, &ann).await), "CONFLICT", "already friends");

    let remove = "mutation($u: ID!) { removeFriend(userId: $u) }";
    app.gql_ok(Some(&bob.access), remove, json!({ "u": ann.user_id })).await;
    assert!(friends_of(&app, &ann).await.is_empty());
    assert!(friends_of(&app, &bob).await.is_empty());
}

#[tokio::test]
async fn nobody_befriends_themselves_and_only_the_requester_cancels() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    assert_eq!(error_code(&send(&app, &ann, &ann).await), "BAD_USER_INPUT");
    let request = send(&app, &ann, &bob).await["data"]["sendFriendRequest"]["id"].clone();
    let cancel = "mutation($r: ID!) { cancelFriendRequest(requestId: $r) }";
    let decline = "mutation($r: ID!) { declineFriendRequest(requestId: $r) }";
    assert_eq!(error_code(&app.gql(Some(&bob.access), cancel, json!({ "r": request })).await), "NOT_FOUND");
    assert_eq!(error_code(&app.gql(Some(&ann.access), decline, json!({ "r": request })).await), "NOT_FOUND");
    app.gql_ok(Some(&ann.access), cancel, json!({ "r": request })).await;
    let unread = app.gql_ok(Some(&bob.access), "{ unreadNotificationCount }", json!({})).await;
    assert_eq!(unread["unreadNotificationCount"], 0, "a withdrawn request leaves no notification");
    let again = send(&app, &ann, &bob).await["data"]["sendFriendRequest"]["id"].clone();
    app.gql_ok(Some(&bob.access), decline, json!({ "r": again })).await;
    assert!(friends_of(&app, &ann).await.is_empty());
}

#[tokio::test]
async fn crossing_requests_end_in_exactly_one_friendship() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    for round in 0..20 {
        let (a, b) = tokio::join!(send(&app, &ann, &bob), send(&app, &bob, &ann));
        for body in [&a, &b] {
            assert!(body["errors"].is_null(), "round {round}: {body}");
        }
        let statuses = [&a, &b].map(|r| r["data"]["sendFriendRequest"]["status"].as_str().unwrap().to_string());
        assert!(statuses.contains(&"ACCEPTED".to_string()), "round {round}: {statuses:?}");
        assert_eq!(friends_of(&app, &ann).await, vec![bob.user_id.clone()]);
        let rows: i64 = app
            .state
            .db
            .run(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM friendships) + (SELECT count(*) FROM friend_requests)",
                    [],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(rows, 1, "round {round}: one friendship and no request left");
        app.gql_ok(Some(&ann.access), "mutation($u: ID!) { removeFriend(userId: $u) }", json!({ "u": bob.user_id }))
            .await;
    }
}

#[tokio::test]
async fn blocking_ends_everything_and_hides_both_from_each_other() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let request = send(&app, &bob, &ann).await["data"]["sendFriendRequest"]["id"].clone();
    app.gql_ok(Some(&ann.access), ACCEPT, json!({ "r": request })).await;
    let pending = send(&app, &ann, &bob).await;
    assert_eq!(error_code(&pending), "CONFLICT");
    app.gql_ok(Some(&ann.access), "mutation($u: ID!) { blockUser(userId: $u) }", json!({ "u": bob.user_id })).await;
    assert!(friends_of(&app, &ann).await.is_empty(), "blocking ends the friendship");
    let blocked = app.gql_ok(Some(&ann.access), "{ blockedUsers { id } }", json!({})).await;
    assert_eq!(ids(&blocked["blockedUsers"]), vec![bob.user_id.clone()]);
    // Bob can no longer reach or find Ann, and is not told why.
    assert_eq!(error_code(&send(&app, &bob, &ann).await), "NOT_FOUND");
    let search = "{ searchUsers(query: \"ann\") { edges { node { id } } } }";
    assert_eq!(app.gql_ok(Some(&bob.access), search, json!({})).await["searchUsers"]["edges"], json!([]));
    let by_id = "query($u: ID!) { user(id: $u) { id } }";
    assert!(app.gql_ok(Some(&bob.access), by_id, json!({ "u": ann.user_id })).await["user"].is_null());
    let tag = app.gql_ok(Some(&ann.access), "{ me { tag } }", json!({})).await["me"]["tag"].clone();
    let by_tag = "query($t: String!) { userByTag(tag: $t) { id } }";
    assert!(app.gql_ok(Some(&bob.access), by_tag, json!({ "t": tag })).await["userByTag"].is_null());
    let everything = "{ search(query: \"ann\") { users { id } } }";
    assert_eq!(app.gql_ok(Some(&bob.access), everything, json!({})).await["search"]["users"], json!([]));
    // Unblocking lets them find each other again; nothing comes back by itself.
    app.gql_ok(Some(&ann.access), "mutation($u: ID!) { unblockUser(userId: $u) }", json!({ "u": bob.user_id })).await;
    assert_eq!(
        app.gql_ok(Some(&bob.access), search, json!({})).await["searchUsers"]["edges"][0]["node"]["id"],
        json!(ann.user_id)
    );
    assert!(friends_of(&app, &ann).await.is_empty());
}

#[tokio::test]
async fn pending_requests_are_capped_and_sending_is_rate_limited() {
    let app = TestApp::spawn_with(|c| {
        c.limits.max_pending_friend_requests = 2;
        c.limits.friend_requests_per_hour = 4;
    })
    .await;
    let ann = app.register("ann@example.org", "Ann").await;
    let mut others = Vec::new();
    for i in 0..4 {
        others.push(app.register(&format!("p{i}@example.org"), &format!("P{i}")).await);
    }
    send(&app, &ann, &others[0]).await;
    send(&app, &ann, &others[1]).await;
    let capped = send(&app, &ann, &others[2]).await;
    assert_eq!(error_code(&capped), "BAD_USER_INPUT", "{capped}");
    let outgoing = app.gql_ok(Some(&ann.access), "{ outgoingFriendRequests { id } }", json!({})).await;
    let first = outgoing["outgoingFriendRequests"][0]["id"].clone();
    app.gql_ok(Some(&ann.access), "mutation($r: ID!) { cancelFriendRequest(requestId: $r) }", json!({ "r": first }))
        .await;
    let fourth = send(&app, &ann, &others[3]).await;
    assert!(fourth["errors"].is_null(), "a freed slot takes a new request: {fourth}");
    let limited = send(&app, &ann, &others[2]).await;
    assert_eq!(error_code(&limited), "RATE_LIMITED", "the fifth attempt in an hour waits: {limited}");
}

#[tokio::test]
async fn notifications_arrive_live_and_wait_for_whoever_was_offline() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let mut bob_ws = subscribe(&app, &bob.access, NOTIFICATIONS).await;
    let request = send(&app, &ann, &bob).await["data"]["sendFriendRequest"]["id"].clone();
    let live = next_data(&mut bob_ws, "notifications").await;
    assert_eq!(live["type"], "FRIEND_REQUEST_RECEIVED");
    assert_eq!(live["user"]["username"], "Ann");
    assert!(live["user"]["email"].is_null(), "a notification shows a profile, not the account");
    assert_eq!(live["message"], "Ann sent you a friend request");
    assert_eq!(live["friendRequestId"], request, "the notification can answer the request");

    // Ann is offline when Bob accepts; she finds it stored.
    app.gql_ok(Some(&bob.access), ACCEPT, json!({ "r": request })).await;
    let stored =
        "{ unreadNotificationCount notifications(first: 10) { edges { node { id type read user { username } } } } }";
    let page = app.gql_ok(Some(&ann.access), stored, json!({})).await;
    assert_eq!(page["unreadNotificationCount"], 1);
    let node = &page["notifications"]["edges"][0]["node"];
    assert_eq!(node["type"], "FRIEND_REQUEST_ACCEPTED");
    assert_eq!(node["user"]["username"], "Bob");
    assert_eq!(node["read"], false);
    let marked = app
        .gql_ok(
            Some(&ann.access),
            "mutation($i: [ID!]) { markNotificationsRead(ids: $i) }",
            json!({ "i": [node["id"]] }),
        )
        .await;
    assert_eq!(marked["markNotificationsRead"], 1);
    assert_eq!(app.gql_ok(Some(&ann.access), stored, json!({})).await["unreadNotificationCount"], 0);
    // Bob cannot mark Ann's notifications.
    let theirs = app
        .gql_ok(
            Some(&bob.access),
            "mutation($i: [ID!]) { markNotificationsRead(ids: $i) }",
            json!({ "i": [node["id"]] }),
        )
        .await;
    assert_eq!(theirs["markNotificationsRead"], 0);
}
