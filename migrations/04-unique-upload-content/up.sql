-- The same content is stored once: the database, not just a check before the insert, refuses
-- a second upload of identical bytes (two uploads racing each other included).
DROP INDEX tracks_hash;
CREATE UNIQUE INDEX tracks_content_hash ON tracks(content_hash) WHERE content_hash IS NOT NULL;
