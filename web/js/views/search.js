// Full search results (#/search?q=…), grouped by kind.
import { albumCard, artistCard, cardGrid, playlistCard } from '../components/cards.js';
import { emptyState } from '../components/hero.js';
import { setSearchText } from '../components/search-box.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { errorMessage, t } from '../i18n.js';
import { appLayout, avatar } from '../layout.js';
import * as store from '../store.js';

function section(title, testid, ...content) {
  return h('section', { class: 'page-section', 'data-testid': testid }, h('h2', { class: 'section-title' }, title), content);
}

function results(r, query) {
  const sections = [];
  if (r.tracks.length) {
    const list = trackList({ testid: 'search-tracks' });
    list.set(r.tracks.map((track) => ({ track })));
    sections.push(section(t('search.tracks'), 'search-section-tracks', list.el));
  }
  if (r.artists.length) sections.push(section(t('search.artists'), 'search-section-artists', cardGrid('search-artists', r.artists.map(artistCard))));
  if (r.albums.length) sections.push(section(t('search.albums'), 'search-section-albums', cardGrid('search-albums', r.albums.map((a) => albumCard(a)))));
  if (r.playlists.length) sections.push(section(t('search.playlists'), 'search-section-playlists', cardGrid('search-playlists', r.playlists.map((p) => playlistCard(p, store.user()?.id)))));
  if (r.users.length) {
    sections.push(section(t('search.people'), 'search-section-users', h('ul', { class: 'people' }, r.users.map((u) =>
      h('li', { class: 'person' }, avatar(u), h('span', {}, u.username, h('span', { class: 'muted' }, ` #${u.tag}`)))))));
  }
  if (sections.length === 0) {
    return emptyState({ iconName: 'search', title: t('search.nothingTitle', { query }), text: t('search.nothingHint'), testid: 'search-empty' });
  }
  return sections;
}

export function searchView(ctx) {
  const query = (ctx.query.get('q') || '').trim();
  setSearchText(query);
  const body = h('div', { 'data-testid': 'search-page' }, h('div', { class: 'spinner' }));
  if (query) {
    library.search(query, 30)
      .then((r) => mount(body, results(r, query)))
      .catch((err) => mount(body, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, errorMessage(err.code, err.message))));
  } else {
    mount(body, emptyState({ iconName: 'search', title: t('search.emptyTitle'), text: t('search.emptyHint') }));
  }
  return appLayout(ctx, '/library',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, t('search.eyebrow')),
      h('h1', { class: 'page-title', tabindex: '-1' }, query ? t('search.quoted', { query }) : t('search.eyebrow'))),
    body);
}
