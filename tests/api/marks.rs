//! Favourite albums and artists, ratings, lyrics, file paths and the saved play queue: what a
//! person marks on the library, through GraphQL (the Subsonic side is in subsonic.rs).

use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{Session, TestApp, error_code};

struct Library {
    app: TestApp,
    admin: Session,
    ann: Session,
    _music: tempfile::TempDir,
}

/// Two albums by two artists, years 1999 and 2021; the 2021 one is scanned last (newest).
async fn library() -> Library {
    let music = tempfile::tempdir().unwrap();
    let flac = &["-c:a", "flac"][..];
    let old = [("artist", "Old Band"), ("album", "Old Record"), ("title", "Old Song"), ("date", "1999")];
    fixtures::tone(&music.path().join("Old Band/Old Record/01.flac"), 1.0, &old, flac);
    let (app, admin) = TestApp::with_music(music.path()).await;
    let new = [
        ("artist", "New Band"),
        ("album", "New Record"),
        ("title", "New Song"),
        ("date", "2021"),
        ("LYRICS", "Plain words\nSecond line"),
    ];
    fixtures::tone(&music.path().join("New Band/New Record/01.flac"), 1.0, &new, flac);
    let synced = music.path().join("New Band/New Record/02 - Timed.wav");
    fixtures::wav(&synced, 1.0);
    std::fs::write(synced.with_extension("lrc"), "[ti:Timed]\n[00:00.50]Hello\n[00:01.25]World\n").unwrap();
    app.scan().await;
    let ann = app.register("ann@example.org", "Ann").await;
    Library { app, admin, ann, _music: music }
}

async fn album_id(app: &TestApp, who: &Session, title: &str) -> String {
    let d = app
        .gql_ok(
            Some(&who.access),
            "query($s: String) { albums(search: $s) { edges { node { id title } } } }",
            json!({ "s": title }),
        )
        .await;
    d["albums"]["edges"][0]["node"]["id"].as_str().unwrap().to_string()
}

async fn track_id(app: &TestApp, who: &Session, name: &str) -> String {
    let d = app
        .gql_ok(
            Some(&who.access),
            "query($s: String) { tracks(search: $s) { edges { node { id name } } } }",
            json!({ "s": name }),
        )
        .await;
    d["tracks"]["edges"][0]["node"]["id"].as_str().unwrap().to_string()
}

fn titles(page: &Value) -> Vec<&str> {
    page["edges"].as_array().unwrap().iter().map(|e| e["node"]["title"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn favourite_albums_and_artists_are_personal_and_filter_the_lists() {
    let Library { app, admin, ann, .. } = library().await;
    let old = album_id(&app, &ann, "Old Record").await;
    let fav = app
        .gql_ok(
            Some(&ann.access),
            "mutation($id: ID!) { favoriteAlbum(albumId: $id) { title isFavorite artist { id } } }",
            json!({ "id": old }),
        )
        .await;
    assert_eq!(fav["favoriteAlbum"]["isFavorite"], true);
    let artist = fav["favoriteAlbum"]["artist"]["id"].as_str().unwrap().to_string();
    let a = app
        .gql_ok(
            Some(&ann.access),
            "mutation($id: ID!) { favoriteArtist(artistId: $id) { name isFavorite } }",
            json!({ "id": artist }),
        )
        .await;
    assert_eq!(a["favoriteArtist"], json!({ "name": "Old Band", "isFavorite": true }));

    let lists = "{ albums(favorites: true) { totalCount edges { node { title } } } artists(favorites: true) { edges { node { name } } } }";
    let mine = app.gql_ok(Some(&ann.access), lists, json!({})).await;
    assert_eq!(titles(&mine["albums"]), vec!["Old Record"]);
    assert_eq!(mine["albums"]["totalCount"], 1);
    assert_eq!(mine["artists"]["edges"][0]["node"]["name"], "Old Band");
    // Someone else's favourites are theirs alone.
    let theirs = app.gql_ok(Some(&admin.access), lists, json!({})).await;
    assert_eq!(theirs["albums"]["totalCount"], 0);
    let seen = app
        .gql_ok(Some(&admin.access), "query($id: ID!) { album(id: $id) { isFavorite } }", json!({ "id": old }))
        .await;
    assert_eq!(seen["album"]["isFavorite"], false);

    // A wrong id is NOT_FOUND and changes nothing.
    let bad = app.gql(Some(&ann.access), r#"mutation { favoriteAlbum(albumId: "nope") { id } }"#, json!({})).await;
    assert_eq!(error_code(&bad), "NOT_FOUND");
    app.gql_ok(
        Some(&ann.access),
        "mutation($id: ID!) { unfavoriteAlbum(albumId: $id) { isFavorite } }",
        json!({ "id": old }),
    )
    .await;
    let after = app.gql_ok(Some(&ann.access), lists, json!({})).await;
    assert_eq!(after["albums"]["totalCount"], 0);
}

#[tokio::test]
async fn albums_sort_by_year_newest_and_artist() {
    let Library { app, ann, .. } = library().await;
    let q = "query($s: AlbumSort!) { albums(sort: $s) { edges { node { title } } } }";
    let sorted = |sort: &'static str| {
        let app = &app;
        let token = ann.access.clone();
        async move {
            titles(&app.gql_ok(Some(&token), q, json!({ "s": sort })).await["albums"])
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(sorted("YEAR").await, vec!["Old Record", "New Record"]);
    assert_eq!(sorted("NEWEST").await, vec!["New Record", "Old Record"]);
    assert_eq!(sorted("ARTIST").await, vec!["New Record", "Old Record"]);
    assert_eq!(sorted("RANDOM").await.len(), 2);
}

#[tokio::test]
async fn lyrics_come_from_an_lrc_file_beside_the_audio_or_from_the_tags() {
    let Library { app, ann, .. } = library().await;
    let q = "query($id: ID!) { track(id: $id) { path lyrics { synced text lines { startMs text } } } }";
    let timed = track_id(&app, &ann, "Timed").await;
    let t = app.gql_ok(Some(&ann.access), q, json!({ "id": timed })).await;
    assert_eq!(t["track"]["path"], "New Band/New Record/02 - Timed.wav", "relative to the music folder");
    assert_eq!(t["track"]["lyrics"]["synced"], true);
    assert_eq!(
        t["track"]["lyrics"]["lines"],
        json!([{ "startMs": 500, "text": "Hello" }, { "startMs": 1250, "text": "World" }])
    );
    let tagged = track_id(&app, &ann, "New Song").await;
    let t = app.gql_ok(Some(&ann.access), q, json!({ "id": tagged })).await;
    assert_eq!(t["track"]["lyrics"]["synced"], false);
    assert_eq!(t["track"]["lyrics"]["text"], "Plain words\nSecond line");
    let none = track_id(&app, &ann, "Old Song").await;
    let t = app.gql_ok(Some(&ann.access), q, json!({ "id": none })).await;
    assert_eq!(t["track"]["lyrics"], Value::Null);
}

#[tokio::test]
async fn a_rating_is_one_to_five_zero_clears_it_and_bad_values_change_nothing() {
    let Library { app, admin, ann, .. } = library().await;
    let id = track_id(&app, &ann, "Old Song").await;
    let rate = "mutation($id: ID!, $r: Int!) { setTrackRating(trackId: $id, rating: $r) { rating } }";
    let r = app.gql_ok(Some(&ann.access), rate, json!({ "id": id, "r": 4 })).await;
    assert_eq!(r["setTrackRating"]["rating"], 4);
    let bad = app.gql(Some(&ann.access), rate, json!({ "id": id, "r": 6 })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let read = "query($id: ID!) { track(id: $id) { rating } }";
    assert_eq!(app.gql_ok(Some(&ann.access), read, json!({ "id": id })).await["track"]["rating"], 4);
    assert_eq!(
        app.gql_ok(Some(&admin.access), read, json!({ "id": id })).await["track"]["rating"],
        0,
        "ratings are personal"
    );
    app.gql_ok(Some(&ann.access), rate, json!({ "id": id, "r": 0 })).await;
    assert_eq!(app.gql_ok(Some(&ann.access), read, json!({ "id": id })).await["track"]["rating"], 0);
}

#[tokio::test]
async fn the_saved_play_queue_comes_back_in_order_and_bad_input_keeps_the_old_one() {
    let Library { app, admin, ann, .. } = library().await;
    let (a, b) = (track_id(&app, &ann, "Old Song").await, track_id(&app, &ann, "Timed").await);
    let save = "mutation($ids: [ID!]!, $cur: ID, $pos: Int!) { savePlayQueue(trackIds: $ids, currentId: $cur, positionMs: $pos) }";
    app.gql_ok(Some(&ann.access), save, json!({ "ids": [b, a], "cur": a, "pos": 4200 })).await;
    let read = "{ playQueue { tracks { name } current { name } positionMs changedBy changedAt } }";
    let q = app.gql_ok(Some(&ann.access), read, json!({})).await;
    assert_eq!(q["playQueue"]["tracks"], json!([{ "name": "Timed" }, { "name": "Old Song" }]));
    assert_eq!(q["playQueue"]["current"]["name"], "Old Song");
    assert_eq!(q["playQueue"]["positionMs"], 4200);
    assert_eq!(q["playQueue"]["changedBy"], "web");
    // The current track must be in the queue; an unknown track is NOT_FOUND; neither changes it.
    let bad = app.gql(Some(&ann.access), save, json!({ "ids": [a], "cur": b, "pos": 0 })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let bad = app.gql(Some(&ann.access), save, json!({ "ids": [a, "missing"], "cur": a, "pos": 0 })).await;
    assert_eq!(error_code(&bad), "NOT_FOUND");
    assert_eq!(app.gql_ok(Some(&ann.access), read, json!({})).await, q);
    // Someone else has none; an empty list clears one's own.
    assert_eq!(app.gql_ok(Some(&admin.access), read, json!({})).await["playQueue"], Value::Null);
    app.gql_ok(Some(&ann.access), save, json!({ "ids": [], "cur": null, "pos": 0 })).await;
    assert_eq!(app.gql_ok(Some(&ann.access), read, json!({})).await["playQueue"], Value::Null);
}

#[tokio::test]
async fn a_deleted_library_track_stays_gone_after_rescans_until_an_admin_restores_it() {
    let Library { app, admin, ann, _music } = library().await;
    let id = track_id(&app, &admin, "Old Song").await;
    let file = _music.path().join("Old Band/Old Record/01.flac");
    // Only an admin may remove a file from the music folders.
    let refused = app.gql(Some(&ann.access), "mutation($id: ID!) { deleteTrack(id: $id) }", json!({ "id": id })).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    app.gql_ok(Some(&admin.access), "mutation($id: ID!) { deleteTrack(id: $id) }", json!({ "id": id })).await;
    assert!(file.exists(), "the file stays in the folder");
    app.scan().await;
    let count = "{ tracks(search: \"Old Song\") { totalCount } }";
    assert_eq!(
        app.gql_ok(Some(&admin.access), count, json!({})).await["tracks"]["totalCount"],
        0,
        "a rescan does not bring it back"
    );
    let hidden = app.gql_ok(Some(&admin.access), "{ hiddenTracks { path hiddenAt } }", json!({})).await;
    let path = hidden["hiddenTracks"][0]["path"].as_str().unwrap().to_string();
    assert!(path.ends_with("Old Record/01.flac"), "{path}");
    // The list and the restore are the admin's.
    let refused = app.gql(Some(&ann.access), "{ hiddenTracks { path } }", json!({})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let restore = "mutation($p: String!) { restoreHiddenTrack(path: $p) }";
    let missing = app.gql(Some(&admin.access), restore, json!({ "p": "/not/hidden.flac" })).await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    app.gql_ok(Some(&admin.access), restore, json!({ "p": path })).await;
    app.scan().await;
    assert_eq!(app.gql_ok(Some(&admin.access), count, json!({})).await["tracks"]["totalCount"], 1);
    assert_eq!(
        app.gql_ok(Some(&admin.access), "{ hiddenTracks { path } }", json!({})).await["hiddenTracks"],
        json!([])
    );
}

#[tokio::test]
async fn lyrics_ratings_and_favourites_on_a_page_cost_a_constant_number_of_queries() {
    let music = tempfile::tempdir().unwrap();
    for i in 0..30 {
        let song = music.path().join(format!("Band {}/Record {}/{:02} - Song {i:02}.wav", i % 3, i % 5, i + 1));
        fixtures::wav(&song, 0.2);
        std::fs::write(song.with_extension("lrc"), format!("[00:00.10]Line {i}\n")).unwrap();
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let q = "query($n: Int!) { tracks(first: $n) { edges { node { rating lyrics { synced } album { isFavorite }
        artist { isFavorite } } } } }";
    let cost = |n: i64| {
        let (app, token) = (&app, admin.access.clone());
        async move {
            let before = app.state.db.round_trips();
            let data = app.gql_ok(Some(&token), q, json!({ "n": n })).await;
            (app.state.db.round_trips() - before, data)
        }
    };
    let (small, _) = cost(3).await;
    let (big, data) = cost(30).await;
    assert_eq!(data["tracks"]["edges"][29]["node"]["lyrics"]["synced"], true);
    // One batch per kind whatever the page size (a loaded machine may split one batch: allow one).
    assert!(big <= small + 1, "30 rows cost {big} round trips, 3 rows {small}");
}
