// The play queue as a drawer beside the page (a full sheet on phones): see what is next,
// jump to a track, reorder by dragging or with the arrow buttons, remove, or clear what is
// upcoming. The page narrows while it is open (player.css), and it closes when the page changes.
import { cover } from '../components/cover.js';
import { dragToReorder } from '../components/reorder.js';
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { onLanguageChange, t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';

const OVERLAY = '(min-width: 721px) and (max-width: 1099px)';

let panel = null;
let list = null;
let summary = null;
let opener = null;

function build() {
  list = h('ol', { class: 'queue-list', 'data-testid': 'queue-list' });
  summary = h('p', { class: 'muted queue-summary', 'data-testid': 'queue-summary' });
  const title = h('h2', { class: 'queue-title', id: 'queue-title' });
  const close = h('button', { type: 'button', class: 'icon-btn', 'data-testid': 'queue-close', onclick: () => closeQueue() }, icon('close'));
  const clear = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'queue-clear', onclick: player.clearUpcoming });
  panel = h('aside', { class: 'queue-panel', 'aria-labelledby': 'queue-title', 'data-testid': 'queue-panel', hidden: true, tabindex: '-1' },
    h('header', { class: 'queue-header' }, title, clear, close),
    summary, list);
  const label = () => {
    title.textContent = t('queue.title');
    clear.textContent = t('queue.clearUpcoming');
    close.setAttribute('aria-label', t('queue.close'));
    close.title = t('queue.close');
    render();
  };
  label();
  onLanguageChange(label);
  panel.addEventListener('keydown', (e) => e.key === 'Escape' && closeQueue());
  dragToReorder(list, (from, to) => player.move(from, to));
  player.on('queue', render);
  player.on('state', render);
  document.body.append(panel);
  // A new page in the app (the router replaces #app's content, also for links that do not
  // change the hash's history) closes the drawer; the new page takes the focus.
  const app = document.getElementById('app');
  if (app) new MutationObserver(() => closeQueue({ restoreFocus: false })).observe(app, { childList: true });
  // Where the drawer floats over the page (narrower screens, player.css), a click on the page
  // closes it, so what lies under it is one click away. The player bar keeps it open.
  document.addEventListener('pointerdown', (e) => {
    if (panel.hidden || !matchMedia(OVERLAY).matches) return;
    if (panel.contains(e.target) || e.target.closest?.('.playerbar, .menu, dialog')) return;
    closeQueue({ restoreFocus: false });
  }, true);
}

function row(entry, index, snapshot) {
  const { track } = entry;
  const currentIndex = snapshot.index;
  const button = (name, label, testid, onclick, disabled = false) =>
    h('button', { type: 'button', class: 'icon-btn icon-btn-sm', 'aria-label': label, title: label, 'data-testid': testid, disabled, onclick: (e) => { e.stopPropagation(); onclick(); } },
      icon(name, 'icon icon-sm'));
  const el = h('li', { class: `queue-row${index === currentIndex ? ' is-current' : ''}${index < currentIndex ? ' is-past' : ''}`,
    draggable: 'true', 'data-testid': 'queue-row', 'data-track-id': track.id },
  cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'sm' }),
  h('button', { type: 'button', class: 'queue-text', onclick: () => player.playAt(index), 'aria-label': t('queue.play', { name: track.name }) },
    h('span', { class: 'queue-name' }, track.name), h('span', { class: 'queue-artist' }, track.artist?.name ?? t('player.unknownArtist'))),
  h('span', { class: 'queue-dur' }, clock(track.duration)),
  h('span', { class: 'queue-actions' },
    button('chevronUp', t('queue.moveUp', { name: track.name }), 'queue-up', () => player.move(index, index - 1), index === 0),
    button('chevronDown', t('queue.moveDown', { name: track.name }), 'queue-down', () => player.move(index, index + 1), index === snapshot.queue.length - 1),
    button('close', t('queue.remove', { name: track.name }), 'queue-remove', () => player.removeAt(index))));
  return el;
}

function render() {
  if (!panel || panel.hidden) return;
  const snapshot = player.snapshot();
  const { queue, index } = snapshot;
  const upcoming = queue.length - index - 1;
  summary.textContent = queue.length === 0 ? t('queue.empty') : t('queue.upNext', { count: Math.max(0, upcoming) });
  // Keep focus on the same control after a move: find it again by track and test id.
  const focused = document.activeElement;
  const testid = list.contains(focused) ? focused.dataset.testid : null;
  const at = testid ? [...list.children].indexOf(focused.closest('li')) : -1;
  mount(list, queue.map((entry, i) => row(entry, i, snapshot)));
  if (testid && at >= 0) {
    const delta = testid === 'queue-up' ? -1 : testid === 'queue-down' ? 1 : 0;
    const target = list.children[Math.max(0, Math.min(queue.length - 1, at + delta))];
    const control = target?.querySelector(`[data-testid="${testid}"]:not(:disabled)`) ?? target?.querySelector('.queue-text');
    control?.focus();
  }
}

export function openQueue() {
  if (!panel) build();
  opener = document.activeElement;
  panel.hidden = false;
  document.documentElement.classList.add('queue-open');
  render();
  panel.focus();
}

/** Closes the drawer; focus goes back to what opened it unless a new page takes it. */
export function closeQueue({ restoreFocus = true } = {}) {
  if (!panel || panel.hidden) return;
  panel.hidden = true;
  document.documentElement.classList.remove('queue-open');
  if (restoreFocus && opener?.isConnected) opener.focus();
}

export function toggleQueue() {
  if (panel && !panel.hidden) closeQueue();
  else openQueue();
}
