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

/// A cursor: the row's offset, and for orders that can continue from a row, the row's sort key
/// ("o:N" or "o:N:KEY").
fn encode(offset: usize, key: Option<&str>) -> String {
    let text = match key {
        Some(key) => format!("o:{offset}:{key}"),
        None => format!("o:{offset}"),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_parts(cursor: &str) -> Option<(usize, Option<String>)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix("o:")?.splitn(2, ':');
    let offset = parts.next()?.parse().ok()?;
    Some((offset, parts.next().map(str::to_owned)))
}

fn decode(cursor: &str) -> AppResult<usize> {
    decode_parts(cursor).map(|(offset, _)| offset).ok_or_else(|| AppError::invalid("the `after` cursor is not valid"))
}

/// The sort key a cursor carries, if any.
pub fn key(cursor: &str) -> Option<String> {
    decode_parts(cursor).and_then(|(_, key)| key)
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
    build(items, offset, total, |_| None)
}

/// A page whose cursors also carry each row's sort key, so the next page can start right
/// after the row instead of counting rows from the start.
pub fn page_with_keys<T: OutputType>(items: Vec<T>, offset: usize, total: i64, key: impl Fn(&T) -> String) -> Page<T> {
    build(items, offset, total, |item| Some(key(item)))
}

fn build<T: OutputType>(items: Vec<T>, offset: usize, total: i64, key: impl Fn(&T) -> Option<String>) -> Page<T> {
    let end = offset + items.len();
    let mut conn =
        Connection::with_additional_fields(offset > 0, (end as i64) < total, TotalCount { total_count: total });
    conn.edges.extend(
        items.into_iter().enumerate().map(|(i, item)| Edge::new(encode(offset + i, key(&item).as_deref()), item)),
    );
    conn
}
