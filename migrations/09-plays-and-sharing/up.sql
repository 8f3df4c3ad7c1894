-- Listening history: one row per play, recorded once a track was heard for half its length or
-- four minutes (the common scrobbling rule), by the web player or a Subsonic `scrobble`.
CREATE TABLE plays (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_id    TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    played_at   TEXT NOT NULL
);
CREATE INDEX plays_user_time ON plays(user_id, played_at);
CREATE INDEX plays_user_track ON plays(user_id, track_id);

-- Whether friends see what this person is playing. Off means friends see nothing at all, not
-- even that it is off.
ALTER TABLE users ADD COLUMN share_activity INTEGER NOT NULL DEFAULT 1;
