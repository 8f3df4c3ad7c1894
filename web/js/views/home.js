// Home: a greeting, shortcuts, what friends are listening to, what you played and what was
// added lately, and a shelf of albums.
import { albumCard } from '../components/cards.js';
import { friendsActivityPanel } from '../components/friends-activity.js';
import { emptyState } from '../components/hero.js';
import { trackList } from '../components/track-list.js';
import { recentlyPlayed } from '../data/activity.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { onPlayRecorded } from '../scrobble.js';
import * as store from '../store.js';

function greeting(now = new Date()) {
  const hour = now.getHours();
  if (hour < 5) return 'Up late';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

const SHORTCUTS = [
  { href: '#/library/albums', label: 'Albums', icon: 'album' },
  { href: '#/library/artists', label: 'Artists', icon: 'artist' },
  { href: '#/favorites', label: 'Favourites', icon: 'heart' },
  { href: '#/playlists', label: 'Playlists', icon: 'playlists' },
  { href: '#/upload', label: 'Upload', icon: 'upload' },
  { href: '#/library/genres', label: 'Genres', icon: 'tag' },
];

function shortcuts() {
  return h('nav', { class: 'shortcuts', 'aria-label': 'Shortcuts' },
    SHORTCUTS.map((s) => h('a', { class: 'shortcut', href: s.href }, h('span', { class: 'shortcut-icon' }, icon(s.icon)), h('span', {}, s.label))));
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
  const el = h('section', { class: 'page-section', hidden: true }, h('h2', { class: 'section-title' }, 'Recently played'), list.el);
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

export function homeView(ctx) {
  const user = store.user();
  const shelf = h('div', { class: 'shelf shelf-live', 'data-testid': 'home-albums' }, placeholderShelf());
  const recent = trackList({ testid: 'home-recent' });
  const recentSection = h('section', { class: 'page-section', hidden: true }, h('h2', { class: 'section-title' }, 'Recently added'), recent.el);
  const empty = h('div');

  library.albums({ first: 12 }).then(({ nodes }) => {
    if (nodes.length === 0) {
      shelf.parentElement.hidden = true;
      mount(empty, emptyState({ iconName: 'note', title: 'Your library is empty',
        text: 'Upload some music, or ask an admin to add a music folder and scan it. Then it’s ready to play on any device and to share in listening rooms.',
        action: h('a', { class: 'btn btn-primary btn-sm', href: '#/upload' }, 'Upload music'), testid: 'library-empty' }));
      return;
    }
    mount(shelf, nodes.map((a) => albumCard(a)));
  }).catch(() => mount(shelf));
  library.tracks({ first: 8, sort: 'DATE_ADDED' }).then(({ nodes }) => {
    if (nodes.length === 0) return;
    recent.set(nodes.map((track) => ({ track })));
    recentSection.hidden = false;
  }).catch(() => {});

  return appLayout(ctx, '/home',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, greeting()),
      h('h1', { class: 'page-title', tabindex: '-1' }, `Welcome, ${user.username}`)),
    shortcuts(),
    empty,
    friendsActivityPanel(ctx),
    recentlyPlayedSection(ctx),
    h('section', { class: 'page-section' }, h('div', { class: 'section-head' }, h('h2', { class: 'section-title' }, 'Albums'),
      h('a', { class: 'section-link', href: '#/library/albums' }, 'Show all')), shelf),
    recentSection);
}
