//! The Subsonic API at `/rest`: app passwords, every authentication method and error code,
//! XML and JSON, browsing, streaming, favourites, scrobbles and privacy between two people.

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{Session, TestApp};

struct App {
    app: TestApp,
    admin: Session,
    ann: Session,
    bob: Session,
    _music: tempfile::TempDir,
}

async fn setup() -> App {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("Band/Record/01 - First.wav"), 1.0);
    fixtures::wav(&music.path().join("Band/Record/02 - Second.wav"), 1.0);
    let (app, admin) = TestApp::with_music(music.path()).await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    app.scan().await;
    App { app, admin, ann, bob, _music: music }
}

/// A new app password: (password, apiKey, id).
async fn app_password(app: &TestApp, who: &Session, label: &str) -> (String, String, String) {
    let made = app
        .gql_ok(
            Some(&who.access),
            "mutation($l: String!) { createSubsonicPassword(label: $l) { id label password apiKey createdAt } }",
            json!({ "l": label }),
        )
        .await;
    let m = &made["createSubsonicPassword"];
    (m["password"].as_str().unwrap().into(), m["apiKey"].as_str().unwrap().into(), m["id"].as_str().unwrap().into())
}

async fn tag(app: &TestApp, who: &Session) -> String {
    app.gql_ok(Some(&who.access), "{ me { tag } }", json!({})).await["me"]["tag"].as_str().unwrap().to_string()
}

/// GET /rest/<method> with these parameters and `f=json`; the `subsonic-response`.
async fn rest(app: &TestApp, method: &str, params: &[(&str, &str)]) -> Value {
    let mut all: Vec<(&str, &str)> = vec![("v", "1.16.1"), ("c", "test"), ("f", "json")];
    all.extend_from_slice(params);
    let response = app.client.get(app.url(&format!("/rest/{method}"))).query(&all).send().await.unwrap();
    assert_eq!(response.status(), 200, "Subsonic errors are HTTP 200");
    response.json::<Value>().await.unwrap()["subsonic-response"].clone()
}

fn token(password: &str, salt: &str) -> String {
    hex::encode(Md5::digest(format!("{password}{salt}").as_bytes()))
}

fn code(r: &Value) -> i64 {
    assert_eq!(r["status"], "failed", "{r}");
    r["error"]["code"].as_i64().unwrap()
}

#[tokio::test]
async fn app_passwords_open_rest_by_every_method_and_stop_when_revoked() {
    let s = setup().await;
    let (password, api_key, id) = app_password(&s.app, &s.ann, "Phone").await;
    let ann = tag(&s.app, &s.ann).await;
    let salt = "c19b2d";
    let t = token(&password, salt);
    let hex_password = format!("enc:{}", hex::encode(&password));
    for creds in [
        vec![("u", ann.as_str()), ("p", password.as_str())],
        vec![("u", ann.as_str()), ("p", hex_password.as_str())],
        vec![("u", ann.as_str()), ("t", t.as_str()), ("s", salt)],
        vec![("u", "ann@example.org"), ("t", t.as_str()), ("s", salt)],
        vec![("apiKey", api_key.as_str())],
    ] {
        let r = rest(&s.app, "ping.view", &creds).await;
        assert_eq!(r["status"], "ok", "{creds:?}: {r}");
        assert_eq!(r["version"], "1.16.1");
        assert_eq!(r["openSubsonic"], true);
        assert_eq!(r["type"], "soundroom");
    }
    // The account password never opens /rest.
    assert_eq!(code(&rest(&s.app, "ping", &[("u", &ann), ("p", crate::helpers::PASSWORD)]).await), 40);
    assert_eq!(code(&rest(&s.app, "ping", &[("u", &ann), ("t", &token("wrong", salt)), ("s", salt)]).await), 40);
    assert_eq!(code(&rest(&s.app, "ping", &[("u", &ann)]).await), 10);
    assert_eq!(code(&rest(&s.app, "ping", &[]).await), 10);
    assert_eq!(code(&rest(&s.app, "ping", &[("apiKey", &api_key), ("u", &ann)]).await), 43);
    assert_eq!(code(&rest(&s.app, "ping", &[("apiKey", "made-up")]).await), 44);
    // Listed without secrets, with when it was last used.
    let listed = s.app.gql_ok(Some(&s.ann.access), "{ subsonicPasswords { id label lastUsedAt } }", json!({})).await;
    assert_eq!(listed["subsonicPasswords"][0]["label"], "Phone");
    assert!(listed["subsonicPasswords"][0]["lastUsedAt"].is_string());
    // Bob cannot revoke Ann's; Ann's revocation works at once.
    let revoke = "mutation($i: ID!) { revokeSubsonicPassword(id: $i) }";
    let theirs = s.app.gql(Some(&s.bob.access), revoke, json!({ "i": id })).await;
    assert_eq!(crate::helpers::error_code(&theirs), "NOT_FOUND");
    s.app.gql_ok(Some(&s.ann.access), revoke, json!({ "i": id })).await;
    assert_eq!(code(&rest(&s.app, "ping", &[("u", &ann), ("p", &password)]).await), 40);
    assert_eq!(code(&rest(&s.app, "ping", &[("apiKey", &api_key)]).await), 44);
    // Extensions need no credentials.
    let ext = rest(&s.app, "getOpenSubsonicExtensions", &[]).await;
    let names: Vec<&str> =
        ext["openSubsonicExtensions"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"apiKeyAuthentication") && names.contains(&"formPost"), "{names:?}");
}

#[tokio::test]
async fn a_disabled_account_is_refused_and_the_password_is_stored_sealed() {
    let s = setup().await;
    let (password, api_key, _) = app_password(&s.app, &s.bob, "Laptop").await;
    // Neither secret is in the database as written.
    let db = s.app.state.config.database_path();
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for haystack in [&bytes, &wal] {
        assert!(!haystack.windows(password.len()).any(|w| w == password.as_bytes()));
        assert!(!haystack.windows(api_key.len()).any(|w| w == api_key.as_bytes()));
    }
    let disable = "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }";
    s.app.gql_ok(Some(&s.admin.access), disable, json!({ "u": s.bob.user_id })).await;
    assert_eq!(code(&rest(&s.app, "ping", &[("apiKey", &api_key)]).await), 44);
}

#[tokio::test]
async fn browsing_streaming_favourites_and_scrobbles_share_the_web_players_data() {
    let s = setup().await;
    let (_, key, _) = app_password(&s.app, &s.ann, "Phone").await;
    let auth = [("apiKey", key.as_str())];
    let with = |extra: &[(&'static str, String)]| {
        let mut v: Vec<(&str, String)> = auth.iter().map(|(k, v)| (*k, v.to_string())).collect();
        v.extend(extra.iter().cloned());
        v
    };
    let call = |method: &'static str, extra: Vec<(&'static str, String)>| {
        let app = &s.app;
        async move {
            let params: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            rest(app, method, &params).await
        }
    };
    let artists = call("getArtists", with(&[])).await;
    let artist = &artists["artists"]["index"][0]["artist"][0];
    assert_eq!(artist["name"], "Band");
    let artist = call("getArtist", with(&[("id", artist["id"].as_str().unwrap().into())])).await;
    let album_id = artist["artist"]["album"][0]["id"].as_str().unwrap().to_string();
    let album = call("getAlbum", with(&[("id", album_id.clone())])).await;
    let songs = album["album"]["song"].as_array().unwrap();
    let titles: Vec<&str> = songs.iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["First", "Second"], "disc and track order");
    assert_eq!(album["album"]["songCount"], 2);
    let song_id = songs[0]["id"].as_str().unwrap().to_string();
    assert_eq!(call("getAlbum", with(&[("id", "nope".into())])).await["error"]["code"], 70);

    // An empty search3 pages through everything, as syncing apps expect.
    let page =
        call("search3", with(&[("query", "".into()), ("songCount", "1".into()), ("songOffset", "1".into())])).await;
    assert_eq!(page["searchResult3"]["song"][0]["title"], "Second");
    let found = call("search3", with(&[("query", "first".into())])).await;
    assert_eq!(found["searchResult3"]["song"][0]["id"], song_id.as_str());

    // Starring here is a favourite in the web UI.
    call("star", with(&[("id", song_id.clone())])).await;
    let favs = s.app.gql_ok(Some(&s.ann.access), "{ favorites(first: 5) { edges { node { id } } } }", json!({})).await;
    assert_eq!(favs["favorites"]["edges"][0]["node"]["id"], song_id.as_str());
    let song = call("getSong", with(&[("id", song_id.clone())])).await;
    assert!(song["song"]["starred"].is_string());
    // A submitted scrobble is a play in the same history; streaming is not.
    let audio =
        s.app.client.get(s.app.url("/rest/stream")).query(&[("apiKey", key.as_str()), ("id", song_id.as_str())]);
    let audio = audio.header("range", "bytes=0-99").send().await.unwrap();
    assert_eq!(audio.status(), 206, "originals stream with Range");
    assert_eq!(audio.bytes().await.unwrap().len(), 100);
    call("scrobble", with(&[("id", song_id.clone()), ("submission", "true".into())])).await;
    let recent = s.app.gql_ok(Some(&s.ann.access), "{ recentlyPlayed { track { id } } }", json!({})).await;
    assert_eq!(recent["recentlyPlayed"].as_array().unwrap().len(), 1);

    // XML is the default, with lists as repeated elements.
    let xml = s
        .app
        .client
        .get(s.app.url("/rest/getAlbum.view"))
        .query(&[("apiKey", key.as_str()), ("id", album_id.as_str())]);
    let xml = xml.send().await.unwrap().text().await.unwrap();
    assert!(xml.contains(r#"<subsonic-response xmlns="http://subsonic.org/restapi" status="ok""#), "{xml}");
    assert_eq!(xml.matches("<song ").count(), 2);
    // formPost: the same parameters in a urlencoded body.
    let posted = s.app.client.post(s.app.url("/rest/ping")).form(&[("apiKey", key.as_str()), ("f", "json")]);
    let posted: Value = posted.send().await.unwrap().json().await.unwrap();
    assert_eq!(posted["subsonic-response"]["status"], "ok");
    // Unknown methods are Subsonic errors, not 404 pages.
    assert_eq!(code(&call("makeCoffee", with(&[])).await), 0);
}

#[tokio::test]
async fn another_persons_private_playlist_is_invisible() {
    let s = setup().await;
    let playlist = s
        .app
        .gql_ok(Some(&s.ann.access), "mutation { createPlaylist(input: {name: \"Ann's\"}) { id } }", json!({}))
        .await;
    let id = playlist["createPlaylist"]["id"].as_str().unwrap().to_string();
    let (_, ann_key, _) = app_password(&s.app, &s.ann, "Phone").await;
    let (_, bob_key, _) = app_password(&s.app, &s.bob, "Phone").await;
    let mine = rest(&s.app, "getPlaylists", &[("apiKey", &ann_key)]).await;
    assert_eq!(mine["playlists"]["playlist"][0]["name"], "Ann's");
    let theirs = rest(&s.app, "getPlaylists", &[("apiKey", &bob_key)]).await;
    assert_eq!(theirs["playlists"]["playlist"], json!([]));
    assert_eq!(code(&rest(&s.app, "getPlaylist", &[("apiKey", &bob_key), ("id", &id)]).await), 70);
}

#[tokio::test]
async fn playlists_lists_and_what_soundroom_does_not_do() {
    let s = setup().await;
    let (_, key, _) = app_password(&s.app, &s.ann, "Phone").await;
    let k = key.as_str();
    let album = rest(&s.app, "search3", &[("apiKey", k), ("query", "")]).await;
    let ids: Vec<String> = album["searchResult3"]["song"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    // createPlaylist with songs, then update by index: remove the first, rename, add again.
    let made = rest(
        &s.app,
        "createPlaylist",
        &[("apiKey", k), ("name", "Road trip"), ("songId", &ids[0]), ("songId", &ids[1])],
    )
    .await;
    let id = made["playlist"]["id"].as_str().unwrap().to_string();
    assert_eq!(made["playlist"]["songCount"], 2);
    let updated = rest(
        &s.app,
        "updatePlaylist",
        &[
            ("apiKey", k),
            ("playlistId", &id),
            ("name", "Long trip"),
            ("songIndexToRemove", "0"),
            ("songIdToAdd", &ids[0]),
        ],
    )
    .await;
    assert_eq!(updated["status"], "ok", "{updated}");
    let got = rest(&s.app, "getPlaylist", &[("apiKey", k), ("id", &id)]).await;
    assert_eq!(got["playlist"]["name"], "Long trip");
    let order: Vec<&str> =
        got["playlist"]["entry"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(order, [ids[1].as_str(), ids[0].as_str()]);
    let bad = rest(&s.app, "updatePlaylist", &[("apiKey", k), ("playlistId", &id), ("songIndexToRemove", "9")]).await;
    assert_eq!(code(&bad), 0);
    let (_, bob_key, _) = app_password(&s.app, &s.bob, "Phone").await;
    assert_eq!(code(&rest(&s.app, "deletePlaylist", &[("apiKey", &bob_key), ("id", &id)]).await), 70, "not Bob's");
    assert_eq!(rest(&s.app, "deletePlaylist", &[("apiKey", k), ("id", &id)]).await["status"], "ok");

    // Lists.
    rest(&s.app, "star", &[("apiKey", k), ("id", &ids[1])]).await;
    let starred = rest(&s.app, "getStarred2", &[("apiKey", k)]).await;
    assert_eq!(starred["starred2"]["song"][0]["id"], ids[1].as_str());
    let random = rest(&s.app, "getRandomSongs", &[("apiKey", k), ("size", "5")]).await;
    assert_eq!(random["randomSongs"]["song"].as_array().unwrap().len(), 2);
    for kind in ["alphabeticalByName", "alphabeticalByArtist", "newest", "random", "recent", "frequent"] {
        let list = rest(&s.app, "getAlbumList2", &[("apiKey", k), ("type", kind)]).await;
        assert_eq!(list["albumList2"]["album"][0]["name"], "Record", "{kind}: {list}");
    }
    let starred = rest(&s.app, "getAlbumList2", &[("apiKey", k), ("type", "starred")]).await;
    assert_eq!(starred["albumList2"]["album"], json!([]), "no album starred yet");
    assert_eq!(code(&rest(&s.app, "getAlbumList2", &[("apiKey", k), ("type", "byYear")]).await), 10);
    assert_eq!(code(&rest(&s.app, "getAlbumList2", &[("apiKey", k), ("type", "sideways")]).await), 0);
    assert_eq!(code(&rest(&s.app, "getAlbumList2", &[("apiKey", k)]).await), 10);
    // Empty where Soundroom has nothing of the kind; account admin stays in the web UI.
    assert_eq!(rest(&s.app, "getPodcasts", &[("apiKey", k)]).await["podcasts"]["channel"], json!([]));
    assert_eq!(rest(&s.app, "getTopSongs", &[("apiKey", k), ("artist", "Band")]).await["topSongs"]["song"], json!([]));
    assert_eq!(code(&rest(&s.app, "getUsers", &[("apiKey", k)]).await), 50);
    assert_eq!(code(&rest(&s.app, "startScan", &[("apiKey", k)]).await), 50, "administrators only");
    let user = rest(&s.app, "getUser", &[("apiKey", k)]).await;
    assert_eq!(user["user"]["adminRole"], false);
}

#[tokio::test]
async fn now_playing_shows_friends_who_share_it() {
    let s = setup().await;
    let sent = s
        .app
        .gql_ok(
            Some(&s.ann.access),
            "mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }",
            json!({ "u": s.bob.user_id }),
        )
        .await;
    let accept = "mutation($r: ID!) { acceptFriendRequest(requestId: $r) { id } }";
    s.app.gql_ok(Some(&s.bob.access), accept, json!({ "r": sent["sendFriendRequest"]["id"] })).await;
    let (_, ann_key, _) = app_password(&s.app, &s.ann, "Phone").await;
    let (_, bob_key, _) = app_password(&s.app, &s.bob, "Phone").await;
    let songs = rest(&s.app, "search3", &[("apiKey", &ann_key), ("query", "")]).await;
    let song = songs["searchResult3"]["song"][0]["id"].as_str().unwrap().to_string();
    // A scrobble with submission=false is "now playing", which Bob (a friend) sees.
    rest(&s.app, "scrobble", &[("apiKey", &ann_key), ("id", &song), ("submission", "false")]).await;
    let bob_sees = rest(&s.app, "getNowPlaying", &[("apiKey", &bob_key)]).await;
    assert_eq!(bob_sees["nowPlaying"]["entry"][0]["id"], song.as_str());
    s.app.gql_ok(Some(&s.ann.access), "mutation { setActivitySharing(on: false) }", json!({})).await;
    let bob_sees = rest(&s.app, "getNowPlaying", &[("apiKey", &bob_key)]).await;
    assert_eq!(bob_sees["nowPlaying"]["entry"], json!([]), "Ann stopped sharing");
    // Ann still sees what her own devices play.
    let ann_sees = rest(&s.app, "getNowPlaying", &[("apiKey", &ann_key)]).await;
    assert_eq!(ann_sees["nowPlaying"]["entry"][0]["id"], song.as_str());
}

#[tokio::test]
async fn folder_style_browsing_walks_artists_albums_and_songs() {
    let s = setup().await;
    let (_, key, _) = app_password(&s.app, &s.ann, "DSub").await;
    let indexes = rest(&s.app, "getIndexes", &[("apiKey", &key)]).await;
    let artist = indexes["indexes"]["index"][0]["artist"][0]["id"].as_str().unwrap().to_string();
    let dir = rest(&s.app, "getMusicDirectory", &[("apiKey", &key), ("id", &artist)]).await;
    assert_eq!(dir["directory"]["name"], "Band");
    let album = &dir["directory"]["child"][0];
    assert_eq!((album["title"].as_str(), album["isDir"].as_bool()), (Some("Record"), Some(true)));
    let songs = rest(&s.app, "getMusicDirectory", &[("apiKey", &key), ("id", album["id"].as_str().unwrap())]).await;
    assert_eq!(songs["directory"]["child"].as_array().unwrap().len(), 2);
    assert_eq!(songs["directory"]["child"][0]["isDir"], false);
    assert_eq!(code(&rest(&s.app, "getMusicDirectory", &[("apiKey", &key), ("id", "nope")]).await), 70);
}

#[tokio::test]
async fn the_play_queue_and_bookmarks_follow_a_person_between_apps() {
    let s = setup().await;
    let (_, phone, _) = app_password(&s.app, &s.ann, "Phone").await;
    let (_, laptop, _) = app_password(&s.app, &s.ann, "Laptop").await;
    let songs = rest(&s.app, "search3", &[("apiKey", &phone), ("query", "")]).await;
    let ids: Vec<String> = songs["searchResult3"]["song"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let saved = rest(
        &s.app,
        "savePlayQueue",
        &[("apiKey", &phone), ("id", &ids[1]), ("id", &ids[0]), ("current", &ids[0]), ("position", "4200")],
    )
    .await;
    assert_eq!(saved["status"], "ok", "{saved}");
    let queue = rest(&s.app, "getPlayQueue", &[("apiKey", &laptop)]).await;
    assert_eq!(queue["playQueue"]["current"], ids[0].as_str());
    assert_eq!(queue["playQueue"]["position"], 4200);
    assert_eq!(queue["playQueue"]["changedBy"], "test");
    let order: Vec<&str> =
        queue["playQueue"]["entry"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(order, [ids[1].as_str(), ids[0].as_str()]);
    // Bad input changes nothing.
    let bad = rest(&s.app, "savePlayQueue", &[("apiKey", &phone), ("id", "nope")]).await;
    assert_eq!(code(&bad), 70);
    let (_, bob, _) = app_password(&s.app, &s.bob, "Phone").await;
    assert_eq!(rest(&s.app, "getPlayQueue", &[("apiKey", &bob)]).await["playQueue"]["entry"], json!([]), "Ann's only");
    assert_eq!(rest(&s.app, "getPlayQueue", &[("apiKey", &laptop)]).await["playQueue"]["position"], 4200);

    rest(&s.app, "createBookmark", &[("apiKey", &phone), ("id", &ids[0]), ("position", "1500"), ("comment", "here")])
        .await;
    let marks = rest(&s.app, "getBookmarks", &[("apiKey", &laptop)]).await;
    assert_eq!(marks["bookmarks"]["bookmark"][0]["position"], 1500);
    assert_eq!(marks["bookmarks"]["bookmark"][0]["entry"]["id"], ids[0].as_str());
    assert_eq!(rest(&s.app, "getBookmarks", &[("apiKey", &bob)]).await["bookmarks"]["bookmark"], json!([]));
    rest(&s.app, "deleteBookmark", &[("apiKey", &laptop), ("id", &ids[0])]).await;
    assert_eq!(rest(&s.app, "getBookmarks", &[("apiKey", &phone)]).await["bookmarks"]["bookmark"], json!([]));
    assert_eq!(code(&rest(&s.app, "deleteBookmark", &[("apiKey", &phone), ("id", &ids[0])]).await), 70);
}

#[tokio::test]
async fn albums_and_artists_are_starred_and_rated_and_lists_follow() {
    let music = tempfile::tempdir().unwrap();
    let flac = &["-c:a", "flac"][..];
    let tags = |artist, album, title, year, genre| {
        [("artist", artist), ("album", album), ("title", title), ("date", year), ("genre", genre)]
    };
    fixtures::tone(&music.path().join("A/Old/1.flac"), 1.0, &tags("Alpha", "Old", "One", "1990", "Jazz"), flac);
    fixtures::tone(&music.path().join("B/Mid/1.flac"), 1.0, &tags("Beta", "Mid", "Two", "2005", "Rock"), flac);
    fixtures::tone(&music.path().join("B/New/1.flac"), 1.0, &tags("Beta", "New", "Three", "2020", "Rock"), flac);
    let (app, _admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let (_, k, _) = app_password(&app, &ann, "Phone").await;
    let (_, bob_key, _) = app_password(&app, &bob, "Phone").await;
    let k = k.as_str();
    let list = |kind: &'static str, extra: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let mut params = vec![("apiKey", k), ("type", kind)];
            params.extend(extra);
            let r = rest(app, "getAlbumList2", &params).await;
            r["albumList2"]["album"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("byYear", vec![("fromYear", "2000"), ("toYear", "2030")]).await, vec!["Mid", "New"]);
    assert_eq!(
        list("byYear", vec![("fromYear", "2030"), ("toYear", "1980")]).await,
        vec!["New", "Mid", "Old"],
        "reversed range: newest first"
    );
    assert_eq!(list("byGenre", vec![("genre", "rock")]).await, vec!["Mid", "New"]);

    let all = rest(&app, "getAlbumList2", &[("apiKey", k), ("type", "alphabeticalByName")]).await;
    let album =
        |name: &str| all["albumList2"]["album"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap().clone();
    let (mid, old) = (album("Mid"), album("Old"));
    // Star an album by albumId, an artist by artistId, and an album by a bare id (folder apps).
    assert_eq!(rest(&app, "star", &[("apiKey", k), ("albumId", mid["id"].as_str().unwrap())]).await["status"], "ok");
    assert_eq!(
        rest(&app, "star", &[("apiKey", k), ("artistId", mid["artistId"].as_str().unwrap())]).await["status"],
        "ok"
    );
    assert_eq!(rest(&app, "star", &[("apiKey", k), ("id", old["id"].as_str().unwrap())]).await["status"], "ok");
    assert_eq!(code(&rest(&app, "star", &[("apiKey", k), ("id", "nope")]).await), 70);
    assert_eq!(list("starred", vec![]).await, vec!["Mid", "Old"]);
    let starred = rest(&app, "getStarred2", &[("apiKey", k)]).await;
    assert_eq!(starred["starred2"]["artist"][0]["name"], "Beta");
    assert!(starred["starred2"]["album"][0]["starred"].is_string());
    // Bob's stars are his own.
    let bobs = rest(&app, "getStarred2", &[("apiKey", &bob_key)]).await;
    assert_eq!(bobs["starred2"]["album"], json!([]));
    rest(&app, "unstar", &[("apiKey", k), ("id", old["id"].as_str().unwrap())]).await;
    assert_eq!(list("starred", vec![]).await, vec!["Mid"]);

    // Ratings: albums and songs, 0 clears, out of range changes nothing.
    assert_eq!(
        rest(&app, "setRating", &[("apiKey", k), ("id", old["id"].as_str().unwrap()), ("rating", "5")]).await["status"],
        "ok"
    );
    assert_eq!(
        rest(&app, "setRating", &[("apiKey", k), ("id", mid["id"].as_str().unwrap()), ("rating", "2")]).await["status"],
        "ok"
    );
    assert_eq!(
        code(&rest(&app, "setRating", &[("apiKey", k), ("id", mid["id"].as_str().unwrap()), ("rating", "9")]).await),
        0
    );
    assert_eq!(code(&rest(&app, "setRating", &[("apiKey", k), ("id", mid["id"].as_str().unwrap())]).await), 10);
    assert_eq!(list("highest", vec![]).await, vec!["Old", "Mid", "New"]);
    let got = rest(&app, "getAlbum", &[("apiKey", k), ("id", mid["id"].as_str().unwrap())]).await;
    assert_eq!(got["album"]["userRating"], 2);
    let song = got["album"]["song"][0]["id"].as_str().unwrap().to_string();
    rest(&app, "setRating", &[("apiKey", k), ("id", &song), ("rating", "3")]).await;
    assert_eq!(rest(&app, "getSong", &[("apiKey", k), ("id", &song)]).await["song"]["userRating"], 3);
    rest(&app, "setRating", &[("apiKey", k), ("id", &song), ("rating", "0")]).await;
    assert!(rest(&app, "getSong", &[("apiKey", k), ("id", &song)]).await["song"].get("userRating").is_none());
}

#[tokio::test]
async fn lyrics_are_served_structured_and_by_name() {
    let music = tempfile::tempdir().unwrap();
    let song = music.path().join("Band/Record/01 - Sing.wav");
    fixtures::wav(&song, 1.0);
    std::fs::write(song.with_extension("lrc"), "[00:00.20]La & la\n[00:00.80]Done\n").unwrap();
    fixtures::wav(&music.path().join("Band/Record/02 - Quiet.wav"), 1.0);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let (_, k, _) = app_password(&app, &admin, "Phone").await;
    let ext = rest(&app, "getOpenSubsonicExtensions", &[]).await;
    assert!(ext["openSubsonicExtensions"].as_array().unwrap().iter().any(|e| e["name"] == "songLyrics"));
    let songs = rest(&app, "search3", &[("apiKey", &k), ("query", "")]).await;
    let id_of = |title: &str| {
        songs["searchResult3"]["song"].as_array().unwrap().iter().find(|s| s["title"] == title).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let found = rest(&app, "getLyricsBySongId", &[("apiKey", &k), ("id", &id_of("Sing"))]).await;
    let lyrics = &found["lyricsList"]["structuredLyrics"][0];
    assert_eq!(lyrics["synced"], true);
    assert_eq!(lyrics["displayArtist"], "Band");
    assert_eq!(lyrics["line"], json!([{ "start": 200, "value": "La & la" }, { "start": 800, "value": "Done" }]));
    let none = rest(&app, "getLyricsBySongId", &[("apiKey", &k), ("id", &id_of("Quiet"))]).await;
    assert_eq!(none["lyricsList"]["structuredLyrics"], json!([]));
    assert_eq!(code(&rest(&app, "getLyricsBySongId", &[("apiKey", &k), ("id", "nope")]).await), 70);
    // XML carries each line as element text; the legacy call finds lyrics by title.
    let xml = app
        .client
        .get(app.url("/rest/getLyricsBySongId.view"))
        .query(&[("apiKey", k.as_str()), ("id", &id_of("Sing")), ("c", "t"), ("v", "1.16.1")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xml.contains(r#"<line start="200">La &amp; la</line>"#), "{xml}");
    let legacy = rest(&app, "getLyrics", &[("apiKey", &k), ("artist", "Band"), ("title", "Sing")]).await;
    assert_eq!(legacy["lyrics"]["value"], "La & la\nDone");
}
