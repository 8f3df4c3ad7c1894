//! OpenID Connect sign-in: authorization code flow with PKCE, state and nonce, and a fully
//! validated ID token (JWKS signature, issuer, audience, expiry, nonce) via `openidconnect`.
//! Google is a preset: the same flow with a fixed issuer.

use std::time::Duration;

use anyhow::Context;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};

use crate::config::Config;

pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// One configured provider. No Debug: it holds the client secret.
#[derive(Clone)]
pub struct Provider {
    pub name: String,
    pub display_name: String,
    pub issuer: String,
    client_id: String,
    client_secret: String,
    scopes: Vec<String>,
}

/// What the server remembers between sending someone to the provider and their return.
/// No Debug: the PKCE verifier is a secret.
#[derive(Clone)]
pub struct PendingAuth {
    pub provider: String,
    pub pkce_verifier: String,
    pub nonce: String,
    /// Set when a signed-in user is linking this provider to their account.
    pub link_user_id: Option<String>,
}

/// A person the provider vouched for.
#[derive(Clone, Debug)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

pub struct Oidc {
    providers: Vec<Provider>,
    base_url: String,
    http: openidconnect::reqwest::Client,
    metadata: moka::future::Cache<String, CoreProviderMetadata>,
}

impl Oidc {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let mut providers = Vec::new();
        if let Some(g) = &config.auth.google {
            providers.push(Provider {
                name: "google".into(),
                display_name: "Google".into(),
                issuer: GOOGLE_ISSUER.into(),
                client_id: g.client_id.clone(),
                client_secret: g.client_secret.expose().to_string(),
                scopes: vec!["openid".into(), "email".into(), "profile".into()],
            });
        }
        for p in &config.auth.oidc {
            providers.push(Provider {
                name: p.name.clone(),
                display_name: p.display_name.clone(),
                issuer: p.issuer.trim_end_matches('/').to_string(),
                client_id: p.client_id.clone(),
                client_secret: p.client_secret.expose().to_string(),
                scopes: p.scopes.clone(),
            });
        }
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the server to SSRF through a hostile provider.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .context("building the OIDC HTTP client")?;
        let metadata = moka::future::Cache::builder().time_to_live(Duration::from_secs(3600)).build();
        Ok(Self { providers, base_url: config.server.base_url.trim_end_matches('/').to_string(), http, metadata })
    }

    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.name == name)
    }

    fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/auth/oauth/{provider}/callback", self.base_url)
    }

    async fn discover(&self, p: &Provider) -> anyhow::Result<CoreProviderMetadata> {
        let http = self.http.clone();
        let issuer = p.issuer.clone();
        self.metadata
            .try_get_with(p.name.clone(), async move {
                let issuer = IssuerUrl::new(issuer)?;
                CoreProviderMetadata::discover_async(issuer, &http).await.map_err(anyhow::Error::from)
            })
            .await
            .map_err(|e| anyhow::anyhow!("discovery of {} failed: {e:#}", p.issuer))
    }

    /// The provider URL to send the browser to, and the state it must come back with.
    pub async fn begin(
        &self,
        provider: &str,
        link_user_id: Option<String>,
    ) -> anyhow::Result<(String, String, PendingAuth)> {
        let p = self.provider(provider).context("unknown provider")?;
        let metadata = self.discover(p).await?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(p.client_id.clone()),
            Some(ClientSecret::new(p.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(self.redirect_uri(&p.name))?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for scope in p.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let pending = PendingAuth {
            provider: p.name.clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
            link_user_id,
        };
        Ok((url.to_string(), state.secret().clone(), pending))
    }

    /// Exchanges the code and validates the ID token.
    pub async fn finish(&self, code: &str, pending: &PendingAuth) -> anyhow::Result<VerifiedIdentity> {
        let p = self.provider(&pending.provider).context("unknown provider")?;
        let metadata = self.discover(p).await?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(p.client_id.clone()),
            Some(ClientSecret::new(p.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(self.redirect_uri(&p.name))?);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| anyhow::anyhow!("token exchange failed: {e}"))?;
        let id_token = response.id_token().context("the provider returned no ID token")?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce.clone()))
            .map_err(|e| anyhow::anyhow!("ID token rejected: {e}"))?;
        Ok(VerifiedIdentity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .preferred_username()
                .map(|n| n.to_string())
                .or_else(|| claims.name().and_then(|n| n.get(None)).map(|n| n.to_string())),
        })
    }
}
