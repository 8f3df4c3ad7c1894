-- Full-text search over the library, playlists and people (SQLite FTS5).
-- unicode61 with remove_diacritics folds case for every script and strips accents, so "beyonce"
-- finds "Beyoncé" and "кино" finds "Кино". Triggers keep the index in step with the tables,
-- so no code path can forget to update it.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    ref_id UNINDEXED,
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER artists_ai AFTER INSERT ON artists BEGIN
    INSERT INTO search_index (kind, ref_id, text) VALUES ('artist', new.id, new.name);
END;
CREATE TRIGGER artists_au AFTER UPDATE OF name ON artists BEGIN
    UPDATE search_index SET text = new.name WHERE kind = 'artist' AND ref_id = new.id;
END;
CREATE TRIGGER artists_ad AFTER DELETE ON artists BEGIN
    DELETE FROM search_index WHERE kind = 'artist' AND ref_id = old.id;
END;

CREATE TRIGGER albums_ai AFTER INSERT ON albums BEGIN
    INSERT INTO search_index (kind, ref_id, text) VALUES ('album', new.id, new.title);
END;
CREATE TRIGGER albums_au AFTER UPDATE OF title ON albums BEGIN
    UPDATE search_index SET text = new.title WHERE kind = 'album' AND ref_id = new.id;
END;
CREATE TRIGGER albums_ad AFTER DELETE ON albums BEGIN
    DELETE FROM search_index WHERE kind = 'album' AND ref_id = old.id;
END;

CREATE TRIGGER tracks_ai AFTER INSERT ON tracks BEGIN
    INSERT INTO search_index (kind, ref_id, text) VALUES ('track', new.id, new.name);
END;
CREATE TRIGGER tracks_au AFTER UPDATE OF name ON tracks BEGIN
    UPDATE search_index SET text = new.name WHERE kind = 'track' AND ref_id = new.id;
END;
CREATE TRIGGER tracks_ad AFTER DELETE ON tracks BEGIN
    DELETE FROM search_index WHERE kind = 'track' AND ref_id = old.id;
END;

CREATE TRIGGER playlists_ai AFTER INSERT ON playlists BEGIN
    INSERT INTO search_index (kind, ref_id, text) VALUES ('playlist', new.id, new.name);
END;
CREATE TRIGGER playlists_au AFTER UPDATE OF name ON playlists BEGIN
    UPDATE search_index SET text = new.name WHERE kind = 'playlist' AND ref_id = new.id;
END;
CREATE TRIGGER playlists_ad AFTER DELETE ON playlists BEGIN
    DELETE FROM search_index WHERE kind = 'playlist' AND ref_id = old.id;
END;

CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN
    INSERT INTO search_index (kind, ref_id, text) VALUES ('user', new.id, new.username || ' ' || new.tag);
END;
CREATE TRIGGER users_au AFTER UPDATE OF username, tag ON users BEGIN
    UPDATE search_index SET text = new.username || ' ' || new.tag WHERE kind = 'user' AND ref_id = new.id;
END;
CREATE TRIGGER users_ad AFTER DELETE ON users BEGIN
    DELETE FROM search_index WHERE kind = 'user' AND ref_id = old.id;
END;

-- Index rows that existed before this migration.
INSERT INTO search_index (kind, ref_id, text) SELECT 'artist', id, name FROM artists;
INSERT INTO search_index (kind, ref_id, text) SELECT 'album', id, title FROM albums;
INSERT INTO search_index (kind, ref_id, text) SELECT 'track', id, name FROM tracks;
INSERT INTO search_index (kind, ref_id, text) SELECT 'playlist', id, name FROM playlists;
INSERT INTO search_index (kind, ref_id, text) SELECT 'user', id, username || ' ' || tag FROM users;

-- Library albums without an album-artist tag are grouped by their folder.
ALTER TABLE albums ADD COLUMN folder TEXT;
CREATE INDEX albums_title ON albums(title COLLATE NOCASE);
