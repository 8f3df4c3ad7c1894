// Playlists: mine as a grid with a button to start a new one or import an M3U file, and other
// people's public playlists below.
import { cardGrid, playlistCard } from '../components/cards.js';
import { openDialog } from '../components/dialog.js';
import { emptyState } from '../components/hero.js';
import { pager } from '../components/paged.js';
import { playlistDialog } from '../components/playlist-form.js';
import * as library from '../data/library.js';
import * as playlists from '../data/playlists.js';
import { h, mount } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { countOf, problem } from '../library-text.js';
import { matchEntries, parseM3U } from '../m3u.js';
import * as store from '../store.js';
import { alertBox, busy, field } from '../ui.js';

const M3U_ACCEPT = '.m3u,.m3u8,audio/x-mpegurl,audio/mpegurl,application/vnd.apple.mpegurl';

/** The file's text: UTF-8 (M3U8), else the Windows Latin encoding old .m3u files use. */
async function readText(file) {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * Import: read the file, match each line against the library (by path, else "Artist - Title"
 * through search), show what matched and what did not, and on "Create" make the playlist.
 * Resolves to the new playlist, or null.
 */
export async function importM3U(file, { returnFocus } = {}) {
  const alert = alertBox();
  const status = h('p', { class: 'muted', role: 'status', 'data-testid': 'import-status' }, t('playlist.import.reading'));
  const results = h('div', { class: 'import-results' });
  const name = field({ label: t('playlist.form.name'), name: 'name', value: file.name.replace(/\.m3u8?$/i, ''), required: true, maxlength: 200, autocomplete: 'off', 'data-testid': 'import-name' });
  const create = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'import-create', disabled: true }, t('playlist.import.create'));
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'import-cancel' }, t('library.dialog.cancel'));
  let created = null;
  let cancelled = false;
  const done = new Promise((resolve) => {
    const dialog = openDialog({ title: t('playlist.import.title'), body: [alert.el, name, status, results], actions: [cancel, create], testid: 'import-dialog', returnFocus, wide: true,
      onClose: () => { cancelled = true; resolve(created); } });
    cancel.addEventListener('click', () => dialog.close());
    create.addEventListener('click', async () => {
      alert.clear();
      const title = name.querySelector('input').value.trim();
      if (!title) {
        alert.show(t('playlist.import.needName'));
        return;
      }
      try {
        await busy(create, async () => {
          const playlist = await playlists.createPlaylist({ name: title, public: false });
          for (let i = 0; i < matchedIds.length; i += 500) await playlists.addTracks(playlist.id, matchedIds.slice(i, i + 500));
          created = playlist;
        });
        dialog.close();
      } catch (err) {
        alert.show(problem(err));
      }
    });
  });
  let matchedIds = [];
  try {
    const entries = parseM3U(await readText(file));
    if (entries.length === 0) {
      status.textContent = t('playlist.import.noEntries');
      return done;
    }
    const cache = new Map(); // the same query twice in one file asks once
    const find = (query) => {
      if (!cache.has(query)) cache.set(query, library.findTracks(query, 10).catch(() => []));
      return cache.get(query);
    };
    const { matched, unmatched } = await matchEntries(entries, find, (n, total) => {
      status.textContent = t('playlist.import.matching', { n: formatNumber(n), total: formatNumber(total) });
    });
    if (cancelled) return done;
    matchedIds = matched.map((m) => m.track.id);
    status.textContent = t('playlist.import.summary', { matched: formatNumber(matched.length), total: formatNumber(entries.length) });
    status.dataset.matched = String(matched.length);
    status.dataset.unmatched = String(unmatched.length);
    create.disabled = matched.length === 0;
    mount(results, unmatched.length > 0 && h('details', { class: 'import-unmatched', open: true, 'data-testid': 'import-unmatched' },
      h('summary', {}, t('playlist.import.unmatched', { count: unmatched.length })),
      h('ul', { class: 'skipped-list' }, unmatched.map((e) => h('li', { 'data-testid': 'unmatched-line' },
        h('span', { class: 'muted' }, t('playlist.import.line', { n: formatNumber(e.line) })), ' ',
        h('code', {}, [e.artist, e.title].filter(Boolean).join(' - ') || e.path))))));
  } catch (err) {
    status.textContent = '';
    alert.show(problem(err));
  }
  return done;
}

function importButton(ctx) {
  const input = h('input', { type: 'file', accept: M3U_ACCEPT, class: 'visually-hidden', 'data-testid': 'import-input', tabindex: '-1', 'aria-hidden': 'true' });
  const button = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'import-playlist' }, icon('upload', 'icon icon-sm'), t('playlist.import.button'));
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', async () => {
    const [file] = input.files;
    input.value = '';
    if (!file) return;
    const playlist = await importM3U(file, { returnFocus: button });
    if (playlist) ctx.navigate(`/playlist/${playlist.id}`);
  });
  return [button, input];
}

function publicSection(ctx) {
  const grid = cardGrid('public-playlist-grid');
  const paging = pager({
    load: (after) => playlists.publicPlaylists({ first: 60, after }),
    render: (nodes) => grid.append(...nodes.map((p) => playlistCard(p, store.user()?.id))),
    empty: () => h('p', { class: 'muted', 'data-testid': 'public-playlists-empty' }, t('playlist.public.empty')),
    keep: { ctx, key: 'public-playlists' },
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return h('section', { class: 'page-section', 'data-testid': 'public-playlists-section' },
    h('h2', { class: 'section-title' }, t('playlist.public.title')), h('p', { class: 'muted section-note' }, t('playlist.public.note')), grid, paging.el);
}

export function playlistsView(ctx) {
  const total = h('p', { class: 'muted page-subtitle' });
  const grid = cardGrid('playlist-grid');
  const create = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'new-playlist' }, icon('plus', 'icon icon-sm'), t('playlist.new'));
  create.addEventListener('click', async () => {
    const created = await playlistDialog();
    if (created) ctx.navigate(`/playlist/${created.id}`);
  });
  const paging = pager({
    load: (after) => playlists.myPlaylists({ first: 60, after }),
    render: (nodes, page) => {
      if (page.totalCount != null) total.textContent = countOf('playlist', page.totalCount);
      grid.append(...nodes.map((p) => playlistCard(p, store.user()?.id)));
    },
    empty: () => emptyState({
      iconName: 'playlists',
      title: t('playlist.empty.title'),
      text: t('playlist.empty.text'),
      testid: 'playlists-empty',
    }),
    keep: { ctx, key: 'playlists' },
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return appLayout(ctx, '/playlists',
    h('header', { class: 'page-header page-header-row' },
      h('div', {}, h('h1', { class: 'page-title', tabindex: '-1' }, t('playlist.title')), total),
      h('div', { class: 'header-actions' }, importButton(ctx), create)),
    h('section', { class: 'page-section' }, grid, paging.el),
    publicSection(ctx));
}
