use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{Session, TestApp, error_code};

const UPLOAD: &str = "mutation($f: Upload!, $i: TrackUploadInput) { uploadTrack(file: $f, input: $i) {
    id name codec duration source artist { name } album { title } genre } }";

pub async fn upload(app: &TestApp, token: Option<&str>, bytes: Vec<u8>, filename: &str, input: Value) -> Value {
    let operations = json!({ "query": UPLOAD, "variables": { "f": null, "i": input } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string()));
    let mut req = app.client.post(app.url("/graphql")).multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}

fn mp3_bytes(title: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.mp3");
    fixtures::tone(
        &path,
        1.0,
        &[("title", title), ("artist", "Uploader Band"), ("album", "Uploads")],
        &["-c:a", "libmp3lame"],
    );
    std::fs::read(path).unwrap()
}

fn files_in(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.data_path("uploads")).unwrap().count()
}

#[tokio::test]
async fn uploads_are_probed_by_content_filled_from_tags_and_deduplicated() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bytes = mp3_bytes("Tagged Title");
    // A misleading name: the content decides.
    let body =
        upload(&app, Some(&ann.access), bytes.clone(), "holiday-photo.jpg", json!({ "genre": "Chiptune" })).await;
    assert!(body["errors"].is_null(), "{body}");
    let t = &body["data"]["uploadTrack"];
    assert_eq!(t["codec"], "mp3");
    assert_eq!(t["name"], "Tagged Title");
    assert_eq!(t["artist"]["name"], "Uploader Band");
    assert_eq!(t["genre"], "Chiptune", "input overrides tags");
    assert_eq!(t["source"], "upload");
    assert_eq!(files_in(&app), 1);

    let again = upload(&app, Some(&ann.access), bytes, "copy.mp3", json!(null)).await;
    assert_eq!(error_code(&again), "CONFLICT");
    assert_eq!(files_in(&app), 1, "identical content is stored once");

    let junk = upload(&app, Some(&ann.access), b"definitely not audio".to_vec(), "song.mp3", json!(null)).await;
    assert_eq!(error_code(&junk), "BAD_USER_INPUT");
    assert_eq!(files_in(&app), 1, "a refused upload leaves nothing behind");

    let anon = upload(&app, None, mp3_bytes("Anon"), "a.mp3", json!(null)).await;
    assert_eq!(error_code(&anon), "UNAUTHENTICATED");
    let tracks = app.gql_ok(Some(&ann.access), "{ tracks { totalCount } }", json!({})).await;
    assert_eq!(tracks["tracks"]["totalCount"], 1);
}

#[tokio::test]
async fn uploads_over_the_size_limit_are_refused() {
    let app = TestApp::spawn_with(|c| c.limits.max_upload_mb = 1).await;
    let ann = app.register("ann@example.org", "Ann").await;
    let res = upload(&app, Some(&ann.access), vec![0u8; 2 * 1024 * 1024], "big.mp3", json!(null)).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("larger than 1 MiB"));
    assert_eq!(files_in(&app), 0);
}

async fn uploaded(app: &TestApp, who: &Session, title: &str) -> String {
    let body = upload(app, Some(&who.access), mp3_bytes(title), "t.mp3", json!(null)).await;
    body["data"]["uploadTrack"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_string()
}

#[tokio::test]
async fn only_the_uploader_or_an_admin_edits_or_deletes_a_track() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let id = uploaded(&app, &ann, "Ann's Song").await;
    let edit = "mutation($id: ID!, $i: TrackInput!) { updateTrack(id: $id, input: $i) { name artist { name } album { title } year } }";
    let bob_edit = app.gql(Some(&bob.access), edit, json!({ "id": id, "i": { "name": "Mine now" } })).await;
    assert_eq!(error_code(&bob_edit), "FORBIDDEN");
    let anon = app.gql(None, edit, json!({ "id": id, "i": { "name": "x" } })).await;
    assert_eq!(error_code(&anon), "UNAUTHENTICATED");
    let bad = app.gql(Some(&ann.access), edit, json!({ "id": id, "i": { "year": -5 } })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let ok = app
        .gql_ok(Some(&ann.access), edit, json!({ "id": id, "i": { "name": "Renamed", "artistName": "New Artist", "albumTitle": "New Album", "year": 1999 } }))
        .await;
    assert_eq!(ok["updateTrack"]["name"], "Renamed");
    assert_eq!(ok["updateTrack"]["artist"]["name"], "New Artist");
    assert_eq!(ok["updateTrack"]["album"]["title"], "New Album");
    let admin_edit = app.gql_ok(Some(&admin.access), edit, json!({ "id": id, "i": { "name": "Admin Fix" } })).await;
    assert_eq!(admin_edit["updateTrack"]["name"], "Admin Fix");

    let delete = "mutation($id: ID!) { deleteTrack(id: $id) }";
    assert_eq!(error_code(&app.gql(Some(&bob.access), delete, json!({ "id": id })).await), "FORBIDDEN");
    app.gql_ok(Some(&ann.access), delete, json!({ "id": id })).await;
    assert_eq!(files_in(&app), 0, "the uploaded file goes with the row");
    let missing = app.gql(Some(&ann.access), delete, json!({ "id": id })).await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    // The artists that were only derived from it are gone too.
    let artists = app.gql_ok(Some(&ann.access), "{ artists { totalCount } }", json!({})).await;
    assert_eq!(artists["artists"]["totalCount"], 0);
}

#[tokio::test]
async fn library_files_are_read_only_except_for_admins() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("a/b/song.wav"), 0.5);
    let (app, admin) = TestApp::with_music(music.path()).await;
    let bob = app.register("bob@example.org", "Bob").await;
    app.scan().await;
    let id = app.gql_ok(Some(&bob.access), "{ tracks { edges { node { id } } } }", json!({})).await["tracks"]["edges"]
        [0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edit = "mutation($id: ID!) { updateTrack(id: $id, input: {genre: \"Jazz\"}) { genre } }";
    assert_eq!(error_code(&app.gql(Some(&bob.access), edit, json!({ "id": id })).await), "FORBIDDEN");
    assert_eq!(app.gql_ok(Some(&admin.access), edit, json!({ "id": id })).await["updateTrack"]["genre"], "Jazz");
}

#[tokio::test]
async fn artists_can_be_created_and_edited_by_their_creator_or_an_admin() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let made = app
        .gql_ok(
            Some(&ann.access),
            "mutation { createArtist(input: {name: \"Zoë\", genre: \"Folk\"}) { id name genre } }",
            json!({}),
        )
        .await;
    let id = made["createArtist"]["id"].as_str().unwrap();
    let dup = app.gql(Some(&bob.access), "mutation { createArtist(input: {name: \"zoë\"}) { id } }", json!({})).await;
    assert_eq!(error_code(&dup), "CONFLICT");
    let q = "mutation($id: ID!) { updateArtist(id: $id, input: {genre: \"Rock\"}) { genre } }";
    assert_eq!(error_code(&app.gql(Some(&bob.access), q, json!({ "id": id })).await), "FORBIDDEN");
    assert_eq!(app.gql_ok(Some(&ann.access), q, json!({ "id": id })).await["updateArtist"]["genre"], "Rock");
    let del = "mutation($id: ID!) { deleteArtist(id: $id) }";
    assert_eq!(error_code(&app.gql(Some(&bob.access), del, json!({ "id": id })).await), "FORBIDDEN");
    app.gql_ok(Some(&admin.access), del, json!({ "id": id })).await;
}

/// A GraphQL multipart request with one file at `variables.img`.
async fn with_image(app: &TestApp, token: &str, query: &str, bytes: Vec<u8>) -> Value {
    let operations = json!({ "query": query, "variables": { "img": null } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.img"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(bytes).file_name("i.png"));
    app.client.post(app.url("/graphql")).bearer_auth(token).multipart(form).send().await.unwrap().json().await.unwrap()
}

fn png() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.png");
    fixtures::image_png(&path, 40);
    std::fs::read(path).unwrap()
}

#[tokio::test]
async fn artists_and_playlists_take_an_image_and_bad_images_change_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bad = with_image(
        &app,
        &ann.access,
        "mutation($img: Upload) { createArtist(input: {name: \"Pic\", image: $img}) { id } }",
        b"GIF? no".to_vec(),
    )
    .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let artists = app.gql_ok(Some(&ann.access), "{ artists { totalCount } }", json!({})).await;
    assert_eq!(artists["artists"]["totalCount"], 0, "nothing was created");

    let made = with_image(
        &app,
        &ann.access,
        "mutation($img: Upload) { createArtist(input: {name: \"Pic\", image: $img}) { id imageUrl } }",
        png(),
    )
    .await;
    let url = made["data"]["createArtist"]["imageUrl"].as_str().unwrap_or_else(|| panic!("{made}"));
    let res = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");

    let p = with_image(
        &app,
        &ann.access,
        "mutation($img: Upload) { createPlaylist(input: {name: \"Covered\", image: $img}) { id imageUrl } }",
        png(),
    )
    .await;
    let id = p["data"]["createPlaylist"]["id"].as_str().unwrap().to_string();
    let url = p["data"]["createPlaylist"]["imageUrl"].as_str().unwrap();
    assert_eq!(
        app.client.get(app.url(&format!("{url}&size=20"))).send().await.unwrap().headers()["content-type"],
        "image/jpeg"
    );
    // Replacing the image leaves exactly one image per owner on disk.
    let q = format!("mutation($img: Upload) {{ updatePlaylist(id: \"{id}\", input: {{image: $img}}) {{ imageUrl }} }}");
    let updated = with_image(&app, &ann.access, &q, png()).await;
    assert!(updated["data"]["updatePlaylist"]["imageUrl"].is_string(), "{updated}");
    assert_eq!(std::fs::read_dir(app.state.data_path("images")).unwrap().count(), 2);
}

#[tokio::test]
async fn an_untagged_upload_is_named_after_its_file_and_says_who_may_edit_it() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let dir = tempfile::tempdir().unwrap();
    let wav = std::fs::read(fixtures::wav(&dir.path().join("x.wav"), 0.5)).unwrap();
    let body = upload(&app, Some(&ann.access), wav, "My Folder/Test Tone.wav", json!(null)).await;
    let t = &body["data"]["uploadTrack"];
    assert_eq!(t["name"], "Test Tone", "{body}");
    assert_eq!(t["artist"]["name"], "Unknown Artist");
    assert_eq!(t["album"]["title"], "Unknown Album");
    let id = t["id"].as_str().unwrap();
    for (who, expected) in [(&ann, true), (&bob, false), (&admin, true)] {
        let q =
            app.gql_ok(Some(&who.access), "query($id: ID!) { track(id: $id) { canEdit } }", json!({ "id": id })).await;
        assert_eq!(q["track"]["canEdit"], expected);
    }
}

#[tokio::test]
async fn albums_are_edited_by_admins_or_by_whoever_uploaded_all_their_tracks() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("Band/Shared Album/01 - a.wav"), 0.5);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let own = upload(&app, Some(&ann.access), mp3_bytes("Solo"), "s.mp3", json!({ "albumTitle": "Ann's Album" })).await;
    let own_album = app
        .gql_ok(
            Some(&ann.access),
            "query($id: ID!) { track(id: $id) { album { id } } }",
            json!({ "id": own["data"]["uploadTrack"]["id"] }),
        )
        .await["track"]["album"]["id"]
        .clone();
    let shared = app
        .gql_ok(Some(&ann.access), "{ albums(search: \"shared\") { edges { node { id } } } }", json!({}))
        .await["albums"]["edges"][0]["node"]["id"]
        .clone();
    let q = "mutation($id: ID!, $i: AlbumInput!) { updateAlbum(id: $id, input: $i) { title year artist { name } } }";
    assert_eq!(
        error_code(&app.gql(Some(&ann.access), q, json!({ "id": shared, "i": { "title": "Mine" } })).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.gql(Some(&bob.access), q, json!({ "id": own_album, "i": { "title": "Mine" } })).await),
        "FORBIDDEN"
    );
    let ok = app
        .gql_ok(
            Some(&ann.access),
            q,
            json!({ "id": own_album, "i": { "title": "Renamed", "year": 2020, "artistName": "Ann" } }),
        )
        .await;
    assert_eq!(ok["updateAlbum"]["title"], "Renamed");
    assert_eq!(ok["updateAlbum"]["artist"]["name"], "Ann");
    let ok = app.gql_ok(Some(&admin.access), q, json!({ "id": shared, "i": { "year": 1999 } })).await;
    assert_eq!(ok["updateAlbum"]["year"], 1999);
    let bad = app.gql(Some(&admin.access), q, json!({ "id": shared, "i": { "year": -1 } })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let cover = with_image(
        &app,
        &admin.access,
        &format!("mutation($img: Upload) {{ updateAlbum(id: {shared}, input: {{cover: $img}}) {{ coverUrl }} }}"),
        png(),
    )
    .await;
    let url = cover["data"]["updateAlbum"]["coverUrl"].as_str().unwrap_or_else(|| panic!("{cover}"));
    assert_eq!(app.client.get(app.url(url)).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn half_written_files_from_a_crash_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("uploads")).unwrap();
    std::fs::create_dir_all(data.join("cache/transcodes")).unwrap();
    std::fs::write(data.join("uploads/.tmpAbC123"), b"half an upload").unwrap();
    std::fs::write(data.join("uploads/kept.mp3"), b"a finished upload").unwrap();
    std::fs::write(data.join("cache/transcodes/.partial-xyz"), b"half a transcode").unwrap();
    let data_dir = data.clone();
    let _app = TestApp::spawn_with(move |c| c.storage.data_dir = data_dir).await;
    assert!(!data.join("uploads/.tmpAbC123").exists());
    assert!(!data.join("cache/transcodes/.partial-xyz").exists());
    assert!(data.join("uploads/kept.mp3").exists());
}

#[tokio::test]
async fn an_artist_stays_its_creators_when_others_are_credited_to_it() {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let made = app
        .gql_ok(Some(&ann.access), "mutation { createArtist(input: {name: \"Uploader Band\"}) { id } }", json!({}))
        .await;
    let id = made["createArtist"]["id"].as_str().unwrap().to_string();
    // Bob's upload is credited to the same artist (mp3_bytes tags "Uploader Band"); that must
    // not lock Ann out of her artist (issue 6), nor hand it to Bob.
    let up = upload(&app, Some(&bob.access), mp3_bytes("Bob's"), "b.mp3", json!(null)).await;
    assert!(up["errors"].is_null(), "{up}");
    let q = "mutation($id: ID!, $n: String!) { updateArtist(id: $id, input: {name: $n}) { name } }";
    assert_eq!(error_code(&app.gql(Some(&bob.access), q, json!({ "id": id, "n": "Bob's" })).await), "FORBIDDEN");
    let ann_renamed = app.gql_ok(Some(&ann.access), q, json!({ "id": id, "n": "Ann's" })).await;
    assert_eq!(ann_renamed["updateArtist"]["name"], "Ann's");
    let admin_renamed = app.gql_ok(Some(&admin.access), q, json!({ "id": id, "n": "Mine Alone" })).await;
    assert_eq!(admin_renamed["updateArtist"]["name"], "Mine Alone");
}
