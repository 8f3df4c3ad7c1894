//! Signed, short-lived tokens (HS256). One signer makes every kind, and `typ` keeps them apart
//! so a 2FA challenge or a media token can never be used as an access token.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Access,
    TwoFactorChallenge,
    Media,
    /// A browser that signed into an account before (the sign-in limiter trusts it more).
    Device,
    /// A guest's pass into one room (no account): `sub` is the guest, `res` the room.
    Guest,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub typ: TokenKind,
    pub exp: i64,
    pub iat: i64,
    /// The refresh-token family (the sign-in) an access token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The one resource a media token opens, e.g. `cover/user/<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub res: Option<String>,
}

#[derive(Clone)]
pub struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    pub fn sign(&self, kind: TokenKind, sub: &str, ttl_secs: i64, sid: Option<&str>, res: Option<&str>) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_string(),
            typ: kind,
            exp: now + ttl_secs,
            iat: now,
            sid: sid.map(str::to_string),
            res: res.map(str::to_string),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// Verifies signature, expiry (no leeway) and kind.
    pub fn verify(&self, token: &str, kind: TokenKind) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok()?;
        (data.claims.typ == kind).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_not_interchangeable() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        let t = s.sign(TokenKind::TwoFactorChallenge, "u1", 60, None, None);
        assert!(s.verify(&t, TokenKind::Access).is_none());
        assert_eq!(s.verify(&t, TokenKind::TwoFactorChallenge).unwrap().sub, "u1");
    }

    #[test]
    fn expired_and_forged_tokens_are_refused() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        assert!(s.verify(&s.sign(TokenKind::Access, "u1", -5, None, None), TokenKind::Access).is_none());
        let other = Signer::new(b"another secret of enough length!!");
        assert!(s.verify(&other.sign(TokenKind::Access, "u1", 60, None, None), TokenKind::Access).is_none());
    }
}
