// Hearts: one place that knows each track's favourite state as this page last saw it, so
// every heart on screen (rows, search, the player) agrees after a change. No DOM code.

import { setFavorite } from './data/library.js';
import * as player from './player.js';

const known = new Map(); // track id → boolean
const listeners = new Set();

/** Freshly loaded tracks carry the server's word; remember it. */
export function learn(tracks) {
  for (const track of tracks) known.set(track.id, Boolean(track.isFavorite));
}

export function isFavorite(track) {
  return known.has(track.id) ? known.get(track.id) : Boolean(track.isFavorite);
}

/** Calls fn(trackId, isFavorite) after each change; returns the unsubscribe function. */
export function onFavoriteChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(id, value) {
  known.set(id, value);
  player.patchTrack(id, { isFavorite: value });
  for (const fn of listeners) fn(id, value);
}

/** Flips the heart at once and settles on what the server answers (or flips back on error). */
export async function toggleFavorite(track) {
  const wanted = !isFavorite(track);
  set(track.id, wanted);
  try {
    set(track.id, await setFavorite(track.id, wanted));
  } catch (err) {
    set(track.id, !wanted);
    throw err;
  }
}
