// The library: artists, albums, tracks and genres as tabs (#/library/<tab>), each a grid or
// list that loads page by page and keeps your place when you come back to it. Albums sort and
// filter like Navidrome's (#/library/albums?sort=newest&favorites=1), tracks sort by title,
// date added or year; both choices live in the address, so Back brings them back.
import { albumCard, artistCard, cardGrid, genreCard } from '../components/cards.js';
import { emptyState } from '../components/hero.js';
import { listPlayButtons, pagedSource } from '../components/list-play.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { countOf, problem } from '../library-text.js';

const TABS = [
  { id: 'artists', href: '#/library/artists' },
  { id: 'albums', href: '#/library/albums' },
  { id: 'tracks', href: '#/library/tracks' },
  { id: 'genres', href: '#/library/genres' },
  { id: 'favorites', href: '#/favorites' },
];

export const LIBRARY_TABS = TABS.map((tab) => tab.id);

/** Title, upload link and section tabs, shared with the favourites page. */
export function libraryHeader(active, total) {
  return [
    h('header', { class: 'page-header page-header-row' },
      h('div', {},
        h('h1', { class: 'page-title', tabindex: '-1' }, t('library.title')),
        total),
      h('a', { class: 'btn btn-outline btn-sm', href: '#/upload', 'data-testid': 'library-upload' }, icon('upload', 'icon icon-sm'), t('library.upload'))),
    tabs(active),
  ];
}

function tabs(active) {
  const nav = h('nav', { class: 'tabs', 'aria-label': t('library.sections') },
    TABS.map((tab) => h('a', { class: 'tab', href: tab.href, 'aria-current': tab.id === active ? 'page' : null, 'data-testid': `tab-${tab.id}` }, t(`library.tab.${tab.id}`))));
  // On a narrow screen the current tab may sit past the edge: bring it into view.
  requestAnimationFrame(() => {
    const tab = nav.querySelector('[aria-current]');
    if (tab && tab.offsetLeft + tab.offsetWidth > nav.clientWidth) nav.scrollLeft = tab.offsetLeft - 16;
  });
  return nav;
}

export function emptyLibrary() {
  return emptyState({
    iconName: 'note',
    title: t('library.empty.title'),
    text: t('library.empty.text'),
    action: h('a', { class: 'btn btn-primary btn-sm', href: '#/upload' }, t('library.empty.upload')),
    testid: 'library-empty',
  });
}

export const totalLine = () => h('p', { class: 'muted page-subtitle', 'data-testid': 'library-total' });
export const showTotal = (el, n, kind) => {
  if (n !== undefined && n !== null) el.textContent = countOf(kind, n);
};

/** A grid of cards that loads page by page; `key` remembers it for Back. */
export function gridTab(ctx, { load, card, kind, testid, key, empty = emptyLibrary, total = totalLine() }) {
  const grid = cardGrid(testid);
  const paging = pager({
    load,
    render: (nodes, page) => {
      showTotal(total, page.totalCount, kind);
      grid.append(...nodes.map(card));
    },
    empty,
    keep: { ctx, key },
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return { total, body: [grid, paging.el], paging };
}

function selectField(label, testid, options, value, onChange) {
  const select = h('select', { class: 'input select', 'data-testid': testid },
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
  select.addEventListener('change', () => onChange(select.value));
  return { el: h('label', { class: 'toolbar-label' }, label, select), select };
}

// ---------- albums ----------

// In Navidrome's order. Values are AlbumSort names; the address holds them in lower case.
export const ALBUM_SORTS = ['TITLE', 'NEWEST', 'YEAR', 'ARTIST', 'RANDOM', 'MOST_PLAYED', 'RECENTLY_PLAYED', 'HIGHEST_RATED'];
const albumsPath = (sort, favorites) => {
  const q = new URLSearchParams();
  if (sort !== 'TITLE') q.set('sort', sort.toLowerCase());
  if (favorites) q.set('favorites', '1');
  const s = q.toString();
  return `/library/albums${s ? `?${s}` : ''}`;
};

function albumsTab(ctx) {
  const wanted = (ctx.query.get('sort') || 'title').toUpperCase();
  const sort = ALBUM_SORTS.includes(wanted) ? wanted : 'TITLE';
  const favorites = ctx.query.get('favorites') === '1';
  const total = totalLine();
  const { el: sortField, select } = selectField(t('library.sortBy'), 'album-sort',
    ALBUM_SORTS.map((value) => ({ value, label: t(`library.albumSort.${value}`) })), sort,
    (value) => ctx.navigate(albumsPath(value, favorites)));
  select.setAttribute('aria-label', t('library.sortAlbumsBy'));
  const favToggle = h('button', { type: 'button', class: `btn btn-sm ${favorites ? 'btn-primary' : 'btn-outline'}`, 'aria-pressed': String(favorites),
    'data-testid': 'album-favorites-filter', onclick: () => ctx.navigate(albumsPath(sort, !favorites)) },
  icon(favorites ? 'heartFilled' : 'heart', 'icon icon-sm'), t('library.onlyFavorites'));
  const grid = gridTab(ctx, {
    load: (after) => library.albums({ first: 60, after, sort: sort === 'TITLE' ? null : sort, favorites }),
    card: (a) => albumCard(a),
    kind: 'album',
    testid: 'album-grid',
    key: 'albums',
    total,
    empty: () => (favorites
      ? emptyState({ iconName: 'heart', title: t('favorites.albums.emptyTitle'), text: t('favorites.albums.emptyText'), testid: 'albums-empty' })
      : emptyLibrary()),
  });
  return { total, body: [h('div', { class: 'toolbar', 'data-testid': 'album-toolbar' }, sortField, favToggle), ...grid.body] };
}

// ---------- tracks ----------

const TRACK_SORTS = ['NAME', 'DATE_ADDED', 'YEAR'];

function tracksTab(ctx) {
  const sort = TRACK_SORTS.includes(ctx.query.get('sort')) ? ctx.query.get('sort') : 'NAME';
  const total = totalLine();
  const list = trackList({ testid: 'library-tracks' });
  const { el: sortField, select } = selectField(t('library.sortBy'), 'track-sort',
    TRACK_SORTS.map((value) => ({ value, label: t(`library.trackSort.${value}`) })), sort,
    (value) => ctx.navigate(`/library/tracks${value === 'NAME' ? '' : `?sort=${value}`}`));
  select.setAttribute('aria-label', t('library.sortTracksBy'));
  const load = (after) => library.tracks({ first: 100, after, sort: sort === 'NAME' ? null : sort });
  const paging = pager({
    load,
    render: (nodes, page) => {
      showTotal(total, page.totalCount, 'track');
      list.append(nodes.map((track) => ({ track })));
    },
    empty: emptyLibrary,
    keep: { ctx, key: `tracks:${sort}` },
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  const play = listPlayButtons(pagedSource(paging, load), t('library.playAllTracks'));
  return { total, body: [h('div', { class: 'toolbar' }, play, sortField), list.el, paging.el] };
}

// ---------- genres ----------

function genresTab() {
  const total = totalLine();
  const grid = h('div', { class: 'genre-grid', 'data-testid': 'genre-grid' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('library.loading') }));
  library.genres().then((names) => {
    showTotal(total, names.length, 'genre');
    if (names.length === 0) mount(grid, emptyState({ iconName: 'tag', title: t('library.genres.emptyTitle'), text: t('library.genres.emptyText') }));
    else mount(grid, [...names].sort((a, b) => a.localeCompare(b)).map(genreCard));
  }).catch((err) => mount(grid, h('p', { class: 'alert alert-error', role: 'alert' }, problem(err))));
  return { total, body: [grid] };
}

export function libraryView(ctx) {
  const tab = ctx.params.tab || 'artists';
  let section;
  if (tab === 'albums') section = albumsTab(ctx);
  else if (tab === 'tracks') section = tracksTab(ctx);
  else if (tab === 'genres') section = genresTab();
  else section = gridTab(ctx, { load: (after) => library.artists({ first: 60, after }), card: artistCard, kind: 'artist', testid: 'artist-grid', key: 'artists' });
  return appLayout(ctx, '/library', libraryHeader(tab, section.total), h('section', { class: 'library-section' }, section.body));
}
