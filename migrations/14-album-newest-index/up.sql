-- "Recently added" albums order by each album's newest track: with created_at in the album
-- index that is one seek per album instead of reading all its tracks. The album_id prefix
-- serves every lookup the old index did.
DROP INDEX tracks_album;
CREATE INDEX tracks_album_added ON tracks(album_id, created_at);
