// Favourite tracks, newest first as the server orders them.
import { emptyState, playButtons } from '../components/hero.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h } from '../dom.js';
import { count } from '../format.js';
import { appLayout } from '../layout.js';
import { libraryHeader } from './library.js';

export function favoritesView(ctx) {
  const total = h('p', { class: 'muted page-subtitle', 'data-testid': 'library-total' });
  const list = trackList({ testid: 'favorite-tracks' });
  const paging = pager({
    load: (after) => library.favorites({ first: 100, after }),
    render: (nodes, page) => {
      if (page.totalCount != null) total.textContent = count(page.totalCount, 'favourite');
      list.append(nodes.map((track) => ({ track })));
    },
    empty: () => emptyState({
      iconName: 'heart',
      title: 'No favourites yet',
      text: 'Tap the heart on any track to keep it here.',
      action: h('a', { class: 'btn btn-outline btn-sm', href: '#/library/tracks' }, 'Browse tracks'),
      testid: 'favorites-empty',
    }),
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return appLayout(ctx, '/favorites',
    libraryHeader('favorites', total),
    h('div', { class: 'toolbar' }, playButtons(() => list.entries().map((e) => e.track), 'Play favourites')),
    list.el, paging.el);
}
