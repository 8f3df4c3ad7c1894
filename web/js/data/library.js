// Library operations: browsing, search, favourites, editing and uploads. Every query the
// UI sends for the music library is written here, so the names are easy to check.

import { gql, uploadWithProgress } from '../api.js';

export const TRACK_FIELDS = `id name genre duration trackNumber discNumber year codec bitrate coverUrl isFavorite canEdit createdAt source
  artist { id name } album { id title }`;

const PAGE_INFO = 'pageInfo { hasNextPage endCursor } totalCount';

export const ARTIST_CARD = 'id name genre imageUrl trackCount';
export const ALBUM_CARD = 'id title year coverUrl artist { id name }';

/** A connection's nodes plus what paging needs. */
export function page(connection) {
  return {
    nodes: connection.edges.map((e) => e.node),
    hasNextPage: connection.pageInfo.hasNextPage,
    endCursor: connection.pageInfo.endCursor,
    totalCount: connection.totalCount,
  };
}

/** `favorites`: only the caller's favourite artists. */
export async function artists({ first = 60, after = null, search = null, genre = null, favorites = false } = {}) {
  const data = await gql(`query Artists($first: Int!, $after: String, $search: String, $genre: String, $favorites: Boolean) {
    artists(first: $first, after: $after, search: $search, genre: $genre, favorites: $favorites) {
      edges { cursor node { ${ARTIST_CARD} isFavorite } } ${PAGE_INFO} } }`,
  { first, after, search, genre, favorites });
  return page(data.artists);
}

/**
 * `sort`: an AlbumSort (TITLE, NEWEST, YEAR, ARTIST, RANDOM, MOST_PLAYED, RECENTLY_PLAYED); sent
 * only when given. `favorites`: only the caller's favourite albums.
 */
export async function albums({ first = 60, after = null, search = null, artistId = null, sort = null, favorites = false } = {}) {
  const sortVar = sort ? ', $sort: AlbumSort!' : '';
  const sortArg = sort ? ', sort: $sort' : '';
  const data = await gql(`query Albums($first: Int!, $after: String, $search: String, $artistId: ID, $favorites: Boolean${sortVar}) {
    albums(first: $first, after: $after, search: $search, artistId: $artistId, favorites: $favorites${sortArg}) { edges { cursor node { ${ALBUM_CARD} isFavorite } } ${PAGE_INFO} } }`,
  { first, after, search, artistId, favorites, ...(sort ? { sort } : {}) });
  return page(data.albums);
}

/** `sort` (NAME, DATE_ADDED, YEAR) is sent only when chosen, so the default needs nothing extra. */
export async function tracks({ first = 100, after = null, search = null, artistId = null, albumId = null, genre = null, sort = null } = {}) {
  const sortVar = sort ? ', $sort: TrackSort!' : '';
  const sortArg = sort ? ', sort: $sort' : '';
  const data = await gql(`query Tracks($first: Int!, $after: String, $search: String, $artistId: ID, $albumId: ID, $genre: String${sortVar}) {
    tracks(first: $first, after: $after, search: $search, artistId: $artistId, albumId: $albumId, genre: $genre${sortArg}) {
      edges { cursor node { ${TRACK_FIELDS} } } ${PAGE_INFO} } }`,
  { first, after, search, artistId, albumId, genre, ...(sort ? { sort } : {}) });
  return page(data.tracks);
}

export async function genres() {
  const data = await gql('query Genres { genres }');
  return data.genres;
}

export async function artist(id) {
  const data = await gql(`query Artist($id: ID!) { artist(id: $id) { ${ARTIST_CARD} isFavorite albums { id title year coverUrl isFavorite } } }`, { id });
  return data.artist;
}

export async function album(id) {
  const data = await gql(`query Album($id: ID!) { album(id: $id) { id title year coverUrl duration isFavorite artist { id name } tracks { ${TRACK_FIELDS} } } }`, { id });
  return data.album;
}

/** Everything the track details dialog shows. */
export async function trackDetails(id) {
  const data = await gql(`query TrackDetails($id: ID!) { track(id: $id) { ${TRACK_FIELDS}
    sampleRate channels fileSize playCount lastPlayedAt path lyrics { synced text lines { startMs text } } } }`, { id });
  return data.track;
}

/** Tracks' library paths by id, for an M3U export. */
export async function trackPaths(ids) {
  const out = new Map();
  // A handful of aliased lookups per request keeps each request small.
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const fields = chunk.map((_, j) => `t${j}: track(id: $id${j}) { id path }`).join(' ');
    const vars = chunk.map((_, j) => `$id${j}: ID!`).join(', ');
    const data = await gql(`query TrackPaths(${vars}) { ${fields} }`, Object.fromEntries(chunk.map((id, j) => [`id${j}`, id])));
    for (const track of Object.values(data)) if (track) out.set(track.id, track.path);
  }
  return out;
}

/**
 * Every node of a paged list, page by page, up to `cap` (so "Play all" on a huge list stays
 * bounded). `load(after)` resolves to a page as from page().
 */
export async function collectAll(load, { cap = 5000, start = [], after = null, done = false } = {}) {
  const nodes = [...start];
  let cursor = after;
  let more = !done;
  while (more && nodes.length < cap) {
    const result = await load(cursor);
    nodes.push(...result.nodes);
    cursor = result.endCursor;
    more = result.hasNextPage && result.nodes.length > 0;
  }
  return nodes.slice(0, cap);
}

export async function search(query, first = 10) {
  const data = await gql(`query Search($query: String!, $first: Int!) { search(query: $query, first: $first) {
    artists { id name imageUrl } albums { id title coverUrl artist { id name } } tracks { ${TRACK_FIELDS} }
    playlists { id name imageUrl owner { id username } } users { id username tag avatarUrl } } }`, { query, first });
  return data.search;
}

/** A freshly signed stream URL: they expire after about an hour, so fetch right before playing. */
export async function streamUrl(id, format = 'ORIGINAL') {
  const data = await gql('query StreamUrl($id: ID!, $format: StreamFormat!) { track(id: $id) { id streamUrl(format: $format) } }', { id, format });
  if (!data.track) throw new Error('This track is no longer in the library.');
  return data.track.streamUrl;
}

export async function favorites({ first = 100, after = null } = {}) {
  const data = await gql(`query Favorites($first: Int!, $after: String) {
    favorites(first: $first, after: $after) { edges { cursor node { ${TRACK_FIELDS} } } ${PAGE_INFO} } }`, { first, after });
  return page(data.favorites);
}

export async function setFavorite(trackId, on) {
  const data = on
    ? await gql('mutation FavoriteTrack($trackId: ID!) { favoriteTrack(trackId: $trackId) { id isFavorite } }', { trackId })
    : await gql('mutation UnfavoriteTrack($trackId: ID!) { unfavoriteTrack(trackId: $trackId) { id isFavorite } }', { trackId });
  return (data.favoriteTrack || data.unfavoriteTrack).isFavorite;
}

export async function setAlbumFavorite(albumId, on) {
  const data = on
    ? await gql('mutation FavoriteAlbum($albumId: ID!) { favoriteAlbum(albumId: $albumId) { id isFavorite } }', { albumId })
    : await gql('mutation UnfavoriteAlbum($albumId: ID!) { unfavoriteAlbum(albumId: $albumId) { id isFavorite } }', { albumId });
  return (data.favoriteAlbum || data.unfavoriteAlbum).isFavorite;
}

export async function setArtistFavorite(artistId, on) {
  const data = on
    ? await gql('mutation FavoriteArtist($artistId: ID!) { favoriteArtist(artistId: $artistId) { id isFavorite } }', { artistId })
    : await gql('mutation UnfavoriteArtist($artistId: ID!) { unfavoriteArtist(artistId: $artistId) { id isFavorite } }', { artistId });
  return (data.favoriteArtist || data.unfavoriteArtist).isFavorite;
}

export async function updateTrack(id, input) {
  const data = await gql(`mutation UpdateTrack($id: ID!, $input: TrackInput!) { updateTrack(id: $id, input: $input) { ${TRACK_FIELDS} } }`, { id, input });
  return data.updateTrack;
}

export async function deleteTrack(id) {
  await gql('mutation DeleteTrack($id: ID!) { deleteTrack(id: $id) }', { id });
}

/** One file, tags read by the server (input null); resolves to the new Track. */
export async function uploadTrack(file, onProgress, signal) {
  const data = await uploadWithProgress(
    `mutation UploadTrack($file: Upload!, $input: TrackUploadInput) { uploadTrack(file: $file, input: $input) { ${TRACK_FIELDS} } }`,
    { file: null, input: null }, 'variables.file', file, onProgress, { signal });
  return data.uploadTrack;
}

/** Tracks for a search, with their library paths, for matching imported playlists. */
export async function findTracks(query, first = 10) {
  const data = await gql(`query FindTracks($search: String!, $first: Int!) {
    tracks(first: $first, search: $search) { edges { node { ${TRACK_FIELDS} path } } ${PAGE_INFO} } }`, { search: query, first });
  return page(data.tracks).nodes;
}
