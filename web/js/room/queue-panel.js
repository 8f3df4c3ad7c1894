// The room's shared queue: what plays now and next, who added it, and, for members who may
// control the room, play-this, move up/down (or drag), remove, and a search box to add tracks
// from the library. "Add to room queue" is also in every track menu while you are in a room.
import { cover } from '../components/cover.js';
import { dragToReorder } from '../components/reorder.js';
import { toast, toastError } from '../components/toast.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { artistName } from './now-playing.js';

const DEBOUNCE_MS = 250;

export function queuePanel(room) {
  const badge = h('span', { class: 'badge', hidden: true });
  const list = h('ol', { class: 'room-queue', 'data-testid': 'room-queue' });
  const hint = h('p', { class: 'field-hint', 'data-testid': 'queue-hint', hidden: true });
  const fail = (err) => toastError({ name: 'ApiError', message: err.message });
  const run = (type, fields) => room.command(type, fields).catch(fail);

  dragToReorder(list, (from, to) => {
    const item = room.queue[from];
    if (item && room.mayControl) run('queueMove', { itemId: item.itemId, index: to });
  });

  // ---------- adding from the library ----------
  const input = h('input', { type: 'search', class: 'input', placeholder: t('roomqueue.searchPlaceholder'), autocomplete: 'off', spellcheck: 'false',
    'aria-label': t('roomqueue.searchLabel'), 'data-testid': 'queue-search' });
  const results = h('ul', { class: 'room-search-results', 'data-testid': 'queue-search-results', 'aria-live': 'polite' });
  const adder = h('div', { class: 'room-adder' }, h('div', { class: 'room-adder-box' }, icon('search', 'icon icon-sm search-icon'), input), results);
  let timer = null;
  let seq = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query) {
      seq += 1;
      mount(results);
      return;
    }
    timer = setTimeout(() => search(query), DEBOUNCE_MS);
  });
  async function search(query) {
    const mine = ++seq;
    try {
      const found = await library.search(query, 8);
      if (mine !== seq) return;
      mount(results, found.tracks.length
        ? found.tracks.map((track) => h('li', { class: 'room-search-row', 'data-testid': 'queue-search-result' },
          cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'sm' }),
          h('span', { class: 'room-row-text' }, h('span', { class: 'room-row-title' }, track.name), h('span', { class: 'room-row-sub muted' }, artistName(track))),
          h('button', { type: 'button', class: 'btn btn-sm btn-outline', 'data-testid': 'queue-add', 'aria-label': t('roomqueue.addLabel', { name: track.name }),
            onclick: async (e) => {
              const b = e.currentTarget;
              b.disabled = true;
              try {
                await room.command('queueAdd', { trackIds: [track.id] });
                toast(t('roomqueue.added', { name: track.name }));
              } catch (err) {
                fail(err);
              } finally {
                b.disabled = false;
              }
            } }, icon('plus', 'icon icon-sm'), t('roomqueue.add'))))
        : h('li', { class: 'muted room-search-empty' }, t('roomqueue.noMatch')));
    } catch (err) {
      if (mine === seq) mount(results, h('li', { class: 'alert alert-error' }, err.message));
    }
  }

  const el = h('section', { class: 'card room-queue-card', 'aria-labelledby': 'room-queue-title' },
    h('h2', { class: 'card-title', id: 'room-queue-title' }, icon('queue', 'icon icon-title'), t('roomqueue.title'), badge),
    hint, adder, list);

  function row(item, index) {
    const track = item.track ?? { title: t('roomqueue.unknownTrack') };
    const current = item.itemId === room.playback?.itemId;
    const may = room.mayControl && room.status === 'live';
    const button = (name, label, testid, onclick, disabled = false) =>
      h('button', { type: 'button', class: 'icon-btn icon-btn-sm', 'aria-label': label, title: label, 'data-testid': testid, disabled, onclick }, icon(name, 'icon icon-sm'));
    const who = item.addedBy?.name ?? item.addedByName;
    return h('li', { class: `room-queue-row${current ? ' is-current' : ''}`, draggable: may ? 'true' : null, 'data-testid': 'queue-item',
      'data-item-id': item.itemId, 'data-track-id': item.trackId, 'data-current': String(current) },
    cover({ url: track.coverUrl, name: track.album || track.title, kind: 'track', size: 'sm' }),
    h('span', { class: 'room-row-text' },
      h('span', { class: 'room-row-title' }, current && h('span', { class: 'eq', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), track.title,
        current && h('span', { class: 'visually-hidden' }, ` ${t('roomqueue.nowPlaying')}`)),
      h('span', { class: 'room-row-sub muted' }, artistName(track), who && ` · ${t('roomqueue.addedBy', { name: who })}`)),
    h('span', { class: 'queue-dur muted' }, clock((track.durationMs ?? 0) / 1000)),
    may && h('span', { class: 'queue-actions' },
      !current && button('play', t('roomqueue.playNow', { name: track.title }), 'queue-play', () => run('play', { itemId: item.itemId })),
      button('chevronUp', t('roomqueue.moveUp', { name: track.title }), 'queue-up', () => run('queueMove', { itemId: item.itemId, index: index - 1 }), index === 0),
      button('chevronDown', t('roomqueue.moveDown', { name: track.title }), 'queue-down', () => run('queueMove', { itemId: item.itemId, index: index + 1 }), index === room.queue.length - 1),
      button('close', t('roomqueue.remove', { name: track.title }), 'queue-remove', () => run('queueRemove', { itemId: item.itemId }))));
  }

  function update() {
    const items = room.queue;
    badge.textContent = String(items.length);
    badge.hidden = items.length === 0;
    adder.hidden = !room.mayControl || Boolean(room.you?.guest);
    hint.hidden = room.mayControl;
    hint.textContent = t('roomqueue.hostOnly');
    // Keep focus on the same control of the same item across a redraw.
    const focused = document.activeElement;
    const focusKey = list.contains(focused) ? [focused.closest('li')?.dataset.itemId, focused.dataset.testid] : null;
    mount(list, items.length
      ? items.map(row)
      : h('li', { class: 'muted room-queue-empty', 'data-testid': 'queue-empty' }, room.mayControl && !room.you?.guest ? `${t('roomqueue.empty')} ${t('roomqueue.emptyHint')}` : t('roomqueue.empty')));
    if (focusKey) list.querySelector(`li[data-item-id="${CSS.escape(focusKey[0] ?? '')}"] [data-testid="${focusKey[1]}"]:not(:disabled)`)?.focus();
  }

  update();
  return { el, update };
}
