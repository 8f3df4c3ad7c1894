// A tiny graphql-transport-ws client for /graphql/ws. One socket carries every active
// subscription; it opens on the first subscribe, closes when the last one ends, and
// reconnects (re-subscribing everything) if the server drops it while someone listens.

import { ApiError, refreshSession } from './api.js';
import { serverError, t } from './i18n.js';
import * as store from './store.js';

const PROTOCOL = 'graphql-transport-ws';
const MAX_BACKOFF_MS = 30_000;

const active = new Map(); // id → { payload, sink }
let socket = null;
let acked = false;
let nextId = 1;
let attempts = 0;
let reconnectTimer = null;

/**
 * Starts a subscription. `sink.next(data)` gets each result, `sink.error(ApiError)` a failure
 * (which ends it), `sink.complete()` the server's end; the optional `sink.started()` runs each
 * time it is sent on an acknowledged socket (again after a reconnect, when events may have
 * been missed). Returns the function that stops it.
 */
export function subscribe(query, variables, sink) {
  const id = String(nextId++);
  active.set(id, { payload: { query, variables }, sink });
  if (!socket) connect();
  else if (acked) start(id);
  return () => {
    if (!active.delete(id)) return;
    if (acked) send({ id, type: 'complete' });
    if (active.size === 0) disconnect();
  };
}

function start(id) {
  const entry = active.get(id);
  if (!entry) return; // stopped by an earlier sink's started()
  send({ id, type: 'subscribe', payload: entry.payload });
  entry.sink.started?.();
}

function send(message) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

async function connect() {
  clearTimeout(reconnectTimer);
  // Claim the slot before awaiting, so concurrent subscribers share this connection.
  const ws = { readyState: WebSocket.CONNECTING, close() {} };
  socket = ws;
  if (store.accessTokenStale()) await refreshSession().catch(() => {});
  if (socket !== ws) return; // disconnected meanwhile
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const real = new WebSocket(`${scheme}//${location.host}/graphql/ws`, PROTOCOL);
  socket = real;
  acked = false;
  // Events from a socket we already let go of are ignored.
  real.onopen = () => send({ type: 'connection_init', payload: { token: store.accessToken() } });
  real.onmessage = (event) => socket === real && receive(JSON.parse(event.data));
  real.onclose = (event) => socket === real && closed(event);
}

function receive(message) {
  const entry = active.get(message.id);
  switch (message.type) {
    case 'connection_ack':
      acked = true;
      attempts = 0;
      for (const id of [...active.keys()]) start(id);
      break;
    case 'ping':
      send({ type: 'pong' });
      break;
    case 'next':
      if (message.payload?.errors?.length) failOne(message.id, message.payload.errors[0]);
      else entry?.sink.next?.(message.payload.data);
      break;
    case 'error':
      failOne(message.id, message.payload?.[0]);
      break;
    case 'complete':
      active.delete(message.id);
      entry?.sink.complete?.();
      break;
    default:
      break;
  }
}

function failOne(id, error) {
  const entry = active.get(id);
  active.delete(id);
  const code = error?.extensions?.code ?? 'INTERNAL';
  entry?.sink.error?.(error?.message ? new ApiError(serverError(code, error.message), code, error.message) : new ApiError(t('error.subscription'), code));
}

function closed(event) {
  const wasAcked = acked;
  socket = null;
  acked = false;
  if (active.size === 0 || !store.user()) return;
  // Refused before the ack: most likely an expired token (the server closes with 1002 or 4401).
  if (!wasAcked && attempts >= 3) {
    const error = new ApiError(t('error.liveUnavailable'), 'NETWORK', event.reason);
    for (const id of [...active.keys()]) failOne(id, { message: error.message });
    return;
  }
  const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);
  attempts += 1;
  reconnectTimer = setTimeout(async () => {
    if (!wasAcked) await refreshSession().catch(() => {});
    if (active.size > 0 && !socket) connect();
  }, delay);
}

function disconnect() {
  clearTimeout(reconnectTimer);
  const ws = socket;
  socket = null;
  acked = false;
  attempts = 0;
  ws?.close(1000, 'done');
}
