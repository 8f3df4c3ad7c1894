// The two page frames: a centred card for signing in, and the app shell (sidebar and a top
// bar with search on desktop; top bar plus bottom navigation on phones) for everything after.
// The player bar lives outside the shell (see app.js), so re-rendering never touches it.

import { notificationBell } from './components/bell.js';
import { searchBox } from './components/search-box.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import * as store from './store.js';
import { signOut } from './session.js';

// `phone`: also in the phone's bottom bar (five fit); the rest live in the sidebar and in
// the pages that lead to them (Library links Favourites and Upload, Profile links Admin, the
// notification bell's panel links Friends).
// `label` is a catalogue key (t() reads it when the layout is drawn).
export const NAV = [
  { path: '/home', label: 'nav.home', icon: 'home', phone: true },
  { path: '/library', label: 'nav.library', icon: 'library', phone: true },
  { path: '/favorites', label: 'nav.favorites', icon: 'heart' },
  { path: '/playlists', label: 'nav.playlists', icon: 'playlists', phone: true },
  { path: '/friends', label: 'nav.friends', icon: 'users' },
  { path: '/rooms', label: 'nav.rooms', icon: 'rooms', phone: true },
  { path: '/upload', label: 'nav.upload', icon: 'upload' },
  { path: '/admin', label: 'nav.admin', icon: 'server', admin: true },
  { path: '/profile', label: 'nav.profile', icon: 'profile', phone: true },
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
      class: item.phone ? 'nav-link' : 'nav-link nav-desktop',
      href: `#${item.path}`,
      'data-testid': `nav${item.path.replace('/', '-')}`,
      'aria-current': current ? 'page' : null,
    },
    icon(item.icon),
    h('span', { class: 'nav-label' }, t(item.label)),
  );
}

function userBox(ctx) {
  const box = h('div', { class: 'userbox' });
  const render = () => {
    const user = store.user();
    if (!user) return;
    mount(
      box,
      h('a', { class: 'userbox-id', href: '#/profile', title: t('nav.yourProfile') },
        avatar(user),
        h('span', { class: 'userbox-name', 'data-testid': 'profile-username' }, user.username)),
      h('button', { type: 'button', class: 'icon-btn', 'data-testid': 'signout', title: t('nav.signOut'), 'aria-label': t('nav.signOut'), onclick: () => signOutAndLeave(ctx) },
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

function topbar(ctx) {
  return h('header', { class: 'topbar' },
    h('div', { class: 'history-nav' },
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('nav.back'), title: t('nav.back'), onclick: () => history.back() }, icon('chevronLeft')),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('nav.forward'), title: t('nav.forward'), onclick: () => history.forward() }, icon('chevronRight'))),
    searchBox(),
    notificationBell(ctx));
}

export function appLayout(ctx, active, ...content) {
  const admin = Boolean(store.user()?.isAdmin);
  return h(
    'div',
    { class: 'shell' },
    h(
      'aside',
      { class: 'sidebar' },
      h('header', { class: 'sidebar-brand' }, brand()),
      h('nav', { class: 'nav', 'aria-label': t('nav.main') }, NAV.filter((item) => !item.admin || admin).map((item) => navLink(item, active))),
      userBox(ctx),
    ),
    topbar(ctx),
    h('main', { class: 'content', id: 'content', tabindex: '-1' }, flashBanner(), content),
  );
}
