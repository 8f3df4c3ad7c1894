// Home: a welcome and a preview of what the library will become.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as store from '../store.js';

function greeting(now = new Date()) {
  const hour = now.getHours();
  if (hour < 5) return 'Up late';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

// Decorative album tiles hinting at the shelves to come.
function shelf() {
  const tiles = Array.from({ length: 6 }, (_, i) =>
    h('div', { class: 'tile' }, h('div', { class: `tile-art tile-art-${i}` }), h('div', { class: 'tile-line' }), h('div', { class: 'tile-line tile-line-short' })),
  );
  return h('div', { class: 'shelf', 'aria-hidden': 'true' }, tiles);
}

export function homeView(ctx) {
  const user = store.user();
  return appLayout(
    ctx,
    '/home',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, greeting()),
      h('h1', { class: 'page-title', tabindex: '-1' }, `Welcome, ${user.username}`)),
    h('section', { class: 'card empty-state', 'data-testid': 'library-placeholder' },
      h('div', { class: 'empty-icon' }, icon('note')),
      h('h2', {}, 'Library coming soon'),
      h('p', { class: 'muted' }, 'Your artists, albums and tracks will live here, ready to play on any device and to share in listening rooms.')),
    h('h2', { class: 'section-title' }, 'Recently added'),
    shelf(),
  );
}
