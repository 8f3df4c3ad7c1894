// Hearts: one place that knows each track's, album's and artist's favourite state as this page
// last saw it, so every heart on screen (rows, cards, search, the player) agrees after a
// change. No DOM code. `kind` is 'track' (the default), 'album' or 'artist'.

import { setAlbumFavorite, setArtistFavorite, setFavorite } from './data/library.js';
import * as player from './player.js';

const known = new Map(); // `${kind}:${id}` → boolean
const listeners = new Set();
const SETTERS = { track: setFavorite, album: setAlbumFavorite, artist: setArtistFavorite };

const key = (id, kind) => `${kind}:${id}`;

/** Freshly loaded items carry the server's word; remember it (when they carry one at all). */
export function learn(items, kind = 'track') {
  for (const item of items) if (item && 'isFavorite' in item) known.set(key(item.id, kind), Boolean(item.isFavorite));
}

export function isFavorite(item, kind = 'track') {
  const k = key(item.id, kind);
  return known.has(k) ? known.get(k) : Boolean(item.isFavorite);
}

/** Calls fn(id, isFavorite, kind) after each change; returns the unsubscribe function. */
export function onFavoriteChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(id, value, kind) {
  known.set(key(id, kind), value);
  if (kind === 'track') player.patchTrack(id, { isFavorite: value });
  for (const fn of listeners) fn(id, value, kind);
}

/** Flips the heart at once and settles on what the server answers (or flips back on error). */
export async function toggleFavorite(item, kind = 'track') {
  const wanted = !isFavorite(item, kind);
  set(item.id, wanted, kind);
  try {
    set(item.id, await SETTERS[kind](item.id, wanted), kind);
  } catch (err) {
    set(item.id, !wanted, kind);
    throw err;
  }
}
