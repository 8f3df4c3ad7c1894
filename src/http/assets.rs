//! The web UI, embedded in the binary. Unknown paths without a file extension get
//! `index.html`, so client-side routes survive a reload.

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "web/"]
struct Assets;

/// Scripts only from the server itself; no inline script can run even if text slips into HTML.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob:; frame-ancestors 'none'; \
     base-uri 'self'; form-action 'self'";

pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    send(path, &headers)
}

/// The GraphQL IDE (`web/ide/`), shown for a browser's GET of `/graphql`. It is part of the
/// binary, so it works with no internet, unlike CDN-hosted GraphiQL.
pub fn graphql_ide(headers: &HeaderMap) -> Response {
    send("ide/index.html", headers)
}

fn send(path: &str, headers: &HeaderMap) -> Response {
    let (name, file) = match Assets::get(path) {
        Some(f) => (path, f),
        None if !path.rsplit('/').next().unwrap_or("").contains('.') && !is_api(path) => {
            match Assets::get("index.html") {
                Some(f) => ("index.html", f),
                None => return (StatusCode::NOT_FOUND, "not found").into_response(),
            }
        }
        None => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let mut response = if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mime = mime_guess::from_path(name).first_or_octet_stream();
        ([(header::CONTENT_TYPE, mime.as_ref().to_owned())], file.data.into_owned()).into_response()
    };
    let h = response.headers_mut();
    // File names carry no hash, so browsers must revalidate; the ETag keeps that cheap.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}

fn is_api(path: &str) -> bool {
    ["graphql", "media/", "auth/", "ws/"].iter().any(|p| path.starts_with(p))
}
