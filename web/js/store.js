// App state. The access token lives only in this module's memory, so an injected script
// cannot lift it from storage; only the refresh token is persisted, so a reload can
// restore the session through the refreshToken mutation.

const REFRESH_KEY = 'soundroom.refreshToken';

const state = {
  serverInfo: null,
  user: null,
  accessToken: null,
  accessExpiresAt: 0,
  challengeToken: null, // a pending 2FA challenge, between login and verifyTwoFactor
  flash: null, // { kind: 'error' | 'info', text } shown once by the next view
};

const listeners = new Set();

function emit() {
  for (const fn of listeners) fn(state);
}

/** Calls fn after every session or user change; returns the unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const serverInfo = () => state.serverInfo;
export const user = () => state.user;
export const accessToken = () => state.accessToken;
export const challengeToken = () => state.challengeToken;

export function setServerInfo(info) {
  state.serverInfo = info;
}

/** True when the access token is missing or about to expire (30 s of slack for clock skew). */
export function accessTokenStale() {
  return !state.accessToken || Date.now() > state.accessExpiresAt - 30_000;
}

/** Stores an AuthPayload: user and access token in memory, refresh token on disk. */
export function setSession(payload) {
  state.accessToken = payload.accessToken;
  state.accessExpiresAt = Date.now() + payload.expiresIn * 1000;
  state.user = payload.user;
  state.challengeToken = null;
  writeRefreshToken(payload.refreshToken);
  emit();
}

export function clearSession() {
  state.accessToken = null;
  state.accessExpiresAt = 0;
  state.user = null;
  state.challengeToken = null;
  writeRefreshToken(null);
  emit();
}

export function setUser(next) {
  state.user = { ...state.user, ...next };
  emit();
}

export function setChallenge(token) {
  state.challengeToken = token;
}

export function setFlash(kind, text) {
  state.flash = { kind, text };
}

export function takeFlash() {
  const flash = state.flash;
  state.flash = null;
  return flash;
}

// localStorage throws in some privacy modes; the app then simply forgets the session on reload.
export function refreshToken() {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function writeRefreshToken(token) {
  try {
    if (token) localStorage.setItem(REFRESH_KEY, token);
    else localStorage.removeItem(REFRESH_KEY);
  } catch {
    /* not persisted: see refreshToken() */
  }
}

// Another tab signed out (it removed the shared refresh token): follow it.
window.addEventListener('storage', (event) => {
  if (event.key === REFRESH_KEY && event.newValue === null && state.user) clearSession();
});
