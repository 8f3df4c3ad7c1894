// Listening reports, with no DOM. Follows the player and tells the server two things:
// - a play, once the current playthrough was heard for half the track or four minutes
//   (whichever is less). "Heard" sums the time that actually played: a seek moves the
//   position but adds at most the moment it took, so skipping ahead never counts.
// - what is playing now, when playback starts, resumes or changes track, and nothing on pause,
//   stop and the end of the queue. A track change passes through "paused" for a moment, so
//   the report waits until the player settles and is only sent when it differs from the last.
//   Signing out and closing the page say "nothing" at once, so friends aren't left with a
//   track that stopped (the server would otherwise forget it only after the track's end).
// It also starts player-sync.js, which saves the play queue for the next visit or device.

import { recordPlay, setNowPlaying } from './data/activity.js';
import * as player from './player.js';
import { flushPlayQueue, syncPlayQueue } from './player-sync.js';
import * as store from './store.js';

const MAX_NEEDED_S = 240;
const SETTLE_MS = 300;
const RETRY_MS = 15_000;
// The server's answers that mean "this one does not count": final, and not worth a word.
const REFUSALS = new Set(['BAD_USER_INPUT', 'CONFLICT', 'NOT_FOUND']);

const pass = { n: 0, trackId: null, duration: 0, heard: 0, recorded: false, retryAt: 0, last: null };
const playListeners = new Set();
let reported = null; // `${trackId}#${playthrough}` the server was last told, or null for nothing
let settleTimer = null;
let owner = null;

/** fn(trackId) after a play was recorded; returns the unsubscribe function. */
export function onPlayRecorded(fn) {
  playListeners.add(fn);
  return () => playListeners.delete(fn);
}

/** Starts following the player and the session. Call once. */
export function followPlayer() {
  player.on('load', (s) => newPlaythrough(s));
  player.on('ended', (s) => newPlaythrough(s));
  player.on('time', sample);
  player.on('state', (s) => {
    sample(s);
    settle();
  });
  player.on('track', (s) => {
    if (s.track?.id !== pass.trackId) newPlaythrough(s);
    settle();
  });
  store.subscribe(() => {
    const id = store.user()?.id ?? null;
    if (id === owner) return;
    owner = id;
    reported = null; // a new person starts with nothing reported
    newPlaythrough(player.snapshot());
  });
  owner = store.user()?.id ?? null;
  window.addEventListener('pagehide', () => stopReporting({ keepalive: true }));
  // The play queue is told to the server too, so it follows the listener to other devices.
  syncPlayQueue();
}

/** Tells the server nothing plays here any more, if it was told otherwise; before signing out. */
export async function stopReporting({ keepalive = false } = {}) {
  clearTimeout(settleTimer);
  // Signing out: the queue's last change is saved first (a closing page saves it itself).
  if (!keepalive && store.user()) await flushPlayQueue().catch(() => {});
  if (!reported || !store.user()) return;
  reported = null;
  await setNowPlaying(null, 0, { keepalive }).catch(() => {});
}

function newPlaythrough(s) {
  Object.assign(pass, { n: pass.n + 1, trackId: s.track?.id ?? null, duration: s.track?.duration ?? 0, heard: 0, recorded: false, retryAt: 0,
    last: null });
}

// Adds what played since the last sample: never more than the position moved, nor more
// than the time that passed (so a jump counts only the moment before it).
function sample(s) {
  const now = performance.now();
  const at = s.currentTime;
  if (s.playing && pass.last && s.track?.id === pass.trackId) {
    const moved = at - pass.last.at;
    const elapsed = (now - pass.last.now) / 1000;
    if (moved > 0) pass.heard += Math.min(moved, elapsed);
  }
  pass.last = { at, now };
  maybeRecord();
}

const needed = (duration) => (duration > 0 ? Math.min(duration / 2, MAX_NEEDED_S) : Infinity);

function maybeRecord() {
  if (pass.recorded || !store.user() || pass.heard < needed(pass.duration) || performance.now() < pass.retryAt) return;
  pass.recorded = true;
  const { n, trackId } = pass;
  const heard = Math.min(Math.round(pass.heard * 100) / 100, pass.duration);
  recordPlay(trackId, heard).then(
    () => playListeners.forEach((fn) => fn(trackId)),
    (err) => {
      // Offline or a server hiccup: the same playthrough may try again a little later.
      if (!REFUSALS.has(err.code) && pass.n === n) Object.assign(pass, { recorded: false, retryAt: performance.now() + RETRY_MS });
    },
  );
}

// Playing (or about to, while a track loads) counts as playing; a pause the browser made on
// its own (headphones unplugged) does not.
function nowPlaying(s) {
  return s.track && s.wantPlay && !s.error && (s.playing || s.loading) ? s.track.id : null;
}

function settle() {
  clearTimeout(settleTimer);
  settleTimer = setTimeout(report, SETTLE_MS);
}

function report() {
  if (!store.user()) return;
  const s = player.snapshot();
  const trackId = nowPlaying(s);
  const key = trackId && `${trackId}#${pass.n}`;
  if (key === reported) return;
  reported = key;
  setNowPlaying(trackId, trackId ? Math.max(0, s.currentTime) : 0).catch(() => {
    // Not told: let the next change (or this one, at the next event) try again.
    if (reported === key) reported = undefined;
  });
}
