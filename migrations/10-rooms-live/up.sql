-- Rooms, live: everything a room needs to survive a restart. The live clock stays in the room
-- actor; what is stored here is where it stood at its last change, so a restarted server
-- resumes every room paused at that point.

-- Who created the room (may always manage it); host_id is who controls it now.
ALTER TABLE rooms ADD COLUMN owner_id TEXT REFERENCES users(id) ON DELETE CASCADE;
UPDATE rooms SET owner_id = host_id;
-- Guests (no account) may join by link when the host allows it.
ALTER TABLE rooms ADD COLUMN allow_guests INTEGER NOT NULL DEFAULT 0;
-- The queue item playing (or paused) and its position at the last change.
ALTER TABLE rooms ADD COLUMN current_item_id TEXT;
ALTER TABLE rooms ADD COLUMN position_ms INTEGER NOT NULL DEFAULT 0;

-- The shared queue. sort_key is sparse (like playlist positions) so a move writes one row.
CREATE TABLE room_queue (
    id          TEXT PRIMARY KEY NOT NULL,
    room_id     TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    track_id    TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    sort_key    REAL NOT NULL,
    added_by    TEXT NOT NULL,      -- a user id, or a guest id
    added_by_name TEXT NOT NULL,    -- kept so a guest's name outlives the guest
    added_at    TEXT NOT NULL
);
CREATE INDEX room_queue_order ON room_queue(room_id, sort_key);

-- Chat. author_id is a user id or a guest id; the name is kept for guests.
CREATE TABLE room_messages (
    id          TEXT PRIMARY KEY NOT NULL,
    room_id     TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    guest       INTEGER NOT NULL DEFAULT 0,
    text        TEXT NOT NULL,
    sent_at     TEXT NOT NULL
);
CREATE INDEX room_messages_room_time ON room_messages(room_id, sent_at);

-- Guest passes: valid while the row exists; closing the room or turning guests off deletes them.
CREATE TABLE room_guests (
    id          TEXT PRIMARY KEY NOT NULL,
    room_id     TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX room_guests_room ON room_guests(room_id);
