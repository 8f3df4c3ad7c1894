// Inside a room (#/room/<id>): now playing, the shared queue, people, chat and reactions,
// bringing people in, host settings and this device's audio delay. The room itself lives in
// room/live.js and keeps playing when you browse elsewhere; this view only draws it.
// Guests (a pass from #/join/<code>) see this page alone, without the app around it.
import { toast } from '../components/toast.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { chatPanel } from '../room/chat-panel.js';
import { clearGuestPass, guestPass } from '../room/guest.js';
import * as live from '../room/live.js';
import { membersPanel } from '../room/members-panel.js';
import { nowPlayingPanel } from '../room/now-playing.js';
import { queuePanel } from '../room/queue-panel.js';
import { calibrationPanel, settingsPanel } from '../room/settings-panel.js';
import { sharePanel } from '../room/share-panel.js';
import { VISIBILITY } from '../data/rooms.js';
import * as store from '../store.js';

const BACK_NOTICE_MS = 4000;

export function roomView(ctx) {
  const id = ctx.params.id;
  const pass = guestPass();
  const guest = !store.user() && pass?.roomId === id ? pass : null;
  const room = live.enterRoom({ roomId: id, guest });

  const title = h('h1', { class: 'page-title room-title', tabindex: '-1', 'data-testid': 'room-title' }, room.room?.name ?? t('room.eyebrow'));
  const meta = h('p', { class: 'muted room-meta' });
  const banner = h('div', { class: 'room-banner', role: 'status', 'aria-live': 'polite', 'data-testid': 'room-banner', hidden: true });
  const leave = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'leave-room' }, icon('signout', 'icon icon-sm'), t('room.leave'));
  leave.addEventListener('click', () => {
    const code = room.room?.code;
    live.leaveRoom();
    if (guest) {
      clearGuestPass();
      ctx.navigate(code ? `/join/${code}` : '/signin');
    } else {
      ctx.navigate('/rooms');
    }
  });

  const now = nowPlayingPanel(room);
  const queue = queuePanel(room);
  const chat = chatPanel(room);
  const people = membersPanel(room);
  const share = sharePanel(room);
  const settings = settingsPanel(room, { onClosed: () => ctx.navigate('/rooms') });
  const calibration = calibrationPanel(room);
  const panels = [now, queue, chat, people, share, settings, calibration];

  const page = h('div', { class: 'room-page', 'data-testid': 'room-page', 'data-status': room.status },
    h('header', { class: 'page-header room-header' },
      h('div', { class: 'room-heading' }, h('p', { class: 'eyebrow' }, t('room.eyebrow')), title, meta),
      leave),
    banner,
    h('div', { class: 'room-grid' },
      h('div', { class: 'room-col room-col-main' }, now.el, queue.el),
      h('div', { class: 'room-col room-col-side' }, people.el, chat.el, share.el, calibration.el, settings.el)));

  let wasDown = false;
  let backTimer = null;
  function paintBanner() {
    page.dataset.status = room.status;
    clearTimeout(backTimer);
    const show = (kind, children, testState) => {
      banner.hidden = false;
      banner.className = `room-banner alert ${kind}`;
      banner.dataset.state = testState;
      mount(banner, children);
    };
    if (room.status === 'reconnecting') {
      wasDown = true;
      show('alert-error', [h('span', { class: 'spinner spinner-sm', 'aria-hidden': 'true' }),
        h('span', {}, h('strong', {}, t('room.reconnecting')), ' ', room.message || '')], 'reconnecting');
    } else if (room.status === 'closed') {
      show('alert-error', [h('span', {}, room.message || t('room.left')), ' ',
        guest
          ? h('a', { href: '#/signin', 'data-testid': 'banner-signin' }, t('auth.signIn'))
          : h('a', { href: '#/rooms', 'data-testid': 'banner-rooms' }, t('room.backToRooms'))], 'closed');
      if (guest) clearGuestPass();
    } else if (room.status === 'connecting') {
      show('alert-info', t('room.connecting'), 'connecting');
    } else if (room.status === 'live' && wasDown) {
      wasDown = false;
      show('alert-info', t('room.reconnected'), 'back');
      backTimer = setTimeout(() => {
        banner.hidden = true;
      }, BACK_NOTICE_MS);
    } else {
      banner.hidden = true;
    }
  }

  function paintHeader() {
    const r = room.room;
    if (!r) return;
    title.textContent = r.name;
    document.title = `${r.name} · ${store.serverInfo()?.name || 'Soundroom'}`;
    const vis = VISIBILITY[r.visibility];
    const host = room.members.find((m) => m.isHost);
    const parts = [
      host && t(host.id === room.you?.id ? 'room.hostedByYou' : 'room.hostedBy', { name: host.name }),
      r.controlMode === 'EVERYONE' && t('room.everyoneControls'),
      room.you?.guest && t('room.youAreGuest', { name: room.you.name }),
    ].filter(Boolean);
    mount(meta,
      vis && h('span', { class: 'badge', title: t(vis.hint) }, icon(vis.icon, 'icon icon-sm'), t(vis.label)),
      h('span', {}, parts.join(' · ')));
    leave.hidden = false;
  }

  const onChange = (what) => {
    if (what === 'status') paintBanner();
    if (['room', 'members', 'status'].includes(what)) paintHeader();
    if (['playback', 'engine', 'members', 'status', 'room', 'clock'].includes(what)) now.update(what);
    if (['queue', 'playback', 'room', 'members', 'status'].includes(what)) queue.update();
    if (['chat', 'status'].includes(what)) chat.update();
    if (['members', 'room', 'status', 'playback'].includes(what)) people.update();
    if (['room', 'members', 'status'].includes(what)) settings.update();
    if (['room', 'status'].includes(what)) share.update();
    if (['engine', 'clock', 'status'].includes(what)) calibration.update();
  };
  ctx.onCleanup(room.on('change', onChange));
  ctx.onCleanup(room.on('reaction', (f) => now.react(f)));
  ctx.onCleanup(room.on('hostChanged', (f) => {
    const member = room.members.find((m) => m.id === f.userId);
    if (f.userId === room.you?.id) toast(t('room.youHost'));
    else if (member) toast(t('room.nowHost', { name: member.name }));
  }));
  ctx.onCleanup(() => panels.forEach((p) => p.stop?.()));
  paintBanner();
  paintHeader();

  if (guest) return guestLayout(room, page);
  return appLayout(ctx, '/rooms', page);
}

/** A guest's frame: the room and nothing else of the app. */
function guestLayout(room, page) {
  return h('div', { class: 'guest-shell' },
    h('header', { class: 'guest-bar' },
      h('span', { class: 'brand' }, h('img', { src: '/img/logo.svg', alt: '', width: 28, height: 28 }), h('span', {}, 'Soundroom')),
      h('a', { class: 'btn btn-ghost btn-sm', href: '#/signin', 'data-testid': 'guest-signin', onclick: () => {
        live.leaveRoom();
        clearGuestPass();
      } }, t('auth.signIn'))),
    h('main', { class: 'content guest-content', id: 'content', tabindex: '-1' }, page));
}
