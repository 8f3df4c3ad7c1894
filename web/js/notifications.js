// Live notifications, with no DOM: one `notifications` subscription while someone is signed
// in, the unread count it keeps, and listeners for the bell, toasts and the Friends page.

import { refreshSession } from './api.js';
import * as social from './data/social.js';
import { t } from './i18n.js';
import * as store from './store.js';
import { subscribe } from './subscriptions.js';

const SUBSCRIPTION = `subscription Notifications { notifications { ${social.NOTIFICATION} } }`;
const RESTART_MS = 3000;
const MAX_RESTARTS = 3;

const state = { unread: 0, ready: false };
const countListeners = new Set();
const liveListeners = new Set();
const friendListeners = new Set();
const FRIEND_TYPES = new Set(['FRIEND_REQUEST_RECEIVED', 'FRIEND_REQUEST_ACCEPTED']);
let stop = null;
let owner = null; // the user id the subscription belongs to
let restarts = 0;
let restartTimer = null;

export const unreadCount = () => state.unread;

/** A notification's sentence in the current language (the server's `message` is English). */
export function notificationText(n) {
  const key = { FRIEND_REQUEST_RECEIVED: 'notify.requestReceived', FRIEND_REQUEST_ACCEPTED: 'notify.requestAccepted', ROOM_INVITE: 'notify.roomInvite' }[n.type];
  return key && n.user ? t(key, { name: n.user.username }) : n.message;
}
/** True once the subscription is sent on an open socket and the count is loaded. */
export const isReady = () => state.ready;

/** fn() after the unread count (or readiness) changes; returns the unsubscribe function. */
export function onCount(fn) {
  countListeners.add(fn);
  return () => countListeners.delete(fn);
}

/** fn(notification) for each live notification; returns the unsubscribe function. */
export function onNotification(fn) {
  liveListeners.add(fn);
  return () => liveListeners.delete(fn);
}

/** fn() when friends or requests may have changed: a live friend event, or friendsChanged(). */
export function onFriendsChanged(fn) {
  friendListeners.add(fn);
  return () => friendListeners.delete(fn);
}

/** Tells the listeners above that this tab changed friends or requests (from the bell, say). */
export function friendsChanged() {
  friendListeners.forEach((fn) => fn());
}

export function setUnread(n) {
  state.unread = Math.max(0, n);
  countListeners.forEach((fn) => fn());
}

/** Follows the session: subscribes for the signed-in user, stops on sign-out. Call once. */
export function watchNotifications() {
  const follow = () => {
    const id = store.user()?.id ?? null;
    if (id === owner) return;
    end();
    owner = id;
    restarts = 0;
    if (id) begin();
  };
  store.subscribe(follow);
  follow();
}

function begin() {
  stop = subscribe(SUBSCRIPTION, {}, {
    // Sent on a fresh socket (first time or after a reconnect): what was missed is in the count.
    started: () => loadCount(),
    next: (data) => receive(data.notifications),
    error: () => ended(),
    complete: () => ended(),
  });
}

function end() {
  clearTimeout(restartTimer);
  stop?.();
  stop = null;
  state.ready = false;
  setUnread(0);
}

async function loadCount() {
  try {
    const n = await social.unreadCount();
    state.ready = true;
    setUnread(n);
  } catch {
    /* the badge stays as it was; the next event or reconnect tries again */
  }
}

function receive(notification) {
  if (!notification) return;
  if (notification.type === 'SESSION_REVOKED') {
    // Perhaps this session, perhaps another: a refresh tells. A refused one signs out here.
    refreshSession().catch(() => {});
    return;
  }
  restarts = 0;
  if (notification.id && !notification.read) setUnread(state.unread + 1);
  liveListeners.forEach((fn) => fn(notification));
  if (FRIEND_TYPES.has(notification.type)) friendsChanged();
}

// The server ends the stream when a session is revoked; if we are still signed in (say the
// password changed here and this tab got a new session), listen again, a few times at most.
function ended() {
  stop = null;
  state.ready = false;
  countListeners.forEach((fn) => fn());
  if (!store.user() || restarts >= MAX_RESTARTS) return;
  restarts += 1;
  clearTimeout(restartTimer);
  restartTimer = setTimeout(() => {
    if (store.user()?.id === owner && !stop) begin();
  }, RESTART_MS);
}
