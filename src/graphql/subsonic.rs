//! Subsonic app passwords through GraphQL (the `/rest` API itself is in `src/subsonic/`).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::time::parse_stored;
use crate::graphql::{GqlResult, caller, state};
use crate::services::app_passwords::{self, AppPasswordRow};

pub struct SubsonicPassword(AppPasswordRow);

#[Object]
impl SubsonicPassword {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    async fn created_at(&self) -> GqlResult<DateTime<Utc>> {
        Ok(parse_stored(&self.0.created_at)?)
    }
    /// When an app last signed in with it.
    async fn last_used_at(&self) -> GqlResult<Option<DateTime<Utc>>> {
        Ok(self.0.last_used_at.as_deref().map(parse_stored).transpose()?)
    }
}

/// Shown once: the password (for `u` + `p` or token auth) and the API key (OpenSubsonic).
#[derive(SimpleObject)]
pub struct NewSubsonicPassword {
    id: ID,
    label: String,
    password: String,
    api_key: String,
    created_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct SubsonicQuery;

#[Object]
impl SubsonicQuery {
    /// Your app passwords for Subsonic apps (never their secrets).
    async fn subsonic_passwords(&self, ctx: &Context<'_>) -> GqlResult<Vec<SubsonicPassword>> {
        Ok(app_passwords::list(state(ctx), &caller(ctx)?).await?.into_iter().map(SubsonicPassword).collect())
    }
}

#[derive(Default)]
pub struct SubsonicMutation;

#[Object]
impl SubsonicMutation {
    /// A new app password for a Subsonic app; its secrets are shown this once.
    async fn create_subsonic_password(&self, ctx: &Context<'_>, label: String) -> GqlResult<NewSubsonicPassword> {
        let new = app_passwords::create(state(ctx), &caller(ctx)?, label).await?;
        Ok(NewSubsonicPassword {
            created_at: parse_stored(&new.row.created_at)?,
            id: ID(new.row.id),
            label: new.row.label,
            password: new.password,
            api_key: new.api_key,
        })
    }
    /// Stops it working at once.
    async fn revoke_subsonic_password(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(app_passwords::revoke(state(ctx), &caller(ctx)?, id.0).await?)
    }
}
