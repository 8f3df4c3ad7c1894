//! App passwords for the Subsonic API: minted and revoked by their owner, checked by `/rest`.
//!
//! Subsonic's token auth sends `t = md5(password + salt)`, so the server needs the password
//! itself: it is stored encrypted (XChaCha20-Poly1305) with a key that lives in the data
//! directory (`subsonic-key`), never in the database, so a copied database opens nothing. The
//! OpenSubsonic API key is stored only as a SHA-256 hash. Comparisons are constant-time.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use crate::auth::opaque;
use crate::db::{self, subsonic, users};
use crate::domain::ids::{SessionId, UserId};
use crate::error::{AppError, AppResult};
use crate::services::sessions::Caller;
use crate::state::SharedState;

pub use crate::db::subsonic::AppPasswordRow;

const MAX_LABEL: usize = 64;
/// A person may keep this many app passwords.
const MAX_PER_USER: usize = 50;

/// The key that seals stored app passwords, from the data directory.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl SealKey {
    /// Derived from the `subsonic-key` secret file's contents.
    pub fn from_secret(secret: &[u8]) -> Self {
        Self(sha2::Sha256::digest(secret).into())
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    fn seal(&self, plain: &str) -> AppResult<Vec<u8>> {
        let nonce: [u8; 24] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(&XNonce::from(nonce), plain.as_bytes())
            .map_err(|_| AppError::internal(anyhow::anyhow!("could not seal an app password")))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// `None` for a record sealed with another key (the key file was replaced).
    fn open(&self, sealed: &[u8]) -> Option<String> {
        let (nonce, body) = sealed.split_at_checked(24)?;
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let plain = self.cipher().decrypt(&XNonce::from(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// A fresh app password: the secrets are shown once.
#[derive(Debug, Clone)]
pub struct NewAppPassword {
    pub row: AppPasswordRow,
    pub password: String,
    pub api_key: String,
}

fn api_key_hash(key: &str) -> String {
    opaque::sha256_hex(key)
}

pub async fn create(state: &SharedState, caller: &Caller, label: String) -> AppResult<NewAppPassword> {
    let label = label.trim().to_string();
    if label.is_empty() || label.chars().count() > MAX_LABEL {
        return Err(AppError::invalid(format!("a label has 1 to {MAX_LABEL} characters")));
    }
    // Long enough to be unguessable, short enough to type into a phone.
    let password = opaque::random_token().chars().filter(char::is_ascii_alphanumeric).take(24).collect::<String>();
    let api_key = opaque::random_token();
    let row = AppPasswordRow {
        id: db::new_id(),
        user_id: caller.user_id.clone(),
        label,
        password_enc: state.auth.seal_key.seal(&password)?,
        created_at: db::now(),
        last_used_at: None,
    };
    let (stored, hash) = (row.clone(), api_key_hash(&api_key));
    state
        .db
        .transaction(move |tx| {
            if subsonic::of_user(tx, &stored.user_id)?.len() >= MAX_PER_USER {
                return Err(AppError::conflict(format!("you have {MAX_PER_USER} app passwords; revoke one first")));
            }
            Ok(subsonic::insert(tx, &stored, &hash)?)
        })
        .await?;
    tracing::info!(user_id = %caller.user_id, "app password created");
    Ok(NewAppPassword { row, password, api_key })
}

pub async fn list(state: &SharedState, caller: &Caller) -> AppResult<Vec<AppPasswordRow>> {
    let me = caller.user_id.clone();
    state.db.run(move |c| Ok(subsonic::of_user(c, &me)?)).await
}

/// Only its owner revokes an app password; it stops working at once.
pub async fn revoke(state: &SharedState, caller: &Caller, id: String) -> AppResult<bool> {
    let me = caller.user_id.clone();
    let removed = state.db.run(move |c| Ok(subsonic::delete(c, &me, &id)?)).await?;
    if !removed {
        return Err(AppError::not_found("app password"));
    }
    tracing::info!(user_id = %caller.user_id, "app password revoked");
    Ok(true)
}

/// How a Subsonic client proves who it is (from `u`, `p`, `t`, `s`, `apiKey`).
#[derive(Debug, Default, Clone)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    pub salt: Option<String>,
    pub api_key: Option<String>,
}

/// Why `/rest` refused, as Subsonic error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 10: a required parameter is missing.
    Missing,
    /// 40: wrong username or password.
    WrongCredentials,
    /// 43: more than one authentication mechanism.
    Conflicting,
    /// 44: invalid API key.
    BadApiKey,
}

/// Who is calling `/rest`, as a `Caller` the services understand. The session is the app
/// password, so revoking it is revoking the "session".
pub async fn authenticate(state: &SharedState, ip: std::net::IpAddr, creds: Credentials) -> Result<Caller, Refusal> {
    // Apps send credentials with every request, so only failures count against the address.
    if state.auth.limiter.failures_exhausted(ip) {
        return Err(Refusal::WrongCredentials);
    }
    let outcome = check(state, &creds).await;
    match &outcome {
        Ok((id, _)) => {
            let id = id.clone();
            // Best effort: a failed touch must not refuse a valid client.
            let _ = state.db.run(move |c| Ok(subsonic::touch(c, &id)?)).await;
        }
        Err(_) => state.auth.limiter.record_failure(ip),
    }
    outcome.map(|(_, caller)| caller)
}

async fn check(state: &SharedState, creds: &Credentials) -> Result<(String, Caller), Refusal> {
    if let Some(key) = creds.api_key.clone() {
        if creds.user.is_some() || creds.password.is_some() || creds.token.is_some() {
            return Err(Refusal::Conflicting);
        }
        let found = state
            .db
            .run(move |c| {
                let Some(row) = subsonic::by_api_key_hash(c, &api_key_hash(&key))? else { return Ok(None) };
                Ok(users::by_id(c, &row.user_id)?.filter(|u| !u.disabled).map(|u| (row, u)))
            })
            .await
            .map_err(|_| Refusal::BadApiKey)?;
        let (row, user) = found.ok_or(Refusal::BadApiKey)?;
        return Ok((row.id.clone(), caller_for(&row, &user)));
    }
    let user = creds.user.clone().ok_or(Refusal::Missing)?;
    if creds.password.is_some() && creds.token.is_some() {
        return Err(Refusal::Conflicting);
    }
    let proof = match (&creds.password, &creds.token, &creds.salt) {
        (Some(p), _, _) => Proof::Password(legacy_password(p).ok_or(Refusal::WrongCredentials)?),
        (None, Some(t), Some(s)) => Proof::Token { token: t.to_ascii_lowercase(), salt: s.clone() },
        _ => return Err(Refusal::Missing),
    };
    let (passwords, account) = state
        .db
        .run(move |c| {
            let Some(account) = find_user(c, &user)? else { return Ok((Vec::new(), None)) };
            Ok((subsonic::of_user(c, &account.id)?, Some(account)))
        })
        .await
        .map_err(|_| Refusal::WrongCredentials)?;
    let account = account.filter(|a| !a.disabled).ok_or(Refusal::WrongCredentials)?;
    for row in &passwords {
        let Some(password) = state.auth.seal_key.open(&row.password_enc) else { continue };
        if proof.matches(&password) {
            return Ok((row.id.clone(), caller_for(row, &account)));
        }
    }
    Err(Refusal::WrongCredentials)
}

/// `u` names an account by its @tag, its email, or its display name when only one has it.
fn find_user(conn: &rusqlite::Connection, name: &str) -> AppResult<Option<users::UserRow>> {
    if let Some(u) = users::by_tag(conn, name)? {
        return Ok(Some(u));
    }
    if let Some(u) = users::by_email(conn, name)? {
        return Ok(Some(u));
    }
    let mut same = users::by_username(conn, name)?;
    Ok(if same.len() == 1 { same.pop() } else { None })
}

fn caller_for(row: &AppPasswordRow, user: &users::UserRow) -> Caller {
    Caller {
        user_id: UserId::trusted(user.id.to_string()),
        is_admin: user.is_admin,
        session_id: SessionId::trusted(format!("app:{}", row.id)),
    }
}

enum Proof {
    Password(String),
    Token { token: String, salt: String },
}

impl Proof {
    fn matches(&self, password: &str) -> bool {
        match self {
            Proof::Password(given) => given.as_bytes().ct_eq(password.as_bytes()).into(),
            Proof::Token { token, salt } => {
                let expected = hex::encode(Md5::digest(format!("{password}{salt}").as_bytes()));
                expected.as_bytes().ct_eq(token.as_bytes()).into()
            }
        }
    }
}

/// `p=secret` or `p=enc:<hex of secret>`.
fn legacy_password(p: &str) -> Option<String> {
    match p.strip_prefix("enc:") {
        Some(hex_text) => String::from_utf8(hex::decode(hex_text).ok()?).ok(),
        None => Some(p.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_passwords_open_only_with_their_key() {
        let key = SealKey::from_secret(b"one secret");
        let sealed = key.seal("hunter2").unwrap();
        assert_eq!(key.open(&sealed).as_deref(), Some("hunter2"));
        assert_ne!(key.seal("hunter2").unwrap(), sealed, "a fresh nonce each time");
        assert_eq!(SealKey::from_secret(b"another").open(&sealed), None);
        assert_eq!(key.open(&sealed[..10]), None);
    }

    #[test]
    fn token_and_legacy_proofs_follow_the_subsonic_rules() {
        // The example from the Subsonic API documentation.
        let token = Proof::Token { token: "26719a1196d2a940705a59634eb18eab".into(), salt: "c19b2d".into() };
        assert!(token.matches("sesame"));
        assert!(!token.matches("sesame!"));
        assert_eq!(legacy_password("enc:736573616d65").as_deref(), Some("sesame"));
        assert_eq!(legacy_password("sesame").as_deref(), Some("sesame"));
        assert_eq!(legacy_password("enc:zz"), None);
    }
}
