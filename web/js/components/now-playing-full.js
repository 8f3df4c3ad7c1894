// The phone's full-screen player, opened from the mini player: a large cover, title and
// artist, the heart, a seek slider with a comfortable touch target and its times, and every
// transport button the mini player has no room for. It closes with its button, Escape or a
// swipe down; a swipe left or right on the cover skips to the next or previous track.
// A modal overlay: the rest of the page is inert while it is open, and focus goes back to
// where it came from when it closes.
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { onLanguageChange, t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';
import { heartButton } from './heart.js';
import { iconButton, relabel, REPEAT_KEYS, seekSlider, shuffleUpcoming } from './player-controls.js';

const SWIPE_PX = 60; // how far a finger travels before a swipe counts
const CLOSE_SWIPE_PX = 90;

let view = null;
let opener = null;
let inerted = [];
let queueOpener = null;

function build() {
  const art = h('div', { class: 'np-art', 'data-testid': 'np-cover' });
  const title = h('h2', { class: 'np-title', id: 'np-title', 'data-testid': 'np-title' });
  const artist = h('a', { class: 'np-artist', 'data-testid': 'np-artist' });
  const heartSlot = h('span', { class: 'np-heart' });
  const context = h('p', { class: 'np-context', 'aria-hidden': 'true' });
  const close = iconButton('chevronDown', 'nowplaying.close', 'np-close', () => closeNowPlaying(), 'np-close');
  const queue = iconButton('queue', 'player.queue', 'np-queue', () => {
    closeNowPlaying({ restoreFocus: false });
    queueOpener?.();
  });
  const elapsed = h('span', { class: 'np-time', 'data-testid': 'np-elapsed' }, '0:00');
  const total = h('span', { class: 'np-time', 'data-testid': 'np-duration' }, '0:00');
  let previewing = false;
  const seek = seekSlider({ testid: 'np-seek', className: 'np-seek', onPreview: (at) => {
    previewing = at !== null;
    elapsed.textContent = clock(at ?? player.snapshot().currentTime);
  } });
  const playButton = iconButton('play', 'player.play', 'np-toggle', player.toggle, 'np-play');
  const repeat = iconButton('repeat', REPEAT_KEYS.off, 'np-repeat', player.cycleRepeat);

  view = h('div', { class: 'np-full', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'np-title', 'data-testid': 'now-playing', hidden: true },
    h('header', { class: 'np-header' }, close, context, queue),
    art,
    h('div', { class: 'np-meta' }, h('div', { class: 'np-text' }, title, artist), heartSlot),
    h('div', { class: 'np-progress' }, seek, h('div', { class: 'np-times' }, elapsed, total)),
    h('div', { class: 'np-buttons' },
      iconButton('shuffle', 'player.shuffle', 'np-shuffle', shuffleUpcoming),
      iconButton('prev', 'player.previous', 'np-prev', player.previous),
      playButton,
      iconButton('next', 'player.next', 'np-next', player.next),
      repeat));

  const paintTrack = ({ track }) => {
    if (!track) {
      closeNowPlaying();
      return;
    }
    mount(art, cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'np' }));
    title.textContent = track.name;
    artist.textContent = track.artist?.name ?? t('player.unknownArtist');
    if (track.artist) artist.href = `#/artist/${track.artist.id}`;
    else artist.removeAttribute('href');
    mount(heartSlot, heartButton(track, 'np-heart'));
  };
  const paintState = (s) => {
    mount(playButton, icon(s.playing ? 'pause' : 'play'));
    relabel(playButton, s.playing ? 'player.pause' : 'player.play');
    playButton.setAttribute('aria-busy', String(s.loading && !s.error));
    relabel(repeat, REPEAT_KEYS[s.repeat]);
    repeat.classList.toggle('is-on', s.repeat !== 'off');
    mount(repeat, icon(s.repeat === 'one' ? 'repeatOne' : 'repeat'));
    context.textContent = s.queue.length > 1
      ? t('nowplaying.position', { index: s.index + 1, total: s.queue.length })
      : t('nowplaying.title');
  };
  const paintTime = ({ currentTime, duration }) => {
    total.textContent = clock(duration);
    if (!previewing) elapsed.textContent = clock(currentTime);
  };
  const paintLabels = () => {
    for (const button of view.querySelectorAll('[data-label]')) relabel(button, button.dataset.label);
    const s = player.snapshot();
    paintState(s);
    if (s.track) paintTrack(s);
  };

  player.on('track', paintTrack);
  player.on('state', paintState);
  player.on('queue', paintState);
  player.on('time', paintTime);
  onLanguageChange(paintLabels);
  paintLabels();
  paintTime(player.snapshot());

  view.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    closeNowPlaying();
  });
  swipes(view, art);
  // Leaving for another page (the artist link) closes the view; the new page takes focus.
  window.addEventListener('hashchange', () => closeNowPlaying({ restoreFocus: false }));
  document.body.append(view);
}

// Pointer gestures, for fingers and mice alike: down anywhere but a control, up somewhere
// else. Mostly downward closes; sideways on the cover changes the track.
function swipes(root, art) {
  let start = null;
  root.addEventListener('pointerdown', (e) => {
    if (!e.isPrimary || e.button > 0 || e.target.closest('button, input, a')) return;
    start = { x: e.clientX, y: e.clientY, id: e.pointerId, onArt: art.contains(e.target) };
    root.setPointerCapture?.(e.pointerId);
  });
  root.addEventListener('pointercancel', () => {
    start = null;
  });
  root.addEventListener('pointerup', (e) => {
    if (!start || e.pointerId !== start.id) return;
    const dx = e.clientX - start.x;
    const dy = e.clientY - start.y;
    const { onArt } = start;
    start = null;
    if (dy > CLOSE_SWIPE_PX && dy > Math.abs(dx) * 1.5) closeNowPlaying();
    else if (onArt && Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy) * 1.5) {
      if (dx < 0) player.next();
      else player.previous();
    }
  });
  // A cover image would start a native drag and swallow the gesture.
  root.addEventListener('dragstart', (e) => e.preventDefault());
}

/** Opens the full-screen player over everything. `onQueue` opens the queue panel. */
export function openNowPlaying({ onQueue } = {}) {
  if (!player.snapshot().track) return;
  if (!view) build();
  queueOpener = onQueue ?? queueOpener;
  if (!view.hidden) return;
  opener = document.activeElement;
  view.hidden = false;
  document.documentElement.classList.add('np-open');
  // Everything else goes inert (toasts stay readable above).
  inerted = [...document.body.children].filter((el) => el !== view && !el.inert && !el.classList.contains('toasts'));
  for (const el of inerted) el.inert = true;
  view.querySelector('[data-testid=np-close]').focus();
}

export function closeNowPlaying({ restoreFocus = true } = {}) {
  if (!view || view.hidden) return;
  view.hidden = true;
  document.documentElement.classList.remove('np-open');
  for (const el of inerted) el.inert = false;
  inerted = [];
  if (restoreFocus && opener?.isConnected) opener.focus();
  opener = null;
}

export const nowPlayingOpen = () => Boolean(view && !view.hidden);
