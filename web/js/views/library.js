// The library: artists, albums, tracks and genres as tabs (#/library/<tab>), each a grid or
// list that loads page by page.
import { albumCard, artistCard, cardGrid, genreCard } from '../components/cards.js';
import { emptyState } from '../components/hero.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { count } from '../format.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';

const TABS = [
  { id: 'artists', label: 'Artists', href: '#/library/artists' },
  { id: 'albums', label: 'Albums', href: '#/library/albums' },
  { id: 'tracks', label: 'Tracks', href: '#/library/tracks' },
  { id: 'genres', label: 'Genres', href: '#/library/genres' },
  { id: 'favorites', label: 'Favourites', href: '#/favorites' },
];

export const LIBRARY_TABS = TABS.map((t) => t.id);

/** Title, upload link and section tabs, shared with the favourites page. */
export function libraryHeader(active, total) {
  return [
    h('header', { class: 'page-header page-header-row' },
      h('div', {},
        h('h1', { class: 'page-title', tabindex: '-1' }, 'Library'),
        total),
      h('a', { class: 'btn btn-outline btn-sm', href: '#/upload', 'data-testid': 'library-upload' }, icon('upload', 'icon icon-sm'), 'Upload')),
    tabs(active),
  ];
}

function tabs(active) {
  const nav = h('nav', { class: 'tabs', 'aria-label': 'Library sections' },
    TABS.map((t) => h('a', { class: 'tab', href: t.href, 'aria-current': t.id === active ? 'page' : null, 'data-testid': `tab-${t.id}` }, t.label)));
  // On a narrow screen the current tab may sit past the edge: bring it into view.
  requestAnimationFrame(() => {
    const tab = nav.querySelector('[aria-current]');
    if (tab && tab.offsetLeft + tab.offsetWidth > nav.clientWidth) nav.scrollLeft = tab.offsetLeft - 16;
  });
  return nav;
}

function emptyLibrary() {
  return emptyState({
    iconName: 'note',
    title: 'Your library is empty',
    text: 'Upload some music, or ask an admin to add a music folder and scan it.',
    action: h('a', { class: 'btn btn-primary btn-sm', href: '#/upload' }, 'Upload music'),
    testid: 'library-empty',
  });
}

const totalLine = () => h('p', { class: 'muted page-subtitle', 'data-testid': 'library-total' });
const showTotal = (el, n, noun) => {
  if (n !== undefined && n !== null) el.textContent = count(n, noun);
};

function gridTab(ctx, { load, card, noun, testid }) {
  const total = totalLine();
  const grid = cardGrid(testid);
  const paging = pager({
    load: (after) => load(after),
    render: (nodes, page) => {
      showTotal(total, page.totalCount, noun);
      grid.append(...nodes.map(card));
    },
    empty: emptyLibrary,
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return { total, body: [grid, paging.el] };
}

const SORTS = [
  { value: 'NAME', label: 'Title' },
  { value: 'DATE_ADDED', label: 'Recently added' },
  { value: 'YEAR', label: 'Year' },
];

function tracksTab(ctx) {
  const sort = SORTS.some((s) => s.value === ctx.query.get('sort')) ? ctx.query.get('sort') : 'NAME';
  const total = totalLine();
  const list = trackList({ testid: 'library-tracks' });
  const select = h('select', { class: 'input select', 'aria-label': 'Sort tracks by', 'data-testid': 'track-sort' },
    SORTS.map((s) => h('option', { value: s.value, selected: s.value === sort }, s.label)));
  select.addEventListener('change', () => ctx.navigate(`/library/tracks${select.value === 'NAME' ? '' : `?sort=${select.value}`}`));
  const paging = pager({
    load: (after) => library.tracks({ first: 100, after, sort: sort === 'NAME' ? null : sort }),
    render: (nodes, page) => {
      showTotal(total, page.totalCount, 'track');
      list.append(nodes.map((track) => ({ track })));
    },
    empty: emptyLibrary,
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return { total, body: [h('div', { class: 'toolbar' }, h('label', { class: 'toolbar-label' }, 'Sort by', select)), list.el, paging.el] };
}

function genresTab() {
  const total = totalLine();
  const grid = h('div', { class: 'genre-grid', 'data-testid': 'genre-grid' }, h('div', { class: 'spinner' }));
  library.genres().then((names) => {
    showTotal(total, names.length, 'genre');
    if (names.length === 0) mount(grid, emptyState({ iconName: 'tag', title: 'No genres yet', text: 'Genres come from your tracks’ tags.' }));
    else mount(grid, [...names].sort((a, b) => a.localeCompare(b)).map(genreCard));
  }).catch((err) => mount(grid, h('p', { class: 'alert alert-error', role: 'alert' }, err.message)));
  return { total, body: [grid] };
}

export function libraryView(ctx) {
  const tab = ctx.params.tab || 'artists';
  let section;
  if (tab === 'albums') section = gridTab(ctx, { load: (after) => library.albums({ first: 60, after }), card: (a) => albumCard(a), noun: 'album', testid: 'album-grid' });
  else if (tab === 'tracks') section = tracksTab(ctx);
  else if (tab === 'genres') section = genresTab();
  else section = gridTab(ctx, { load: (after) => library.artists({ first: 60, after }), card: artistCard, noun: 'artist', testid: 'artist-grid' });
  return appLayout(ctx, '/library', libraryHeader(tab, section.total), h('section', { class: 'library-section' }, section.body));
}
