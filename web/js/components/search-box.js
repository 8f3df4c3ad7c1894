// The top bar's search: results as you type (debounced), grouped by kind in a listbox
// under the box; Enter opens the full results page. Escape, Enter and choosing a result
// also cancel a search still waiting to run, so closed results stay closed.
import { h, mount } from '../dom.js';
import * as library from '../data/library.js';
import { learn } from '../favorites.js';
import { clock } from '../format.js';
import { errorMessage, onLanguageChange, t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';

const DEBOUNCE_MS = 200;
let box = null;

export function searchBox() {
  if (box) return box;
  const input = h('input', { type: 'search', class: 'search-input', name: 'q', role: 'combobox', autocomplete: 'off',
    spellcheck: 'false', enterkeyhint: 'search', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': 'search-results', 'data-testid': 'search-input' });
  const panel = h('div', { id: 'search-results', class: 'search-panel', role: 'listbox', 'data-testid': 'search-results', hidden: true });
  box = h('form', { class: 'search', role: 'search', 'data-testid': 'search' }, icon('search', 'icon search-icon'), input, panel);
  const label = () => {
    input.placeholder = t('search.placeholder');
    input.setAttribute('aria-label', t('search.label'));
    panel.setAttribute('aria-label', t('search.results'));
  };
  label();
  onLanguageChange(label);

  let timer = null;
  let seq = 0;
  let options = []; // { el, activate }
  let active = -1;
  let lastQuery = '';
  let pending = false; // a search waits for its debounce or its answer

  // Forgets the search waiting for its debounce and any answer still on its way.
  const cancel = () => {
    clearTimeout(timer);
    timer = null;
    pending = false;
    seq += 1;
  };

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
  // A result that opens a page empties the box (the page says what it shows); playing a
  // track keeps the query for the next pick.
  const choose = (option) => {
    cancel();
    open(false);
    if (option.navigates) {
      input.value = '';
      mount(panel);
      options = [];
      input.blur();
    }
    option.activate();
  };

  async function run(query) {
    const mine = ++seq;
    try {
      const results = await library.search(query, 6);
      if (mine !== seq) return; // a newer query is on its way, or the search was cancelled
      pending = false;
      options = [];
      active = -1;
      lastQuery = query;
      mount(panel, groups(results, query, options, choose));
      open(document.activeElement === input);
    } catch (err) {
      if (mine !== seq) return;
      pending = false;
      mount(panel, h('p', { class: 'search-empty' }, errorMessage(err.code, err.message)));
      open(document.activeElement === input);
    }
  }

  input.addEventListener('input', () => {
    cancel();
    const query = input.value.trim();
    if (!query) {
      open(false);
      return;
    }
    pending = true;
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
      // The browser would clear a search field on Escape; the first press only closes.
      e.preventDefault();
      const wasOpen = !panel.hidden || pending;
      cancel();
      if (wasOpen) open(false);
      else input.value = '';
    }
  });
  box.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = input.value.trim();
    if (!query) return;
    cancel();
    open(false);
    location.hash = `#/search?q=${encodeURIComponent(query)}`;
  });
  // Coming back to the box shows the results again, if they are still for what it says.
  input.addEventListener('focus', () => {
    if (input.value.trim() && input.value.trim() === lastQuery && panel.childElementCount > 0) open(true);
  });
  document.addEventListener('pointerdown', (e) => {
    if (!box.contains(e.target)) {
      cancel();
      open(false);
    }
  });
  window.addEventListener('hashchange', () => {
    cancel();
    open(false);
  });
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
  // Every result but a track (which plays) and "see all" (the results page keeps the query) opens a page.
  const entry = { el, activate, navigates: kind !== 'track' && kind !== 'all' };
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
    group(t('search.tracks'), results.tracks.map((track, i) => make('track', () => player.playTracks(results.tracks, i),
      cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'sm' }),
      line(track.name, track.artist?.name), h('span', { class: 'search-meta' }, clock(track.duration)), icon('play', 'icon icon-sm search-action')))),
    group(t('search.artists'), results.artists.map((a) => make('artist', go(`#/artist/${a.id}`),
      cover({ url: a.imageUrl, name: a.name, kind: 'artist', size: 'sm' }), line(a.name, t('search.kindArtist'))))),
    group(t('search.albums'), results.albums.map((a) => make('album', go(`#/album/${a.id}`),
      cover({ url: a.coverUrl, name: a.title, kind: 'album', size: 'sm' }), line(a.title, a.artist?.name ?? t('search.kindAlbum'))))),
    group(t('search.playlists'), results.playlists.map((p) => make('playlist', go(`#/playlist/${p.id}`),
      cover({ url: p.imageUrl, name: p.name, kind: 'playlist', size: 'sm' }),
      line(p.name, p.owner ? t('search.playlistBy', { name: p.owner.username }) : t('search.kindPlaylist'))))),
  ].filter(Boolean);
  const all = make('all', go(`#/search?q=${encodeURIComponent(query)}`), icon('search', 'icon icon-sm'), line(t('search.seeAll', { query })));
  all.classList.add('search-all');
  if (sections.length === 0) return [h('p', { class: 'search-empty' }, t('search.nothingFor', { query })), all];
  return [...sections, all];
}
