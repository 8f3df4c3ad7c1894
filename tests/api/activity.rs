//! Listening history and friends' activity.

use serde_json::json;

use crate::fixtures;
use crate::helpers::{Session, TestApp, error_code, next_data, subscribe};

const ACTIVITY: &str = "subscription { friendActivity { user { username } track { id } startedAt } }";
const RECORD: &str = "mutation($t: ID!, $s: Float!, $at: DateTime) { recordPlay(trackId: $t, heardSeconds: $s, playedAt: $at) { playedAt track { id } } }";

/// A server with one 2-second track; returns its id.
async fn with_a_track() -> (TestApp, Session, String, tempfile::TempDir) {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("Band/Album/01 - Song.wav"), 2.0);
    // Sorts first by title, last by plays.
    fixtures::wav(&music.path().join("Band/Aardvark/01 - Zzz.wav"), 1.0);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let song = "{ tracks(search: \"song\") { edges { node { id } } } }";
    let track = app.gql_ok(Some(&admin.access), song, json!({})).await["tracks"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    (app, admin, track, music)
}

#[test]
fn a_play_counts_after_half_the_track_or_four_minutes() {
    assert_eq!(soundroom::services::activity::play_threshold_secs(200.0), 100.0);
    assert_eq!(soundroom::services::activity::play_threshold_secs(3600.0), 240.0);
}

#[tokio::test]
async fn plays_are_recorded_once_heard_enough_and_counted_per_person() {
    let (app, admin, track, _music) = with_a_track().await;
    let start = chrono::Utc::now() - chrono::Duration::minutes(10);
    let at = |secs: i64| (start + chrono::Duration::seconds(secs)).to_rfc3339();
    let early = app.gql(Some(&admin.access), RECORD, json!({ "t": track, "s": 0.5, "at": at(0) })).await;
    assert_eq!(error_code(&early), "BAD_USER_INPUT", "half of 2 s is 1 s: {early}");
    app.gql_ok(Some(&admin.access), RECORD, json!({ "t": track, "s": 1.2, "at": at(0) })).await;
    let twice = app.gql(Some(&admin.access), RECORD, json!({ "t": track, "s": 1.2, "at": at(0) })).await;
    assert_eq!(error_code(&twice), "CONFLICT", "nobody hears a track twice at once: {twice}");
    app.gql_ok(Some(&admin.access), RECORD, json!({ "t": track, "s": 2.0, "at": at(30) })).await;
    let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let bad = app.gql(Some(&admin.access), RECORD, json!({ "t": track, "s": 2.0, "at": future })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");

    let q = "query($t: ID!) { track(id: $t) { playCount lastPlayedAt } recentlyPlayed { track { id } } mostPlayed { plays track { id } } }";
    let mine = app.gql_ok(Some(&admin.access), q, json!({ "t": track })).await;
    assert_eq!(mine["track"]["playCount"], 2);
    assert!(mine["track"]["lastPlayedAt"].is_string());
    assert_eq!(mine["recentlyPlayed"].as_array().unwrap().len(), 2);
    assert_eq!(mine["mostPlayed"][0]["plays"], 2);
    let sorted = "{ t: albums { edges { node { title } } } m: albums(sort: MOST_PLAYED) { edges { node { title } } }
        r: albums(sort: RECENTLY_PLAYED) { edges { node { title } } } }";
    let albums = app.gql_ok(Some(&admin.access), sorted, json!({})).await;
    assert_eq!(albums["t"]["edges"][0]["node"]["title"], "Aardvark", "{albums}");
    assert_eq!(albums["m"]["edges"][0]["node"]["title"], "Album", "{albums}");
    assert_eq!(albums["r"]["edges"][0]["node"]["title"], "Album", "{albums}");
    let bob = app.register("bob@example.org", "Bob").await;
    let theirs = app.gql_ok(Some(&bob.access), q, json!({ "t": track })).await;
    assert_eq!(theirs["track"]["playCount"], 0, "history is per person");
    assert!(theirs["track"]["lastPlayedAt"].is_null());
    assert_eq!(theirs["recentlyPlayed"], json!([]));
}

async fn befriend(app: &TestApp, a: &Session, b: &Session) {
    let send = "mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }";
    app.gql_ok(Some(&a.access), send, json!({ "u": b.user_id })).await;
    app.gql_ok(Some(&b.access), send, json!({ "u": a.user_id })).await;
}

#[tokio::test]
async fn friends_see_what_i_play_live_unless_i_stop_sharing() {
    let (app, ann, track, _music) = with_a_track().await;
    let bob = app.register("bob@example.org", "Bob").await;
    let carol = app.register("carol@example.org", "Carol").await;
    befriend(&app, &ann, &bob).await;
    let mut bob_ws = subscribe(&app, &bob.access, ACTIVITY).await;
    let now = "mutation($t: ID) { setNowPlaying(trackId: $t) }";
    app.gql_ok(Some(&ann.access), now, json!({ "t": track })).await;
    let live = next_data(&mut bob_ws, "friendActivity").await;
    assert_eq!(live["user"]["username"], "Admin");
    assert_eq!(live["track"]["id"], json!(track));
    let list = "{ friendsActivity { user { username } track { id } } }";
    assert_eq!(app.gql_ok(Some(&bob.access), list, json!({})).await["friendsActivity"][0]["user"]["username"], "Admin");
    assert_eq!(
        app.gql_ok(Some(&carol.access), list, json!({})).await["friendsActivity"],
        json!([]),
        "strangers see nothing"
    );

    app.gql_ok(Some(&ann.access), now, json!({ "t": null })).await;
    assert!(next_data(&mut bob_ws, "friendActivity").await["track"].is_null(), "stopping is live too");
    assert_eq!(app.gql_ok(Some(&bob.access), list, json!({})).await["friendsActivity"], json!([]));

    app.gql_ok(Some(&ann.access), now, json!({ "t": track })).await;
    assert_eq!(next_data(&mut bob_ws, "friendActivity").await["track"]["id"], json!(track));
    app.gql_ok(Some(&ann.access), "mutation { setActivitySharing(on: false) }", json!({})).await;
    assert_eq!(
        app.gql_ok(Some(&ann.access), "{ me { shareActivity } }", json!({})).await["me"]["shareActivity"],
        false
    );
    assert!(next_data(&mut bob_ws, "friendActivity").await["track"].is_null(), "turning sharing off clears it");
    assert_eq!(app.gql_ok(Some(&bob.access), list, json!({})).await["friendsActivity"], json!([]));
    app.gql_ok(Some(&ann.access), "mutation { setActivitySharing(on: true) }", json!({})).await;
    assert_eq!(next_data(&mut bob_ws, "friendActivity").await["track"]["id"], json!(track), "and on again shows it");

    app.gql_ok(Some(&ann.access), "mutation($u: ID!) { blockUser(userId: $u) }", json!({ "u": bob.user_id })).await;
    assert_eq!(app.gql_ok(Some(&bob.access), list, json!({})).await["friendsActivity"], json!([]), "blocked: nothing");
}
