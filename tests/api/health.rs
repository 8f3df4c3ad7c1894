use crate::helpers::TestApp;

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn metrics_are_in_prometheus_format_and_count_requests() {
    let app = TestApp::spawn().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("soundroom_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/healthz\""), "{text}");
    assert!(text.contains("soundroom_db_pool_connections"), "{text}");
}

#[tokio::test]
async fn the_web_ui_is_served_with_security_headers_and_spa_fallback() {
    let app = TestApp::spawn().await;
    for path in ["/", "/some/client/route"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    }
    let missing = app.client.get(app.url("/js/does-not-exist.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
}

#[tokio::test]
async fn the_graphql_ide_is_served_from_the_binary_for_browsers() {
    let app = TestApp::spawn().await;
    let res =
        app.client.get(app.url("/graphql")).header("accept", "text/html,application/xhtml+xml").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    let html = res.text().await.unwrap();
    assert!(html.contains("/ide/ide.js"), "{html}");
    assert!(!html.contains("https://"), "no CDN: the IDE works offline");
    let js = app.client.get(app.url("/ide/ide.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    // A GET with a query is still GraphQL.
    let q = app.client.get(app.url("/graphql?query=%7BserverInfo%7Bname%7D%7D")).send().await.unwrap();
    assert_eq!(q.json::<serde_json::Value>().await.unwrap()["data"]["serverInfo"]["name"], "Soundroom");
}
