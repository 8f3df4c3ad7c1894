-- Favourite albums and artists (tracks have `favorites`), and star ratings. Rows go with the
-- person or the thing they mark.
CREATE TABLE album_favorites (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    album_id    TEXT NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, album_id)
);
CREATE INDEX album_favorites_album ON album_favorites(album_id);

CREATE TABLE artist_favorites (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    artist_id   TEXT NOT NULL REFERENCES artists(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, artist_id)
);
CREATE INDEX artist_favorites_artist ON artist_favorites(artist_id);

CREATE TABLE track_ratings (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_id    TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, track_id)
);
CREATE INDEX track_ratings_track ON track_ratings(track_id);

CREATE TABLE album_ratings (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    album_id    TEXT NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, album_id)
);
CREATE INDEX album_ratings_album ON album_ratings(album_id);

-- Lyrics found by the scanner: an .lrc file beside the audio wins over the embedded tag.
CREATE TABLE track_lyrics (
    track_id    TEXT PRIMARY KEY NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('lrc', 'tag')),
    body        TEXT NOT NULL
);

-- Files an admin removed from the library while they stay in the music folder: scans skip them
-- until restored. Keyed by the absolute path the scanner stores.
CREATE TABLE hidden_tracks (
    path        TEXT PRIMARY KEY NOT NULL,
    hidden_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    hidden_at   TEXT NOT NULL
);

-- One-time password-reset links an admin makes; only the SHA-256 of the token is kept.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX password_resets_user ON password_resets(user_id);
