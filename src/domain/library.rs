//! Kinds stored for library rows.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// Where a track's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackSource {
    /// A file under a configured music folder: read-only, administrators may edit its row.
    Library,
    /// A file someone uploaded, kept under the data directory; its uploader may edit it.
    Upload,
}

impl TrackSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackSource::Library => "library",
            TrackSource::Upload => "upload",
        }
    }
}

impl FromSql for TrackSource {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "library" => Ok(TrackSource::Library),
            "upload" => Ok(TrackSource::Upload),
            other => Err(FromSqlError::Other(format!("unknown track source {other:?}").into())),
        }
    }
}

impl ToSql for TrackSource {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}
