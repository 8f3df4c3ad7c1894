// The two page frames: a centred card for signing in, and the app shell (sidebar on
// desktop, top bar plus bottom navigation on phones) for everything after.

import { h, mount } from './dom.js';
import { icon } from './icons.js';
import * as store from './store.js';
import { signOut } from './session.js';

export const NAV = [
  { path: '/home', label: 'Home', icon: 'home' },
  { path: '/library', label: 'Library', icon: 'library' },
  { path: '/playlists', label: 'Playlists', icon: 'playlists' },
  { path: '/rooms', label: 'Rooms', icon: 'rooms' },
  { path: '/profile', label: 'Profile', icon: 'profile' },
];

function brand() {
  return h(
    'a',
    { class: 'brand', href: '#/home' },
    h('img', { src: '/img/logo.svg', alt: '', width: 32, height: 32 }),
    h('span', {}, 'Soundroom'),
  );
}

export function authLayout({ title, subtitle }, ...children) {
  return h(
    'main',
    { class: 'auth-page' },
    h(
      'section',
      { class: 'auth-card' },
      h('img', { class: 'auth-logo', src: '/img/logo.svg', alt: 'Soundroom', width: 56, height: 56 }),
      h('h1', { class: 'auth-title' }, title),
      subtitle && h('p', { class: 'auth-subtitle' }, subtitle),
      children,
    ),
  );
}

/** A round avatar: the uploaded picture, or the name's initial on a colour. */
export function avatar(user, size = 'sm') {
  if (user?.avatarUrl) return h('img', { class: `avatar avatar-${size}`, src: user.avatarUrl, alt: '' });
  const initial = (user?.username || '?').trim().charAt(0).toUpperCase();
  return h('span', { class: `avatar avatar-${size} avatar-initial`, 'aria-hidden': 'true' }, initial);
}

function navLink(item, active) {
  const current = item.path === active;
  return h(
    'a',
    {
      class: 'nav-link',
      href: `#${item.path}`,
      'data-testid': `nav${item.path.replace('/', '-')}`,
      'aria-current': current ? 'page' : null,
    },
    icon(item.icon),
    h('span', { class: 'nav-label' }, item.label),
  );
}

function userBox(ctx) {
  const box = h('div', { class: 'userbox' });
  const render = () => {
    const user = store.user();
    if (!user) return;
    mount(
      box,
      h('a', { class: 'userbox-id', href: '#/profile', title: 'Your profile' },
        avatar(user),
        h('span', { class: 'userbox-name', 'data-testid': 'profile-username' }, user.username)),
      h('button', { type: 'button', class: 'icon-btn', 'data-testid': 'signout', title: 'Sign out', 'aria-label': 'Sign out', onclick: () => signOutAndLeave(ctx) },
        icon('signout')),
    );
  };
  render();
  ctx.onCleanup(store.subscribe(render));
  return box;
}

export async function signOutAndLeave(ctx) {
  await signOut();
  ctx.navigate('/signin');
}

// A message left for the next view (e.g. a failed OAuth link) when no sign-in form shows it.
function flashBanner() {
  const flash = store.takeFlash();
  if (!flash) return null;
  const error = flash.kind === 'error';
  return h('p', { class: `alert ${error ? 'alert-error' : 'alert-info'} flash`, role: error ? 'alert' : 'status', 'data-testid': 'flash' }, flash.text);
}

export function appLayout(ctx, active, ...content) {
  return h(
    'div',
    { class: 'shell' },
    h(
      'aside',
      { class: 'sidebar' },
      h('header', { class: 'sidebar-brand' }, brand()),
      h('nav', { class: 'nav', 'aria-label': 'Main' }, NAV.map((item) => navLink(item, active))),
      userBox(ctx),
    ),
    h('main', { class: 'content', id: 'content' }, flashBanner(), content),
  );
}
