//! Authentication primitives, free of HTTP and GraphQL: password hashing, signed tokens,
//! opaque tokens, TOTP, OpenID Connect and rate limiting.

pub mod jwt;
pub mod oidc;
pub mod opaque;
pub mod password;
pub mod rate_limit;
pub mod totp;
