use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{TestApp, error_code};

const ITEMS: &str = "query($p: ID!) { playlist(id: $p) { name public trackCount duration owner { username }
    items { edges { node { id position track { id name isFavorite } } } } } }";

async fn library_of(n: usize) -> (tempfile::TempDir, TestApp, crate::helpers::Session, Vec<String>) {
    let music = tempfile::tempdir().unwrap();
    for i in 0..n {
        fixtures::wav(&music.path().join(format!("a/b/{:02} - T{i}.wav", i + 1)), 0.5);
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let data =
        app.gql_ok(Some(&admin.access), "{ tracks(first: 100) { edges { node { id name } } } }", json!({})).await;
    let mut tracks: Vec<(String, String)> = data["tracks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["name"].as_str().unwrap().to_string(), e["node"]["id"].as_str().unwrap().to_string()))
        .collect();
    tracks.sort();
    (music, app, admin, tracks.into_iter().map(|(_, id)| id).collect())
}

fn order(data: &Value) -> Vec<String> {
    data["playlist"]["items"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["track"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn positions(data: &Value) -> Vec<i64> {
    data["playlist"]["items"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["position"].as_i64().unwrap())
        .collect()
}

fn item_ids(data: &Value) -> Vec<String> {
    data["playlist"]["items"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn playlists_keep_exact_order_through_inserts_moves_and_removals() {
    let (_music, app, me, t) = library_of(4).await;
    let created = app
        .gql_ok(
            Some(&me.access),
            "mutation { createPlaylist(input: {name: \" Mix \", description: \"d\"}) { id name public } }",
            json!({}),
        )
        .await;
    assert_eq!(created["createPlaylist"]["name"], "Mix");
    assert_eq!(created["createPlaylist"]["public"], false);
    let p = created["createPlaylist"]["id"].as_str().unwrap().to_string();
    let add = "mutation($p: ID!, $t: [ID!]!, $at: Int) { addTracksToPlaylist(playlistId: $p, trackIds: $t, position: $at) { trackCount } }";
    app.gql_ok(Some(&me.access), add, json!({ "p": p, "t": [t[0], t[1], t[0]] })).await;
    app.gql_ok(Some(&me.access), add, json!({ "p": p, "t": [t[2]], "at": 1 })).await;
    let data = app.gql_ok(Some(&me.access), ITEMS, json!({ "p": p })).await;
    assert_eq!(order(&data), vec![t[0].clone(), t[2].clone(), t[1].clone(), t[0].clone()], "a track may appear twice");
    assert_eq!(data["playlist"]["trackCount"], 4);
    assert!((data["playlist"]["duration"].as_f64().unwrap() - 2.0).abs() < 0.05);
    let items = item_ids(&data);

    let mv = "mutation($p: ID!, $i: ID!, $to: Int!) { movePlaylistItem(playlistId: $p, itemId: $i, toPosition: $to) { trackCount } }";
    app.gql_ok(Some(&me.access), mv, json!({ "p": p, "i": items[3], "to": 0 })).await;
    let data = app.gql_ok(Some(&me.access), ITEMS, json!({ "p": p })).await;
    assert_eq!(order(&data), vec![t[0].clone(), t[0].clone(), t[2].clone(), t[1].clone()]);
    assert_eq!(positions(&data), vec![0, 1, 2, 3]);

    let rm = "mutation($p: ID!, $i: [ID!]!) { removePlaylistItems(playlistId: $p, itemIds: $i) { trackCount } }";
    app.gql_ok(Some(&me.access), rm, json!({ "p": p, "i": [items[0]] })).await;
    let data = app.gql_ok(Some(&me.access), ITEMS, json!({ "p": p })).await;
    assert_eq!(order(&data), vec![t[0].clone(), t[2].clone(), t[1].clone()], "only that one occurrence left");
    assert_eq!(positions(&data), vec![0, 1, 2]);

    let bad = app.gql(Some(&me.access), add, json!({ "p": p, "t": ["00000000-0000-0000-0000-000000000000"] })).await;
    assert_eq!(error_code(&bad), "NOT_FOUND");
    let data = app.gql_ok(Some(&me.access), ITEMS, json!({ "p": p })).await;
    assert_eq!(order(&data).len(), 3, "a failed add changes nothing");

    app.gql_ok(
        Some(&me.access),
        "mutation($p: ID!) { updatePlaylist(id: $p, input: {name: \"Renamed\", public: true}) { name } }",
        json!({ "p": p }),
    )
    .await;
    let mine =
        app.gql_ok(Some(&me.access), "{ myPlaylists { totalCount edges { node { name public } } } }", json!({})).await;
    assert_eq!(mine["myPlaylists"]["edges"][0]["node"]["name"], "Renamed");
    assert_eq!(
        error_code(
            &app.gql(Some(&me.access), "mutation { createPlaylist(input: {name: \"  \"}) { id } }", json!({})).await
        ),
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn only_the_owner_changes_a_playlist_and_private_ones_stay_private() {
    let (_music, app, owner, t) = library_of(1).await;
    let other = app.register("other@example.org", "Other").await;
    let p = app
        .gql_ok(Some(&owner.access), "mutation { createPlaylist(input: {name: \"Secret\"}) { id } }", json!({}))
        .await["createPlaylist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = app.gql_ok(Some(&other.access), ITEMS, json!({ "p": p })).await;
    assert!(seen["playlist"].is_null(), "a private playlist is invisible to others");
    let add = "mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { trackCount } }";
    assert_eq!(error_code(&app.gql(Some(&other.access), add, json!({ "p": p, "t": [t[0]] })).await), "NOT_FOUND");
    app.gql_ok(
        Some(&owner.access),
        "mutation($p: ID!) { updatePlaylist(id: $p, input: {public: true}) { public } }",
        json!({ "p": p }),
    )
    .await;
    let seen = app.gql_ok(Some(&other.access), ITEMS, json!({ "p": p })).await;
    assert_eq!(seen["playlist"]["owner"]["username"], "Admin");
    assert_eq!(error_code(&app.gql(Some(&other.access), add, json!({ "p": p, "t": [t[0]] })).await), "FORBIDDEN");
    let del = "mutation($p: ID!) { deletePlaylist(id: $p) }";
    assert_eq!(error_code(&app.gql(Some(&other.access), del, json!({ "p": p })).await), "FORBIDDEN");
    app.gql_ok(Some(&owner.access), del, json!({ "p": p })).await;
    assert!(app.gql_ok(Some(&owner.access), ITEMS, json!({ "p": p })).await["playlist"].is_null());
}

#[tokio::test]
async fn favourites_are_per_user_and_deleting_a_track_cleans_up_everywhere() {
    let (_music, app, me, t) = library_of(3).await;
    let other = app.register("other@example.org", "Other").await;
    let fav = "mutation($t: ID!) { favoriteTrack(trackId: $t) { id isFavorite } }";
    assert_eq!(app.gql_ok(Some(&me.access), fav, json!({ "t": t[1] })).await["favoriteTrack"]["isFavorite"], true);
    app.gql_ok(Some(&me.access), fav, json!({ "t": t[1] })).await; // twice is fine
    app.gql_ok(Some(&me.access), fav, json!({ "t": t[2] })).await;
    let list =
        app.gql_ok(Some(&me.access), "{ favorites { totalCount edges { node { id isFavorite } } } }", json!({})).await;
    assert_eq!(list["favorites"]["totalCount"], 2);
    assert_eq!(list["favorites"]["edges"][0]["node"]["id"], t[2].as_str(), "newest favourite first");
    let theirs = app.gql_ok(Some(&other.access), "{ favorites { totalCount } }", json!({})).await;
    assert_eq!(theirs["favorites"]["totalCount"], 0);
    let unfav = app
        .gql_ok(
            Some(&me.access),
            "mutation($t: ID!) { unfavoriteTrack(trackId: $t) { isFavorite } }",
            json!({ "t": t[2] }),
        )
        .await;
    assert_eq!(unfav["unfavoriteTrack"]["isFavorite"], false);
    assert_eq!(error_code(&app.gql(Some(&me.access), fav, json!({ "t": "nope" })).await), "NOT_FOUND");

    let p = app.gql_ok(Some(&me.access), "mutation { createPlaylist(input: {name: \"P\"}) { id } }", json!({})).await["createPlaylist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = "mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { trackCount } }";
    app.gql_ok(Some(&me.access), add, json!({ "p": p, "t": [t[0], t[1], t[2], t[1]] })).await;
    app.gql_ok(Some(&me.access), "mutation($t: ID!) { deleteTrack(id: $t) }", json!({ "t": t[1] })).await;
    let data = app.gql_ok(Some(&me.access), ITEMS, json!({ "p": p })).await;
    assert_eq!(order(&data), vec![t[0].clone(), t[2].clone()]);
    assert_eq!(positions(&data), vec![0, 1]);
    let list = app.gql_ok(Some(&me.access), "{ favorites { totalCount } }", json!({})).await;
    assert_eq!(list["favorites"]["totalCount"], 0);
}

#[tokio::test]
async fn public_playlists_of_others_are_listed_and_can_be_copied_privately() {
    let (_music, app, admin, tracks) = library_of(3).await;
    let ann = app.register("ann@example.org", "Ann").await;
    let create = "mutation($n: String!, $p: Boolean) { createPlaylist(input: { name: $n, public: $p }) { id } }";
    let public =
        app.gql_ok(Some(&admin.access), create, json!({ "n": "Shared", "p": true })).await["createPlaylist"]["id"]
            .as_str()
            .unwrap()
            .to_string();
    let private = app.gql_ok(Some(&admin.access), create, json!({ "n": "Secret", "p": false })).await["createPlaylist"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = "mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { id } }";
    app.gql_ok(Some(&admin.access), add, json!({ "p": public, "t": [tracks[2], tracks[0]] })).await;

    let list = "{ publicPlaylists { totalCount edges { node { name owner { username } } } } }";
    let seen = app.gql_ok(Some(&ann.access), list, json!({})).await;
    assert_eq!(seen["publicPlaylists"]["totalCount"], 1, "{seen}");
    assert_eq!(seen["publicPlaylists"]["edges"][0]["node"]["name"], "Shared");
    let own = app.gql_ok(Some(&admin.access), list, json!({})).await;
    assert_eq!(own["publicPlaylists"]["totalCount"], 0, "one's own are under myPlaylists");

    let copy =
        "mutation($id: ID!, $n: String) { copyPlaylist(id: $id, name: $n) { id name public owner { username } } }";
    let made = app.gql_ok(Some(&ann.access), copy, json!({ "id": public })).await;
    assert_eq!(made["copyPlaylist"]["name"], "Shared (copy)");
    assert_eq!(made["copyPlaylist"]["public"], false);
    assert_eq!(made["copyPlaylist"]["owner"]["username"], "Ann");
    let copied = app.gql_ok(Some(&ann.access), ITEMS, json!({ "p": made["copyPlaylist"]["id"] })).await;
    assert_eq!(order(&copied), vec![tracks[2].clone(), tracks[0].clone()], "same tracks, same order");
    // A private playlist of someone else cannot be copied (nor seen); a blank name is refused.
    let refused = app.gql(Some(&ann.access), copy, json!({ "id": private })).await;
    assert_eq!(error_code(&refused), "NOT_FOUND");
    let refused = app.gql(Some(&ann.access), copy, json!({ "id": public, "n": "  " })).await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    let mine = app.gql_ok(Some(&ann.access), "{ myPlaylists { totalCount } }", json!({})).await;
    assert_eq!(mine["myPlaylists"]["totalCount"], 1, "refusals made nothing");
    // Blocking hides the other's public playlists.
    app.gql_ok(Some(&ann.access), "mutation($u: ID!) { blockUser(userId: $u) }", json!({ "u": admin.user_id })).await;
    assert_eq!(app.gql_ok(Some(&ann.access), list, json!({})).await["publicPlaylists"]["totalCount"], 0);
    assert_eq!(error_code(&app.gql(Some(&ann.access), copy, json!({ "id": public })).await), "NOT_FOUND");
}
