// The top bar's search: results as you type (debounced), grouped by kind in a listbox
// under the box; Enter opens the full results page.
import { h, mount } from '../dom.js';
import * as library from '../data/library.js';
import { learn } from '../favorites.js';
import { clock } from '../format.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';

const DEBOUNCE_MS = 200;
let box = null;

export function searchBox() {
  if (box) return box;
  const input = h('input', { type: 'search', class: 'search-input', name: 'q', placeholder: 'Search music', role: 'combobox', autocomplete: 'off',
    spellcheck: 'false', enterkeyhint: 'search', 'aria-label': 'Search artists, albums, tracks and playlists', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': 'search-results', 'data-testid': 'search-input' });
  const panel = h('div', { id: 'search-results', class: 'search-panel', role: 'listbox', 'aria-label': 'Search results', 'data-testid': 'search-results', hidden: true });
  box = h('form', { class: 'search', role: 'search', 'data-testid': 'search' }, icon('search', 'icon search-icon'), input, panel);

  let timer = null;
  let seq = 0;
  let options = []; // { el, activate }
  let active = -1;

  const open = (on) => {
    panel.hidden = !on;
    input.setAttribute('aria-expanded', String(on));
  };
  const highlight = (i) => {
    options[active]?.el.classList.remove('is-active');
    active = i;
    const option = options[active];
    option?.el.classList.add('is-active');
    option?.el.scrollIntoView({ block: 'nearest' });
    if (option) input.setAttribute('aria-activedescendant', option.el.id);
    else input.removeAttribute('aria-activedescendant');
  };
  const choose = (option) => {
    open(false);
    option.activate();
  };

  async function run(query) {
    const mine = ++seq;
    try {
      const results = await library.search(query, 6);
      if (mine !== seq) return; // a newer query is on its way
      options = [];
      active = -1;
      mount(panel, groups(results, query, options, choose));
      open(true);
    } catch (err) {
      if (mine !== seq) return;
      mount(panel, h('p', { class: 'search-empty' }, err.message));
      open(true);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query) {
      seq += 1;
      open(false);
      return;
    }
    timer = setTimeout(() => run(query), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (panel.hidden || options.length === 0) return;
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if (e.key === 'Enter' && !panel.hidden && options[active]) {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === 'Escape') {
      if (!panel.hidden) open(false);
      else input.value = '';
    }
  });
  box.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = input.value.trim();
    if (!query) return;
    open(false);
    location.hash = `#/search?q=${encodeURIComponent(query)}`;
  });
  input.addEventListener('focus', () => {
    if (input.value.trim() && panel.childElementCount > 0) open(true);
  });
  document.addEventListener('pointerdown', (e) => {
    if (!box.contains(e.target)) open(false);
  });
  window.addEventListener('hashchange', () => open(false));
  return box;
}

/** Puts the query shown by the results page back into the box. */
export function setSearchText(text) {
  const input = box?.querySelector('input');
  if (input && document.activeElement !== input) input.value = text;
}

let optionIds = 0;

function option(kind, options, choose, activate, ...content) {
  const el = h('div', { class: 'search-option', role: 'option', id: `search-option-${++optionIds}`, 'data-testid': 'search-result', 'data-kind': kind }, content);
  const entry = { el, activate };
  el.addEventListener('pointerdown', (e) => e.preventDefault()); // keep focus in the box
  el.addEventListener('click', () => choose(entry));
  options.push(entry);
  return el;
}

const go = (hash) => () => {
  location.hash = hash;
};

function group(title, items) {
  if (items.length === 0) return null;
  return h('div', { class: 'search-group', role: 'group', 'aria-label': title }, h('p', { class: 'search-group-title', 'aria-hidden': 'true' }, title), items);
}

function line(main, sub) {
  return h('span', { class: 'search-text' }, h('span', { class: 'search-main' }, main), sub && h('span', { class: 'search-sub' }, sub));
}

function groups(results, query, options, choose) {
  learn(results.tracks);
  const make = (kind, activate, ...content) => option(kind, options, choose, activate, ...content);
  const sections = [
    group('Tracks', results.tracks.map((t, i) => make('track', () => player.playTracks(results.tracks, i),
      cover({ url: t.coverUrl, name: t.album?.title ?? t.name, kind: 'track', size: 'sm' }),
      line(t.name, t.artist?.name), h('span', { class: 'search-meta' }, clock(t.duration)), icon('play', 'icon icon-sm search-action')))),
    group('Artists', results.artists.map((a) => make('artist', go(`#/artist/${a.id}`),
      cover({ url: a.imageUrl, name: a.name, kind: 'artist', size: 'sm' }), line(a.name, 'Artist')))),
    group('Albums', results.albums.map((a) => make('album', go(`#/album/${a.id}`),
      cover({ url: a.coverUrl, name: a.title, kind: 'album', size: 'sm' }), line(a.title, a.artist?.name ?? 'Album')))),
    group('Playlists', results.playlists.map((p) => make('playlist', go(`#/playlist/${p.id}`),
      cover({ url: p.imageUrl, name: p.name, kind: 'playlist', size: 'sm' }), line(p.name, p.owner ? `by ${p.owner.username}` : 'Playlist')))),
  ].filter(Boolean);
  const all = make('all', go(`#/search?q=${encodeURIComponent(query)}`), icon('search', 'icon icon-sm'), line(`See all results for “${query}”`));
  all.classList.add('search-all');
  if (sections.length === 0) return [h('p', { class: 'search-empty' }, `Nothing found for “${query}”.`), all];
  return [...sections, all];
}
