//! Stored timestamps: RFC 3339 UTC text.

use chrono::{DateTime, Utc};

use crate::error::{AppError, AppResult};

/// A stored timestamp. One that does not parse is corrupt data: an error, never 1970.
pub fn parse_stored(s: &str) -> AppResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::internal(anyhow::anyhow!("stored timestamp {s:?} is not RFC 3339: {e}")))
}
