// Room audio: plays the room's track so that the position the server names is heard at the
// moment it names, on this device's clock (see docs/sync.md).
//
// The track is fetched whole and decoded (decodeAudioData), then played by an
// AudioBufferSourceNode started at an exact AudioContext time. Server time → local time comes
// from the clock estimate (sync.js); local time ↔ AudioContext time from
// getOutputTimestamp(), which pairs the context time now leaving the speakers with the
// performance.now() at which it does (so the device's output latency is already in it). Ten
// times a second the engine compares where the output is with where it should be and applies
// the policy: nothing inside ±5 ms, a playback-rate change of at most ±2 % up to 300 ms,
// a reschedule beyond. Files over 80 MB, or browsers without Web Audio, use an <audio> element
// whose playbackRate is nudged the same way (coarser).

import { canPlayCodec } from '../codecs.js';
import { POLICY, correction, localOutputTimeOf, outputPositionAt, sameTimeline } from './sync.js';

const MAX_DECODE_BYTES = 80 * 1024 * 1024;
const TICK_MS = 100;
const START_LEAD_S = 0.08; // how far ahead of the context's clock a (re)start is scheduled
const FADE_S = 0.006; // de-click on starts and stops
const QUANTUM = 128; // frames per render quantum: when k-rate parameter changes take effect
const MAPPING_READINGS = 3; // a median of three: one odd reading is ignored, a real step is followed within 0.2 s
const ERROR_WINDOW = 30; // ticks (3 s) of error averaged to tell a steady bias from noise
// The output clock jumping by more than this between two checks is an underrun: the device
// already dropped that much sound, so the engine skips it at once rather than catching up slowly.
const UNDERRUN_STEP_MS = 8;
const CACHE_TRACKS = 2; // the current track and the next one


let probe = null;
function canPlay(codec) {
  probe ??= new Audio();
  return canPlayCodec(probe, codec);
}

function withFormat(url, format) {
  return `${url}${url.includes('?') ? '&' : '?'}format=${format}`;
}

/** The URL to fetch for a track: the original when this browser can play it, else MP3. */
export function trackUrl(track) {
  return canPlay(track.codec) ? track.streamUrl : withFormat(track.streamUrl, 'mp3');
}

const AudioContextClass = globalThis.AudioContext || globalThis.webkitAudioContext;

/**
 * options: clock (a ClockEstimator), calibration() → ms, onLoaded(trackId) once a track can
 * play, onChange() whenever the state the view shows changes.
 */
export class RoomEngine {
  constructor({ clock, calibration = () => 0, onLoaded = () => {}, onChange = () => {} }) {
    Object.assign(this, { clock, calibration, onLoaded, onChange });
    this.playback = null;
    this.held = false; // the listener's own player is playing: the room stays quiet here
    this.volume = 1;
    this.cache = new Map(); // trackId → { status: 'loading' | 'ready' | 'failed', buffer?, element?, promise }
    this.voice = null; // the playing source and its timeline
    this.element = null; // fallback output
    this.mapping = []; // recent performanceTime − contextTime·1000 readings
    this.stats = { corrections: 0, reschedules: 0, underruns: 0, lastError: null, rate: 1, mode: null, audibleAt: null, firstAudibleAt: null, loadMs: null };
    this.blocked = false; // an <audio> element was refused playback until a tap
    this.correcting = false;
    this.errors = []; // recent errors (ms), for the bias check
    this.destroyed = false;
    this.ctx = null;
    if (AudioContextClass) {
      try {
        this.ctx = new AudioContextClass({ latencyHint: 'interactive' });
        this.master = this.ctx.createGain();
        this.master.connect(this.ctx.destination);
        this.ctx.addEventListener('statechange', () => {
          this.#apply();
          this.onChange();
        });
      } catch (err) {
        console.warn('Web Audio is not available; using an <audio> element', err);
        this.ctx = null;
      }
    }
    this.timer = setInterval(() => this.#tick(), TICK_MS);
  }

  /** True while the browser waits for a tap before it lets this page make sound. */
  get needsGesture() {
    return Boolean((this.ctx && this.ctx.state === 'suspended') || this.blocked);
  }

  /** Call from a click: lets the AudioContext run. */
  async resume() {
    this.blocked = false;
    if (this.ctx?.state === 'suspended') await this.ctx.resume();
    this.#apply();
    this.onChange();
  }

  setVolume(value) {
    this.volume = Math.max(0, Math.min(1, value));
    if (this.master) this.master.gain.value = this.volume;
    if (this.element) this.element.volume = this.volume;
  }

  /** Silences the room here (another player took over) or lets it play again. */
  setHeld(held) {
    if (this.held === held) return;
    this.held = held;
    this.#apply(true);
    this.onChange();
  }

  /** A new playback state (the caller drops stale `seq`s). */
  setPlayback(playback) {
    const previous = this.playback;
    this.playback = playback;
    if (playback?.track) this.preload(playback.track);
    // The same timeline re-anchored (a late joiner's frame, say) changes nothing audible.
    this.#apply(!sameTimeline(previous, playback));
    this.onChange();
  }

  /** Fetches and decodes a track ahead of time (the next in the queue). */
  preload(track) {
    if (!track?.streamUrl || this.cache.has(track.id)) return this.cache.get(track?.id)?.promise;
    const entry = { status: 'loading', promise: null };
    this.cache.set(track.id, entry);
    entry.promise = this.#load(track, entry);
    this.#trimCache(track.id);
    return entry.promise;
  }

  isLoaded(trackId) {
    return this.cache.get(trackId)?.status === 'ready';
  }

  loadState(trackId) {
    return this.cache.get(trackId)?.status ?? 'none';
  }

  #trimCache(keep) {
    if (this.cache.size <= CACHE_TRACKS) return;
    for (const id of this.cache.keys()) {
      if (this.cache.size <= CACHE_TRACKS) break;
      if (id === keep || id === this.playback?.trackId) continue;
      const entry = this.cache.get(id);
      entry.controller?.abort();
      entry.element?.removeAttribute('src');
      this.cache.delete(id);
    }
  }

  async #load(track, entry) {
    const started = performance.now();
    entry.controller = new AbortController();
    let url = trackUrl(track);
    try {
      let response = await fetch(url, { signal: entry.controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const size = Number(response.headers.get('Content-Length')) || 0;
      if (!this.ctx || size > MAX_DECODE_BYTES) {
        entry.controller.abort();
        entry.element = this.#makeElement(url);
      } else {
        let data = await response.arrayBuffer();
        try {
          entry.buffer = await this.ctx.decodeAudioData(data);
        } catch (err) {
          // The browser claimed the codec but cannot decode it here: ask for MP3 once.
          if (url.includes('format=')) throw err;
          url = withFormat(track.streamUrl, 'mp3');
          response = await fetch(url, { signal: entry.controller.signal });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          data = await response.arrayBuffer();
          entry.buffer = await this.ctx.decodeAudioData(data);
        }
      }
      if (this.destroyed || this.cache.get(track.id) !== entry) return;
      entry.status = 'ready';
      if (track.id === this.playback?.trackId) this.stats.loadMs = Math.round(performance.now() - started);
      this.onLoaded(track.id);
      this.#apply();
      this.onChange();
    } catch (err) {
      if (err.name === 'AbortError' || this.cache.get(track.id) !== entry) return;
      console.warn(`room track ${track.id} could not be loaded`, err);
      entry.status = 'failed';
      entry.error = 'This track could not be loaded here.';
      this.onChange();
    }
  }

  #makeElement(url) {
    const el = new Audio();
    el.preload = 'auto';
    el.src = url;
    el.volume = this.volume;
    return el;
  }

  #shouldPlay() {
    const pb = this.playback;
    return Boolean(pb?.playing && pb.trackId && !this.held && this.clock.ready && this.isLoaded(pb.trackId));
  }

  /**
   * Brings the output in line with the playback state; `restart` forces a new schedule. A
   * restart on the same item keeps the old sound until the new one starts (no gap on a seek).
   */
  #apply(restart = false) {
    if (this.destroyed) return;
    const pb = this.playback;
    const entry = pb?.trackId ? this.cache.get(pb.trackId) : null;
    const want = this.#shouldPlay() && !this.needsGesture;
    const current = this.voice ?? this.element;
    const sameItem = Boolean(current && current.itemId === pb?.itemId && current.trackId === pb?.trackId);
    if (want && sameItem && !restart) return;
    const old = this.voice;
    this.voice = null;
    if (this.element) this.#stopElement();
    if (!want) {
      this.#stopVoice(old);
      return;
    }
    if (entry.buffer) this.#startVoice(entry.buffer);
    else if (entry.element) this.#startElement(entry.element);
    this.#stopVoice(old, sameItem && this.voice ? this.voice.startCtx : 0);
  }

  // ---------- Web Audio ----------

  #refreshMapping() {
    const ctx = this.ctx;
    const ts = ctx.getOutputTimestamp?.();
    let reading;
    if (ts && ts.contextTime > 0 && ts.performanceTime > 0) {
      reading = ts.performanceTime - ts.contextTime * 1000;
    } else {
      // No output timestamp: what renders now is heard after the reported latencies.
      reading = performance.now() - ctx.currentTime * 1000 + ((ctx.baseLatency || 0) + (ctx.outputLatency || 0)) * 1000;
    }
    this.mapping.push(reading);
    if (this.mapping.length > MAPPING_READINGS) this.mapping.shift();
  }

  /** performance.now() − contextTime·1000 for what leaves the output (the median of recent readings). */
  #mapOffset() {
    if (this.mapping.length === 0) this.#refreshMapping();
    const sorted = [...this.mapping].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  #perfOfCtx(t) {
    return t * 1000 + this.#mapOffset();
  }

  #ctxOfPerf(p) {
    return (p - this.#mapOffset()) / 1000;
  }

  /** The track position (ms) that should leave the output at context time t. */
  #targetAtCtx(t) {
    return outputPositionAt(this.playback, this.clock, performance.timeOrigin + this.#perfOfCtx(t), this.calibration());
  }

  #startVoice(buffer) {
    const ctx = this.ctx;
    const pb = this.playback;
    this.#refreshMapping();
    const durationMs = buffer.duration * 1000;
    let when = ctx.currentTime + START_LEAD_S;
    let position = this.#targetAtCtx(when);
    if (position < pb.positionMs) {
      // A start in the future: begin exactly when the server's clock reaches it.
      const local = localOutputTimeOf(pb, this.clock, pb.positionMs, this.calibration());
      when = this.#ctxOfPerf(local - performance.timeOrigin);
      position = pb.positionMs;
    }
    if (position >= durationMs - 20) return; // the track is over here; the server moves on
    const rate = pb.rate || 1;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.playbackRate.setValueAtTime(rate, 0);
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, 0);
    gain.gain.setValueAtTime(0, when);
    gain.gain.linearRampToValueAtTime(1, when + FADE_S);
    source.connect(gain).connect(this.master);
    source.start(when, position / 1000);
    const voice = {
      source, gain, itemId: pb.itemId, trackId: pb.trackId, startCtx: when, rate,
      durationMs, segments: [{ ctx: when, pos: position, rate }],
    };
    source.onended = () => {
      if (this.voice === voice) this.voice = null;
    };
    this.voice = voice;
    this.correcting = false;
    this.errors = [];
    this.stats.rate = 1;
    this.stats.mode = 'webaudio';
    this.stats.audibleAt = performance.timeOrigin + this.#perfOfCtx(when);
    this.stats.firstAudibleAt ??= this.stats.audibleAt;
  }

  /** Fades a voice out at context time `at` (now, at the earliest). */
  #stopVoice(voice, at = 0) {
    if (!voice) return;
    const when = Math.max(this.ctx.currentTime, voice.startCtx, at);
    try {
      voice.gain.gain.cancelScheduledValues(when);
      voice.gain.gain.setValueAtTime(when > voice.startCtx + FADE_S ? 1 : 0, when);
      voice.gain.gain.linearRampToValueAtTime(0, when + FADE_S);
      voice.source.stop(when + FADE_S + 0.01);
    } catch {
      voice.source.disconnect();
    }
  }

  /** Position (ms) of the voice at context time t, from its piecewise-linear timeline. */
  #positionAtCtx(voice, t) {
    const segs = voice.segments;
    let seg = segs[0];
    for (const s of segs) {
      if (s.ctx <= t) seg = s;
      else break;
    }
    return seg.pos + (t - seg.ctx) * 1000 * seg.rate;
  }

  #ctxAtPosition(voice, pos) {
    const segs = voice.segments;
    let seg = segs[0];
    for (const s of segs) {
      if (s.pos <= pos) seg = s;
      else break;
    }
    return seg.ctx + (pos - seg.pos) / (1000 * seg.rate);
  }

  #correctVoice() {
    const voice = this.voice;
    const ctx = this.ctx;
    const pb = this.playback;
    // Not rendering yet: a better clock estimate simply moves the start, silently.
    if (voice.startCtx > ctx.currentTime + 0.03) {
      const start = voice.segments[0];
      if (Math.abs(start.pos - this.#targetAtCtx(start.ctx)) > 1) this.#apply(true);
      return;
    }
    // The next render quantum boundary a little ahead: where a rate change takes effect.
    const rateQ = QUANTUM / ctx.sampleRate;
    const at = Math.ceil((ctx.currentTime + 0.02) / rateQ) * rateQ;
    const actual = this.#positionAtCtx(voice, at);
    if (actual >= voice.durationMs) return;
    const error = actual - this.#targetAtCtx(at);
    this.stats.lastError = error;
    const map = this.#mapOffset();
    const step = voice.lastMap === undefined ? 0 : map - voice.lastMap;
    voice.lastMap = map;
    if (Math.abs(step) > UNDERRUN_STEP_MS && Math.abs(error) > POLICY.deadBandMs) {
      this.stats.underruns += 1;
      this.#apply(true);
      return;
    }
    this.errors.push(error);
    if (this.errors.length > ERROR_WINDOW) this.errors.shift();
    const meanErrorMs = this.errors.length === ERROR_WINDOW ? this.errors.reduce((a, b) => a + b, 0) / ERROR_WINDOW : null;
    const decision = correction(error, { correcting: this.correcting, meanErrorMs }, POLICY);
    if (decision.action === 'rate' && !this.correcting) this.errors = [];
    this.correcting = decision.correcting;
    if (decision.action === 'seek') {
      this.#restart();
      return;
    }
    const rate = (pb.rate || 1) * decision.rate;
    const last = voice.segments[voice.segments.length - 1];
    if (Math.abs(rate - last.rate) < 1e-6) return;
    if (decision.action === 'rate') this.stats.corrections += 1;
    voice.source.playbackRate.setValueAtTime(rate, at);
    voice.segments.push({ ctx: at, pos: actual, rate });
    if (voice.segments.length > 400) voice.segments.splice(1, voice.segments.length - 400);
    this.stats.rate = decision.rate;
  }

  #restart() {
    this.stats.reschedules += 1;
    this.#apply(true);
  }

  // ---------- <audio> fallback ----------

  #startElement(el) {
    const pb = this.playback;
    const now = performance.timeOrigin + performance.now();
    const target = outputPositionAt(pb, this.clock, now, this.calibration());
    el.playbackRate = pb.rate || 1;
    el.volume = this.volume;
    const element = { el, itemId: pb.itemId, trackId: pb.trackId, startTimer: null };
    this.element = element;
    this.stats.mode = 'element';
    this.correcting = false;
    this.stats.firstAudibleAt ??= now;
    if (target < pb.positionMs) {
      el.currentTime = pb.positionMs / 1000;
      const local = localOutputTimeOf(pb, this.clock, pb.positionMs, this.calibration());
      element.startTimer = setTimeout(() => this.element === element && this.#play(el), Math.max(0, local - now));
      this.stats.audibleAt = local;
    } else {
      el.currentTime = target / 1000;
      this.#play(el);
      this.stats.audibleAt = now;
    }
  }

  #play(el) {
    el.play().catch((err) => {
      if (err.name !== 'NotAllowedError') return;
      this.blocked = true;
      this.#stopElement();
      this.onChange();
    });
  }

  #stopElement() {
    const element = this.element;
    if (!element) return;
    this.element = null;
    clearTimeout(element.startTimer);
    element.el.pause();
  }

  #correctElement() {
    const { el } = this.element;
    if (el.paused || el.seeking || el.readyState < 3) return;
    const now = performance.timeOrigin + performance.now();
    const error = el.currentTime * 1000 - outputPositionAt(this.playback, this.clock, now, this.calibration());
    this.stats.lastError = error;
    // An element's clock is coarse: a wider dead band and a slower hand.
    const decision = correction(error, { correcting: this.correcting }, { ...POLICY, deadBandMs: 25, settleMs: 8, horizonMs: 1500 });
    this.correcting = decision.correcting;
    if (decision.action === 'seek') {
      this.stats.reschedules += 1;
      el.currentTime = (outputPositionAt(this.playback, this.clock, now, this.calibration()) + 40) / 1000;
      return;
    }
    if (decision.action === 'rate') this.stats.corrections += 1;
    el.playbackRate = (this.playback.rate || 1) * decision.rate;
    this.stats.rate = decision.rate;
  }

  #stopAll() {
    const voice = this.voice;
    this.voice = null;
    this.#stopVoice(voice);
    if (this.element) this.#stopElement();
  }

  #tick() {
    if (this.destroyed || !this.playback) return;
    if (this.ctx?.state === 'running') this.#refreshMapping();
    if (this.voice) this.#correctVoice();
    else if (this.element) this.#correctElement();
    else this.#apply();
  }

  // ---------- for the view and the tests ----------

  /** Where the output is now (ms into the track), or the server's word when silent here. */
  position() {
    const now = performance.timeOrigin + performance.now();
    if (this.voice) return Math.max(0, this.#positionAtCtx(this.voice, this.#ctxOfPerf(now - performance.timeOrigin)));
    return outputPositionAt(this.playback, this.clock, now, 0);
  }

  /** The epoch ms at which this device outputs (output/ed, will output) track position `ms`. */
  outputTimeOfPosition(ms) {
    if (this.voice) return performance.timeOrigin + this.#perfOfCtx(this.#ctxAtPosition(this.voice, ms));
    if (this.element && !this.element.el.paused) {
      const { el } = this.element;
      return performance.timeOrigin + performance.now() + (ms - el.currentTime * 1000) / (el.playbackRate || 1);
    }
    return null;
  }

  state() {
    const pb = this.playback;
    return {
      trackId: pb?.trackId ?? null,
      itemId: pb?.itemId ?? null,
      playing: Boolean(this.voice || (this.element && !this.element.el.paused)),
      serverPlaying: Boolean(pb?.playing),
      held: this.held,
      context: this.ctx?.state ?? 'none',
      loaded: pb?.trackId ? this.loadState(pb.trackId) : 'none',
      outputLatencyMs: this.ctx ? Math.round(((this.ctx.outputLatency || 0) + (this.ctx.baseLatency || 0)) * 1000) : null,
      calibrationMs: this.calibration(),
      ...this.stats,
    };
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.timer);
    this.#stopAll();
    for (const entry of this.cache.values()) {
      entry.controller?.abort();
      entry.element?.removeAttribute('src');
    }
    this.cache.clear();
    this.ctx?.close().catch(() => {});
  }
}
