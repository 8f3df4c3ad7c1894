-- A person's play queue, saved so it follows them between devices (Subsonic savePlayQueue now,
-- the web player next), and bookmarks: positions to come back to in long tracks.
CREATE TABLE play_queues (
    user_id       TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_ids     TEXT NOT NULL,           -- a JSON array of track ids, in order
    current_id    TEXT,                    -- the track playing, if any
    position_ms   INTEGER NOT NULL DEFAULT 0,
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL            -- the client that saved it
);

CREATE TABLE bookmarks (
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_id      TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    position_ms   INTEGER NOT NULL,
    comment       TEXT,
    created_at    TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, track_id)
);
