//! Transcoding through the real HTTP endpoint; ffprobe (from ffmpeg) checks the output.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::fixtures::{self, FORMATS};
use crate::helpers::{Session, TestApp};

fn probe_duration(bytes: &[u8], ext: &str) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("out.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    // Decoding the whole file proves it is valid, and gives its exact length.
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-f", "s16le", "-ac", "1", "-ar", "48000", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "ffmpeg could not decode the {ext}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "decode warnings: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout.len() as f64 / 2.0 / 48000.0
}

async fn stream_url(app: &TestApp, s: &Session, search: &str, format: &str, bitrate: Option<i32>) -> String {
    let data = app
        .gql_ok(
            Some(&s.access),
            "query($q: String, $f: StreamFormat!, $b: Int) { tracks(search: $q) { edges { node { streamUrl(format: $f, bitrate: $b) } } } }",
            json!({ "q": search, "f": format, "b": bitrate }),
        )
        .await;
    app.url(
        data["tracks"]["edges"][0]["node"]["streamUrl"].as_str().unwrap_or_else(|| panic!("no track {search}: {data}")),
    )
}

async fn library(files: &[(&str, f64, &[&str])]) -> (tempfile::TempDir, TestApp, Session) {
    let music = tempfile::tempdir().unwrap();
    for (name, seconds, args) in files {
        let title = Path::new(name).file_stem().unwrap().to_str().unwrap().to_string();
        fixtures::tone(&music.path().join(name), *seconds, &[("title", &title)], args);
    }
    let (app, admin) = TestApp::with_music(music.path()).await;
    app.scan().await;
    (music, app, admin)
}

#[tokio::test]
async fn every_format_transcodes_to_opus_and_mp3_with_the_right_duration() {
    let files: Vec<(String, &[&str])> =
        FORMATS.iter().enumerate().map(|(i, f)| (format!("src{i}{}.{}", f.codec, f.ext), f.args)).collect();
    let refs: Vec<(&str, f64, &[&str])> = files.iter().map(|(n, a)| (n.as_str(), 2.0, *a)).collect();
    let (_music, app, admin) = library(&refs).await;
    for (i, f) in FORMATS.iter().enumerate() {
        let search = format!("src{i}{}", f.codec);
        for (format, ext, content_type) in [("OPUS", "opus", "audio/ogg; codecs=opus"), ("MP3", "mp3", "audio/mpeg")] {
            let url = stream_url(&app, &admin, &search, format, Some(128)).await;
            let res = app.client.get(&url).send().await.unwrap();
            assert_eq!(res.status(), 200, "{search} → {format}");
            assert_eq!(res.headers()["content-type"], content_type);
            let body = res.bytes().await.unwrap();
            let d = probe_duration(&body, ext);
            assert!((d - 2.0).abs() <= 0.1, "{} → {format}: {d} s", f.codec);
        }
    }
}

#[tokio::test]
async fn a_time_offset_starts_mid_track_and_bad_parameters_are_refused() {
    let (_music, app, admin) = library(&[("long.flac", 4.0, &["-c:a", "flac"])]).await;
    let url = stream_url(&app, &admin, "long", "OPUS", None).await;
    let body = app.client.get(format!("{url}&timeOffset=1.5")).send().await.unwrap().bytes().await.unwrap();
    let d = probe_duration(&body, "opus");
    assert!((d - 2.5).abs() <= 0.1, "{d}");
    let mp3 = stream_url(&app, &admin, "long", "MP3", None).await;
    let body = app.client.get(format!("{mp3}&timeOffset=3")).send().await.unwrap().bytes().await.unwrap();
    assert!((probe_duration(&body, "mp3") - 1.0).abs() <= 0.1);
    for bad in ["&timeOffset=99", "&timeOffset=-1", "&bitrate=5"] {
        let res = app.client.get(format!("{url}{bad}")).send().await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
    }
    let res = app.client.get(url.replace("format=opus", "format=wma")).send().await.unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn finished_transcodes_are_cached_and_then_served_with_ranges() {
    let (_music, app, admin) = library(&[("c.flac", 2.0, &["-c:a", "flac"])]).await;
    let url = stream_url(&app, &admin, "c", "MP3", Some(160)).await;
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.headers()["accept-ranges"], "none", "a live transcode cannot seek");
    let live = first.bytes().await.unwrap();
    let cache = app.state.media.transcode_cache.dir().to_path_buf();
    // The cache entry is committed right after the last byte is sent; wait for it (bounded).
    let deadline = Instant::now() + Duration::from_secs(10);
    let committed = |dir: &Path| {
        std::fs::read_dir(dir)
            .map(|d| d.filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".mp3")).count())
            .unwrap_or(0)
    };
    while committed(&cache) == 0 {
        assert!(Instant::now() < deadline, "no cache entry appeared");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cached = app.client.get(&url).send().await.unwrap();
    assert_eq!(cached.headers()["accept-ranges"], "bytes");
    assert_eq!(cached.headers()["content-type"], "audio/mpeg");
    assert_eq!(cached.bytes().await.unwrap(), live, "the cached copy is the same bytes");
    let part = app.client.get(&url).header("range", "bytes=0-99").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().len(), 100);
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("soundroom_transcodes_total"), "{metrics}");
}

#[tokio::test]
async fn transcodes_wait_for_a_slot_and_a_client_that_leaves_frees_it() {
    let music = tempfile::tempdir().unwrap();
    fixtures::tone(&music.path().join("ten.mp3"), 600.0, &[("title", "ten")], &["-c:a", "libmp3lame", "-b:a", "64k"]);
    let folder = music.path().to_path_buf();
    let app = TestApp::spawn_with(move |c| {
        c.library.folders = vec![folder];
        c.transcoding.max_concurrent = 1;
    })
    .await;
    let admin = app.register("admin@example.org", "Admin").await;
    app.scan().await;
    let url = stream_url(&app, &admin, "ten", "OPUS", Some(320)).await;
    let slots = app.state.media.transcode_slots.clone();

    let mut first = app.client.get(&url).send().await.unwrap();
    assert!(!first.chunk().await.unwrap().unwrap().is_empty(), "audio starts before the encode is done");
    assert_eq!(slots.available_permits(), 0, "the only slot is taken");

    // A second listener waits while the first holds the slot.
    let second = tokio::spawn({
        let client = app.client.clone();
        let url = url.clone();
        async move { client.get(&url).send().await.unwrap().status() }
    });
    tokio::task::yield_now().await;
    assert!(!second.is_finished());

    // The first listener leaves: its encode stops and the second gets the slot.
    drop(first);
    let status =
        tokio::time::timeout(Duration::from_secs(30), second).await.expect("the waiting transcode started").unwrap();
    assert_eq!(status, 200);
    assert!(
        std::fs::read_dir(app.state.media.transcode_cache.dir())
            .unwrap()
            .all(|e| { !e.unwrap().file_name().to_string_lossy().ends_with(".opus") }),
        "an abandoned transcode is not cached"
    );
}
