// Track rows: number, title and artist, album, heart, duration and the "…" menu. Clicking a
// row plays the list from there. With `reorder`, rows can be dragged or moved with buttons.
import { h, mount } from '../dom.js';
import { learn } from '../favorites.js';
import { clock } from '../format.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';
import { heartButton } from './heart.js';
import { dragToReorder } from './reorder.js';
import { openTrackMenu } from './track-menu.js';

/**
 * options: numbering 'index' | 'track'; album (column, default true); covers (default true);
 * menuExtra(entry) → extra menu items; reorder: { move(from, to) }; testid.
 * Entries are { track, itemId? }. Returns { el, set(entries), append(entries), entries() }.
 */
export function trackList(options = {}) {
  let entries = [];
  const album = options.album !== false;
  const covers = options.covers !== false;
  const list = h('ol', { class: 'tracklist-rows', 'data-testid': options.testid ?? 'track-list' });
  const el = h('div', { class: ['tracklist', album && 'has-album', covers && 'has-covers', options.reorder && 'has-reorder'].filter(Boolean).join(' ') },
    head(options.reorder, album), list);

  const indexOf = (entry) => entries.indexOf(entry);
  const playFrom = (entry) => player.playTracks(entries.map((e) => e.track), indexOf(entry));

  function changed(entry, updated) {
    if (updated) {
      entry.track = { ...entry.track, ...updated };
      render();
      return;
    }
    // Deleted: the row goes, and focus moves to the row that took its place (not to <body>).
    const at = indexOf(entry);
    entries = entries.filter((e) => e.track.id !== entry.track.id);
    render();
    const rows = list.querySelectorAll('.tr-more');
    (rows[Math.min(at, rows.length - 1)] ?? null)?.focus();
  }

  function move(entry, delta) {
    const from = indexOf(entry);
    const to = from + delta;
    if (to < 0 || to >= entries.length) return;
    reorderTo(from, to);
  }

  // Moves at once on screen; the owner's move() then settles the real order with set().
  function reorderTo(from, to) {
    const [entry] = entries.splice(from, 1);
    entries.splice(to, 0, entry);
    render();
    options.reorder.move(from, to, entry);
  }

  function row(entry, index) {
    const { track } = entry;
    const number = options.numbering === 'track' ? (track.trackNumber ?? index + 1) : index + 1;
    const more = h('button', { type: 'button', class: 'icon-btn tr-more', 'aria-label': t('track.moreActions', { name: track.name }), 'aria-haspopup': 'menu',
      'aria-expanded': 'false', 'data-testid': 'track-menu' }, icon('more'));
    more.addEventListener('click', (e) => {
      e.stopPropagation();
      openTrackMenu(more, entry.track, { extra: options.menuExtra?.(entry) ?? [], onChanged: (updated) => changed(entry, updated) });
    });
    const el = h('li', { class: 'track-row', 'data-track-id': track.id, 'data-item-id': entry.itemId, 'data-testid': 'track-row', draggable: options.reorder ? 'true' : null },
      options.reorder && reorderButtons(entry, index),
      h('span', { class: 'tr-lead' },
        h('span', { class: 'tr-num' }, String(number)),
        h('button', { type: 'button', class: 'tr-play', tabindex: '-1', 'aria-label': t('track.play', { name: track.name }), onclick: () => playFrom(entry) }, icon('play', 'icon icon-sm')),
        h('span', { class: 'eq', 'aria-hidden': 'true' }, h('i'), h('i'), h('i'))),
      h('div', { class: 'tr-main' },
        covers && cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'sm' }),
        h('div', { class: 'tr-text' },
          h('button', { type: 'button', class: 'tr-title', 'data-testid': 'track-title', onclick: () => playFrom(entry) }, track.name),
          h('span', { class: 'tr-sub' }, track.artist ? h('a', { href: `#/artist/${track.artist.id}` }, track.artist.name) : t('track.unknownArtist')))),
      album && h('span', { class: 'tr-album' }, track.album && h('a', { href: `#/album/${track.album.id}` }, track.album.title)),
      heartButton(track),
      h('span', { class: 'tr-dur' }, clock(track.duration)),
      more);
    el.addEventListener('click', (e) => {
      if (!e.target.closest('a, button, input')) playFrom(entry);
    });
    markCurrent(el, player.snapshot());
    return el;
  }

  function reorderButtons(entry, index) {
    const button = (dir, delta, disabled) => h('button', { type: 'button', class: 'tr-move', 'data-testid': `move-${dir}`, disabled,
      'aria-label': t(`track.move.${dir}`, { name: entry.track.name }), onclick: (e) => { e.stopPropagation(); move(entry, delta); } },
    icon(delta < 0 ? 'chevronUp' : 'chevronDown', 'icon icon-sm'));
    return h('span', { class: 'tr-reorder', title: t('track.dragToReorder') }, button('up', -1, index === 0), button('down', 1, index === entries.length - 1));
  }

  // Re-rendering keeps keyboard focus on the same control of the same row.
  function render() {
    const focused = document.activeElement;
    const key = focused?.closest?.('.track-row')?.dataset.itemId;
    const control = focused?.dataset?.testid;
    mount(list, entries.map(row));
    if (key && control && list.contains(focused) === false) {
      const again = list.querySelector(`[data-item-id="${CSS.escape(key)}"] [data-testid="${CSS.escape(control)}"]`);
      (again && !again.disabled ? again : list.querySelector(`[data-item-id="${CSS.escape(key)}"] .tr-title`))?.focus();
    }
  }

  if (options.reorder) dragToReorder(list, (from, to) => reorderTo(from, to));

  return {
    el,
    set(next) {
      entries = [...next];
      learn(entries.map((e) => e.track));
      render();
    },
    append(more) {
      learn(more.map((e) => e.track));
      const start = entries.length;
      entries.push(...more);
      list.append(...more.map((entry, i) => row(entry, start + i)));
    },
    entries: () => entries,
  };
}

function head(reorder, album) {
  return h('div', { class: 'tracklist-head', 'aria-hidden': 'true' },
    reorder && h('span'),
    h('span', { class: 'tr-lead' }, '#'),
    h('span', {}, t('track.head.title')),
    album && h('span', { class: 'tr-album' }, t('track.head.album')),
    h('span'),
    h('span', { class: 'tr-dur' }, icon('clock', 'icon icon-sm')),
    h('span'));
}

function markCurrent(row, { track, playing }) {
  const current = track?.id === row.dataset.trackId;
  row.classList.toggle('is-current', current);
  row.classList.toggle('is-playing', current && playing);
}

// One listener for every list on screen: the playing track's rows light up.
const repaint = (snapshot) => {
  for (const row of document.querySelectorAll('.track-row')) markCurrent(row, snapshot);
};
player.on('track', repaint);
player.on('state', repaint);
