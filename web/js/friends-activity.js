// What friends are playing now, with no DOM: the friendsActivity list, kept current by the
// friendActivity subscription while at least one panel watches. After every (re)connect the
// list is loaded again, since events may have been missed; events that arrive while that
// load is under way are applied on top of its answer.

import * as activity from './data/activity.js';
import { onFriendsChanged } from './notifications.js';
import * as store from './store.js';
import { subscribe } from './subscriptions.js';

const SUBSCRIPTION = `subscription FriendActivity { friendActivity { ${activity.FRIEND_ACTIVITY} } }`;
const RESTART_MS = 3000;
const MAX_RESTARTS = 3;

const watchers = new Set();
let rows = new Map(); // friend id → { user, track, startedAt }, only friends playing something
let ready = false;
let failed = false;
let stop = null;
let stopFriends = null;
let loadSeq = 0;
let duringLoad = null; // events received while a load is in flight
let restarts = 0;
let restartTimer = null;

/**
 * fn({ rows, ready, failed }) now and after every change, newest start first; returns the
 * function that stops watching (the subscription ends with the last watcher).
 */
export function watchFriendsActivity(fn) {
  watchers.add(fn);
  if (!stop) begin();
  fn(view());
  return () => {
    watchers.delete(fn);
    if (watchers.size === 0) end();
  };
}

function view() {
  const list = [...rows.values()].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  return { rows: list, ready, failed };
}

const notify = () => watchers.forEach((fn) => fn(view()));

function begin() {
  failed = false;
  stop = subscribe(SUBSCRIPTION, {}, {
    started: () => load(),
    next: (data) => receive(data.friendActivity),
    error: () => ended(),
    complete: () => ended(),
  });
  // Someone became (or stopped being) a friend: what they play may now show, or not.
  stopFriends ??= onFriendsChanged(() => load());
}

function end() {
  clearTimeout(restartTimer);
  stop?.();
  stopFriends?.();
  stop = null;
  stopFriends = null;
  rows = new Map();
  ready = false;
  restarts = 0;
  loadSeq += 1;
}

async function load() {
  const mine = ++loadSeq;
  duringLoad = [];
  try {
    const list = await activity.friendsActivity();
    if (mine !== loadSeq) return;
    rows = new Map(list.filter((a) => a.track).map((a) => [a.user.id, a]));
    duringLoad.forEach(apply);
    ready = true;
    failed = false;
  } catch {
    if (mine !== loadSeq) return;
    failed = !ready;
  }
  duringLoad = null;
  notify();
}

function receive(change) {
  if (!change?.user) return;
  restarts = 0;
  duringLoad?.push(change);
  apply(change);
  notify();
}

function apply(change) {
  if (change.track) rows.set(change.user.id, change);
  else rows.delete(change.user.id);
}

// The stream ends when the session does; while still signed in and watched, listen again.
function ended() {
  stop = null;
  ready = false;
  notify();
  if (!store.user() || watchers.size === 0 || restarts >= MAX_RESTARTS) {
    failed = true;
    notify();
    return;
  }
  restarts += 1;
  clearTimeout(restartTimer);
  restartTimer = setTimeout(() => {
    if (store.user() && watchers.size > 0 && !stop) begin();
  }, RESTART_MS);
}
