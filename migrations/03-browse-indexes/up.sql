-- Indexes for the orders the library is browsed in, so a page of tracks does not sort the
-- whole table: by name (case-insensitively), by date added, by year.
CREATE INDEX tracks_name ON tracks(name COLLATE NOCASE, id);
CREATE INDEX tracks_created ON tracks(created_at DESC, id);
CREATE INDEX tracks_year ON tracks(year DESC, name COLLATE NOCASE, id);
CREATE INDEX artists_sort ON artists(name COLLATE NOCASE, id);
CREATE INDEX albums_sort ON albums(title COLLATE NOCASE, id);
