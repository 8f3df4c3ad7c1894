//! Answers to repeated library reads, kept in memory until what they read changes.
//!
//! A library page is read far more often than the library changes: every visit to the albums
//! page asks the same question again. Resolving it field by field costs milliseconds; sending
//! the bytes of the last answer costs microseconds. An answer is reused only for the same
//! person asking the same query with the same variables, only while no write to a table it may
//! read has been committed since it was made (`db::data_generation`; rooms, chat, tokens and
//! notifications do not count), and never for long (signed media links inside it must stay
//! fresh). Only queries whose every root field reads library data are kept: nothing that lives
//! outside the database (rooms, scan progress, presence) can go stale here.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet};

/// Root query fields whose answers come from the database alone.
const LIBRARY_READS: &[&str] =
    &["artist", "artists", "album", "albums", "track", "tracks", "favorites", "genres", "search", "__typename"];

/// Longest an answer is reused even when nothing changed: its signed links live for hours.
const TIME_TO_LIVE: Duration = Duration::from_secs(60);

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    user_id: String,
    query: String,
    operation: Option<String>,
    variables: String,
}

impl Key {
    /// The key for `request` asked by `user_id`. Anonymous requests are never cached.
    pub fn new(user_id: &str, request: &async_graphql::Request) -> Self {
        Self {
            user_id: user_id.to_owned(),
            query: request.query.clone(),
            operation: request.operation_name.clone(),
            variables: serde_json::to_string(&request.variables).unwrap_or_default(),
        }
    }

    fn weight(&self) -> usize {
        self.user_id.len() + self.query.len() + self.variables.len() + self.operation.as_ref().map_or(0, String::len)
    }
}

struct Entry {
    generation: u64,
    body: bytes::Bytes,
}

#[derive(Clone)]
pub struct ResponseCache {
    entries: Option<moka::sync::Cache<Key, Arc<Entry>>>,
}

impl ResponseCache {
    /// `max_mb` of answers at most; 0 turns the cache off.
    pub fn new(max_mb: u64) -> Self {
        let entries = (max_mb > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(max_mb * 1024 * 1024)
                .weigher(|k: &Key, e: &Arc<Entry>| u32::try_from(k.weight() + e.body.len() + 64).unwrap_or(u32::MAX))
                .time_to_live(TIME_TO_LIVE)
                .build()
        });
        Self { entries }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The kept answer, if it was made at the current data generation.
    pub fn get(&self, key: &Key, generation: u64) -> Option<bytes::Bytes> {
        let entry = self.entries.as_ref()?.get(key)?;
        (entry.generation == generation).then(|| entry.body.clone())
    }

    /// Keeps `body` if the query only reads the library and no write landed while it ran
    /// (`before` and `after` are the data generations around the execution).
    pub fn put(&self, key: Key, before: u64, after: u64, body: bytes::Bytes) {
        let Some(entries) = &self.entries else { return };
        if before != after || !reads_only_the_library(&key.query, key.operation.as_deref()) {
            return;
        }
        entries.insert(key, Arc::new(Entry { generation: before, body }));
    }
}

/// Whether the operation that runs is a query whose root fields are all library reads.
/// Anything unusual (a parse error, an unknown fragment) counts as no.
pub fn reads_only_the_library(query: &str, operation: Option<&str>) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else { return false };
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return false,
        },
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => match ops.values().next() {
            Some(op) => op,
            None => return false,
        },
        _ => return false,
    };
    op.node.ty == OperationType::Query && root_fields_are_library_reads(&doc, &op.node.selection_set.node, 0)
}

fn root_fields_are_library_reads(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
    // Fragments that spread each other without end are refused by validation; stop anyway.
    if depth > 8 {
        return false;
    }
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => LIBRARY_READS.contains(&field.node.name.node.as_str()),
        Selection::InlineFragment(fragment) => {
            root_fields_are_library_reads(doc, &fragment.node.selection_set.node, depth + 1)
        }
        Selection::FragmentSpread(spread) => doc
            .fragments
            .get(&spread.node.fragment_name.node)
            .is_some_and(|f| root_fields_are_library_reads(doc, &f.node.selection_set.node, depth + 1)),
    })
}

#[cfg(test)]
mod tests {
    use super::reads_only_the_library;

    #[test]
    fn only_queries_of_library_fields_are_kept() {
        assert!(reads_only_the_library("{ tracks(first: 5) { edges { node { id } } } }", None));
        assert!(reads_only_the_library(
            "query Q { albums { edges { node { id } } } search(query: \"x\") { tracks { id } } }",
            None
        ));
        assert!(reads_only_the_library("query A { genres } query B { me { id } }", Some("A")));
        assert!(reads_only_the_library("{ ...F } fragment F on Query { artists { totalCount } }", None));
        // Live or personal state outside the library, mutations, and anything unclear are not.
        assert!(!reads_only_the_library("query A { genres } query B { me { id } }", Some("B")));
        assert!(!reads_only_the_library("query A { genres } query B { me { id } }", None));
        assert!(!reads_only_the_library("{ tracks { totalCount } libraryStatus { scanning } }", None));
        assert!(!reads_only_the_library("{ ...F } fragment F on Query { rooms { id } }", None));
        assert!(!reads_only_the_library("{ ...Missing }", None));
        assert!(!reads_only_the_library("mutation { tracks }", None));
        assert!(!reads_only_the_library("{ tracks", None));
    }
}
