// The play queue follows the listener from visit to visit and device to device: saved to the
// server (savePlayQueue, the same record Subsonic apps read with getPlayQueue) when the queue
// or the track changes, after a seek or a pause, every 15 s while playing and as the page
// goes away; put back, paused at the saved spot, when someone signs in or opens the app.
// No DOM code.

import { gql } from './api.js';
import { TRACK_FIELDS } from './data/library.js';
import { learn } from './favorites.js';
import * as player from './player.js';
import * as store from './store.js';

const CLIENT = 'web';
const SAVE_AFTER_MS = 1500; // queue edits come in bursts (drag, several "add to queue")
const PLAYING_EVERY_MS = 15_000;
// fetch keepalive refuses bodies over 64 KiB; a bigger queue is sent the ordinary way.
const KEEPALIVE_MAX_BYTES = 60_000;

const SAVE = `mutation SavePlayQueue($trackIds: [ID!]!, $currentId: ID, $positionMs: Int!, $client: String) {
  savePlayQueue(trackIds: $trackIds, currentId: $currentId, positionMs: $positionMs, client: $client) }`;
const LOAD = `query PlayQueue { playQueue { tracks { ${TRACK_FIELDS} } current { id } positionMs changedAt changedBy } }`;

let owner = null; // the signed-in person this page saves for
let saveTimer = null;
let lastSaved = null; // the last payload the server accepted, as JSON
let dirty = false; // something changed since then
let restoring = false;

/** Starts following the player and the session. Call once, after the session is restored. */
export function syncPlayQueue() {
  player.on('queue', changed);
  player.on('track', changed);
  player.on('state', (s) => {
    // A pause is a natural resting point; save it (a play starts the periodic saves).
    if (!s.playing && !s.wantPlay) changed();
  });
  player.element().addEventListener('seeked', changed);
  setInterval(() => {
    if (player.snapshot().playing) save();
  }, PLAYING_EVERY_MS);
  // A reload or a closed tab: the last word, if there is one to say. An idle tab left open
  // says nothing, so it cannot undo what another device saved meanwhile.
  window.addEventListener('pagehide', () => {
    if (dirty || player.snapshot().playing) save({ keepalive: true });
  });
  store.subscribe(followSession);
  followSession();
}

/** Saves what is pending now (before signing out, while the token still works). */
export async function flushPlayQueue() {
  if (!saveTimer && !dirty) return;
  await save();
}

function followSession() {
  const id = store.user()?.id ?? null;
  if (id === owner) return;
  owner = id;
  clearTimeout(saveTimer);
  saveTimer = null;
  lastSaved = null;
  dirty = false;
  if (id) restore(id);
}

function changed() {
  if (restoring || !owner || !store.user()) return;
  dirty = true;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => save(), SAVE_AFTER_MS);
}

/** What the server should hold: at most MAX_QUEUE tracks, a window around the current one. */
function payload() {
  const s = player.snapshot();
  let ids = s.queue.map((entry) => entry.track.id);
  let index = s.index;
  if (ids.length > player.MAX_QUEUE) {
    const startAt = Math.max(0, Math.min(index - 100, ids.length - player.MAX_QUEUE));
    ids = ids.slice(startAt, startAt + player.MAX_QUEUE);
    index -= startAt;
  }
  return {
    trackIds: ids,
    currentId: ids[index] ?? null,
    positionMs: ids.length > 0 ? Math.max(0, Math.round((s.currentTime || 0) * 1000)) : 0,
    client: CLIENT,
  };
}

async function save({ keepalive = false } = {}) {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (!owner || store.user()?.id !== owner) return;
  const vars = payload();
  const json = JSON.stringify(vars);
  if (json === lastSaved) {
    dirty = false;
    return;
  }
  const small = json.length < KEEPALIVE_MAX_BYTES;
  const who = owner;
  try {
    await gql(SAVE, vars, { keepalive: keepalive && small });
    if (owner === who) {
      lastSaved = json;
      dirty = json !== JSON.stringify(payload());
    }
  } catch {
    // Offline or a hiccup: the next change or the next 15 s try again.
  }
}

async function restore(who) {
  let saved;
  try {
    saved = (await gql(LOAD)).playQueue;
  } catch {
    return;
  }
  // Signed out meanwhile, or the listener already chose something to play: theirs wins.
  if (owner !== who || !saved || saved.tracks.length === 0 || player.snapshot().queue.length > 0) return;
  learn(saved.tracks);
  const index = Math.max(0, saved.tracks.findIndex((track) => track.id === saved.current?.id));
  restoring = true;
  try {
    player.restoreQueue(saved.tracks, index, saved.positionMs / 1000);
  } finally {
    restoring = false;
  }
  lastSaved = JSON.stringify(payload());
  dirty = false;
}
