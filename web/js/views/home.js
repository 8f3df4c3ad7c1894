// Home: a greeting, shortcuts, what friends are listening to, what you played, and shelves of
// albums (recently added, recently played, most played, a random pick), each linking to the
// full list in that order.
import { albumCard } from '../components/cards.js';
import { friendsActivityPanel } from '../components/friends-activity.js';
import { emptyState } from '../components/hero.js';
import { trackList } from '../components/track-list.js';
import { recentlyPlayed } from '../data/activity.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { onPlayRecorded } from '../scrobble.js';
import * as store from '../store.js';

function greeting(now = new Date()) {
  const hour = now.getHours();
  if (hour < 5) return t('home.greeting.night');
  if (hour < 12) return t('home.greeting.morning');
  if (hour < 18) return t('home.greeting.afternoon');
  return t('home.greeting.evening');
}

const SHORTCUTS = [
  { href: '#/library/albums', key: 'albums', icon: 'album' },
  { href: '#/library/artists', key: 'artists', icon: 'artist' },
  { href: '#/favorites', key: 'favorites', icon: 'heart' },
  { href: '#/playlists', key: 'playlists', icon: 'playlists' },
  { href: '#/upload', key: 'upload', icon: 'upload' },
  { href: '#/library/genres', key: 'genres', icon: 'tag' },
];

function shortcuts() {
  return h('nav', { class: 'shortcuts', 'aria-label': t('home.shortcuts') },
    SHORTCUTS.map((s) => h('a', { class: 'shortcut', href: s.href }, h('span', { class: 'shortcut-icon' }, icon(s.icon)), h('span', {}, t(`home.shortcut.${s.key}`)))));
}

// Decorative tiles while the albums load.
function placeholderShelf() {
  return Array.from({ length: 6 }, (_, i) =>
    h('div', { class: 'tile', 'aria-hidden': 'true' }, h('div', { class: `tile-art tile-art-${i}` }), h('div', { class: 'tile-line' }), h('div', { class: 'tile-line tile-line-short' })));
}

// A track played several times in a row (on repeat, say) shows once.
const withoutRepeats = (plays) => plays.filter((play, i) => i === 0 || play.track.id !== plays[i - 1].track.id);

// Your latest plays; shown once there are any, and again after each play the player records.
function recentlyPlayedSection(ctx) {
  const list = trackList({ testid: 'recently-played' });
  const el = h('section', { class: 'page-section', hidden: true }, h('h2', { class: 'section-title' }, t('home.recentlyPlayedTracks')), list.el);
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    try {
      const plays = await recentlyPlayed(10);
      if (mine !== seq) return;
      list.set(withoutRepeats(plays).map(({ track }) => ({ track })));
      el.hidden = plays.length === 0;
    } catch {
      /* the section stays as it was */
    }
  };
  ctx.onCleanup(onPlayRecorded(load));
  load();
  return el;
}

// The album shelves, in this order; `sort` is the AlbumSort behind each and its "Show all" link.
const SHELVES = [
  { sort: 'NEWEST', key: 'newest' },
  { sort: 'RECENTLY_PLAYED', key: 'recentlyPlayed' },
  { sort: 'MOST_PLAYED', key: 'mostPlayed' },
  { sort: 'RANDOM', key: 'random' },
];

/** One shelf; resolves to how many albums it shows (0 hides it). */
function albumShelf(spec) {
  const shelf = h('div', { class: 'shelf shelf-live', 'data-testid': `home-shelf-${spec.key}` }, placeholderShelf());
  const title = h('h2', { class: 'section-title', id: `shelf-${spec.key}` }, t(`home.shelf.${spec.key}`));
  const link = h('a', { class: 'section-link', href: `#/library/albums?sort=${spec.sort.toLowerCase()}`, 'aria-describedby': `shelf-${spec.key}` }, t('home.showAll'));
  const el = h('section', { class: 'page-section', 'aria-labelledby': `shelf-${spec.key}` }, h('div', { class: 'section-head' }, title, link), shelf);
  const loaded = library.albums({ first: 12, sort: spec.sort }).then(({ nodes }) => {
    mount(shelf, nodes.map((a) => albumCard(a)));
    return nodes.length;
  }).catch(() => 0).then((n) => {
    el.hidden = n === 0;
    return n;
  });
  return { el, loaded };
}

export function homeView(ctx) {
  const user = store.user();
  const recent = trackList({ testid: 'home-recent' });
  const recentSection = h('section', { class: 'page-section', hidden: true }, h('h2', { class: 'section-title' }, t('home.recentlyAddedTracks')), recent.el);
  const empty = h('div');
  const shelves = SHELVES.map(albumShelf);

  // The first shelf lists every album in some order: empty means an empty library.
  shelves[0].loaded.then((n) => {
    if (n > 0) return;
    mount(empty, emptyState({ iconName: 'note', title: t('library.empty.title'), text: t('home.empty.text'),
      action: h('a', { class: 'btn btn-primary btn-sm', href: '#/upload' }, t('library.empty.upload')), testid: 'library-empty' }));
  });
  library.tracks({ first: 8, sort: 'DATE_ADDED' }).then(({ nodes }) => {
    if (nodes.length === 0) return;
    recent.set(nodes.map((track) => ({ track })));
    recentSection.hidden = false;
  }).catch(() => {});

  return appLayout(ctx, '/home',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, greeting()),
      h('h1', { class: 'page-title', tabindex: '-1' }, t('home.welcome', { name: user.username }))),
    shortcuts(),
    empty,
    friendsActivityPanel(ctx),
    recentlyPlayedSection(ctx),
    shelves[0].el,
    recentSection,
    shelves.slice(1).map((s) => s.el));
}
