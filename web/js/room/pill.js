// A small "you are in a room" chip, shown everywhere except the room's own page, so the way
// back is one tap while the room keeps playing and you browse.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import * as live from './live.js';

/** Returns { el, refresh }; the router calls refresh() after each navigation. */
export function roomPill() {
  const el = h('a', { class: 'room-pill', 'data-testid': 'room-pill', hidden: true });
  let unsubscribe = null;

  const paint = () => {
    const room = live.current();
    const here = room && location.hash.startsWith(`#/room/${encodeURIComponent(room.roomId)}`);
    el.hidden = !room || here || !room.room;
    if (el.hidden) return;
    el.href = `#/room/${encodeURIComponent(room.roomId)}`;
    const playing = room.playback?.playing;
    el.setAttribute('aria-label', t(room.status === 'reconnecting' ? 'pill.backReconnecting' : 'pill.back', { name: room.room.name }));
    mount(el, h('span', { class: `room-pill-dot${playing ? ' is-playing' : ''}${room.status === 'live' ? '' : ' is-down'}`, 'aria-hidden': 'true' }),
      icon('rooms', 'icon icon-sm'), h('span', { class: 'room-pill-name' }, room.room.name));
  };

  live.onSession((room) => {
    unsubscribe?.();
    unsubscribe = room ? room.on('change', (what) => ['room', 'status', 'playback'].includes(what) && paint()) : null;
    paint();
  });
  // The router calls refresh() after every navigation.
  return { el, refresh: paint };
}
