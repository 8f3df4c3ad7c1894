// Library operations: browsing, search, favourites, editing and uploads. Every query the
// UI sends for the music library is written here, so the names are easy to check.

import { gql, uploadWithProgress } from '../api.js';

export const TRACK_FIELDS = `id name genre duration trackNumber discNumber year codec bitrate coverUrl isFavorite canEdit createdAt
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

export async function artists({ first = 60, after = null, search = null, genre = null } = {}) {
  const data = await gql(`query Artists($first: Int!, $after: String, $search: String, $genre: String) {
    artists(first: $first, after: $after, search: $search, genre: $genre) { edges { cursor node { ${ARTIST_CARD} } } ${PAGE_INFO} } }`,
  { first, after, search, genre });
  return page(data.artists);
}

export async function albums({ first = 60, after = null, search = null, artistId = null } = {}) {
  const data = await gql(`query Albums($first: Int!, $after: String, $search: String, $artistId: ID) {
    albums(first: $first, after: $after, search: $search, artistId: $artistId) { edges { cursor node { ${ALBUM_CARD} } } ${PAGE_INFO} } }`,
  { first, after, search, artistId });
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
  const data = await gql(`query Artist($id: ID!) { artist(id: $id) { ${ARTIST_CARD} albums { id title year coverUrl } } }`, { id });
  return data.artist;
}

export async function album(id) {
  const data = await gql(`query Album($id: ID!) { album(id: $id) { id title year coverUrl duration artist { id name } tracks { ${TRACK_FIELDS} } } }`, { id });
  return data.album;
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
