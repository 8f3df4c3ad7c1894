// A room's "now playing" card: cover, title, a progress bar that follows the server's clock,
// the transport (disabled, with the reason, for members who may not control), the "Join
// audio" button while the browser waits for a tap, the notice when your own player holds the
// room's sound, volume, and reactions floating up over the cover.
import { cover } from '../components/cover.js';
import { toastError } from '../components/toast.js';
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

const VOLUME_KEY = 'soundroom.room.volume';

export const artistName = (track) => (typeof track?.artist === 'string' ? track.artist : track?.artist?.name) || t('listening.unknownArtist');

function savedVolume() {
  try {
    const v = Number.parseFloat(localStorage.getItem(VOLUME_KEY));
    return Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 1;
  } catch {
    return 1;
  }
}

export function nowPlayingPanel(room) {
  const art = h('div', { class: 'room-art' });
  const floats = h('div', { class: 'reaction-layer', 'aria-hidden': 'true' });
  const title = h('h2', { class: 'room-track-title', 'data-testid': 'now-title' });
  const artist = h('p', { class: 'room-track-artist muted', 'data-testid': 'now-artist' });
  const status = h('p', { class: 'room-play-status', role: 'status', 'data-testid': 'play-status' });
  const elapsed = h('span', { class: 'room-time', 'data-testid': 'room-elapsed' }, '0:00');
  const total = h('span', { class: 'room-time', 'data-testid': 'room-duration' }, '0:00');
  const seek = h('input', { type: 'range', class: 'range room-seek', min: 0, max: 1000, step: 1, value: 0, 'aria-label': t('nowroom.seek'), 'data-testid': 'room-progress' });
  const button = (name, label, testid, onclick, extra = '') =>
    h('button', { type: 'button', class: `icon-btn room-btn ${extra}`.trim(), 'aria-label': label, title: label, 'data-testid': testid, onclick }, icon(name));
  const act = (work) => async () => {
    try {
      await work();
    } catch (err) {
      toastError({ name: 'ApiError', message: err.message });
    }
  };
  const prev = button('prev', t('nowroom.previous'), 'room-prev', act(() => room.command('previous')));
  const playButton = button('play', t('nowroom.play'), 'room-play', act(() => togglePlay(room)), 'room-play');
  const next = button('next', t('nowroom.next'), 'room-next', act(() => room.command('next')));
  const hint = h('p', { class: 'field-hint room-control-hint', 'data-testid': 'control-hint', hidden: true });
  const joinAudio = h('button', { type: 'button', class: 'btn btn-primary room-join-audio', 'data-testid': 'join-audio', hidden: true },
    icon('volume', 'icon icon-sm'), t('nowroom.joinAudio'));
  joinAudio.addEventListener('click', () => room.engine.resume());
  const held = h('div', { class: 'alert alert-info room-held', 'data-testid': 'room-held', hidden: true },
    h('span', {}, t('nowroom.held'), ' '),
    h('button', { type: 'button', class: 'link-btn', 'data-testid': 'back-to-room', onclick: () => room.backToRoom() }, t('nowroom.backToRoom')));
  const volume = h('input', { type: 'range', class: 'range room-volume', min: 0, max: 100, step: 1, value: Math.round(savedVolume() * 100), 'aria-label': t('nowroom.volume'), 'data-testid': 'room-volume' });
  room.engine.setVolume(savedVolume());
  volume.addEventListener('input', () => {
    room.engine.setVolume(volume.value / 100);
    fill(volume);
    try {
      localStorage.setItem(VOLUME_KEY, String(volume.value / 100));
    } catch {
      /* not remembered */
    }
  });

  let dragging = false;
  seek.addEventListener('input', () => {
    dragging = true;
    const duration = room.playback?.track?.durationMs ?? 0;
    elapsed.textContent = clock(((seek.value / 1000) * duration) / 1000);
    fill(seek);
  });
  seek.addEventListener('change', async () => {
    const duration = room.playback?.track?.durationMs ?? 0;
    const positionMs = Math.round((seek.value / 1000) * duration);
    try {
      await room.command('seek', { positionMs });
    } catch (err) {
      toastError({ name: 'ApiError', message: err.message });
    } finally {
      dragging = false;
    }
  });

  const el = h('section', { class: 'card room-now', 'aria-label': t('nowroom.title'), 'data-testid': 'now-playing' },
    h('div', { class: 'room-art-wrap' }, art, floats, joinAudio),
    h('div', { class: 'room-now-main' },
      h('p', { class: 'eyebrow' }, t('nowroom.title')),
      title, artist,
      h('div', { class: 'room-progress' }, elapsed, seek, total),
      h('div', { class: 'room-transport' }, prev, playButton, next,
        h('label', { class: 'room-volume-wrap' }, icon('volume', 'icon icon-sm'), h('span', { class: 'visually-hidden' }, t('nowroom.volumeShort')), volume)),
      hint, status, held));

  let shownTrack = undefined;
  function paintTrack() {
    const track = room.playback?.track ?? null;
    const key = track ? `${track.id}|${track.coverUrl}` : null;
    if (key === shownTrack) return;
    shownTrack = key;
    mount(art, cover({ url: track?.coverUrl, name: track?.album || track?.title || 'Nothing', kind: 'track', size: 'xl' }));
    title.textContent = track ? track.title : t('rooms.nothingPlaying');
    artist.textContent = track ? [artistName(track), track.album].filter(Boolean).join(' · ') : t('nowroom.addToStart');
    total.textContent = clock((track?.durationMs ?? 0) / 1000);
  }

  function paintControls() {
    const pb = room.playback;
    const may = room.mayControl && room.status === 'live';
    const playing = Boolean(pb?.playing);
    mount(playButton, icon(playing ? 'pause' : 'play'));
    playButton.setAttribute('aria-label', t(playing ? 'nowroom.pause' : 'nowroom.play'));
    playButton.title = t(playing ? 'nowroom.pause' : 'nowroom.play');
    for (const b of [prev, playButton, next]) b.disabled = !may;
    seek.disabled = !may || !pb?.trackId;
    hint.hidden = room.mayControl || !room.you;
    hint.textContent = room.you?.guest ? t('nowroom.hostOnly') : `${t('nowroom.hostOnly')} ${t('nowroom.hostOnlyMore')}`;
    joinAudio.hidden = !room.engine.needsGesture;
    held.hidden = !room.engine.held;
    el.dataset.playing = String(playing);
  }

  function paintStatus() {
    const pb = room.playback;
    const engine = room.engine.state();
    let text = '';
    if (pb?.trackId) {
      if (engine.loaded === 'loading' || engine.loaded === 'none') text = t('nowroom.loading');
      else if (engine.loaded === 'failed') text = t('nowroom.failed');
      else if (!pb.playing) {
        const waiting = room.members.filter((m) => m.connected !== false && !m.ready);
        text = waiting.length ? t('nowroom.waitingFor', { names: waiting.map((m) => m.name).join(', ') }) : t('nowroom.paused');
      } else if (room.engine.needsGesture) text = t('nowroom.tapToHear');
      else if (engine.playing) text = '';
      else text = t('nowroom.starting');
    }
    status.textContent = text;
    status.hidden = !text;
    el.dataset.audio = engine.playing ? 'playing' : 'silent';
  }

  function paintTime() {
    const pb = room.playback;
    const pos = room.serverPosition();
    const duration = pb?.track?.durationMs ?? 0;
    if (!dragging) {
      elapsed.textContent = clock((pos ?? 0) / 1000);
      seek.value = duration ? String(Math.round(((pos ?? 0) / duration) * 1000)) : '0';
      fill(seek);
    }
  }

  function update(what) {
    if (!what || what === 'playback' || what === 'engine') paintTrack();
    paintControls();
    paintStatus();
    paintTime();
  }

  /** A reaction floats up over the cover for a couple of seconds. */
  function react({ user, emoji }) {
    const bubble = h('span', { class: 'reaction-float', 'data-testid': 'reaction-float', style: `--x: ${5 + Math.random() * 55}%` },
      h('span', { class: 'reaction-emoji' }, emoji), h('span', { class: 'reaction-name' }, user?.name ?? ''));
    floats.append(bubble);
    setTimeout(() => bubble.remove(), 2600);
  }

  const timer = setInterval(paintTime, 250);
  fill(volume);
  update();
  return { el, update, react, stop: () => clearInterval(timer) };
}

async function togglePlay(room) {
  const pb = room.playback;
  if (pb?.playing) return room.command('pause');
  if (pb?.trackId) return room.command('play');
  const first = room.queue[0];
  if (!first) throw new Error(t('nowroom.queueEmpty'));
  return room.command('play', { itemId: first.itemId });
}

/** The filled part of a range's track (as the player bar draws it). */
function fill(range) {
  const pct = ((range.value - range.min) / (range.max - range.min || 1)) * 100;
  range.style.setProperty('--fill', `${pct}%`);
}
