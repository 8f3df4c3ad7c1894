//! Regression tests for the holes an attacker found (issue 6): each story here was a working
//! attack on the server before its fix.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::fixtures;
use crate::helpers::{PASSWORD, TestApp, error_code};

/// Waits (bounded) for the server to close `stream`; true if it did.
async fn closed_by_server(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue, // a 408 response, then the close
            }
        }
    })
    .await
    .is_ok()
}

fn host_port(app: &TestApp) -> String {
    app.addr.trim_start_matches("http://").to_string()
}

async fn sql<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
) -> T {
    app.state.db.run(move |c| Ok(f(c)?)).await.unwrap()
}

// ---- files served only from inside the library ----

#[cfg(unix)]
#[tokio::test]
async fn a_linked_cover_or_folder_never_serves_a_file_from_outside_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    fixtures::wav(&music.join("Band/Linked Album/01.wav"), 0.3);
    let outside = dir.path().join("elsewhere");
    fixtures::wav(&outside.join("Hidden/secret-song.wav"), 0.3);
    let (app, admin) = TestApp::with_music(&music).await;
    let secret = app.state.config.storage.data_dir.join("jwt-secret");
    std::os::unix::fs::symlink(&secret, music.join("Band/Linked Album/cover.jpg")).unwrap();
    std::os::unix::fs::symlink(&outside, music.join("linked-folder")).unwrap();
    app.scan().await;

    let data = app
        .gql_ok(
            Some(&admin.access),
            "{ albums { edges { node { title coverUrl } } } tracks { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["tracks"]["totalCount"], 1, "the linked folder is not part of the library: {data}");
    let album = &data["albums"]["edges"][0]["node"];
    assert!(album["coverUrl"].is_null(), "a linked cover.jpg is no cover: {album}");

    // Rows that point outside (from an older scan, say) serve nothing either.
    let secret_path = secret.display().to_string();
    let outside_song = outside.join("Hidden/secret-song.wav").display().to_string();
    sql(&app, move |c| {
        c.execute("UPDATE albums SET cover_path = ?1", [&secret_path])?;
        c.execute("UPDATE tracks SET path = ?1", [&outside_song])
    })
    .await;
    let data = app
        .gql_ok(
            Some(&admin.access),
            "{ albums { edges { node { coverUrl } } } tracks { edges { node { streamUrl } } } }",
            json!({}),
        )
        .await;
    let cover = data["albums"]["edges"][0]["node"]["coverUrl"].as_str().expect("a cover link");
    let stream = data["tracks"]["edges"][0]["node"]["streamUrl"].as_str().unwrap();
    let jwt_secret = std::fs::read_to_string(&secret).unwrap();
    for url in [cover.to_string(), format!("{cover}&size=64"), stream.to_string()] {
        let response = app.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{url}");
        assert!(!response.text().await.unwrap().contains(jwt_secret.trim()));
    }
}

#[cfg(unix)]
#[tokio::test]
async fn following_links_is_a_setting_and_still_stays_inside_the_music_folders() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    fixtures::wav(&music.join("Real/01.wav"), 0.3);
    fixtures::wav(&dir.path().join("elsewhere/02.wav"), 0.3);
    std::os::unix::fs::symlink(music.join("Real"), music.join("Alias")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), music.join("Outside")).unwrap();
    let folder = music.clone();
    let app = TestApp::spawn_with(move |c| {
        c.library.folders = vec![folder];
        c.library.follow_symlinks = true;
    })
    .await;
    let admin = app.register("admin@example.org", "Admin").await;
    app.scan().await;
    let data = app.gql_ok(Some(&admin.access), "{ tracks { totalCount } }", json!({})).await;
    assert_eq!(data["tracks"]["totalCount"], 1, "the alias is the same file, the outside link is skipped");
}

#[tokio::test]
async fn covers_are_images_by_content_and_thumbnails_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    fixtures::wav(&music.join("A/Text Cover/01.wav"), 0.3);
    std::fs::write(music.join("A/Text Cover/cover.jpg"), b"not a picture at all").unwrap();
    fixtures::wav(&music.join("B/Big Cover/01.wav"), 0.3);
    fixtures::image_png(&music.join("B/Big Cover/cover.png"), 600);
    let (app, admin) = TestApp::with_music(&music).await;
    app.scan().await;
    let data = app.gql_ok(Some(&admin.access), "{ albums { edges { node { title coverUrl } } } }", json!({})).await;
    let albums = data["albums"]["edges"].as_array().unwrap();
    let cover_of = |title: &str| {
        albums.iter().find(|a| a["node"]["title"] == title).unwrap()["node"]["coverUrl"].as_str().map(str::to_string)
    };
    assert_eq!(cover_of("Text Cover"), None, "a cover.jpg that is not an image is ignored");
    let url = cover_of("Big Cover").expect("a real cover");
    for (asked, expected) in [(300, 512), (1, 32), (40, 64), (5000, 600)] {
        let bytes =
            app.client.get(app.url(&format!("{url}&size={asked}"))).send().await.unwrap().bytes().await.unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(img.width(), expected, "size {asked} snaps to {expected}");
    }

    // A picture too large to decode safely is not resized (the original is still served).
    fixtures::image_png(&music.join("B/Big Cover/cover.png"), 4200);
    app.state.media.thumbnails.invalidate_all();
    let response = app.client.get(app.url(&format!("{url}&size=128"))).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(app.client.get(app.url(&url)).send().await.unwrap().status(), 200);
}

// ---- request bodies ----

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn multipart_with_operations(
    addr: &str,
    token: Option<&str>,
    operations: Vec<u8>,
) -> Option<reqwest::StatusCode> {
    let form = reqwest::multipart::Form::new()
        .part("operations", reqwest::multipart::Part::bytes(operations))
        .text("map", "{}");
    let mut req = reqwest::Client::new().post(format!("{addr}/graphql")).multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    // The server may answer and close before it has read the whole body.
    req.send().await.ok().map(|r| r.status())
}

#[tokio::test]
async fn a_huge_multipart_part_is_refused_without_being_buffered() {
    let dir = tempfile::tempdir().unwrap();
    let (server, addr) = crate::cli::start(&dir.path().join("data"));
    let client = reqwest::Client::new();
    let reg = client
        .post(format!("{addr}/graphql"))
        .json(&json!({ "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
            "variables": { "i": { "email": "a@example.org", "password": PASSWORD, "username": "A" } } }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let token = reg["data"]["register"]["accessToken"].as_str().unwrap().to_string();
    let before = rss_kb(server.pid());
    let huge = vec![b' '; 96 * 1024 * 1024];
    let anonymous = multipart_with_operations(&addr, None, huge.clone()).await;
    assert!(matches!(anonymous, None | Some(reqwest::StatusCode::UNAUTHORIZED)), "{anonymous:?}");
    let signed_in = multipart_with_operations(&addr, Some(&token), huge).await;
    assert!(matches!(signed_in, None | Some(reqwest::StatusCode::PAYLOAD_TOO_LARGE)), "{signed_in:?}");
    let grown_mb = rss_kb(server.pid()).saturating_sub(before) / 1024;
    assert!(grown_mb < 32, "the server grew by {grown_mb} MB for a part it should refuse");
    let alive = client.get(format!("{addr}/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), 200);
}

#[tokio::test]
async fn an_announced_oversize_json_body_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let mut stream = TcpStream::connect(host_port(&app)).await.unwrap();
    let head =
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    // Without the check the server waited 300 s for a body that never comes.
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await.expect("an answer").unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

// ---- connections ----

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed() {
    let app = TestApp::spawn_with(|c| c.server.header_read_timeout_secs = 1).await;
    let mut silent = TcpStream::connect(host_port(&app)).await.unwrap();
    let mut slow = TcpStream::connect(host_port(&app)).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut idle = TcpStream::connect(host_port(&app)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    for (name, stream) in [("silent", &mut silent), ("slow", &mut slow), ("idle", &mut idle)] {
        assert!(closed_by_server(stream, Duration::from_secs(15)).await, "the {name} connection stayed open");
    }
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    let app = TestApp::spawn_with(|c| c.server.max_connections = 2).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(host_port(&app)).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        held.push(s);
    }
    let third = app.client.get(app.url("/healthz")).send();
    tokio::pin!(third);
    assert!(
        tokio::time::timeout(Duration::from_millis(500), &mut third).await.is_err(),
        "a third connection was served past the cap of two"
    );
    drop(held.pop());
    let answered = tokio::time::timeout(Duration::from_secs(10), third).await.expect("served once a slot frees");
    assert_eq!(answered.unwrap().status(), 200);
}

#[tokio::test]
async fn a_subscription_socket_that_never_initialises_is_closed() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = TestApp::spawn().await;
    let mut request = format!("ws://{}/graphql/ws", host_port(&app)).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(Ok(message)) = socket.next().await {
            if message.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "a socket without connection_init stayed open");
}

// ---- mutations and playlists ----

async fn playlist_with_tracks(app: &TestApp, token: &str, tracks: usize) -> (String, Vec<String>) {
    let ids: Vec<String> = app.gql_ok(Some(token), "{ tracks(first: 100) { edges { node { id } } } }", json!({})).await
        ["tracks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect();
    let created =
        app.gql_ok(Some(token), "mutation { createPlaylist(input: {name: \"Mix\"}) { id } }", json!({})).await;
    let playlist = created["createPlaylist"]["id"].as_str().unwrap().to_string();
    let add = "mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { id } }";
    let chosen: Vec<&String> = ids.iter().cycle().take(tracks).collect();
    app.gql_ok(Some(token), add, json!({ "p": playlist, "t": chosen })).await;
    (playlist, ids)
}

#[tokio::test]
async fn one_request_cannot_alias_a_thousand_mutations() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("a.wav"), 0.2);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let (playlist, ids) = playlist_with_tracks(&app, &admin.access, 1).await;
    let aliases: String = (0..11)
        .map(|i| {
            format!(
                "a{i}: addTracksToPlaylist(playlistId: \"{playlist}\", trackIds: [\"{}\"], position: 0) {{ id }} ",
                ids[0]
            )
        })
        .collect();
    let body = app.gql(Some(&admin.access), &format!("mutation {{ {aliases} }}"), json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("at most 10 mutations"), "{body}");
    // Hidden in a fragment, they still count.
    let fragment = format!("mutation {{ ...many }} fragment many on Mutation {{ {aliases} }}");
    let body = app.gql(Some(&admin.access), &fragment, json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("at most 10 mutations"), "{body}");
    let count = app
        .gql_ok(
            Some(&admin.access),
            "query($p: ID!) { playlist(id: $p) { items { totalCount } } }",
            json!({ "p": playlist }),
        )
        .await;
    assert_eq!(count["playlist"]["items"]["totalCount"], 1, "nothing ran");
}

/// (item id, stored sort key) of every item.
async fn item_keys(app: &TestApp, playlist: &str) -> Vec<(String, i64)> {
    let p = playlist.to_string();
    sql(app, move |c| {
        c.prepare("SELECT id, position FROM playlist_tracks WHERE playlist_id = ?1")?
            .query_map([&p], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    })
    .await
}

#[tokio::test]
async fn inserting_at_the_top_writes_only_the_new_rows_and_playlists_have_a_cap() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("a.wav"), 0.2);
    let folder = music.path().to_path_buf();
    let app = TestApp::spawn_with(move |c| {
        c.library.folders = vec![folder];
        c.limits.max_playlist_items = 50;
    })
    .await;
    let admin = app.register("admin@example.org", "Admin").await;
    app.scan().await;
    let (playlist, ids) = playlist_with_tracks(&app, &admin.access, 40).await;
    let before = item_keys(&app, &playlist).await;
    let add =
        "mutation($p: ID!, $t: [ID!]!, $at: Int) { addTracksToPlaylist(playlistId: $p, trackIds: $t, position: $at) {
        items(first: 100) { totalCount edges { node { position } } } } }";
    let data = app.gql_ok(Some(&admin.access), add, json!({ "p": playlist, "t": [ids[0], ids[0]], "at": 0 })).await;
    let positions: Vec<i64> = data["addTracksToPlaylist"]["items"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (0..42).collect::<Vec<_>>(), "clients still see positions 0..n");
    let after = item_keys(&app, &playlist).await;
    for (id, key) in &before {
        assert!(after.contains(&(id.clone(), *key)), "item {id} was rewritten by an insert before it");
    }
    let over = app.gql(Some(&admin.access), add, json!({ "p": playlist, "t": vec![&ids[0]; 9], "at": null })).await;
    assert_eq!(error_code(&over), "BAD_USER_INPUT", "{over}");
    assert!(over["errors"][0]["message"].as_str().unwrap().contains("at most 50"));
}

// ---- sign-in throttling ----

/// A password sign-in from `ip` (behind a trusted proxy), with an optional device cookie.
/// Returns the body and the device cookie the server set, if any.
async fn login_from(
    app: &TestApp,
    ip: &str,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> (Value, Option<String>) {
    let query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }";
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", ip)
        .json(&json!({ "query": query, "variables": { "e": email, "p": password } }));
    if let Some(cookie) = device {
        req = req.header("cookie", cookie);
    }
    let response = req.send().await.unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("soundroom_device="))
        .map(|v| v.split(';').next().unwrap().to_string());
    (response.json().await.unwrap(), cookie)
}

#[tokio::test]
async fn a_guesser_elsewhere_never_locks_the_owner_out() {
    let app = TestApp::spawn_with(|c| {
        c.server.trust_proxy_headers = true;
        c.limits.auth_attempts_per_account_per_minute = 3;
        c.limits.auth_attempts_per_account_per_hour = 6;
    })
    .await;
    app.register("owner@example.org", "Owner").await;
    let (_, device) = login_from(&app, "192.0.2.1", "owner@example.org", PASSWORD, None).await;
    let device = device.expect("a successful sign-in remembers the browser");
    // One address guessing runs out of tries; the owner, elsewhere, does not notice.
    let mut refused = false;
    for _ in 0..4 {
        let (body, _) = login_from(&app, "198.51.100.9", "owner@example.org", "wrong password!", None).await;
        refused |= body["errors"][0]["extensions"]["code"] == "RATE_LIMITED";
    }
    assert!(refused, "the guesser's own address is throttled");
    let (body, _) = login_from(&app, "192.0.2.2", "owner@example.org", PASSWORD, None).await;
    assert_eq!(body["data"]["login"]["__typename"], "AuthPayload", "{body}");
    // Guessers spread over many addresses use up the account's hourly allowance ...
    for i in 0..4 {
        login_from(&app, &format!("203.0.113.{i}"), "owner@example.org", "wrong password!", None).await;
    }
    let (stranger, _) = login_from(&app, "203.0.113.200", "owner@example.org", PASSWORD, None).await;
    assert_eq!(error_code(&stranger), "RATE_LIMITED", "{stranger}");
    // ... but a browser that signed in before is not held back, wherever it is.
    let (known, _) = login_from(&app, "203.0.113.201", "owner@example.org", PASSWORD, Some(&device)).await;
    assert_eq!(known["data"]["login"]["__typename"], "AuthPayload", "{known}");
}

// ---- what other people see ----

#[tokio::test]
async fn other_people_see_a_profile_not_the_account() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let q = "query($q: String!) { searchUsers(query: $q) { edges { node { username email isAdmin twoFactorEnabled provider } } } }";
    let seen = app.gql_ok(Some(&bob.access), q, json!({ "q": "adm" })).await;
    let node = &seen["searchUsers"]["edges"][0]["node"];
    assert_eq!(node["username"], "Admin");
    assert!(node["email"].is_null());
    assert_eq!(node["isAdmin"], false);
    assert_eq!(node["twoFactorEnabled"], false);
    assert_eq!(node["provider"], "");
    let by_admin = app.gql_ok(Some(&admin.access), q, json!({ "q": "bob" })).await;
    assert_eq!(by_admin["searchUsers"]["edges"][0]["node"]["email"], "bob@example.org");
    assert_eq!(by_admin["searchUsers"]["edges"][0]["node"]["provider"], "password");
    let me = app.gql_ok(Some(&admin.access), "{ me { isAdmin provider } }", json!({})).await;
    assert_eq!(me["me"]["isAdmin"], true);

    let everyone = app.gql_ok(Some(&bob.access), q, json!({ "q": "" })).await;
    assert_eq!(everyone["searchUsers"]["edges"], json!([]), "an empty search lists nobody");
    for long in ["x".repeat(65), "%_".repeat(30_000)] {
        let body = app.gql(Some(&bob.access), q, json!({ "q": long })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
}

#[tokio::test]
async fn crediting_an_upload_to_someone_elses_artist_or_album_does_not_take_it_over() {
    use crate::uploads::upload;
    let app = TestApp::spawn().await;
    app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let artist = app
        .gql_ok(Some(&ann.access), "mutation { createArtist(input: {name: \"Ann Band\"}) { id } }", json!({}))
        .await["createArtist"]["id"]
        .clone();
    let tone = |title: &str, album: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.mp3");
        fixtures::tone(
            &path,
            0.5,
            &[("title", title), ("artist", "Ann Band"), ("album", album)],
            &["-c:a", "libmp3lame"],
        );
        std::fs::read(path).unwrap()
    };
    let own = upload(&app, Some(&ann.access), tone("Ann's", "Ann LP"), "a.mp3", json!(null)).await;
    let album = app
        .gql_ok(
            Some(&ann.access),
            "query($id: ID!) { track(id: $id) { album { id } } }",
            json!({ "id": own["data"]["uploadTrack"]["id"] }),
        )
        .await["track"]["album"]["id"]
        .clone();
    // Bob tags his upload with Ann's artist and album, which lands it in both.
    let theirs = upload(&app, Some(&bob.access), tone("Bob's", "Ann LP"), "b.mp3", json!(null)).await;
    assert!(theirs["errors"].is_null(), "{theirs}");
    let rename_artist = "mutation($id: ID!) { updateArtist(id: $id, input: {name: \"Ann's Band\"}) { name } }";
    let renamed = app.gql_ok(Some(&ann.access), rename_artist, json!({ "id": artist })).await;
    assert_eq!(renamed["updateArtist"]["name"], "Ann's Band");
    let rename_album = "mutation($id: ID!) { updateAlbum(id: $id, input: {title: \"Ann's LP\"}) { title } }";
    let renamed = app.gql_ok(Some(&ann.access), rename_album, json!({ "id": album })).await;
    assert_eq!(renamed["updateAlbum"]["title"], "Ann's LP");
    // And Bob, whose track is in it, did not gain the album.
    assert_eq!(error_code(&app.gql(Some(&bob.access), rename_album, json!({ "id": album })).await), "FORBIDDEN");
}

// ---- /metrics ----

#[tokio::test]
async fn metrics_can_be_kept_to_localhost_a_token_or_nobody() {
    let local = TestApp::spawn_with(|c| c.server.trust_proxy_headers = true).await;
    assert_eq!(local.client.get(local.url("/metrics")).send().await.unwrap().status(), 200);
    let remote = local.client.get(local.url("/metrics")).header("x-forwarded-for", "198.51.100.7").send().await;
    assert_eq!(remote.unwrap().status(), 404);

    let token = TestApp::spawn_with(|c| {
        c.server.metrics = soundroom::config::MetricsAccess::Token;
        c.server.metrics_token = Some(soundroom::config::Secret::new("a-long-metrics-token"));
    })
    .await;
    assert_eq!(token.client.get(token.url("/metrics")).send().await.unwrap().status(), 404);
    let with = token.client.get(token.url("/metrics")).bearer_auth("a-long-metrics-token").send().await.unwrap();
    assert_eq!(with.status(), 200);

    let off = TestApp::spawn_with(|c| c.server.metrics = soundroom::config::MetricsAccess::Off).await;
    assert_eq!(off.client.get(off.url("/metrics")).send().await.unwrap().status(), 404);
}
