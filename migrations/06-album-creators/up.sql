-- Who made an album by uploading into it. They may keep editing it even after other people
-- upload tracks with the same album title and artist (which lands those tracks in it): before,
-- anyone could lock an album's uploader out of editing it that way. Scanned library files in
-- an album still make it an administrator's to edit.
ALTER TABLE albums ADD COLUMN created_by TEXT REFERENCES users(id) ON DELETE SET NULL;

-- Existing albums made only of one person's uploads are theirs.
UPDATE albums SET created_by = (SELECT max(t.uploaded_by) FROM tracks t WHERE t.album_id = albums.id)
WHERE NOT EXISTS (
        SELECT 1 FROM tracks t WHERE t.album_id = albums.id AND (t.source <> 'upload' OR t.uploaded_by IS NULL))
  AND (SELECT count(DISTINCT t.uploaded_by) FROM tracks t WHERE t.album_id = albums.id) = 1;
