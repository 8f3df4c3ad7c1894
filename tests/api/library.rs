use serde_json::{Value, json};

use crate::fixtures::{self, FORMATS};
use crate::helpers::{TestApp, error_code};

const TRACK_FIELDS: &str = "id name genre duration codec trackNumber discNumber year sampleRate channels bitrate
    artist { name } album { title artist { name } coverUrl }";

async fn all_tracks(app: &TestApp, token: &str) -> Vec<Value> {
    let q = format!("{{ tracks(first: 500) {{ totalCount edges {{ node {{ {TRACK_FIELDS} }} }} }} }}");
    let data = app.gql_ok(Some(token), &q, json!({})).await;
    data["tracks"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

fn by_name<'a>(tracks: &'a [Value], name: &str) -> &'a Value {
    tracks.iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no track {name} in {tracks:?}"))
}

#[tokio::test]
async fn every_format_is_scanned_with_its_tags_and_duration() {
    let music = tempfile::tempdir().unwrap();
    for (i, f) in FORMATS.iter().enumerate() {
        let title = format!("Song {}", f.codec);
        let n = (i + 1).to_string();
        let path = music.path().join(format!("{}-{i}.{}", f.codec, f.ext));
        fixtures::tone(
            &path,
            2.0,
            &[
                ("title", &title),
                ("artist", "Tone Band"),
                ("album", "Tones"),
                ("genre", "Test"),
                ("track", &n),
                ("date", "2021"),
            ],
            f.args,
        );
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    let status = app.scan().await;
    assert!(status.skipped.is_empty(), "{:?}", status.skipped);
    let tracks = all_tracks(&app, &admin.access).await;
    assert_eq!(tracks.len(), FORMATS.len());
    for (i, f) in FORMATS.iter().enumerate() {
        let t = by_name(&tracks, &format!("Song {}", f.codec));
        assert_eq!(t["codec"], f.codec, "{t}");
        let d = t["duration"].as_f64().unwrap();
        assert!((d - 2.0).abs() <= 0.1, "{} lasts {d}", f.codec);
        assert_eq!(t["artist"]["name"], "Tone Band");
        assert_eq!(t["album"]["title"], "Tones");
        assert_eq!(t["channels"], 2);
        // WAV's RIFF INFO tags carry no genre, track or year through ffmpeg; the others do.
        if f.ext != "wav" {
            assert_eq!(t["genre"], "Test", "{}", f.codec);
            assert_eq!(t["trackNumber"], i as i64 + 1, "{}", f.codec);
            assert_eq!(t["year"], 2021, "{}", f.codec);
        }
    }
    let genres = app.gql_ok(Some(&admin.access), "{ genres }", json!({})).await;
    assert_eq!(genres["genres"], json!(["Test"]));
}

#[tokio::test]
async fn missing_tags_fall_back_to_folder_and_file_names() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("The Folks/Folder Album/03 - Named By File.wav"), 1.0);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let tracks = all_tracks(&app, &admin.access).await;
    let t = by_name(&tracks, "Named By File");
    assert_eq!(t["trackNumber"], 3);
    assert_eq!(t["album"]["title"], "Folder Album");
    assert_eq!(t["artist"]["name"], "The Folks");
}

#[tokio::test]
async fn artists_merge_case_insensitively_and_compilations_stay_one_album() {
    let music = tempfile::tempdir().unwrap();
    let mp3 = &["-c:a", "libmp3lame"];
    fixtures::tone(
        &music.path().join("a.mp3"),
        1.0,
        &[("title", "One"), ("artist", "The Band"), ("album", "Record")],
        mp3,
    );
    fixtures::tone(
        &music.path().join("b.mp3"),
        1.0,
        &[("title", "Two"), ("artist", "the band"), ("album", "RECORD")],
        mp3,
    );
    for (i, artist) in ["Ann", "Bob", "Cy"].iter().enumerate() {
        fixtures::tone(
            &music.path().join(format!("comp{i}.mp3")),
            1.0,
            &[
                ("title", &format!("Comp {i}")),
                ("artist", artist),
                ("album_artist", "Various Artists"),
                ("album", "Hits"),
            ],
            mp3,
        );
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let albums = app
        .gql_ok(
            Some(&admin.access),
            "{ albums { totalCount edges { node { title artist { name } tracks { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(albums["albums"]["totalCount"], 2, "{albums}");
    let hits = albums["albums"]["edges"].as_array().unwrap().iter().find(|e| e["node"]["title"] == "Hits").unwrap();
    assert_eq!(hits["node"]["artist"]["name"], "Various Artists");
    assert_eq!(hits["node"]["tracks"].as_array().unwrap().len(), 3);
    let artists = app
        .gql_ok(Some(&admin.access), "{ artists(search: \"band\") { edges { node { name trackCount } } } }", json!({}))
        .await;
    assert_eq!(artists["artists"]["edges"].as_array().unwrap().len(), 1);
    assert_eq!(artists["artists"]["edges"][0]["node"]["trackCount"], 2);
}

#[tokio::test]
async fn rescans_skip_unchanged_files_and_pick_up_changes_and_deletions() {
    let music = tempfile::tempdir().unwrap();
    let keep = fixtures::wav(&music.path().join("A/B/01 - Keep.wav"), 1.0);
    let change = fixtures::wav(&music.path().join("A/B/02 - Change.wav"), 1.0);
    let gone = fixtures::wav(&music.path().join("A/B/03 - Gone.wav"), 1.0);
    let (app, admin) = TestApp::with_music(music.path()).await;
    let first = app.scan().await;
    assert!(first.skipped.is_empty());
    assert_eq!(all_tracks(&app, &admin.access).await.len(), 3);
    let gone_id = by_name(&all_tracks(&app, &admin.access).await, "Gone")["id"].as_str().unwrap().to_string();
    let playlist =
        app.gql_ok(Some(&admin.access), "mutation { createPlaylist(input: {name: \"P\"}) { id } }", json!({})).await;
    let pid = playlist["createPlaylist"]["id"].as_str().unwrap().to_string();
    app.gql_ok(
        Some(&admin.access),
        "mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { trackCount } }",
        json!({ "p": pid, "t": [gone_id] }),
    )
    .await;

    // Nothing changed: nothing is read again.
    let mut rx = app.state.library.subscribe();
    app.scan().await;
    let mut last = None;
    while let Ok(p) = rx.try_recv() {
        last = Some(p);
    }
    let last = last.expect("progress was reported");
    assert_eq!((last.added, last.updated, last.removed), (0, 0, 0), "{last:?}");
    assert!(last.done);

    fixtures::wav(&change, 2.0); // a different size
    std::fs::remove_file(&gone).unwrap();
    let mut rx = app.state.library.subscribe();
    app.scan().await;
    let mut last = None;
    while let Ok(p) = rx.try_recv() {
        last = Some(p);
    }
    let last = last.unwrap();
    assert_eq!((last.added, last.updated, last.removed), (0, 1, 1), "{last:?}");
    let tracks = all_tracks(&app, &admin.access).await;
    assert_eq!(tracks.len(), 2);
    assert!((by_name(&tracks, "Change")["duration"].as_f64().unwrap() - 2.0).abs() < 0.1);
    let p = app
        .gql_ok(Some(&admin.access), "query($p: ID!) { playlist(id: $p) { trackCount } }", json!({ "p": pid }))
        .await;
    assert_eq!(p["playlist"]["trackCount"], 0, "a deleted file leaves its playlists");
    assert!(keep.exists());
}

#[tokio::test]
async fn corrupt_truncated_and_non_audio_files_are_skipped_with_a_reason() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("good.wav"), 1.0);
    std::fs::write(music.path().join("text.flac"), "this is a text file, not FLAC").unwrap();
    std::fs::write(music.path().join("empty.ogg"), b"").unwrap();
    let full = music.path().join("full.mp3");
    fixtures::tone(&full, 1.0, &[("title", "Full")], &["-c:a", "libmp3lame"]);
    let bytes = std::fs::read(&full).unwrap();
    std::fs::write(music.path().join("truncated.m4a"), &bytes[..64]).unwrap();
    std::fs::write(music.path().join("notes.txt"), "ignored: not an audio extension").unwrap();
    let (app, admin) = TestApp::with_music(music.path()).await;
    let status = app.scan().await;
    let skipped: Vec<&str> = status.skipped.iter().map(|(p, _)| p.rsplit('/').next().unwrap()).collect();
    for name in ["text.flac", "empty.ogg", "truncated.m4a"] {
        assert!(skipped.contains(&name), "{name} not in {skipped:?}");
    }
    assert!(status.skipped.iter().all(|(_, reason)| !reason.is_empty()));
    let data = app
        .gql_ok(Some(&admin.access), "{ libraryStatus { tracks skipped { path reason } scanning } }", json!({}))
        .await;
    assert_eq!(data["libraryStatus"]["tracks"], 2);
    assert_eq!(data["libraryStatus"]["skipped"].as_array().unwrap().len(), 3);
    assert_eq!(data["libraryStatus"]["scanning"], false);
}

#[tokio::test]
async fn search_is_prefix_case_and_diacritic_insensitive() {
    let music = tempfile::tempdir().unwrap();
    let mp3 = &["-c:a", "libmp3lame"];
    fixtures::tone(
        &music.path().join("a.mp3"),
        1.0,
        &[("title", "Halo"), ("artist", "Beyoncé"), ("album", "I Am")],
        mp3,
    );
    fixtures::tone(
        &music.path().join("b.mp3"),
        1.0,
        &[("title", "Группа крови"), ("artist", "Кино"), ("album", "Группа крови")],
        mp3,
    );
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let search = |q: &str| {
        let app = &app;
        let token = admin.access.clone();
        let q = q.to_string();
        async move {
            app.gql_ok(Some(&token), "query($q: String!) { search(query: $q) { artists { name } albums { title } tracks { name } users { tag } } }", json!({ "q": q }))
                .await["search"]
                .clone()
        }
    };
    assert_eq!(search("beyonce").await["artists"][0]["name"], "Beyoncé");
    assert_eq!(search("BEYON").await["artists"][0]["name"], "Beyoncé");
    assert_eq!(search("кино").await["artists"][0]["name"], "Кино");
    assert_eq!(search("hal").await["tracks"][0]["name"], "Halo");
    assert_eq!(search("групп").await["albums"][0]["title"], "Группа крови");
    assert_eq!(search("admin").await["users"][0]["tag"], "admin");
    assert!(search("\"unbalanced OR (").await["tracks"].as_array().unwrap().is_empty());
    let filtered = app.gql_ok(Some(&admin.access), "{ tracks(search: \"halo\") { totalCount } }", json!({})).await;
    assert_eq!(filtered["tracks"]["totalCount"], 1);
}

#[tokio::test]
async fn search_puts_the_closest_names_first_and_follows_renames_and_deletions() {
    let music = tempfile::tempdir().unwrap();
    let mp3 = &["-c:a", "libmp3lame"];
    for (file, title) in [("a", "River River River"), ("b", "Riverside Drive"), ("c", "River"), ("d", "River Song")] {
        let path = music.path().join(format!("{file}.mp3"));
        fixtures::tone(&path, 1.0, &[("title", title), ("artist", "Rivermen"), ("album", "Rivers")], mp3);
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let search = |typed: &'static str, first: i64| {
        let (app, token) = (&app, admin.access.clone());
        async move {
            let q = "query($q: String!, $n: Int!) { search(query: $q, first: $n) { artists { name } albums { title } tracks { id name } } }";
            app.gql_ok(Some(&token), q, json!({ "q": typed, "n": first })).await["search"].clone()
        }
    };
    let names = |hits: &Value| -> Vec<String> {
        hits["tracks"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
    };
    // Shortest first: the name that is just the word, not the one repeating it.
    let hits = search("river", 3).await;
    assert_eq!(names(&hits), ["River", "River Song", "Riverside Drive"]);
    assert_eq!(hits["artists"][0]["name"], "Rivermen");
    assert_eq!(hits["albums"][0]["title"], "Rivers");
    assert_eq!(names(&search("r", 10).await).len(), 4, "a one-letter prefix finds every track");

    // A rename moves the track in the index: the old name is gone, the new one is found.
    let river = hits["tracks"][0]["id"].as_str().unwrap().to_string();
    let rename = "mutation($t: ID!) { updateTrack(id: $t, input: {name: \"Estuary\"}) { id } }";
    app.gql_ok(Some(&admin.access), rename, json!({ "t": river })).await;
    assert_eq!(names(&search("river", 10).await), ["River Song", "Riverside Drive", "River River River"]);
    assert_eq!(names(&search("estu", 10).await), ["Estuary"]);

    // A file gone from the folder is gone from search and from search filters.
    std::fs::remove_file(music.path().join("d.mp3")).unwrap();
    app.scan().await;
    assert_eq!(names(&search("river", 10).await), ["Riverside Drive", "River River River"]);
    let filtered = app.gql_ok(Some(&admin.access), "{ tracks(search: \"river\") { totalCount } }", json!({})).await;
    assert_eq!(filtered["tracks"]["totalCount"], 2);
    let albums = app.gql_ok(Some(&admin.access), "{ albums(search: \"rivers\") { totalCount } }", json!({})).await;
    assert_eq!(albums["albums"]["totalCount"], 1);
}

#[tokio::test]
async fn the_library_needs_a_signed_in_user_and_rescans_need_an_admin() {
    let music = tempfile::tempdir().unwrap();
    let (app, _admin) = TestApp::with_music(music.path()).await;
    let bob = app.register("bob@example.org", "Bob").await;
    assert_eq!(error_code(&app.gql(None, "{ tracks { totalCount } }", json!({})).await), "UNAUTHENTICATED");
    assert_eq!(
        error_code(&app.gql(Some(&bob.access), "mutation { rescanLibrary { scanning } }", json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(error_code(&app.gql(Some(&bob.access), "{ libraryStatus { tracks } }", json!({})).await), "FORBIDDEN");
    let bad = app.gql(Some(&bob.access), "{ tracks(first: 0) { totalCount } }", json!({})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let bad = app.gql(Some(&bob.access), "{ tracks(after: \"garbage\") { totalCount } }", json!({})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
}

// Two worker threads, as in the real server: a loader that fetched on another thread while the
// page was still being resolved split its batches there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_paginate_and_nested_fields_cost_a_constant_number_of_queries() {
    let music = tempfile::tempdir().unwrap();
    for i in 0..60 {
        fixtures::wav(
            &music.path().join(format!("Artist {}/Album {}/{:02} - T{i:02}.wav", i % 7, i % 11, i % 20 + 1)),
            0.2,
        );
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let q = "query($n: Int!, $a: String) { tracks(first: $n, after: $a) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { name artist { name } album { title artist { name } duration } isFavorite rating } } } }";
    let cost = |n: i64| {
        let app = &app;
        let token = admin.access.clone();
        async move {
            let before = app.state.db.round_trips();
            let data = app.gql_ok(Some(&token), q, json!({ "n": n })).await;
            (app.state.db.round_trips() - before, data)
        }
    };
    let (small, _) = cost(5).await;
    let (big, data) = cost(50).await;
    assert_eq!(data["tracks"]["edges"].as_array().unwrap().len(), 50);
    // One query per kind of nested field, whatever the page size.
    assert_eq!(big, small, "50 rows cost {big} round trips, 5 rows {small}");
    assert!(big <= 7, "{big} round trips");
    // And so on a busy server: eight pages at once cost eight times one.
    let before = app.state.db.round_trips();
    // (Each asks for a different size, so none is answered from the response cache.)
    let pages = (41..49).map(|n| app.gql_ok(Some(&admin.access), q, json!({ "n": n })));
    futures_util::future::join_all(pages).await;
    assert_eq!(app.state.db.round_trips() - before, 8 * big);
    // The next page holds the rest.
    let cursor = data["tracks"]["pageInfo"]["endCursor"].as_str().unwrap();
    let next = app.gql_ok(Some(&admin.access), q, json!({ "n": 50, "a": cursor })).await;
    assert_eq!(next["tracks"]["edges"].as_array().unwrap().len(), 10);
    assert_eq!(next["tracks"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn fields_a_page_prefetches_match_the_answers_for_one_object() {
    let music = tempfile::tempdir().unwrap();
    for i in 0..12 {
        fixtures::wav(
            &music.path().join(format!("Artist {}/Album {}/{i:02} - T{i:02}.wav", i % 3, i % 4)),
            0.2 + 0.1 * i as f64,
        );
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let token = Some(admin.access.as_str());
    let artists =
        app.gql_ok(token, "{ artists(first: 50) { edges { node { id trackCount isFavorite } } } }", json!({})).await;
    let artists = artists["artists"]["edges"].as_array().unwrap().clone();
    let albums = "{ albums(first: 50) { edges { node { id duration isFavorite artist { id name } } } } }";
    let albums = app.gql_ok(token, albums, json!({})).await["albums"]["edges"].as_array().unwrap().clone();
    assert_eq!((artists.len(), albums.len()), (3, 12));
    let fav = "mutation($a: ID!, $b: ID!) { favoriteArtist(artistId: $a) { id } favoriteAlbum(albumId: $b) { id } }";
    app.gql_ok(token, fav, json!({ "a": artists[1]["node"]["id"], "b": albums[2]["node"]["id"] })).await;

    let page =
        app.gql_ok(token, "{ artists(first: 50) { edges { node { id trackCount isFavorite } } } }", json!({})).await;
    let one = "query($id: ID!) { artist(id: $id) { id trackCount isFavorite } }";
    let mut favourites = 0;
    for edge in page["artists"]["edges"].as_array().unwrap() {
        let single = app.gql_ok(token, one, json!({ "id": edge["node"]["id"] })).await;
        assert_eq!(edge["node"], single["artist"]);
        favourites += (edge["node"]["isFavorite"] == true) as usize;
    }
    assert_eq!(favourites, 1);
    let page = app
        .gql_ok(
            token,
            "{ albums(first: 50) { edges { node { id duration isFavorite artist { id name } } } } }",
            json!({}),
        )
        .await;
    let one = "query($id: ID!) { album(id: $id) { id duration isFavorite artist { id name } } }";
    let mut favourites = 0;
    for edge in page["albums"]["edges"].as_array().unwrap() {
        let single = app.gql_ok(token, one, json!({ "id": edge["node"]["id"] })).await;
        assert_eq!(edge["node"], single["album"]);
        assert!(edge["node"]["duration"].as_f64().unwrap() > 0.0);
        favourites += (edge["node"]["isFavorite"] == true) as usize;
    }
    assert_eq!(favourites, 1);
    // The connection's `nodes` shortcut is prefetched too, with the same answers.
    let nodes = "{ albums(first: 50) { nodes { id duration isFavorite artist { id name } } } }";
    let nodes = app.gql_ok(token, nodes, json!({})).await;
    let edges: Vec<&Value> = page["albums"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
    assert_eq!(nodes["albums"]["nodes"].as_array().unwrap().iter().collect::<Vec<_>>(), edges);
    // In a mutation, a later field sees what an earlier one changed, pages or not.
    let artist = &artists[0]["node"]["id"];
    let page = app
        .gql_ok(
            token,
            "query($a: ID!) { artist(id: $a) { tracks(first: 1) { edges { node { id } } } } }",
            json!({ "a": artist }),
        )
        .await;
    let track = &page["artist"]["tracks"]["edges"][0]["node"]["id"];
    let both = "mutation($a: ID!, $t: ID!) {
        first: favoriteArtist(artistId: $a) { tracks(first: 50) { edges { node { id isFavorite } } } }
        then: favoriteTrack(trackId: $t) { isFavorite } }";
    let both = app.gql_ok(token, both, json!({ "a": artist, "t": track })).await;
    assert_eq!(both["first"]["tracks"]["edges"][0]["node"]["isFavorite"], false, "{both}");
    assert_eq!(both["then"]["isFavorite"], true, "{both}");
    let tracks = "{ tracks(first: 50) { edges { node { id coverUrl playCount album { id title } artist { id } } } } }";
    let page = app.gql_ok(token, tracks, json!({})).await;
    let one = "query($id: ID!) { track(id: $id) { id coverUrl playCount album { id title } artist { id } } }";
    for edge in page["tracks"]["edges"].as_array().unwrap() {
        let single = app.gql_ok(token, one, json!({ "id": edge["node"]["id"] })).await;
        assert_eq!(edge["node"]["album"], single["track"]["album"]);
        assert_eq!(edge["node"]["artist"], single["track"]["artist"]);
        assert_eq!(edge["node"]["playCount"], single["track"]["playCount"]);
        assert!(edge["node"]["album"]["id"].is_string());
    }
}

#[tokio::test]
async fn rescan_library_reports_progress_on_the_subscription() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("x/y/one.wav"), 0.5);
    let (app, admin) = TestApp::with_music(music.path()).await;
    let mut request = app.url("/graphql/ws").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(json!({ "type": "connection_init", "payload": { "token": admin.access } }).to_string()))
        .await
        .unwrap();
    ws.next().await.unwrap().unwrap();
    let sub = json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { libraryScan { phase done added filesTotal } }" } });
    ws.send(Message::text(sub.to_string())).await.unwrap();
    // Start scans until the subscription (registered asynchronously) sees one finish.
    let done = loop {
        app.gql_ok(Some(&admin.access), "mutation { rescanLibrary { scanning } }", json!({})).await;
        let got = tokio::time::timeout(std::time::Duration::from_secs(2), async {
            loop {
                let Message::Text(t) = ws.next().await.unwrap().unwrap() else { continue };
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["payload"]["data"]["libraryScan"]["done"] == true {
                    return v;
                }
            }
        })
        .await;
        if let Ok(v) = got {
            break v;
        }
    };
    assert_eq!(done["payload"]["data"]["libraryScan"]["filesTotal"], 1);
    let status = app
        .gql_ok(Some(&admin.access), "{ libraryStatus { tracks lastScanFinishedAt lastScanDurationMs } }", json!({}))
        .await;
    assert_eq!(status["libraryStatus"]["tracks"], 1);
    assert!(status["libraryStatus"]["lastScanFinishedAt"].is_string());
}

/// Polls until `check` holds, for at most 10 s (the watcher works in the background).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_watcher_picks_up_added_moved_and_deleted_files_without_a_rescan() {
    let music = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(music.path().join("A/B")).unwrap();
    let (app, admin) = TestApp::with_music(music.path()).await;
    let mut rx = app.state.library.subscribe();
    soundroom::services::library::start(&app.state).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), async { while !rx.recv().await.unwrap().done {} })
        .await
        .expect("the first scan finished");
    eventually("the watcher is on", || async { app.state.library.watching() }).await;
    let names = || {
        let app = &app;
        let token = admin.access.clone();
        async move {
            let data = app.gql_ok(Some(&token), "{ tracks { edges { node { name } } } }", json!({})).await;
            data["tracks"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let scans_before = app.state.library.status().last_started_at.clone();

    fixtures::wav(&music.path().join("A/B/01 - Arrived.wav"), 0.5);
    eventually("the new file is in the library", || async { names().await == ["Arrived"] }).await;

    std::fs::create_dir_all(music.path().join("A/C")).unwrap();
    std::fs::rename(music.path().join("A/B/01 - Arrived.wav"), music.path().join("A/C/02 - Moved.wav")).unwrap();
    eventually("the moved file is found at its new place", || async { names().await == ["Moved"] }).await;

    std::fs::remove_dir_all(music.path().join("A/C")).unwrap();
    eventually("the deleted folder's tracks are gone", || async { names().await.is_empty() }).await;
    assert_eq!(app.state.library.status().last_started_at, scans_before, "no full rescan ran");
}

#[tokio::test]
async fn files_removed_from_disk_leave_playlist_positions_dense() {
    let music = tempfile::tempdir().unwrap();
    let gone = fixtures::wav(&music.path().join("A/B/01 - Gone.wav"), 0.3);
    fixtures::wav(&music.path().join("A/B/02 - Stays.wav"), 0.3);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let tracks = all_tracks(&app, &admin.access).await;
    let (gone_id, stays_id) = (by_name(&tracks, "Gone")["id"].clone(), by_name(&tracks, "Stays")["id"].clone());
    let p = app
        .gql_ok(Some(&admin.access), "mutation { createPlaylist(input: {name: \"P\"}) { id } }", json!({}))
        .await["createPlaylist"]["id"]
        .clone();
    let add = "mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { trackCount } }";
    app.gql_ok(Some(&admin.access), add, json!({ "p": p, "t": [gone_id, stays_id] })).await;
    std::fs::remove_file(gone).unwrap();
    app.scan().await;
    app.gql_ok(Some(&admin.access), add, json!({ "p": p, "t": [stays_id] })).await;
    let items = app
        .gql_ok(
            Some(&admin.access),
            "query($p: ID!) { playlist(id: $p) { items { edges { node { position track { name } } } } } }",
            json!({ "p": p }),
        )
        .await;
    let got: Vec<(i64, String)> = items["playlist"]["items"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["position"].as_i64().unwrap(), e["node"]["track"]["name"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(got, vec![(0, "Stays".to_string()), (1, "Stays".to_string())]);
}

#[tokio::test]
async fn repeated_library_reads_are_answered_from_memory_until_anything_changes() {
    let music = tempfile::tempdir().unwrap();
    for i in 0..3 {
        fixtures::wav(&music.path().join(format!("Artist/Album/{i:02} - Song {i}.wav")), 0.2);
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let bob = app.register("bob@example.com", "bob").await;
    let q = "{ tracks(first: 10) { edges { node { id name isFavorite } } } }";
    let read = |token: &str| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let (trips, generation) = (app.state.db.round_trips(), soundroom::db::data_generation());
            let data = app.gql_ok(Some(&token), q, json!({})).await;
            let quiet = soundroom::db::data_generation() == generation;
            (app.state.db.round_trips() - trips, quiet, data["tracks"]["edges"].clone())
        }
    };
    let first = read(&admin.access).await.2;
    // Tests running beside this one write too, and every write makes kept answers stale:
    // repeat until two reads meet no write between them. A kept answer costs only the
    // sign-in check; resolving the page costs several round trips.
    let mut hit = None;
    for _ in 0..200 {
        let (trips, quiet, data) = read(&admin.access).await;
        if quiet && trips == 1 {
            hit = Some(data);
            break;
        }
    }
    assert_eq!(hit.expect("a repeated read was never answered from memory"), first);

    // A write by anyone is seen at once: a favourite, then an edit.
    let id = first[0]["node"]["id"].as_str().unwrap().to_string();
    app.gql_ok(Some(&admin.access), "mutation($t: ID!) { favoriteTrack(trackId: $t) { id } }", json!({ "t": id }))
        .await;
    let after = read(&admin.access).await.2;
    assert_eq!(after[0]["node"]["isFavorite"], true, "{after}");
    // Answers are per person: Bob's favourites are his own.
    let (_, _, bobs) = read(&bob.access).await;
    assert_eq!(bobs[0]["node"]["isFavorite"], false, "{bobs}");
    let rename = "mutation($t: ID!) { updateTrack(id: $t, input: {name: \"Renamed\"}) { id } }";
    app.gql_ok(Some(&admin.access), rename, json!({ "t": id })).await;
    let renamed = read(&admin.access).await.2;
    assert!(renamed.as_array().unwrap().iter().any(|e| e["node"]["name"] == "Renamed"), "{renamed}");
    let (_, _, bobs) = read(&bob.access).await;
    assert!(bobs.as_array().unwrap().iter().any(|e| e["node"]["name"] == "Renamed"), "{bobs}");
}

#[tokio::test]
async fn paging_by_cursor_continues_after_the_last_row_even_among_equal_names() {
    use base64::Engine;
    let music = tempfile::tempdir().unwrap();
    // Names repeat (and differ only in case), so the order needs the id to break ties.
    for i in 0..30 {
        let name = ["Echo", "echo", "Anthem", "Zebra"][i % 4];
        fixtures::wav(&music.path().join(format!("A{}/B/{i:02} - {name}.wav", i % 3)), 0.1);
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let all = app.gql_ok(Some(&admin.access), "{ tracks(first: 500) { edges { node { id } } } }", json!({})).await;
    let expected: Vec<Value> =
        all["tracks"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].clone()).collect();
    assert_eq!(expected.len(), 30);
    let q = "query($a: String) { tracks(first: 7, after: $a) { pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { id } } } }";
    let (mut seen, mut after) = (Vec::new(), None::<String>);
    loop {
        let page = app.gql_ok(Some(&admin.access), q, json!({ "a": after })).await;
        let edges = page["tracks"]["edges"].as_array().unwrap();
        seen.extend(edges.iter().map(|e| e["node"]["id"].clone()));
        assert_eq!(page["tracks"]["pageInfo"]["hasPreviousPage"], after.is_some());
        if page["tracks"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = Some(page["tracks"]["pageInfo"]["endCursor"].as_str().unwrap().to_string());
    }
    assert_eq!(seen, expected);
    // A cursor that holds only an offset (as older clients keep) still works.
    let offset_only = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("o:9");
    let page = app.gql_ok(Some(&admin.access), q, json!({ "a": offset_only })).await;
    let ids: Vec<Value> = page["tracks"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].clone()).collect();
    assert_eq!(ids, expected[10..17]);
}
