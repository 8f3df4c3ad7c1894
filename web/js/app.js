// Boot and hash router (#/signin, #/library/albums, #/album/<id>, …).
// The theme first: it follows the system (or the saved choice) from the start.
import './theme.js';
import { closeMenu } from './components/menu.js';
import { playerBar } from './components/player-bar.js';
import { toast } from './components/toast.js';
import { h, mount } from './dom.js';
import { has, onLanguageChange, t } from './i18n.js';
import { connectMediaSession } from './media-session.js';
import { notificationText, onNotification, watchNotifications } from './notifications.js';
import * as player from './player.js';
import { guestPass } from './room/guest.js';
import { roomPill } from './room/pill.js';
import { installShortcuts } from './shortcuts.js';
import { followPlayer } from './scrobble.js';
import { exchangeLoginCode, loadServerInfo, restoreSession } from './session.js';
import * as store from './store.js';
import { adminView } from './views/admin.js';
import { albumView } from './views/album.js';
import { artistView } from './views/artist.js';
import { favoritesView } from './views/favorites.js';
import { friendsView } from './views/friends.js';
import { genreView } from './views/genre.js';
import { homeView } from './views/home.js';
import { LIBRARY_TABS, libraryView } from './views/library.js';
import { joinView } from './views/join.js';
import { playlistView } from './views/playlist.js';
import { playlistsView } from './views/playlists.js';
import { profileView } from './views/profile.js';
import { resetPasswordView } from './views/reset-password.js';
import { closeQueue, toggleQueue } from './views/queue.js';
import { roomView } from './views/room.js';
import { roomsView } from './views/rooms.js';
import { searchView } from './views/search.js';
import { setupView } from './views/setup.js';
import { signinView } from './views/signin.js';
import { signupView } from './views/signup.js';
import { twofactorView } from './views/twofactor.js';
import { uploadView } from './views/upload.js';

// access: who may see the route (setup, guest, challenge, user, admin; `room`: a user, or a
// guest whose pass names that room; `public`: anyone); the guard sends everyone else somewhere
// sensible. A room guest sees their room and nothing else of the app.
// `:name` segments become ctx.params; `valid` can refuse parameters (then the route 404s).
// `title` is a catalogue key.
const ROUTES = {
  '/setup': { view: setupView, access: 'setup', title: 'route.setup' },
  '/signin': { view: signinView, access: 'guest', title: 'route.signin' },
  '/signup': { view: signupView, access: 'guest', title: 'route.signup' },
  '/twofactor': { view: twofactorView, access: 'challenge', title: 'route.twofactor' },
  '/home': { view: homeView, access: 'user', title: 'route.home' },
  '/library': { view: libraryView, access: 'user', title: 'route.library' },
  '/library/:tab': { view: libraryView, access: 'user', title: 'route.library', valid: ({ tab }) => LIBRARY_TABS.includes(tab) && tab !== 'favorites' },
  '/artist/:id': { view: artistView, access: 'user', title: 'route.artist' },
  '/album/:id': { view: albumView, access: 'user', title: 'route.album' },
  '/genre/:name': { view: genreView, access: 'user', title: 'route.genre' },
  '/favorites': { view: favoritesView, access: 'user', title: 'route.favorites' },
  '/search': { view: searchView, access: 'user', title: 'route.search' },
  '/playlists': { view: playlistsView, access: 'user', title: 'route.playlists' },
  '/playlist/:id': { view: playlistView, access: 'user', title: 'route.playlist' },
  '/friends': { view: friendsView, access: 'user', title: 'route.friends' },
  '/upload': { view: uploadView, access: 'user', title: 'route.upload' },
  '/admin': { view: adminView, access: 'admin', title: 'route.admin' },
  '/rooms': { view: roomsView, access: 'user', title: 'route.rooms' },
  // A guest with a pass for this room may be here too (see guard()).
  '/room/:id': { view: roomView, access: 'room', title: 'route.room' },
  // Signed in or not: the join link works for both.
  '/join/:code': { view: joinView, access: 'public', title: 'route.join' },
  '/profile': { view: profileView, access: 'user', title: 'route.profile' },
  // A one-time link from an administrator; works signed out.
  '/reset/:token': { view: resetPasswordView, access: 'public', title: 'route.reset' },
};

/** The route for a path and its parameters, or null. */
function match(path) {
  const parts = path.split('/');
  for (const [pattern, route] of Object.entries(ROUTES)) {
    const want = pattern.split('/');
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((seg, i) => {
      if (!seg.startsWith(':')) return seg === parts[i];
      try {
        params[seg.slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        return false;
      }
      return params[seg.slice(1)] !== '';
    });
    if (ok && (!route.valid || route.valid(params))) return { route, params };
  }
  return null;
}

const root = document.getElementById('app');
let cleanups = [];
let currentPath = null;
let returnTo = null; // where a signed-out visitor was headed
let pill = null; // the "back to your room" chip

const ctx = {
  navigate,
  onCleanup: (fn) => cleanups.push(fn),
  query: new URLSearchParams(),
  params: {},
  afterSignIn() {
    const path = returnTo || '/home';
    returnTo = null;
    return path;
  },
  /** Replaces the current history entry (a page that only forwards elsewhere). */
  redirect(path) {
    history.replaceState(null, '', `#${path}`);
    render();
  },
  /** Sends a signed-out visitor to sign in, and back to `path` afterwards. */
  requireSignIn(path) {
    returnTo = path;
    navigate('/signin');
  },
};

function guard(path) {
  const user = store.user();
  const found = match(path);
  const route = found?.route;
  if (store.serverInfo().needsSetup && !user) return '/setup';
  // A room guest: their room, the join page and the sign-in pages; nothing else.
  const pass = user ? null : guestPass();
  if (pass && (!route || ['user', 'admin', 'setup'].includes(route.access) || (route.access === 'room' && found.params.id !== pass.roomId))) {
    return `/room/${encodeURIComponent(pass.roomId)}`;
  }
  if (!route) return user ? '/home' : '/signin';
  switch (route.access) {
    case 'public':
      return path;
    case 'room':
      if (user || pass) return path;
      returnTo = path;
      return '/signin';
    case 'setup':
      return user ? '/home' : '/signin';
    case 'guest':
      return user ? '/home' : path;
    case 'challenge':
      if (user) return '/home';
      return store.challengeToken() ? path : '/signin';
    default:
      if (user) return route.access === 'admin' && !user.isAdmin ? '/home' : path;
      returnTo = path;
      return '/signin';
  }
}

/** Draws the page for the address; `keepFocus` (a redraw in a new language) leaves focus and scroll be. */
function render({ keepFocus = false } = {}) {
  const focusedId = keepFocus ? document.activeElement?.dataset?.testid : null;
  const scroll = window.scrollY;
  const [requested, search = ''] = location.hash.replace(/^#/, '').split('?');
  const path = guard(requested || '/');
  if (path !== requested) history.replaceState(null, '', `#${path}`);
  cleanups.forEach((fn) => fn());
  cleanups = [];
  closeMenu();
  if (matchMedia('(max-width: 720px)').matches) closeQueue();
  ctx.query = new URLSearchParams(path === requested ? search : '');
  const { route, params } = match(path);
  ctx.params = params;
  mount(root, route.view(ctx));
  document.title = `${t(route.title)} · ${store.serverInfo().name || 'Soundroom'}`;
  if (keepFocus) {
    window.scrollTo(0, scroll);
    if (focusedId) root.querySelector(`[data-testid="${CSS.escape(focusedId)}"]`)?.focus({ preventScroll: true });
  } else if (currentPath !== null) {
    focusView();
  }
  currentPath = path;
  pill?.refresh();
}

// Move focus into the new view so keyboard and screen-reader users land on it.
function focusView() {
  // Pages that load their heading later start at the main region instead.
  const target = root.querySelector('[data-autofocus], h1[tabindex]') ?? root.querySelector('main[tabindex]');
  target?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// pushState does not fire hashchange, so each navigation renders exactly once.
function navigate(path) {
  if (currentPath === path && location.hash === `#${path}`) return;
  history.pushState(null, '', `#${path}`);
  render();
}

/** OAuth ends at /#loginCode=… or /#loginError=…; take it out of the address bar at once. */
function takeOAuthFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const code = params.get('loginCode');
  const error = params.get('loginError');
  if (code || error) history.replaceState(null, '', location.pathname + location.search);
  return { code, error };
}

/** A sentence for each `#loginError=` word the server's OAuth routes send (error.<word>). */
function oauthErrorMessage(word) {
  // The redirect does not say which provider it was; with one configured, name it.
  const providers = store.serverInfo()?.authProviders || [];
  const provider = providers.length === 1 ? providers[0].displayName : t('auth.yourProvider');
  const key = `error.${word}`;
  return /^[a-z_]+$/.test(word) && has(key) ? t(key, { provider }) : t('auth.oauthFailed', { word: word.replaceAll('_', ' ') });
}

async function finishOAuth({ code, error }) {
  if (error) {
    store.setFlash('error', oauthErrorMessage(error));
    return;
  }
  try {
    const outcome = await exchangeLoginCode(code);
    history.replaceState(null, '', outcome === 'challenge' ? '#/twofactor' : '#/home');
  } catch (err) {
    store.setFlash('error', err.message);
  }
}

function splash() {
  return h('div', { class: 'splash', 'aria-busy': 'true' }, h('img', { src: '/img/logo.svg', alt: 'Soundroom', width: 64, height: 64 }), h('div', { class: 'spinner', role: 'status', 'aria-label': t('core.loading') }));
}

function unreachable(err) {
  return h('main', { class: 'auth-page' }, h('section', { class: 'auth-card' },
    h('h1', { class: 'auth-title' }, t('core.unreachable')),
    h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message),
    h('button', { type: 'button', class: 'btn btn-primary btn-block', onclick: () => location.reload() }, t('core.tryAgain'))));
}

async function boot() {
  mount(root, splash());
  const oauth = takeOAuthFragment();
  try {
    await loadServerInfo();
  } catch (err) {
    mount(root, unreachable(err));
    return;
  }
  if (oauth.code || oauth.error) await finishOAuth(oauth);
  if (!store.user()) await restoreSession();
  // The player bar sits outside the routed views, so playback survives navigation.
  document.body.append(playerBar({ onQueue: toggleQueue }));
  connectMediaSession();
  installShortcuts();
  // Plays and "now playing" go to the server, for history and for friends.
  followPlayer();
  // One live notifications stream per signed-in user; friend news also pops up as a toast.
  watchNotifications();
  onNotification((n) => ['FRIEND_REQUEST_RECEIVED', 'FRIEND_REQUEST_ACCEPTED', 'ROOM_INVITE'].includes(n.type) && toast(notificationText(n)));
  // "You are in a room": a way back to it from anywhere else in the app.
  pill = roomPill();
  document.body.append(pill.el);
  let signedIn = Boolean(store.user());
  // If the session ends underneath us (refresh refused, another tab signed out), re-route.
  store.subscribe(() => {
    const now = Boolean(store.user());
    if (signedIn && !now) {
      player.reset();
      closeQueue();
    }
    if (signedIn && !now && ['user', 'admin', 'room'].includes(match(currentPath)?.route.access)) navigate('/signin');
    signedIn = now;
  });
  // A new language: draw the current page again (the views read t() as they build).
  onLanguageChange(() => render({ keepFocus: true }));
  window.addEventListener('hashchange', () => {
    if (/^#login(Code|Error)=/.test(location.hash)) finishOAuth(takeOAuthFragment()).then(render);
    else render();
  });
  render();
}

boot();
