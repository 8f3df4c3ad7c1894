// Boot and hash router (#/signin, #/home, …).
import { h, mount } from './dom.js';
import { exchangeLoginCode, loadServerInfo, restoreSession } from './session.js';
import * as store from './store.js';
import { homeView } from './views/home.js';
import { placeholderView } from './views/placeholder.js';
import { profileView } from './views/profile.js';
import { setupView } from './views/setup.js';
import { signinView } from './views/signin.js';
import { signupView } from './views/signup.js';
import { twofactorView } from './views/twofactor.js';

// access: who may see the route; the guard sends everyone else somewhere sensible.
const ROUTES = {
  '/setup': { view: setupView, access: 'setup', title: 'Welcome' },
  '/signin': { view: signinView, access: 'guest', title: 'Sign in' },
  '/signup': { view: signupView, access: 'guest', title: 'Create account' },
  '/twofactor': { view: twofactorView, access: 'challenge', title: 'Two-factor authentication' },
  '/home': { view: homeView, access: 'user', title: 'Home' },
  '/library': { view: placeholderView('/library'), access: 'user', title: 'Library' },
  '/playlists': { view: placeholderView('/playlists'), access: 'user', title: 'Playlists' },
  '/rooms': { view: placeholderView('/rooms'), access: 'user', title: 'Rooms' },
  '/profile': { view: profileView, access: 'user', title: 'Profile' },
};

const root = document.getElementById('app');
let cleanups = [];
let currentPath = null;
let returnTo = null; // where a signed-out visitor was headed

const ctx = {
  navigate,
  onCleanup: (fn) => cleanups.push(fn),
  query: new URLSearchParams(),
  afterSignIn() {
    const path = returnTo || '/home';
    returnTo = null;
    return path;
  },
};

function guard(path) {
  const user = store.user();
  const route = ROUTES[path];
  if (store.serverInfo().needsSetup && !user) return '/setup';
  if (!route) return user ? '/home' : '/signin';
  switch (route.access) {
    case 'setup':
      return user ? '/home' : '/signin';
    case 'guest':
      return user ? '/home' : path;
    case 'challenge':
      if (user) return '/home';
      return store.challengeToken() ? path : '/signin';
    default:
      if (user) return path;
      returnTo = path;
      return '/signin';
  }
}

function render() {
  const [requested, search = ''] = location.hash.replace(/^#/, '').split('?');
  const path = guard(requested || '/');
  if (path !== requested) history.replaceState(null, '', `#${path}`);
  cleanups.forEach((fn) => fn());
  cleanups = [];
  ctx.query = new URLSearchParams(path === requested ? search : '');
  const route = ROUTES[path];
  mount(root, route.view(ctx));
  document.title = `${route.title} · ${store.serverInfo().name || 'Soundroom'}`;
  if (currentPath !== null) focusView();
  currentPath = path;
}

// Move focus into the new view so keyboard and screen-reader users land on it.
function focusView() {
  const target = root.querySelector('[data-autofocus], h1[tabindex]');
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

async function finishOAuth({ code, error }) {
  if (error) {
    store.setFlash('error', `Sign-in with your provider failed: ${error.replaceAll('_', ' ')}.`);
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
  return h('div', { class: 'splash', 'aria-busy': 'true' }, h('img', { src: '/img/logo.svg', alt: 'Soundroom', width: 64, height: 64 }), h('div', { class: 'spinner' }));
}

function unreachable(err) {
  return h('main', { class: 'auth-page' }, h('section', { class: 'auth-card' },
    h('h1', { class: 'auth-title' }, 'Can’t reach the server'),
    h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message),
    h('button', { type: 'button', class: 'btn btn-primary btn-block', onclick: () => location.reload() }, 'Try again')));
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
  let signedIn = Boolean(store.user());
  // If the session ends underneath us (refresh refused, another tab signed out), re-route.
  store.subscribe(() => {
    const now = Boolean(store.user());
    if (signedIn && !now && ROUTES[currentPath]?.access === 'user') navigate('/signin');
    signedIn = now;
  });
  window.addEventListener('hashchange', () => {
    if (/^#login(Code|Error)=/.test(location.hash)) finishOAuth(takeOAuthFragment()).then(render);
    else render();
  });
  render();
}

boot();
