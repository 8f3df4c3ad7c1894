// The room connection (GET /ws/rooms, docs/rooms.md): `hello` with a token, then the room's
// frames as events. It keeps the clock estimate (a burst of pings on every welcome, then one
// every second or two), reconnects with backoff when the connection drops, and stops for good
// on the close codes that mean "not again" (4401, 4403, 4404, 4000), saying why.
//
//   const socket = new RoomSocket({ roomId, token: async () => '…' });
//   socket.on('welcome', (frame) => …); socket.on('status', ({ status, message }) => …);
//   await socket.send('chat', { text: 'hi' }); // resolves on `ack`, rejects on `error`
//
// For tests only: `window.__soundroomNetem = { upMs, downMs, jitterMs }` delays this page's
// frames each way by that much ± jitter (order kept, like TCP), to measure sync on a bad link.

import { Emitter } from '../emitter.js';
import { serverError, t } from '../i18n.js';
import { ClockEstimator, PING, pingGap } from './sync.js';

/** This device's clock for sync: monotonic, in epoch-like milliseconds. */
export const localNow = () => performance.timeOrigin + performance.now();

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000];
const COMMAND_TIMEOUT_MS = 10_000;

/** Why the connection ended for good, by close code (catalogue keys). */
const FINAL = {
  4401: 'socket.4401',
  4403: 'socket.4403',
  4404: 'socket.4404',
  4000: 'socket.4000',
};
const RETRY = {
  4408: 'socket.4408',
  4429: 'socket.4429',
  1001: 'socket.1001',
};
const offline = (key) => Object.assign(new Error(t(key)), { code: 'OFFLINE' });

/** The room connection; emits each frame type, plus 'status', 'clock' and 'closed'. */
export class RoomSocket extends Emitter {
  /** target: { roomId } or { code }; token: async () => access token or guest pass. */
  constructor({ roomId = null, code = null, token }) {
    super();
    this.target = roomId ? { roomId } : { code };
    this.token = token;
    this.clock = new ClockEstimator();
    this.status = 'idle'; // connecting | live | reconnecting | closed
    this.message = '';
    this.closeCode = null;
    this.pending = new Map(); // ref → { resolve, reject, timer }
    this.nextRef = 1;
    this.ws = null;
    this.attempts = 0;
    this.ended = false;
    this.timers = new Set();
    this.pingTimer = null;
    this.welcomedAt = 0;
    this.netemAt = { up: 0, down: 0 };
    this.onOnline = () => this.status === 'reconnecting' && this.#reconnectNow();
    window.addEventListener('online', this.onOnline);
  }

  #setStatus(status, message = '') {
    this.status = status;
    this.message = message;
    this.emit('status', { status, message, code: this.closeCode });
  }

  connect() {
    if (this.ended) return;
    this.#setStatus(this.attempts === 0 && this.status !== 'reconnecting' ? 'connecting' : 'reconnecting', this.message);
    this.#open().catch((err) => {
      console.warn('room connection failed to start', err);
      this.#dropped(t('socket.couldNotConnect', { reason: err.message }));
    });
  }

  async #open() {
    const token = await this.token();
    if (this.ended) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws/rooms`);
    this.ws = ws;
    ws.onopen = () => this.#transmit(ws, { type: 'hello', token, ...this.target });
    ws.onmessage = (event) => this.#netem('down', () => this.ws === ws && this.#receive(event.data));
    ws.onclose = (event) => this.#netem('down', () => this.ws === ws && this.#closed(event));
  }

  /** Sends a command; resolves on its `ack`, rejects with { code, message } on its `error`. */
  send(type, fields = {}) {
    if (this.status !== 'live') return Promise.reject(offline('socket.notConnected'));
    const ref = this.nextRef++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(Object.assign(new Error(t('socket.timeout')), { code: 'TIMEOUT' }));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(ref, { resolve, reject, timer });
      this.#transmit(this.ws, { type, ref, ...fields });
    });
  }

  /** Sends a frame that needs no answer. */
  cast(type, fields = {}) {
    if (this.status === 'live') this.#transmit(this.ws, { type, ...fields });
  }

  /** Leaves cleanly (no grace period) and closes. */
  leave() {
    if (this.status === 'live') this.#transmit(this.ws, { type: 'leave' });
    this.close();
  }

  /** Closes without `leave`: the server keeps the seat for its grace period. */
  close() {
    this.ended = true;
    window.removeEventListener('online', this.onOnline);
    this.#stopTimers();
    this.#failPending('socket.left');
    const ws = this.ws;
    this.ws = null;
    // Let a queued `leave` out first.
    if (ws) setTimeout(() => ws.close(1000), 50);
    this.#setStatus('closed', this.message || t('room.left'));
  }

  #transmit(ws, frame) {
    const text = JSON.stringify(frame);
    this.#netem('up', () => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(text);
    });
  }

  #receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.attempts = 0;
        this.closeCode = null;
        this.welcomedAt = localNow();
        this.#setStatus('live');
        this.#startPings();
        this.emit('welcome', frame);
        break;
      case 'pong': {
        const t3 = localNow();
        // The server's whole milliseconds are truncated: their middle is the better guess.
        const mid = (t) => (Number.isInteger(t) ? t + 0.5 : t);
        const sample = this.clock.add({ t0: frame.t0, t1: mid(frame.t1), t2: mid(frame.t2), t3 });
        if (sample) this.emit('clock', sample);
        break;
      }
      case 'ack':
      case 'error': {
        const entry = frame.ref != null ? this.pending.get(frame.ref) : null;
        if (entry) {
          this.pending.delete(frame.ref);
          clearTimeout(entry.timer);
          if (frame.type === 'ack') entry.resolve(frame);
          else entry.reject(Object.assign(new Error(frame.message ? serverError(frame.code, frame.message) : t('socket.refused')), { code: frame.code, serverMessage: frame.message }));
        } else if (frame.type === 'error') {
          this.emit('error', frame);
        }
        break;
      }
      case 'roomClosed':
        this.message = frame.reason && frame.reason !== 'the room was closed' ? t('socket.closedBecause', { reason: frame.reason }) : t(FINAL[4000]);
        this.emit('roomClosed', frame);
        break;
      default:
        this.emit(frame.type, frame);
    }
  }

  #closed(event) {
    this.ws = null;
    this.#stopTimers();
    this.#failPending('socket.lost');
    this.closeCode = event.code;
    if (this.ended) return;
    if (FINAL[event.code]) {
      this.ended = true;
      window.removeEventListener('online', this.onOnline);
      const why = t(event.code === 4403 && /removed|kick/i.test(event.reason || '') ? 'socket.removed' : FINAL[event.code]);
      this.#setStatus('closed', event.code === 4000 && this.message ? this.message : why);
      this.emit('closed', { code: event.code, reason: event.reason, message: this.message });
      return;
    }
    this.#dropped(t(RETRY[event.code] || 'socket.dropped'));
  }

  #dropped(message) {
    if (this.ended) return;
    const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] * (1 + Math.random() * 0.3);
    this.attempts += 1;
    this.#setStatus('reconnecting', message);
    this.#later(() => this.connect(), delay);
  }

  #reconnectNow() {
    this.#stopTimers();
    this.connect();
  }

  #startPings() {
    this.#stopTimers();
    for (let i = 0; i < PING.burst; i += 1) this.#later(() => this.#ping(), i * PING.burstGapMs);
    const steady = () => {
      this.#ping();
      this.pingTimer = this.#later(steady, pingGap(localNow() - this.welcomedAt));
    };
    this.pingTimer = this.#later(steady, PING.burst * PING.burstGapMs + PING.settleEveryMs);
  }

  #ping() {
    const frame = { type: 'ping', t0: localNow() };
    if (this.clock.latestRtt != null) frame.rttMs = Math.ceil(this.clock.latestRtt);
    if (this.status === 'live') this.#transmit(this.ws, frame);
  }

  #later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  #stopTimers() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  #failPending(key) {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(offline(key));
    }
    this.pending.clear();
  }

  // Test-only link simulation (see the top); without the knob, frames pass at once.
  #netem(direction, fn) {
    const cfg = globalThis.__soundroomNetem;
    if (!cfg) return fn();
    const base = cfg[`${direction}Ms`] ?? 0;
    const jitter = cfg.jitterMs ?? 0;
    const now = performance.now();
    const at = Math.max(this.netemAt[direction], now + Math.max(0, base + (Math.random() * 2 - 1) * jitter));
    this.netemAt[direction] = at;
    setTimeout(fn, at - now);
    return undefined;
  }
}
