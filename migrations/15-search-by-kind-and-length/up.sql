-- Search reads the best matches of each kind without ranking every match.
--
-- Each entry's rowid is its key: kind (bits 60-62), the length of its text (bits 48-59, capped
-- at 4095) and a sequence number. In rowid order the matches of one kind come shortest first, so
-- "the 50 best tracks for 'river'" is a rowid range read that stops after 50 rows, where bm25
-- had to score every match (10 ms for a short prefix at 100,000 tracks; now under 1 ms). For the
-- one-column names indexed here bm25 mostly preferred short texts anyway; it also preferred a
-- word repeated ("River River River" before "River"), which people never meant.
--
-- `search_keys` finds an entry's key by what it points at, so renames and deletes touch one
-- row instead of scanning the index (the old triggers matched on unindexed columns). Keys are
-- INTEGER PRIMARY KEYs, so VACUUM keeps them. Prefix indexes for 1-3 characters make the
-- shortest prefixes (what people have typed after a keystroke or two) as cheap as whole words.

DROP TRIGGER artists_ai;
DROP TRIGGER artists_au;
DROP TRIGGER artists_ad;
DROP TRIGGER albums_ai;
DROP TRIGGER albums_au;
DROP TRIGGER albums_ad;
DROP TRIGGER tracks_ai;
DROP TRIGGER tracks_au;
DROP TRIGGER tracks_ad;
DROP TRIGGER playlists_ai;
DROP TRIGGER playlists_au;
DROP TRIGGER playlists_ad;
DROP TRIGGER users_ai;
DROP TRIGGER users_au;
DROP TRIGGER users_ad;
DROP TABLE search_index;

CREATE TABLE search_keys (
    key    INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    UNIQUE (kind, ref_id)
);

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    ref_id UNINDEXED,
    text,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER artists_ai AFTER INSERT ON artists BEGIN
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'artist', new.id
    FROM (SELECT (1 << 60) | (min(length(new.name), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'artist' AND ref_id = new.id), 'artist', new.id, new.name);
END;
CREATE TRIGGER artists_au AFTER UPDATE OF name ON artists BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'artist' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'artist' AND ref_id = old.id;
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'artist', new.id
    FROM (SELECT (1 << 60) | (min(length(new.name), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'artist' AND ref_id = new.id), 'artist', new.id, new.name);
END;
CREATE TRIGGER artists_ad AFTER DELETE ON artists BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'artist' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'artist' AND ref_id = old.id;
END;

CREATE TRIGGER albums_ai AFTER INSERT ON albums BEGIN
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'album', new.id
    FROM (SELECT (2 << 60) | (min(length(new.title), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'album' AND ref_id = new.id), 'album', new.id, new.title);
END;
CREATE TRIGGER albums_au AFTER UPDATE OF title ON albums BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'album' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'album' AND ref_id = old.id;
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'album', new.id
    FROM (SELECT (2 << 60) | (min(length(new.title), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'album' AND ref_id = new.id), 'album', new.id, new.title);
END;
CREATE TRIGGER albums_ad AFTER DELETE ON albums BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'album' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'album' AND ref_id = old.id;
END;

CREATE TRIGGER tracks_ai AFTER INSERT ON tracks BEGIN
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'track', new.id
    FROM (SELECT (3 << 60) | (min(length(new.name), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'track' AND ref_id = new.id), 'track', new.id, new.name);
END;
CREATE TRIGGER tracks_au AFTER UPDATE OF name ON tracks BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'track' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'track' AND ref_id = old.id;
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'track', new.id
    FROM (SELECT (3 << 60) | (min(length(new.name), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'track' AND ref_id = new.id), 'track', new.id, new.name);
END;
CREATE TRIGGER tracks_ad AFTER DELETE ON tracks BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'track' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'track' AND ref_id = old.id;
END;

CREATE TRIGGER playlists_ai AFTER INSERT ON playlists BEGIN
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'playlist', new.id
    FROM (SELECT (4 << 60) | (min(length(new.name), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'playlist' AND ref_id = new.id), 'playlist', new.id, new.name);
END;
CREATE TRIGGER playlists_au AFTER UPDATE OF name ON playlists BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'playlist' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'playlist' AND ref_id = old.id;
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'playlist', new.id
    FROM (SELECT (4 << 60) | (min(length(new.name), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'playlist' AND ref_id = new.id), 'playlist', new.id, new.name);
END;
CREATE TRIGGER playlists_ad AFTER DELETE ON playlists BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'playlist' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'playlist' AND ref_id = old.id;
END;

CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'user', new.id
    FROM (SELECT (5 << 60) | (min(length(new.username || ' ' || new.tag), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'user' AND ref_id = new.id), 'user', new.id, new.username || ' ' || new.tag);
END;
CREATE TRIGGER users_au AFTER UPDATE OF username, tag ON users BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'user' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'user' AND ref_id = old.id;
    INSERT INTO search_keys (key, kind, ref_id)
    SELECT coalesce((SELECT max(key) FROM search_keys WHERE key >= s.lo AND key < s.lo + 281474976710656), s.lo) + 1, 'user', new.id
    FROM (SELECT (5 << 60) | (min(length(new.username || ' ' || new.tag), 4095) << 48) AS lo) AS s;
    INSERT INTO search_index (rowid, kind, ref_id, text)
    VALUES ((SELECT key FROM search_keys WHERE kind = 'user' AND ref_id = new.id), 'user', new.id, new.username || ' ' || new.tag);
END;
CREATE TRIGGER users_ad AFTER DELETE ON users BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT key FROM search_keys WHERE kind = 'user' AND ref_id = old.id);
    DELETE FROM search_keys WHERE kind = 'user' AND ref_id = old.id;
END;

-- Everything indexed before, numbered within each kind and length.
CREATE TEMP TABLE search_seed AS
SELECT lo + row_number() OVER (PARTITION BY lo) AS key, kind, ref_id, text FROM (
    SELECT (1 << 60) | (min(length(name), 4095) << 48) AS lo, 'artist' AS kind, id AS ref_id, name AS text FROM artists
    UNION ALL SELECT (2 << 60) | (min(length(title), 4095) << 48), 'album', id, title FROM albums
    UNION ALL SELECT (3 << 60) | (min(length(name), 4095) << 48), 'track', id, name FROM tracks
    UNION ALL SELECT (4 << 60) | (min(length(name), 4095) << 48), 'playlist', id, name FROM playlists
    UNION ALL SELECT (5 << 60) | (min(length(username || ' ' || tag), 4095) << 48), 'user', id, username || ' ' || tag FROM users
);
INSERT INTO search_keys (key, kind, ref_id) SELECT key, kind, ref_id FROM search_seed;
INSERT INTO search_index (rowid, kind, ref_id, text) SELECT key, kind, ref_id, text FROM search_seed;
DROP TABLE search_seed;
