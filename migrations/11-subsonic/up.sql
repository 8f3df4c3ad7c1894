-- App passwords for the Subsonic API (/rest). The account password never opens /rest.
-- Token auth (t = md5(password + salt)) needs the password itself, so it is stored encrypted
-- (XChaCha20-Poly1305) with a key kept in the data directory, never in this database; the API
-- key is stored only as a SHA-256 hash.
CREATE TABLE subsonic_passwords (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    password_enc  BLOB NOT NULL,     -- 24-byte nonce followed by the ciphertext
    api_key_hash  TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
);
CREATE INDEX subsonic_passwords_user ON subsonic_passwords(user_id);
