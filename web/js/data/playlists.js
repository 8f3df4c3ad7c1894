// Playlist operations. Items have their own ids (a track may appear twice), and positions
// are the server's numbering: dense, from the first item's position.

import { gql } from '../api.js';
import { page, TRACK_FIELDS } from './library.js';

export const PLAYLIST_FIELDS = 'id name description public trackCount duration imageUrl owner { id username }';
const ITEMS = `items(first: 500) { edges { cursor node { id position addedAt track { ${TRACK_FIELDS} } } } pageInfo { hasNextPage endCursor } totalCount }`;

export async function myPlaylists({ first = 50, after = null } = {}) {
  const data = await gql(`query MyPlaylists($first: Int!, $after: String) {
    myPlaylists(first: $first, after: $after) { edges { cursor node { ${PLAYLIST_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount } }`,
  { first, after });
  return page(data.myPlaylists);
}

/** Other people's public playlists. */
export async function publicPlaylists({ first = 60, after = null } = {}) {
  const data = await gql(`query PublicPlaylists($first: Int!, $after: String) {
    publicPlaylists(first: $first, after: $after) { edges { cursor node { ${PLAYLIST_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount } }`,
  { first, after });
  return page(data.publicPlaylists);
}

/** A copy of a playlist I can see, as a new playlist of mine. */
export async function copyPlaylist(id, name = null) {
  const data = await gql(`mutation CopyPlaylist($id: ID!, $name: String) { copyPlaylist(id: $id, name: $name) { ${PLAYLIST_FIELDS} } }`, { id, name });
  return data.copyPlaylist;
}

/** One page of a playlist's items after `after`, in position order (for playlists longer than the first page). */
export async function playlistItems(id, { first = 500, after = null } = {}) {
  const data = await gql(`query PlaylistItems($id: ID!, $first: Int!, $after: String) { playlist(id: $id) { id
    items(first: $first, after: $after) { edges { cursor node { id position addedAt track { ${TRACK_FIELDS} } } } pageInfo { hasNextPage endCursor } totalCount } } }`,
  { id, first, after });
  if (!data.playlist) return { nodes: [], hasNextPage: false, endCursor: null };
  return page(data.playlist.items);
}

/** The playlist with its items sorted by position, or null. */
export async function playlist(id) {
  const data = await gql(`query Playlist($id: ID!) { playlist(id: $id) { ${PLAYLIST_FIELDS} createdAt updatedAt ${ITEMS} } }`, { id });
  return data.playlist && withItems(data.playlist);
}

function withItems(p) {
  // An item whose track has gone from the library comes back with track null: skip it.
  const items = p.items.edges.map((e) => e.node).filter((item) => item.track).sort((a, b) => a.position - b.position);
  return { ...p, items, moreItems: p.items.pageInfo.hasNextPage, itemsCursor: p.items.pageInfo.endCursor };
}

export async function createPlaylist(input) {
  const data = await gql(`mutation CreatePlaylist($input: PlaylistInput!) { createPlaylist(input: $input) { ${PLAYLIST_FIELDS} } }`, { input });
  return data.createPlaylist;
}

export async function updatePlaylist(id, input) {
  const data = await gql(`mutation UpdatePlaylist($id: ID!, $input: PlaylistInput!) { updatePlaylist(id: $id, input: $input) { ${PLAYLIST_FIELDS} } }`, { id, input });
  return data.updatePlaylist;
}

export async function deletePlaylist(id) {
  await gql('mutation DeletePlaylist($id: ID!) { deletePlaylist(id: $id) }', { id });
}

/** Appends (position null) or inserts the tracks; resolves to the playlist's new totals. */
export async function addTracks(playlistId, trackIds, position = null) {
  const data = await gql(`mutation AddTracksToPlaylist($playlistId: ID!, $trackIds: [ID!]!, $position: Int) {
    addTracksToPlaylist(playlistId: $playlistId, trackIds: $trackIds, position: $position) { id name trackCount duration } }`,
  { playlistId, trackIds, position });
  return data.addTracksToPlaylist;
}

export async function removeItems(playlistId, itemIds) {
  const data = await gql(`mutation RemovePlaylistItems($playlistId: ID!, $itemIds: [ID!]!) {
    removePlaylistItems(playlistId: $playlistId, itemIds: $itemIds) { ${PLAYLIST_FIELDS} ${ITEMS} } }`, { playlistId, itemIds });
  return withItems(data.removePlaylistItems);
}

export async function moveItem(playlistId, itemId, toPosition) {
  const data = await gql(`mutation MovePlaylistItem($playlistId: ID!, $itemId: ID!, $toPosition: Int!) {
    movePlaylistItem(playlistId: $playlistId, itemId: $itemId, toPosition: $toPosition) { ${PLAYLIST_FIELDS} ${ITEMS} } }`,
  { playlistId, itemId, toPosition });
  return withItems(data.movePlaylistItem);
}
