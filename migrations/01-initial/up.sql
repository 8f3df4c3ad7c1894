-- Soundroom's whole logical schema, version 1.
-- IDs are UUIDv7 strings (time-ordered, so primary-key inserts stay append-mostly).
-- Timestamps are RFC 3339 UTC strings, which sort correctly as text.
-- Migrations are forward-only: later versions add files, never edit this one.

-- People. email is stored normalised (trimmed, lower-cased) so UNIQUE means what people expect.
-- password_hash is NULL for accounts created through OAuth that never set a password.
CREATE TABLE users (
    id               TEXT PRIMARY KEY NOT NULL,
    email            TEXT NOT NULL UNIQUE,
    username         TEXT NOT NULL,
    tag              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash    TEXT,
    is_admin         INTEGER NOT NULL DEFAULT 0,
    disabled         INTEGER NOT NULL DEFAULT 0,
    avatar_path      TEXT,
    -- base32 TOTP secret; totp_enabled only once the user proved they can produce codes.
    totp_secret      TEXT,
    totp_enabled     INTEGER NOT NULL DEFAULT 0,
    -- the last accepted TOTP time step: a code at or before it is a replay.
    totp_last_step   INTEGER,
    provider         TEXT NOT NULL DEFAULT 'password',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- Refresh tokens: only the SHA-256 of the opaque token is kept. A family is one sign-in; every
-- refresh rotates to a new row in the same family, and presenting a used token revokes the family.
CREATE TABLE refresh_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id    TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    revoked_at   TEXT
);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

-- Single-use 2FA recovery codes, hashed like passwords' poorer cousins (SHA-256: they are random).
CREATE TABLE recovery_codes (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- An external identity is (issuer, subject); it always signs into the same account.
CREATE TABLE oauth_identities (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    email       TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (issuer, subject),
    UNIQUE (user_id, provider)
);

CREATE TABLE invites (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    created_by  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    max_uses    INTEGER NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT,
    created_at  TEXT NOT NULL
);

-- The library. Artists and albums are derived from tags and merged case-insensitively.
CREATE TABLE artists (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    sort_name   TEXT NOT NULL COLLATE NOCASE,
    genre       TEXT,
    image_path  TEXT,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX artists_name ON artists(name COLLATE NOCASE);

CREATE TABLE albums (
    id          TEXT PRIMARY KEY NOT NULL,
    title       TEXT NOT NULL,
    artist_id   TEXT REFERENCES artists(id) ON DELETE SET NULL,
    year        INTEGER,
    cover_path  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX albums_artist ON albums(artist_id);

-- source is 'library' (a file under a configured folder, read-only but for admins) or 'upload'.
CREATE TABLE tracks (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    artist_id     TEXT REFERENCES artists(id) ON DELETE SET NULL,
    album_id      TEXT REFERENCES albums(id) ON DELETE SET NULL,
    genre         TEXT,
    track_number  INTEGER,
    disc_number   INTEGER,
    year          INTEGER,
    duration      REAL NOT NULL,
    codec         TEXT NOT NULL,
    bitrate       INTEGER,
    sample_rate   INTEGER,
    channels      INTEGER,
    path          TEXT NOT NULL UNIQUE,
    file_size     INTEGER NOT NULL,
    file_mtime    INTEGER NOT NULL,
    content_hash  TEXT,
    source        TEXT NOT NULL CHECK (source IN ('library', 'upload')),
    uploaded_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX tracks_artist ON tracks(artist_id);
CREATE INDEX tracks_album ON tracks(album_id);
CREATE INDEX tracks_genre ON tracks(genre COLLATE NOCASE);
CREATE INDEX tracks_hash ON tracks(content_hash);

CREATE TABLE playlists (
    id           TEXT PRIMARY KEY NOT NULL,
    owner_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT,
    image_path   TEXT,
    public       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX playlists_owner ON playlists(owner_id);

-- A track may appear twice in one playlist, so items have their own id; position is dense 0..n.
CREATE TABLE playlist_tracks (
    id           TEXT PRIMARY KEY NOT NULL,
    playlist_id  TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
    track_id     TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    added_at     TEXT NOT NULL
);
CREATE INDEX playlist_tracks_order ON playlist_tracks(playlist_id, position);
CREATE INDEX playlist_tracks_track ON playlist_tracks(track_id);

CREATE TABLE favorites (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_id    TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, track_id)
);
CREATE INDEX favorites_track ON favorites(track_id);

-- Social graph. A pending request lives in friend_requests; accepting it moves the pair into
-- friendships, stored once with user_a < user_b so a pair cannot be friends twice.
CREATE TABLE friend_requests (
    id            TEXT PRIMARY KEY NOT NULL,
    requester_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    receiver_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    UNIQUE (requester_id, receiver_id),
    CHECK (requester_id <> receiver_id)
);
CREATE INDEX friend_requests_receiver ON friend_requests(receiver_id);

CREATE TABLE friendships (
    user_a      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_b      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_a, user_b),
    CHECK (user_a < user_b)
);
CREATE INDEX friendships_b ON friendships(user_b);

-- Rooms persist their settings; live playback state lives in the room actor in memory.
CREATE TABLE rooms (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    code          TEXT NOT NULL UNIQUE,
    host_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    visibility    TEXT NOT NULL CHECK (visibility IN ('PRIVATE', 'FRIENDS', 'PUBLIC')),
    control_mode  TEXT NOT NULL CHECK (control_mode IN ('HOST_ONLY', 'EVERYONE')),
    closed_at     TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX rooms_host ON rooms(host_id);

-- Members and invitees of a room. role is 'member' or 'invited'.
CREATE TABLE room_users (
    room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('member', 'invited')),
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_users_user ON room_users(user_id);
