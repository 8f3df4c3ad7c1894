-- playlist_tracks.position becomes a sparse sort key: items are 65,536 apart, so inserting or
-- moving an item writes only that item instead of shifting every later one (a 10,000-track
-- playlist with an insert at the top used to rewrite 10,000 rows). The position clients see
-- is the item's rank, computed when read.
UPDATE playlist_tracks SET position = position * 65536;
