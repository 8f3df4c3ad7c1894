// The persistent player bar: built once and carried from page to page by the layout, so
// it keeps playing across navigation. All state comes from player.js events.
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';
import { heartButton } from './heart.js';
import { toast } from './toast.js';

let bar = null;

const REPEAT_LABELS = { off: 'Repeat: off', all: 'Repeat: all', one: 'Repeat: this track' };

function iconButton(name, label, testid, onclick, extra = '') {
  return h('button', { type: 'button', class: `icon-btn pb-btn ${extra}`.trim(), 'aria-label': label, title: label, 'data-testid': testid, onclick }, icon(name));
}

/** The bar element (the same one every time). `onQueue` opens the queue panel. */
export function playerBar({ onQueue }) {
  if (bar) return bar;
  const art = h('div', { class: 'pb-art' });
  const title = h('a', { class: 'pb-title', 'data-testid': 'player-title' });
  const artist = h('a', { class: 'pb-artist', 'data-testid': 'player-artist' });
  const heartSlot = h('span', { class: 'pb-heart' });
  const playButton = iconButton('play', 'Play', 'player-toggle', player.toggle, 'pb-play');
  const repeat = iconButton('repeat', REPEAT_LABELS.off, 'player-repeat', player.cycleRepeat, 'pb-secondary');
  const elapsed = h('span', { class: 'pb-time', 'data-testid': 'player-elapsed' }, '0:00');
  const total = h('span', { class: 'pb-time', 'data-testid': 'player-duration' }, '0:00');
  const seek = h('input', { type: 'range', class: 'range pb-seek', min: 0, max: 1000, step: 1, value: 0, 'aria-label': 'Seek', 'data-testid': 'player-seek' });
  const mute = iconButton('volume', 'Mute', 'player-mute', player.toggleMute, 'pb-secondary');
  const volume = h('input', { type: 'range', class: 'range pb-volume', min: 0, max: 100, step: 1, 'aria-label': 'Volume', 'data-testid': 'player-volume' });
  const format = h('span', { class: 'pb-format', title: 'Stream format' });
  const audio = player.element();
  audio.setAttribute('data-testid', 'audio');

  bar = h('section', { class: 'playerbar', 'aria-label': 'Player', 'data-testid': 'player', hidden: true },
    h('div', { class: 'pb-now' }, art, h('div', { class: 'pb-text' }, title, artist), heartSlot),
    h('div', { class: 'pb-center' },
      h('div', { class: 'pb-buttons' },
        iconButton('shuffle', 'Shuffle upcoming tracks', 'player-shuffle', () => { player.shuffleUpcoming(); toast('Upcoming tracks shuffled.'); }, 'pb-secondary'),
        iconButton('prev', 'Previous', 'player-prev', player.previous, 'pb-secondary'),
        playButton,
        iconButton('next', 'Next', 'player-next', player.next),
        repeat),
      h('div', { class: 'pb-progress' }, elapsed, seek, total)),
    h('div', { class: 'pb-extras' }, format,
      iconButton('queue', 'Queue', 'player-queue', onQueue),
      mute, volume),
    h('div', { hidden: true }, audio));

  let shownError = null;
  // While the thumb is held, the time label previews the spot and playback leaves it alone.
  let dragging = false;
  seek.addEventListener('input', () => {
    dragging = true;
    const { duration } = player.snapshot();
    elapsed.textContent = clock((seek.value / 1000) * duration);
    fill(seek);
  });
  seek.addEventListener('change', () => {
    dragging = false;
    player.seek((seek.value / 1000) * player.snapshot().duration);
  });
  volume.addEventListener('input', () => {
    player.setVolume(volume.value / 100);
    fill(volume);
  });

  player.on('track', ({ track }) => {
    bar.hidden = !track;
    document.documentElement.classList.toggle('has-player', Boolean(track));
    if (!track) return;
    mount(art, cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'md' }));
    title.textContent = track.name;
    title.href = track.album ? `#/album/${track.album.id}` : '#/library/tracks';
    artist.textContent = track.artist?.name ?? 'Unknown artist';
    if (track.artist) artist.href = `#/artist/${track.artist.id}`;
    else artist.removeAttribute('href');
    mount(heartSlot, heartButton(track, 'player-heart'));
  });

  player.on('state', (s) => {
    const label = s.playing ? 'Pause' : 'Play';
    mount(playButton, icon(s.playing ? 'pause' : 'play'));
    playButton.setAttribute('aria-label', label);
    playButton.title = label;
    playButton.setAttribute('aria-busy', String(s.loading && !s.error));
    bar.classList.toggle('is-error', Boolean(s.error));
    if (s.error && s.error !== shownError) {
      artist.textContent = s.error;
      toast(s.error, 'error');
    }
    shownError = s.error;
    repeat.setAttribute('aria-label', REPEAT_LABELS[s.repeat]);
    repeat.title = REPEAT_LABELS[s.repeat];
    repeat.classList.toggle('is-on', s.repeat !== 'off');
    mount(repeat, icon(s.repeat === 'one' ? 'repeatOne' : 'repeat'));
    // "pcm_s16le" reads as PCM: the badge names the format, not the sample layout.
    format.textContent = s.format && s.format !== 'ORIGINAL' ? s.format : (s.track?.codec ?? '').split('_')[0].toUpperCase();
  });

  player.on('time', ({ currentTime, duration }) => {
    total.textContent = clock(duration);
    if (dragging) return;
    elapsed.textContent = clock(currentTime);
    seek.value = duration > 0 ? String(Math.round((currentTime / duration) * 1000)) : '0';
    fill(seek);
  });

  const paintVolume = ({ volume: v, muted }) => {
    volume.value = String(Math.round((muted ? 0 : v) * 100));
    fill(volume);
    const off = muted || v === 0;
    mount(mute, icon(off ? 'volumeMute' : 'volume'));
    mute.setAttribute('aria-label', off ? 'Unmute' : 'Mute');
    mute.title = off ? 'Unmute' : 'Mute';
  };
  player.on('volume', paintVolume);
  paintVolume(player.snapshot());
  return bar;
}

// The filled part of a range track, drawn by CSS from this property.
function fill(range) {
  const share = (range.value - range.min) / (range.max - range.min || 1);
  range.style.setProperty('--fill', `${(share * 100).toFixed(2)}%`);
}
