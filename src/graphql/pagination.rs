//! Relay connections over offset windows. Cursors are opaque to clients.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine;

use crate::error::{AppError, AppResult};

#[derive(SimpleObject)]
pub struct TotalCount {
    pub total_count: i64,
}

pub type Page<T> = Connection<String, T, TotalCount, EmptyFields>;

fn encode(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

fn decode(cursor: &str) -> AppResult<usize> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| AppError::invalid("the `after` cursor is not valid"))
}

/// (offset, limit) for `first` items after `after`.
pub fn window(first: i32, after: Option<&str>) -> AppResult<(usize, usize)> {
    if !(1..=500).contains(&first) {
        return Err(AppError::invalid("first must be between 1 and 500"));
    }
    let offset = match after.map(decode).transpose()? {
        // Offsets beyond what SQLite takes are refused rather than wrapped.
        Some(o) if o < i64::MAX as usize => o + 1,
        Some(_) => return Err(AppError::invalid("the `after` cursor is not valid")),
        None => 0,
    };
    Ok((offset, first as usize))
}

pub fn page<T: OutputType>(items: Vec<T>, offset: usize, total: i64) -> Page<T> {
    let end = offset + items.len();
    let mut conn =
        Connection::with_additional_fields(offset > 0, (end as i64) < total, TotalCount { total_count: total });
    conn.edges.extend(items.into_iter().enumerate().map(|(i, item)| Edge::new(encode(offset + i), item)));
    conn
}
