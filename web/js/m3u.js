// M3U / M3U8 playlists: reading one into entries, writing one from tracks, and matching entries
// against the library. Pure functions (no DOM), so they run under node for tests too.

/** Entries of an M3U text: { path, title, artist, duration, line } for each non-comment line. */
export function parseM3U(text) {
  const entries = [];
  let info = null;
  const lines = String(text).replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#EXTINF:\s*(-?\d+(?:\.\d+)?)?[^,]*,(.*)$/i.exec(line);
      if (m) {
        const name = m[2].trim();
        const split = splitArtistTitle(name);
        info = { duration: m[1] !== undefined && Number(m[1]) >= 0 ? Number(m[1]) : null, ...split };
      }
      return; // #EXTM3U, #PLAYLIST and other comments
    }
    entries.push({ path: line, artist: info?.artist ?? null, title: info?.title ?? null, duration: info?.duration ?? null, line: index + 1 });
    info = null;
  });
  return entries;
}

/** "Artist - Title" → { artist, title }; without the separator the whole is the title. */
export function splitArtistTitle(name) {
  const at = name.indexOf(' - ');
  if (at > 0) return { artist: name.slice(0, at).trim(), title: name.slice(at + 3).trim() };
  return { artist: null, title: name.trim() || null };
}

/** The file name of a path or URL, without folders and extension, as a guess at "Artist - Title". */
export function nameFromPath(path) {
  let last = String(path).split(/[\\/]/).filter(Boolean).pop() ?? '';
  try {
    last = decodeURIComponent(last);
  } catch {
    // not URL-encoded
  }
  const bare = last.replace(/\.[a-z0-9]{2,5}$/i, '').replace(/_/g, ' ');
  // "01 - Title", "01. Title", "1-01 Title": track numbers are not part of the name.
  return bare.replace(/^\d{1,3}([-.]\d{1,3})?(\s*[-.]\s*|\s+)/, '').trim();
}

export function normalize(text) {
  return String(text ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const normPath = (p) => String(p).replace(/\\/g, '/').replace(/^file:\/\//i, '').toLowerCase();

/** Whether one path ends with the other, on whole folder boundaries ("a/b.mp3" matches "/m/a/b.mp3"). */
export function pathSuffixMatch(a, b) {
  if (!a || !b) return false;
  const [x, y] = [normPath(a), normPath(b)];
  const [long, short] = x.length >= y.length ? [x, y] : [y, x];
  const s = short.replace(/^\/+/, '');
  return s.length > 0 && (long === s || long.endsWith(`/${s}`));
}

/**
 * What to ask the library's search for an entry: the title (the search looks at track titles
 * only; the artist is compared afterwards), from #EXTINF or else the file's name.
 */
export function queryFor(entry) {
  return entry.title ?? splitArtistTitle(nameFromPath(entry.path)).title ?? '';
}

/**
 * The library track for one entry, or null. `candidates` are tracks the search found
 * ({ id, name, artist: { name }, path? }): a path that ends the same way wins, else the same
 * title (and the same artist when both are known).
 */
export function bestMatch(entry, candidates) {
  const byPath = candidates.find((track) => track.path && pathSuffixMatch(entry.path, track.path));
  if (byPath) return byPath;
  const guess = entry.title ? { artist: entry.artist, title: entry.title } : splitArtistTitle(nameFromPath(entry.path));
  const title = normalize(guess.title);
  const artist = normalize(guess.artist);
  if (!title) return null;
  const same = candidates.filter((track) => normalize(track.name) === title);
  // A known artist must agree; without one, the first track of that title will do.
  if (!artist) return same[0] ?? null;
  return same.find((track) => normalize(track.artist?.name) === artist) ?? null;
}

/**
 * Matches every entry: `find(query)` resolves to candidate tracks. Resolves to
 * { matched: [{ entry, track }], unmatched: [entry] } in the file's order. `onProgress(done, total)`.
 */
export async function matchEntries(entries, find, onProgress = () => {}) {
  const matched = [];
  const unmatched = [];
  let done = 0;
  for (const entry of entries) {
    const query = queryFor(entry);
    const track = query ? bestMatch(entry, await find(query)) : null;
    if (track) matched.push({ entry, track });
    else unmatched.push(entry);
    onProgress(++done, entries.length);
  }
  return { matched, unmatched };
}

/**
 * An M3U8 text for tracks ({ name, duration, artist: { name }, path }): #EXTM3U, then an #EXTINF
 * line and a location per track. Without a known path, "Artist - Title" stands in for it
 * (which parseM3U and matchEntries read back).
 */
export function writeM3U(tracks, { title = null } = {}) {
  const clean = (s) => String(s ?? '').replace(/[\r\n]+/g, ' ');
  const out = ['#EXTM3U'];
  if (title) out.push(`#PLAYLIST:${clean(title)}`);
  for (const track of tracks) {
    const name = [track.artist?.name, track.name].filter(Boolean).map(clean).join(' - ');
    out.push(`#EXTINF:${Math.round(track.duration ?? -1)},${name}`);
    out.push(clean(track.path || name));
  }
  return `${out.join('\n')}\n`;
}
