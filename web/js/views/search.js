// Full search results (#/search?q=…), grouped by kind.
import { albumCard, artistCard, cardGrid, playlistCard } from '../components/cards.js';
import { emptyState } from '../components/hero.js';
import { setSearchText } from '../components/search-box.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
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
    sections.push(section('Tracks', 'search-section-tracks', list.el));
  }
  if (r.artists.length) sections.push(section('Artists', 'search-section-artists', cardGrid('search-artists', r.artists.map(artistCard))));
  if (r.albums.length) sections.push(section('Albums', 'search-section-albums', cardGrid('search-albums', r.albums.map((a) => albumCard(a)))));
  if (r.playlists.length) sections.push(section('Playlists', 'search-section-playlists', cardGrid('search-playlists', r.playlists.map((p) => playlistCard(p, store.user()?.id)))));
  if (r.users.length) {
    sections.push(section('People', 'search-section-users', h('ul', { class: 'people' }, r.users.map((u) =>
      h('li', { class: 'person' }, avatar(u), h('span', {}, u.username, h('span', { class: 'muted' }, ` #${u.tag}`)))))));
  }
  if (sections.length === 0) {
    return emptyState({ iconName: 'search', title: `Nothing found for “${query}”`, text: 'Check the spelling, or try fewer words.', testid: 'search-empty' });
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
      .catch((err) => mount(body, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message)));
  } else {
    mount(body, emptyState({ iconName: 'search', title: 'Search your library', text: 'Type in the box above to find artists, albums, tracks, playlists and people.' }));
  }
  return appLayout(ctx, '/library',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, 'Search'),
      h('h1', { class: 'page-title', tabindex: '-1' }, query ? `“${query}”` : 'Search')),
    body);
}
