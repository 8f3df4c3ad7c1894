//! A cap on mutations per request. Depth and complexity limits do not see them: a request of
//! a few kilobytes could alias the same mutation thousands of times and hold the database
//! writer for minutes.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Variables};

pub struct MutationLimit(pub usize);

impl ExtensionFactory for MutationLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MutationLimitExtension { max: self.0 })
    }
}

struct MutationLimitExtension {
    max: usize,
}

#[async_trait::async_trait]
impl Extension for MutationLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        for (_, op) in doc.operations.iter() {
            if op.node.ty != OperationType::Mutation {
                continue;
            }
            let count = top_level_fields(&op.node.selection_set.node, &doc.fragments, 0);
            if count > self.max {
                return Err(ServerError::new(
                    format!("a request may hold at most {} mutations; this one has {count}", self.max),
                    None,
                ));
            }
        }
        Ok(doc)
    }
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
