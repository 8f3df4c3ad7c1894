//! Random opaque tokens (refresh tokens, recovery codes, invite codes) and their storage hash.
//! They carry 128+ bits of entropy, so a fast hash (SHA-256) is enough to store them.

use base64::Engine;
use rand::Rng;
use sha2::{Digest, Sha256};

pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::thread_rng().r#gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Human-friendly code from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn human_code(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Recovery codes are shown as `xxxxx-xxxxx`; people type them with or without the dash.
pub fn recovery_code() -> String {
    format!("{}-{}", human_code(5), human_code(5))
}

pub fn normalize_recovery_code(input: &str) -> String {
    let compact: String = input.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    if compact.len() == 10 { format!("{}-{}", &compact[..5], &compact[5..]) } else { compact }
}
