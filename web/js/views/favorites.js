// Favourites: tracks (newest first, as the server orders them), and favourite albums and
// artists on their own tabs (#/favorites?show=albums).
import { albumCard, artistCard } from '../components/cards.js';
import { emptyState } from '../components/hero.js';
import { listPlayButtons, pagedSource } from '../components/list-play.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { appLayout } from '../layout.js';
import { gridTab, libraryHeader, showTotal, totalLine } from './library.js';

const SHOWS = ['tracks', 'albums', 'artists'];

function tracksSection(ctx, total) {
  const list = trackList({ testid: 'favorite-tracks' });
  const load = (after) => library.favorites({ first: 100, after });
  const paging = pager({
    load,
    render: (nodes, page) => {
      showTotal(total, page.totalCount, 'favorite');
      list.append(nodes.map((track) => ({ track })));
    },
    empty: () => emptyState({
      iconName: 'heart',
      title: t('favorites.empty.title'),
      text: t('favorites.empty.text'),
      action: h('a', { class: 'btn btn-outline btn-sm', href: '#/library/tracks' }, t('favorites.empty.browse')),
      testid: 'favorites-empty',
    }),
    keep: { ctx, key: 'favorites' },
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return [h('div', { class: 'toolbar' }, listPlayButtons(pagedSource(paging, load), t('favorites.play'))), list.el, paging.el];
}

function subTabs(show) {
  return h('nav', { class: 'subtabs', 'aria-label': t('favorites.sections'), 'data-testid': 'favorites-tabs' },
    SHOWS.map((id) => h('a', { class: 'subtab', href: id === 'tracks' ? '#/favorites' : `#/favorites?show=${id}`,
      'aria-current': id === show ? 'page' : null, 'data-testid': `favorites-tab-${id}` }, t(`favorites.tab.${id}`))));
}

export function favoritesView(ctx) {
  const show = SHOWS.includes(ctx.query.get('show')) ? ctx.query.get('show') : 'tracks';
  const total = totalLine();
  let body;
  if (show === 'albums') {
    body = gridTab(ctx, {
      load: (after) => library.albums({ first: 60, after, favorites: true }), card: (a) => albumCard(a), kind: 'album', testid: 'favorite-albums', key: 'favorite-albums', total,
      empty: () => emptyState({ iconName: 'heart', title: t('favorites.albums.emptyTitle'), text: t('favorites.albums.emptyText'), testid: 'favorite-albums-empty' }),
    }).body;
  } else if (show === 'artists') {
    body = gridTab(ctx, {
      load: (after) => library.artists({ first: 60, after, favorites: true }), card: artistCard, kind: 'artist', testid: 'favorite-artists', key: 'favorite-artists', total,
      empty: () => emptyState({ iconName: 'heart', title: t('favorites.artists.emptyTitle'), text: t('favorites.artists.emptyText'), testid: 'favorite-artists-empty' }),
    }).body;
  } else {
    body = tracksSection(ctx, total);
  }
  return appLayout(ctx, '/favorites', libraryHeader('favorites', total), subTabs(show), body);
}
