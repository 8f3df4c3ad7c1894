//! The schema variant served on `/graphql/ws`. Its caller is fixed when the socket opens, so
//! it carries subscriptions only: queries and mutations go over HTTP, where every request is
//! authenticated afresh (a session revoked meanwhile is refused at once).

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{ServerError, ServerResult, Variables};

pub struct SubscriptionsOnly;

impl ExtensionFactory for SubscriptionsOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SubscriptionsOnlyExtension)
    }
}

struct SubscriptionsOnlyExtension;

#[async_trait::async_trait]
impl Extension for SubscriptionsOnlyExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if doc.operations.iter().all(|(_, op)| op.node.ty == OperationType::Subscription) {
            Ok(doc)
        } else {
            Err(ServerError::new(
                "this socket carries subscriptions only; send queries and mutations to POST /graphql",
                None,
            ))
        }
    }
}
