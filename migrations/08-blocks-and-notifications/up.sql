-- Blocking: a blocked person cannot send requests, find the blocker in search, see their
-- activity or invite them to rooms. Blocking ends any friendship and pending requests.
CREATE TABLE blocks (
    blocker_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked ON blocks(blocked_id);

-- Notifications are stored so someone who was offline sees them later; they are also pushed
-- live. kind is FRIEND_REQUEST_RECEIVED, FRIEND_REQUEST_ACCEPTED or ROOM_INVITE; actor_id is the
-- other person; room_id is set for ROOM_INVITE. Read ones older than 30 days are pruned.
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('FRIEND_REQUEST_RECEIVED', 'FRIEND_REQUEST_ACCEPTED', 'ROOM_INVITE')),
    actor_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
    room_id     TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
