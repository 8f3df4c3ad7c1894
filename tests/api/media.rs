use serde_json::json;

use crate::fixtures;
use crate::helpers::TestApp;

async fn first_track(app: &TestApp, token: &str) -> serde_json::Value {
    let data = app
        .gql_ok(
            Some(token),
            "{ tracks(first: 1) { edges { node { id streamUrl fileSize coverUrl album { coverUrl } } } } }",
            json!({}),
        )
        .await;
    data["tracks"]["edges"][0]["node"].clone()
}

#[tokio::test]
async fn originals_stream_with_range_requests_and_the_right_type() {
    let music = tempfile::tempdir().unwrap();
    let path = music.path().join("a.flac");
    fixtures::tone(&path, 2.0, &[("title", "A")], &["-c:a", "flac"]);
    let original = std::fs::read(&path).unwrap();
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let track = first_track(&app, &admin.access).await;
    let url = app.url(track["streamUrl"].as_str().unwrap());
    assert!(!url.contains(&admin.access), "the access token never goes in a URL");

    let full = app.client.get(&url).send().await.unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["content-type"], "audio/flac");
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    assert!(full.headers().get("content-encoding").is_none());
    assert_eq!(full.bytes().await.unwrap().as_ref(), original.as_slice());

    let part =
        app.client.get(&url).header("range", "bytes=100-1099").header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 100-1099/{}", original.len()));
    assert!(part.headers().get("content-encoding").is_none());
    assert_eq!(part.bytes().await.unwrap().as_ref(), &original[100..1100]);

    let tail = app.client.get(&url).header("range", "bytes=-10").send().await.unwrap();
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &original[original.len() - 10..]);
}

#[tokio::test]
async fn expired_forged_and_misdirected_media_tokens_are_refused() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("x/y/a.wav"), 0.5);
    fixtures::wav(&music.path().join("x/y/b.wav"), 0.5);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let data = app.gql_ok(Some(&admin.access), "{ tracks { edges { node { id streamUrl } } } }", json!({})).await;
    let a = &data["tracks"]["edges"][0]["node"];
    let b_id = data["tracks"]["edges"][1]["node"]["id"].as_str().unwrap();
    let a_url = a["streamUrl"].as_str().unwrap();
    // A's token on B's URL.
    let token = a_url.split("t=").nth(1).unwrap();
    let misdirected = app.client.get(app.url(&format!("/media/stream/{b_id}?t={token}"))).send().await.unwrap();
    assert_eq!(misdirected.status(), 401);
    let a_id = a["id"].as_str().unwrap();
    let signer = &app.state.auth.signer;
    let expired =
        signer.sign(soundroom::auth::jwt::TokenKind::Media, "media", -1, None, Some(&format!("stream/{a_id}")));
    assert_eq!(
        app.client.get(app.url(&format!("/media/stream/{a_id}?t={expired}"))).send().await.unwrap().status(),
        401
    );
    let forged = soundroom::auth::jwt::Signer::new(b"someone else's secret of 32+ chars").sign(
        soundroom::auth::jwt::TokenKind::Media,
        "media",
        60,
        None,
        Some(&format!("stream/{a_id}")),
    );
    assert_eq!(
        app.client.get(app.url(&format!("/media/stream/{a_id}?t={forged}"))).send().await.unwrap().status(),
        401
    );
    // An access token is not a media token.
    let access = app.client.get(app.url(&format!("/media/stream/{a_id}?t={}", admin.access))).send().await.unwrap();
    assert_eq!(access.status(), 401);
    assert_eq!(app.client.get(app.url(&format!("/media/stream/{a_id}"))).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn cover_art_comes_from_tags_or_the_folder_and_is_resized() {
    let music = tempfile::tempdir().unwrap();
    fixtures::tone_with_cover(
        &music.path().join("tagged/a.mp3"),
        &[("title", "Tagged"), ("album", "With Cover"), ("artist", "X")],
    );
    fixtures::wav(&music.path().join("Folk/Foldered/b.wav"), 0.5);
    fixtures::image_png(&music.path().join("Folk/Foldered/cover.png"), 300);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let data = app.gql_ok(Some(&admin.access), "{ albums { edges { node { title coverUrl } } } }", json!({})).await;
    for edge in data["albums"]["edges"].as_array().unwrap() {
        let url = edge["node"]["coverUrl"].as_str().unwrap_or_else(|| panic!("no cover for {edge}"));
        let full = app.client.get(app.url(url)).send().await.unwrap();
        assert_eq!(full.status(), 200);
        assert!(full.headers()["content-type"].to_str().unwrap().starts_with("image/"));
        let small = app.client.get(app.url(&format!("{url}&size=32"))).send().await.unwrap();
        assert_eq!(small.headers()["content-type"], "image/jpeg");
        let etag = small.headers()["etag"].clone();
        let img = image::load_from_memory(&small.bytes().await.unwrap()).unwrap();
        assert!(img.width() <= 32 && img.height() <= 32);
        let again =
            app.client.get(app.url(&format!("{url}&size=32"))).header("if-none-match", etag).send().await.unwrap();
        assert_eq!(again.status(), 304);
    }
    let track = app
        .gql_ok(Some(&admin.access), "{ tracks(search: \"tagged\") { edges { node { coverUrl } } } }", json!({}))
        .await;
    assert!(track["tracks"]["edges"][0]["node"]["coverUrl"].is_string());
}

#[tokio::test]
async fn media_links_die_with_the_account_they_were_issued_to() {
    let music = tempfile::tempdir().unwrap();
    fixtures::wav(&music.path().join("x/y/a.wav"), 0.5);
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    let bob = app.register("bob@example.org", "Bob").await;
    let url = first_track(&app, &bob.access).await["streamUrl"].as_str().unwrap().to_string();
    assert_eq!(app.client.get(app.url(&url)).send().await.unwrap().status(), 200);
    let q = "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }";
    app.gql_ok(Some(&admin.access), q, json!({ "u": bob.user_id })).await;
    assert_eq!(app.client.get(app.url(&url)).send().await.unwrap().status(), 401);
}
