//! A cap on mutations per request. Depth and complexity limits do not see them: a request of
//! a few kilobytes could alias the same mutation thousands of times and hold the database
//! writer for minutes.

//!
//! Checked before execution rather than in a schema extension: any extension sends every field
//! of every query down async-graphql's slow resolve path (an allocation per field), which cost
//! lists most of their throughput. The parsed document is kept in the request, so the query is
//! parsed once.

use std::collections::HashMap;

use async_graphql::parser::types::{FragmentDefinition, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError};

/// Refuses a request whose mutations (aliases and fragments included) exceed `max`; a query
/// that does not parse is refused with the parser's error.
pub fn check_mutations(request: &mut async_graphql::Request, max: usize) -> Result<(), ServerError> {
    let doc = request.parsed_query()?;
    for (_, op) in doc.operations.iter() {
        if op.node.ty != OperationType::Mutation {
            continue;
        }
        let count = top_level_fields(&op.node.selection_set.node, &doc.fragments, 0);
        if count > max {
            return Err(ServerError::new(
                format!("a request may hold at most {max} mutations; this one has {count}"),
                None,
            ));
        }
    }
    Ok(())
}

/// Fields at the top of a mutation, looking through fragments (each alias counts).
fn top_level_fields(
    set: &SelectionSet,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    nesting: usize,
) -> usize {
    // Fragment cycles are rejected by validation later; stop counting here rather than loop.
    if nesting > 8 {
        return usize::MAX / 2;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::FragmentSpread(spread) => fragments
                .get(&spread.node.fragment_name.node)
                .map_or(0, |f| top_level_fields(&f.node.selection_set.node, fragments, nesting + 1)),
            Selection::InlineFragment(inline) => {
                top_level_fields(&inline.node.selection_set.node, fragments, nesting + 1)
            }
        })
        .fold(0, usize::saturating_add)
}
