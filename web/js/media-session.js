// Lock-screen and media-key integration through the Media Session API, where the browser
// has it. Follows the player; owns no state of its own.

import * as player from './player.js';

const session = navigator.mediaSession;

function metadata({ track }) {
  if (!track) {
    session.metadata = null;
    return;
  }
  session.metadata = new MediaMetadata({
    title: track.name,
    artist: track.artist?.name ?? '',
    album: track.album?.title ?? '',
    artwork: track.coverUrl ? [{ src: track.coverUrl, sizes: '512x512' }] : [{ src: '/img/logo.svg', type: 'image/svg+xml' }],
  });
}

// Position updates are cheap but frequent; once a second is plenty for a lock screen.
let lastPosition = 0;
function position({ currentTime, duration }) {
  if (!session.setPositionState || !(duration > 0) || Date.now() - lastPosition < 1000) return;
  lastPosition = Date.now();
  try {
    session.setPositionState({ duration, position: Math.min(currentTime, duration), playbackRate: 1 });
  } catch {
    /* a transient mismatch between position and duration */
  }
}

function handle(action, fn) {
  try {
    session.setActionHandler(action, fn);
  } catch {
    /* this browser does not know the action */
  }
}

export function connectMediaSession() {
  if (!session || typeof MediaMetadata === 'undefined') return;
  player.on('track', metadata);
  player.on('state', (s) => {
    session.playbackState = s.track ? (s.playing ? 'playing' : 'paused') : 'none';
  });
  player.on('time', position);
  handle('play', player.play);
  handle('pause', player.pause);
  handle('previoustrack', player.previous);
  handle('nexttrack', player.next);
  handle('seekto', (details) => player.seek(details.seekTime));
  handle('seekbackward', (details) => player.seek(player.snapshot().currentTime - (details.seekOffset || 10)));
  handle('seekforward', (details) => player.seek(player.snapshot().currentTime + (details.seekOffset || 10)));
}
