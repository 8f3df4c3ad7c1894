// The persistent player bar: built once and carried from page to page by the layout, so
// it keeps playing across navigation. All state comes from player.js events.
// On phones it is a mini player (cover, title, play, next, a thin progress line); tapping it
// opens the full-screen player (now-playing-full.js) with everything else.
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { onLanguageChange, t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';
import { heartButton } from './heart.js';
import { openNowPlaying } from './now-playing-full.js';
import { fill, iconButton, relabel, REPEAT_KEYS, seekSlider, shuffleUpcoming, volumeSlider } from './player-controls.js';
import { toast } from './toast.js';

let bar = null;

const PHONE = '(max-width: 720px)';

/** The bar element (the same one every time). `onQueue` opens the queue panel. */
export function playerBar({ onQueue }) {
  if (bar) return bar;
  const art = h('div', { class: 'pb-art' });
  const title = h('a', { class: 'pb-title', 'data-testid': 'player-title' });
  const artist = h('a', { class: 'pb-artist', 'data-testid': 'player-artist' });
  const heartSlot = h('span', { class: 'pb-heart' });
  const playButton = iconButton('play', 'player.play', 'player-toggle', player.toggle, 'pb-play');
  const repeat = iconButton('repeat', REPEAT_KEYS.off, 'player-repeat', player.cycleRepeat, 'pb-secondary');
  const elapsed = h('span', { class: 'pb-time', 'data-testid': 'player-elapsed' }, '0:00');
  const total = h('span', { class: 'pb-time', 'data-testid': 'player-duration' }, '0:00');
  let previewing = false; // while the thumb is held, the time label follows it
  const seek = seekSlider({ testid: 'player-seek', className: 'pb-seek', onPreview: (at) => {
    previewing = at !== null;
    elapsed.textContent = clock(at ?? player.snapshot().currentTime);
  } });
  const mute = iconButton('volume', 'player.mute', 'player-mute', player.toggleMute, 'pb-secondary');
  const volume = volumeSlider({ testid: 'player-volume', className: 'pb-volume' });
  const format = h('span', { class: 'pb-format' });
  // On phones: a thin line shows progress (the real slider is in the full-screen player).
  const line = h('span', { class: 'pb-line', 'aria-hidden': 'true' }, h('span', { class: 'pb-line-fill' }));
  const expand = iconButton('chevronUp', 'nowplaying.open', 'player-expand', () => openNowPlaying({ onQueue }), 'pb-expand');
  const audio = player.element();
  audio.setAttribute('data-testid', 'audio');

  const now = h('div', { class: 'pb-now' }, art, h('div', { class: 'pb-text' }, title, artist), heartSlot);
  bar = h('section', { class: 'playerbar', 'data-testid': 'player', hidden: true },
    now,
    h('div', { class: 'pb-center' },
      h('div', { class: 'pb-buttons' },
        iconButton('shuffle', 'player.shuffle', 'player-shuffle', shuffleUpcoming, 'pb-secondary'),
        iconButton('prev', 'player.previous', 'player-prev', player.previous, 'pb-secondary'),
        playButton,
        iconButton('next', 'player.next', 'player-next', player.next),
        repeat),
      h('div', { class: 'pb-progress' }, elapsed, seek, total)),
    h('div', { class: 'pb-extras' }, format,
      iconButton('queue', 'player.queue', 'player-queue', onQueue),
      mute, volume),
    expand,
    line,
    h('div', { hidden: true }, audio));

  // A phone's mini player opens the full player when tapped anywhere but a button; the
  // title and artist links would otherwise leave the page from a target that small.
  now.addEventListener('click', (e) => {
    if (!matchMedia(PHONE).matches || e.target.closest('button')) return;
    e.preventDefault();
    openNowPlaying({ onQueue });
  });

  let shownError = null;

  const paintTrack = ({ track }) => {
    bar.hidden = !track;
    document.documentElement.classList.toggle('has-player', Boolean(track));
    if (!track) return;
    mount(art, cover({ url: track.coverUrl, name: track.album?.title ?? track.name, kind: 'track', size: 'md' }));
    title.textContent = track.name;
    title.href = track.album ? `#/album/${track.album.id}` : '#/library/tracks';
    artist.textContent = track.artist?.name ?? t('player.unknownArtist');
    if (track.artist) artist.href = `#/artist/${track.artist.id}`;
    else artist.removeAttribute('href');
    mount(heartSlot, heartButton(track, 'player-heart'));
  };

  const paintState = (s) => {
    mount(playButton, icon(s.playing ? 'pause' : 'play'));
    relabel(playButton, s.playing ? 'player.pause' : 'player.play');
    playButton.setAttribute('aria-busy', String(s.loading && !s.error));
    bar.classList.toggle('is-error', Boolean(s.error));
    if (s.error && s.error !== shownError) {
      artist.textContent = s.error;
      toast(s.error, 'error');
    }
    shownError = s.error;
    relabel(repeat, REPEAT_KEYS[s.repeat]);
    repeat.classList.toggle('is-on', s.repeat !== 'off');
    mount(repeat, icon(s.repeat === 'one' ? 'repeatOne' : 'repeat'));
    // "pcm_s16le" reads as PCM: the badge names the format, not the sample layout.
    format.textContent = s.format && s.format !== 'ORIGINAL' ? s.format : (s.track?.codec ?? '').split('_')[0].toUpperCase();
  };

  const paintTime = ({ currentTime, duration }) => {
    total.textContent = clock(duration);
    if (!previewing) elapsed.textContent = clock(currentTime);
    line.firstChild.style.width = `${duration > 0 ? Math.min(100, (currentTime / duration) * 100).toFixed(2) : 0}%`;
  };

  const paintVolume = ({ volume: v, muted }) => {
    const off = muted || v === 0;
    mount(mute, icon(off ? 'volumeMute' : 'volume'));
    relabel(mute, off ? 'player.unmute' : 'player.mute');
  };

  const paintLabels = () => {
    bar.setAttribute('aria-label', t('player.region'));
    format.title = t('player.format');
    for (const button of bar.querySelectorAll('[data-label]')) relabel(button, button.dataset.label);
    const s = player.snapshot();
    paintTrack(s);
    paintState(s);
  };

  player.on('track', paintTrack);
  player.on('state', paintState);
  player.on('time', paintTime);
  player.on('volume', paintVolume);
  onLanguageChange(paintLabels);
  paintLabels();
  paintVolume(player.snapshot());
  fill(volume);
  return bar;
}
