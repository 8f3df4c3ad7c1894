// The top bar's notification bell: a live unread badge, and a panel with the newest
// notifications. Opening the panel marks everything read; Escape closes it and gives focus
// back to the bell; a click elsewhere or navigating away closes it too.
import * as social from '../data/social.js';
import { h, mount } from '../dom.js';
import { dateTime, timeAgo } from '../format.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { avatar } from '../layout.js';
import * as live from '../notifications.js';
import { actionButton } from './person.js';

const PAGE = 20;

export function notificationBell(ctx) {
  const count = h('span', { class: 'bell-count', 'aria-hidden': 'true', 'data-testid': 'notification-count', hidden: true });
  const button = h('button', { type: 'button', class: 'icon-btn bell-btn', 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
    'aria-controls': 'notification-panel', title: t('notify.title'), 'data-testid': 'notification-bell' }, icon('bell'), count);
  const list = h('ul', { class: 'notification-list' });
  const panel = h('section', { id: 'notification-panel', class: 'notification-panel', role: 'dialog', 'aria-labelledby': 'notification-title',
    tabindex: '-1', hidden: true, 'data-testid': 'notification-panel' },
    h('header', { class: 'notification-head' },
      h('h2', { id: 'notification-title' }, t('notify.title')),
      h('a', { class: 'notification-friends', href: '#/friends' }, icon('users', 'icon icon-sm'), t('friends.title'))),
    list);
  let seq = 0;

  const paint = () => {
    const n = live.unreadCount();
    count.textContent = n > 99 ? '99+' : String(n);
    count.hidden = n === 0;
    button.setAttribute('aria-label', n ? t('notify.unread', { count: n }) : t('notify.noneUnread'));
    // For tests: the live subscription is listening and the count is the server's.
    button.dataset.live = live.isReady() ? 'ready' : 'waiting';
  };

  async function load() {
    const mine = ++seq;
    if (!list.childElementCount) mount(list, h('li', { class: 'notification-status' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('core.loading') })));
    try {
      const [page, incoming] = await Promise.all([social.notifications(PAGE), social.incomingRequests()]);
      if (mine !== seq) return;
      mount(list, page.nodes.length
        ? page.nodes.map((n) => item(n, incoming, load))
        : h('li', { class: 'notification-status muted' }, t('notify.empty')));
      if (page.nodes.some((n) => !n.read) || live.unreadCount() > 0) await markAllRead();
    } catch (err) {
      if (mine === seq) mount(list, h('li', { class: 'notification-status alert alert-error', role: 'alert' }, err.message));
    }
  }

  const isOpen = () => !panel.hidden;
  function open() {
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    live.setUnread(0); // the badge clears at once; markAllRead() makes it so on the server
    panel.focus();
    load();
  }
  function close(refocus) {
    if (!isOpen()) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (refocus) button.focus();
  }

  button.addEventListener('click', () => (isOpen() ? close(false) : open()));
  const escape = (e) => {
    if (e.key !== 'Escape' || !isOpen()) return;
    e.preventDefault();
    close(true);
  };
  panel.addEventListener('keydown', escape);
  button.addEventListener('keydown', escape);
  const outside = (e) => {
    if (isOpen() && !el.contains(e.target) && !e.target.closest?.('dialog, .menu, .toasts')) close(false);
  };
  document.addEventListener('pointerdown', outside, true);
  ctx.onCleanup(() => document.removeEventListener('pointerdown', outside, true));
  ctx.onCleanup(live.onCount(paint));
  ctx.onCleanup(live.onNotification(() => isOpen() && load()));
  // A click on the Friends link navigates; the new page brings a fresh, closed bell.

  const el = h('div', { class: 'bell' }, button, panel);
  paint();
  return el;
}

async function markAllRead() {
  try {
    await social.markRead();
    live.setUnread(0);
  } catch {
    /* still unread on the server: the next load tries again */
  }
}

function item(n, incoming, reload) {
  const request = n.type === 'FRIEND_REQUEST_RECEIVED' && n.user && incoming.find((r) => r.requester.id === n.user.id);
  const answered = async (work) => {
    await work();
    live.friendsChanged();
    await reload();
  };
  return h('li', { class: `notification-item${n.read ? '' : ' is-unread'}`, 'data-testid': 'notification-item', 'data-type': n.type },
    n.user ? avatar(n.user) : h('span', { class: 'notification-icon' }, icon('bell', 'icon icon-sm')),
    h('div', { class: 'notification-text' },
      h('p', { class: 'notification-message' }, live.notificationText(n)),
      h('time', { class: 'notification-time muted', datetime: n.createdAt, title: dateTime(n.createdAt) }, timeAgo(n.createdAt)),
      n.type === 'ROOM_INVITE' && n.roomId && h('div', { class: 'notification-actions' },
        h('a', { class: 'btn btn-sm btn-primary', href: `#/room/${encodeURIComponent(n.roomId)}`, 'data-testid': 'open-room' }, icon('rooms', 'icon icon-sm'), t('notify.joinRoom'))),
      request && h('div', { class: 'notification-actions' },
        actionButton(t('friends.accept'), 'accept-request', () => answered(() => social.acceptRequest(request.id)), { kind: 'btn-primary', iconName: 'check', label: t('friends.acceptLabel', { name: n.user.username }) }),
        actionButton(t('friends.decline'), 'decline-request', () => answered(() => social.declineRequest(request.id)), { kind: 'btn-ghost', label: t('friends.declineLabel', { name: n.user.username }) }))),
    !n.read && h('span', { class: 'notification-dot' }, h('span', { class: 'visually-hidden' }, t('notify.unreadMark'))));
}
