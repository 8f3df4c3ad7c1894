// The GraphQL client: POST /graphql with JSON, or multipart per the GraphQL multipart
// request spec when files are attached (uploadWithProgress for one big file with a progress
// bar). A request refused as UNAUTHENTICATED is retried once after refreshing the session.
// Subscriptions have their own small client in subscriptions.js.

import { serverError, t } from './i18n.js';
import * as store from './store.js';

export const USER_FIELDS = `
  id username tag email avatarUrl isAdmin twoFactorEnabled provider createdAt shareActivity`;

export const AUTH_PAYLOAD = `
  accessToken refreshToken expiresIn user { ${USER_FIELDS} }`;

const REFRESH = `mutation Refresh($refreshToken: String!) {
  session: refreshToken(refreshToken: $refreshToken) { ${AUTH_PAYLOAD} }
}`;

// For mutations where UNAUTHENTICATED means a wrong secret (current password, 2FA code) rather
// than an expired token: refreshing would not help. Stale tokens are still refreshed up front.
export const NO_RETRY = { retry: false };

/**
 * A failure to show people: `message` is already in their language (see serverError() in
 * i18n.js), `code` the machine code (NOT_FOUND, NETWORK, …), `serverMessage` the server's
 * own English text, for logs and tests.
 */
export class ApiError extends Error {
  constructor(message, code = 'INTERNAL', serverMessage = message) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.serverMessage = serverMessage;
  }
}

/** An ApiError for a code the client itself decides (NETWORK, ABORTED, …). */
const clientError = (code) => new ApiError(serverError(code, ''), code);

/**
 * Runs one operation and resolves to its `data`, or rejects with an ApiError.
 * `files` maps a variable path (e.g. 'variables.input.avatar') to a File or Blob.
 * `anonymous` sends no token and never retries (sign-in operations, where UNAUTHENTICATED
 * means bad credentials); `retry: false` keeps the token but skips the refresh-and-retry;
 * `keepalive` lets the request finish after the page is gone.
 */
export async function gql(query, variables = {}, { files = {}, anonymous = false, retry = true, keepalive = false } = {}) {
  if (!anonymous && store.user() && store.accessTokenStale()) await refreshQuietly();
  try {
    return await send(query, variables, files, anonymous, keepalive);
  } catch (err) {
    if (err.code !== 'UNAUTHENTICATED' || anonymous || !retry || !store.refreshToken()) throw err;
    await refreshSession();
    return send(query, variables, files, anonymous, keepalive);
  }
}

// `keepalive` lets a small request outlive the page (a last word as the tab closes).
async function send(query, variables, files, anonymous, keepalive = false) {
  const headers = {};
  const token = store.accessToken();
  if (token && !anonymous) headers.Authorization = `Bearer ${token}`;
  let body;
  if (Object.keys(files).length === 0) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify({ query, variables });
  } else {
    body = multipartBody(query, variables, files);
  }
  let response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body, keepalive });
  } catch {
    throw clientError('NETWORK');
  }
  const json = (response.headers.get('Content-Type') || '').includes('json');
  return interpret(response.status, json ? await response.json().catch(() => null) : null);
}

// https://github.com/jaydenseric/graphql-multipart-request-spec: the files travel as parts
// "0", "1", ...; "operations" holds null where each goes, and "map" says where.
function multipartBody(query, variables, files) {
  const form = new FormData();
  const operations = { query, variables: structuredClone(variables) };
  const map = {};
  Object.keys(files).forEach((path, i) => {
    setPath(operations, path, null);
    map[i] = [path];
  });
  form.append('operations', JSON.stringify(operations));
  form.append('map', JSON.stringify(map));
  Object.values(files).forEach((file, i) => form.append(String(i), file, file.name || 'upload'));
  return form;
}

function setPath(target, path, value) {
  const keys = path.split('.');
  const last = keys.pop();
  keys.reduce((node, key) => node[key], target)[last] = value;
}

/** Turns an HTTP status and parsed JSON body (or null) into `data`, or throws an ApiError. */
function interpret(status, payload) {
  // Refused before GraphQL ran; the body, JSON or not, adds nothing a person needs.
  if (status === 413) throw clientError('PAYLOAD_TOO_LARGE');
  const error = payload?.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'INTERNAL';
    throw new ApiError(serverError(code, error.message), code, error.message);
  }
  if (status === 429) throw clientError('RATE_LIMITED');
  if (status < 200 || status >= 300 || !payload?.data) {
    throw new ApiError(t('error.http', { status }), 'INTERNAL');
  }
  return payload.data;
}

/**
 * Sends one file as a multipart GraphQL request and reports upload progress, which fetch
 * cannot do, hence XMLHttpRequest. `fileVarPath` says where the file goes ('variables.file');
 * `onProgress(fraction, loaded, total)` follows the request body; `signal` cancels.
 * Auth works as in gql(): a stale token is refreshed first, UNAUTHENTICATED retried once.
 */
export async function uploadWithProgress(query, variables, fileVarPath, file, onProgress = () => {}, { signal } = {}) {
  if (store.user() && store.accessTokenStale()) await refreshQuietly();
  const attempt = () => sendWithProgress(multipartBody(query, variables, { [fileVarPath]: file }), onProgress, signal);
  try {
    return await attempt();
  } catch (err) {
    if (err.code !== 'UNAUTHENTICATED' || !store.refreshToken()) throw err;
    await refreshSession();
    onProgress(0, 0, file.size);
    return attempt();
  }
}

function sendWithProgress(body, onProgress, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(clientError('ABORTED'));
      return;
    }
    const xhr = new XMLHttpRequest();
    let sent = false;
    xhr.open('POST', '/graphql');
    const token = store.accessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total, e.loaded, e.total);
    };
    xhr.upload.onload = () => {
      sent = true;
    };
    xhr.onload = () => {
      let payload = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: interpret() goes by the status */
      }
      try {
        resolve(interpret(xhr.status, payload));
      } catch (err) {
        reject(err);
      }
    };
    // A server that refuses an oversized body may close the connection before reading it all,
    // which the browser reports as a network error rather than the 413 it sent.
    xhr.onerror = () => reject(sent ? clientError('NETWORK') : new ApiError(t('error.uploadInterrupted'), 'NETWORK'));
    xhr.onabort = () => reject(clientError('ABORTED'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

let refreshing = null;

/**
 * Trades the stored refresh token for a new session. Concurrent callers share one request:
 * the server rotates refresh tokens, so a second use of the same token would fail.
 */
export function refreshSession() {
  refreshing ??= lockedRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

// Other tabs share the stored refresh token; the Web Locks API (secure contexts only, so not
// on plain-HTTP LAN addresses) keeps them from spending it at the same moment.
function lockedRefresh() {
  if (!navigator.locks) return doRefresh();
  return navigator.locks.request('soundroom.refresh', doRefresh);
}

async function doRefresh() {
  const token = store.refreshToken();
  if (!token) throw new ApiError(t('error.sessionEnded'), 'UNAUTHENTICATED');
  try {
    const data = await send(REFRESH, { refreshToken: token }, {}, true);
    store.setSession(data.session);
  } catch (err) {
    // A network hiccup keeps the session; a refused token ends it.
    if (!['NETWORK', 'RATE_LIMITED', 'INTERNAL'].includes(err.code)) store.clearSession();
    throw err;
  }
}

async function refreshQuietly() {
  try {
    await refreshSession();
  } catch {
    /* the request itself will report the problem */
  }
}
