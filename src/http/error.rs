//! AppError as an HTTP response: a status, a JSON body, and Retry-After when rate limited.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, ErrorKind};

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log_if_internal();
        let kind = self.kind();
        let status = StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "error": { "code": kind.code(), "message": self.message() } });
        let mut response = (status, Json(body)).into_response();
        if let ErrorKind::RateLimited { retry_after_secs } = kind
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// A GraphQL-shaped error for requests refused before they reach the schema.
pub fn graphql_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}
