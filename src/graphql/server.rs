//! Public facts about the server, for the sign-in screen and clients.

use async_graphql::{Context, Object};

use crate::graphql::GqlResult;
use crate::graphql::state;
use crate::graphql::types::{AuthProvider, ServerInfo};
use crate::services::admin;

#[derive(Default)]
pub struct ServerQuery;

#[Object]
impl ServerQuery {
    async fn server_info(&self, ctx: &Context<'_>) -> GqlResult<ServerInfo> {
        let st = state(ctx);
        let needs_setup = admin::count_users(st).await? == 0;
        Ok(ServerInfo {
            name: "Soundroom".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            registration: st.config.auth.registration.into(),
            needs_setup,
            auth_providers: st
                .auth
                .oidc
                .providers()
                .iter()
                .map(|p| AuthProvider { name: p.name.clone(), display_name: p.display_name.clone() })
                .collect(),
            password_min_length: st.config.auth.password_min_length as i32,
        })
    }
}
