// The local player: one Audio element and the play queue. No DOM code: views call these
// functions and listen with on('queue' | 'track' | 'state' | 'time' | 'volume', fn), and
// with on('load' | 'ended', fn) for where one playthrough of a track begins and ends.
//
// Stream URLs are signed and short-lived, so each is fetched right before it is used. A track
// the browser cannot decode in its original format is retried as Opus, then MP3. Transcodes
// have no byte ranges to seek in, so seeking one asks the server to start at an offset.

import { canPlayCodec } from './codecs.js';
import { streamUrl } from './data/library.js';
import { t } from './i18n.js';

const FORMATS = ['ORIGINAL', 'OPUS', 'MP3'];
const URL_MAX_AGE_MS = 45 * 60 * 1000; // signed URLs last about an hour
const RESTART_AFTER_S = 3; // "previous" past this point restarts the track instead
export const MAX_QUEUE = 5000; // what the server keeps of a saved queue
const VOLUME_KEY = 'soundroom.volume';

const audio = new Audio();
audio.preload = 'auto';

const state = {
  queue: [], // { key, track }; keys are unique because a track may be queued twice
  index: -1,
  format: null,
  url: null, // the signed URL, before any offset
  urlAt: 0,
  offset: 0, // where in the track the transcode being played starts (while pending: where to start)
  pending: false, // a track was chosen and its URL is on its way: the element still holds the last one
  wantPlay: false, // the listener asked to play (survives format retries)
  loading: false,
  error: null,
  repeat: 'off', // off | all | one
};
let nextKey = 1;
let loadSeq = 0;
const events = new EventTarget();

export function on(type, fn) {
  const listener = () => fn(snapshot());
  events.addEventListener(type, listener);
  return () => events.removeEventListener(type, listener);
}

function emit(...types) {
  for (const type of types) events.dispatchEvent(new Event(type));
}

/** The element itself, for tests and for a view that wants to attach it. */
export const element = () => audio;

export function snapshot() {
  return {
    track: current()?.track ?? null,
    key: current()?.key ?? null,
    index: state.index,
    queue: state.queue,
    playing: !audio.paused,
    wantPlay: state.wantPlay, // the listener asked to play, even while a track loads
    loading: state.loading,
    error: state.error,
    format: state.format,
    repeat: state.repeat,
    currentTime: position(),
    duration: duration(),
    volume: audio.volume,
    muted: audio.muted,
  };
}

const current = () => state.queue[state.index] ?? null;

const transcoding = () => state.format !== null && state.format !== 'ORIGINAL';
const position = () => (state.pending ? state.offset : state.offset + (audio.currentTime || 0));

// A transcode may not announce its length (and one started mid-track only knows the rest),
// so the library's duration stands in.
function duration() {
  if (!state.pending && !transcoding() && Number.isFinite(audio.duration) && audio.duration > 0) return audio.duration;
  return current()?.track.duration ?? 0;
}

const entries = (tracks) => tracks.map((track) => ({ key: `q${nextKey++}`, track }));

// ---------- queue ----------

/** Replaces the queue with `tracks` and plays the one at `start`. */
export function playTracks(tracks, start = 0, { shuffle = false } = {}) {
  if (tracks.length === 0) return;
  let list = entries(tracks);
  let first = start;
  if (shuffle) {
    list = shuffled(list);
    first = 0;
  }
  state.queue = list;
  emit('queue');
  load(first, true);
}

/**
 * "Play all" for a list that loads in pages: `loadAllTracks()` resolves to every track of the
 * list (not only the rows on screen), then the queue is replaced and plays from `start`.
 * A second call before the first list arrives wins; resolves to whether it played.
 */
let playAllSeq = 0;
export async function playAll(loadAllTracks, start = 0, { shuffle = false } = {}) {
  const mine = ++playAllSeq;
  const tracks = await loadAllTracks();
  if (mine !== playAllSeq || tracks.length === 0) return false;
  playTracks(tracks, Math.min(start, tracks.length - 1), { shuffle });
  return true;
}

/**
 * Walks a cursor-paged list to the end, for playAll(): `fetchPage(after)` resolves to
 * { nodes, hasNextPage, endCursor } (data/library.js's page()). Stops at `max` tracks.
 */
export async function loadAllPages(fetchPage, max = MAX_QUEUE) {
  const all = [];
  let after = null;
  for (;;) {
    const page = await fetchPage(after);
    all.push(...page.nodes);
    if (!page.hasNextPage || all.length >= max) return all.slice(0, max);
    after = page.endCursor;
  }
}

/**
 * Puts back a queue saved earlier (another device, the last visit): the queue and current
 * track, paused at `positionSeconds`. Nothing plays until the listener presses play.
 */
export function restoreQueue(tracks, index, positionSeconds = 0) {
  if (tracks.length === 0) return;
  state.queue = entries(tracks);
  emit('queue');
  load(Math.max(0, Math.min(index, tracks.length - 1)), false, positionSeconds);
}

/** Adds after the current track. */
export function playNext(tracks) {
  state.queue.splice(state.index + 1, 0, ...entries(tracks));
  afterAdd();
}

export function enqueue(tracks) {
  state.queue.push(...entries(tracks));
  afterAdd();
}

function afterAdd() {
  emit('queue');
  if (state.index === -1 && state.queue.length > 0) load(0, false);
}

export function playAt(index) {
  if (state.queue[index]) load(index, true);
}

export function removeAt(index) {
  if (!state.queue[index]) return;
  state.queue.splice(index, 1);
  if (index < state.index) {
    state.index -= 1;
  } else if (index === state.index) {
    // The next track takes its place; with none left, the new last one waits, paused.
    if (state.queue.length === 0) return reset();
    if (index < state.queue.length) load(index, state.wantPlay);
    else load(state.queue.length - 1, false);
  }
  emit('queue');
}

/** Moves one entry; the current track keeps playing wherever it lands. */
export function move(from, to) {
  const { queue } = state;
  if (!queue[from] || to < 0 || to >= queue.length || from === to) return;
  const playing = current();
  const [entry] = queue.splice(from, 1);
  queue.splice(to, 0, entry);
  state.index = queue.indexOf(playing);
  emit('queue');
}

/** Drops everything after the current track. */
export function clearUpcoming() {
  state.queue.splice(state.index + 1);
  emit('queue');
}

/** Stops and forgets everything (on sign-out). */
export function reset() {
  loadSeq += 1;
  audio.pause();
  audio.removeAttribute('src');
  audio.load();
  Object.assign(state, { queue: [], index: -1, format: null, url: null, urlAt: 0, offset: 0, pending: false, wantPlay: false, loading: false, error: null });
  emit('queue', 'track', 'state', 'time');
}

/** Updates a track's fields (a heart, an edit) wherever it sits in the queue. */
export function patchTrack(id, fields) {
  let touched = false;
  for (const entry of state.queue) {
    if (entry.track.id === id) {
      entry.track = { ...entry.track, ...fields };
      touched = true;
    }
  }
  if (touched) emit('queue', 'track');
}

/** Shuffles what comes after the current track. */
export function shuffleUpcoming() {
  const upcoming = state.queue.splice(state.index + 1);
  state.queue.push(...shuffled(upcoming));
  emit('queue');
}

export function cycleRepeat() {
  state.repeat = { off: 'all', all: 'one', one: 'off' }[state.repeat];
  emit('state');
}

function shuffled(list) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

// ---------- transport ----------

export function play() {
  if (!current()) return;
  state.wantPlay = true;
  if (!audio.src || state.error) return load(state.index, true);
  if (state.pending) return emit('state'); // it starts as soon as its URL arrives
  // A paused track may have outlived its signed URL: fetch a new one and carry on from here.
  if (Date.now() - state.urlAt > URL_MAX_AGE_MS) return loadFormat(state.format, ++loadSeq, position());
  start();
}

export function pause() {
  state.wantPlay = false;
  audio.pause();
}

export function toggle() {
  // A track still fetching its URL counts as playing if it was asked to.
  if (!audio.paused || (state.pending && state.wantPlay)) pause();
  else play();
}

export function next() {
  if (state.index + 1 < state.queue.length) load(state.index + 1, true);
  else if (state.repeat === 'all' && state.queue.length > 0) load(0, true);
}

export function previous() {
  if (position() > RESTART_AFTER_S || state.index <= 0) seek(0);
  else load(state.index - 1, true);
}

export function seek(seconds) {
  if (!current()) return;
  const target = Math.max(0, Math.min(seconds, duration() || seconds));
  if (state.pending) state.offset = target; // where the coming track will start
  else if (transcoding() && state.url) startAt(target);
  else audio.currentTime = target;
  emit('time');
}

/** Moves the position by `delta` seconds (negative: back), within the track. */
export function seekBy(delta) {
  if (current()) seek(Math.max(0, position() + delta));
}

/** Louder or quieter by `delta` (0–1 scale); a muted player unmutes on the way up only. */
export function changeVolume(delta) {
  const wasMuted = audio.muted;
  setVolume(Math.round((audio.volume + delta) * 100) / 100);
  if (wasMuted && delta < 0) audio.muted = true;
}

export function setVolume(value) {
  audio.volume = Math.max(0, Math.min(1, value));
  audio.muted = audio.volume === 0;
  try {
    localStorage.setItem(VOLUME_KEY, String(audio.volume));
  } catch {
    /* not remembered */
  }
}

export function toggleMute() {
  audio.muted = !audio.muted;
  if (!audio.muted && audio.volume === 0) audio.volume = 0.5;
}

// ---------- loading ----------

function load(index, autoplay, from = 0) {
  Object.assign(state, { index, wantPlay: autoplay, error: null, format: null, url: null, offset: from, pending: true });
  audio.pause();
  emit('load', 'track', 'queue');
  const track = current().track;
  const format = playableOriginal(track) ? 'ORIGINAL' : 'OPUS';
  loadFormat(format, ++loadSeq, from);
}

function playableOriginal(track) {
  return canPlayCodec(audio, track.codec);
}

async function loadFormat(format, seq, from) {
  const entry = current();
  state.loading = true;
  emit('state');
  let url;
  try {
    url = await streamUrl(entry.track.id, format);
  } catch (err) {
    if (seq === loadSeq) fail(err.message);
    return;
  }
  if (seq !== loadSeq) return; // another track was chosen meanwhile
  state.format = format;
  state.url = url;
  state.urlAt = Date.now();
  startAt(state.pending ? state.offset : from);
}

/** Points the element at the current URL from `seconds` in, and plays if asked to. */
function startAt(seconds) {
  state.pending = false;
  if (transcoding()) {
    state.offset = seconds;
    audio.src = seconds > 0 ? `${state.url}&timeOffset=${seconds.toFixed(2)}` : state.url;
  } else {
    state.offset = 0;
    if (audio.getAttribute('src') !== state.url) audio.src = state.url;
    audio.currentTime = seconds;
  }
  if (state.wantPlay) start();
  else {
    state.loading = false;
    emit('state', 'time');
  }
}

function start() {
  audio.play().catch((err) => {
    // AbortError: the source changed before playback began, which the new load handles.
    if (err.name === 'NotAllowedError') {
      state.wantPlay = false;
      state.loading = false;
      emit('state');
    }
  });
}

function fail(message) {
  state.loading = false;
  state.wantPlay = false;
  state.error = message;
  emit('state');
}

// An error on ORIGINAL usually means a codec this browser lacks; a stale URL gets refreshed.
function retryAfterError() {
  if (!current() || !audio.getAttribute('src')) return;
  const at = position();
  if (Date.now() - state.urlAt > URL_MAX_AGE_MS) return loadFormat(state.format, ++loadSeq, at);
  const fallback = FORMATS[FORMATS.indexOf(state.format) + 1];
  if (fallback) return loadFormat(fallback, ++loadSeq, at);
  fail(t('player.cannotPlay'));
}

function ended() {
  emit('ended');
  if (state.repeat === 'one') {
    seek(0);
    start();
  } else if (state.index + 1 < state.queue.length || state.repeat === 'all') {
    next();
  } else {
    state.wantPlay = false;
    seek(0);
    emit('state');
  }
}

audio.addEventListener('playing', () => {
  state.loading = false;
  emit('state');
});
audio.addEventListener('waiting', () => {
  state.loading = true;
  emit('state');
});
audio.addEventListener('play', () => emit('state'));
audio.addEventListener('pause', () => emit('state'));
audio.addEventListener('timeupdate', () => emit('time'));
audio.addEventListener('durationchange', () => emit('time'));
audio.addEventListener('volumechange', () => emit('volume'));
audio.addEventListener('ended', ended);
audio.addEventListener('error', retryAfterError);

try {
  const saved = Number.parseFloat(localStorage.getItem(VOLUME_KEY));
  if (Number.isFinite(saved)) audio.volume = Math.max(0, Math.min(1, saved));
} catch {
  /* default volume */
}
