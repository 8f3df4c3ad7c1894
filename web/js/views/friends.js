// Friends: find people, answer and follow up requests, manage friends and blocks. The lists
// reload after every action and whenever a live friend notification arrives.
import { confirmDialog } from '../components/dialog.js';
import { friendsActivityPanel } from '../components/friends-activity.js';
import { openMenu } from '../components/menu.js';
import { actionButton, personRow } from '../components/person.js';
import { toast } from '../components/toast.js';
import * as social from '../data/social.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as live from '../notifications.js';
import { peopleSearch } from './friends-search.js';

function section({ title, iconName, testid, hint }) {
  const badge = h('span', { class: 'badge', hidden: true });
  const list = h('ul', { class: 'person-list', 'data-testid': testid }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('core.loading') }));
  const el = h('section', { class: 'card friends-card' },
    h('h2', { class: 'card-title' }, icon(iconName, 'icon icon-title'), title, badge),
    hint && h('p', { class: 'muted friends-hint' }, hint),
    list);
  return {
    el,
    show(rows, emptyText) {
      badge.textContent = String(rows.length);
      badge.hidden = rows.length === 0;
      mount(list, rows.length ? rows : h('li', { class: 'friends-empty muted' }, emptyText));
    },
    fail(message) {
      mount(list, h('li', { class: 'alert alert-error', role: 'alert' }, message));
    },
  };
}

export function friendsView(ctx) {
  const incoming = section({ title: t('friends.incoming'), iconName: 'userPlus', testid: 'incoming-requests' });
  const outgoing = section({ title: t('friends.outgoing'), iconName: 'clock', testid: 'outgoing-requests' });
  const friends = section({ title: t('friends.title'), iconName: 'users', testid: 'friends-list' });
  const blocked = section({ title: t('friends.blocked'), iconName: 'block', testid: 'blocked-list',
    hint: t('friends.blockedHint') });
  let latest = { friends: [], incoming: [], outgoing: [], blocked: [] };
  let seq = 0;

  const refresh = async () => {
    const mine = ++seq;
    try {
      const next = await social.overview();
      if (mine !== seq) return; // a newer refresh is on its way
      latest = next;
      paint();
    } catch (err) {
      if (mine === seq) [incoming, outgoing, friends, blocked].forEach((s) => s.fail(err.message));
    }
    search.rerun();
  };
  // Every action ends with a refresh, so the lists and the search buttons agree.
  const act = (work) => async () => {
    await work();
    await refresh();
  };
  const search = peopleSearch({ requests: () => latest, act });

  function paint() {
    incoming.show(latest.incoming.map((r) => personRow(r.requester, { testid: 'incoming-request', actions: [
      actionButton(t('friends.accept'), 'accept-request', act(() => accept(r)), { kind: 'btn-primary', iconName: 'check', label: t('friends.acceptLabel', { name: r.requester.username }) }),
      actionButton(t('friends.decline'), 'decline-request', act(() => social.declineRequest(r.id)), { kind: 'btn-ghost', label: t('friends.declineLabel', { name: r.requester.username }) }),
    ] })), t('friends.incomingEmpty'));
    outgoing.show(latest.outgoing.map((r) => personRow(r.receiver, { testid: 'outgoing-request', note: t('friends.waiting'), actions: [
      actionButton(t('core.cancel'), 'cancel-request', act(() => social.cancelRequest(r.id)), { kind: 'btn-ghost', label: t('friends.cancelLabel', { name: r.receiver.username }) }),
    ] })), t('friends.outgoingEmpty'));
    friends.show(latest.friends.map((f) => personRow(f, { testid: 'friend-row', actions: [friendMenuButton(f, refresh)] })),
      t('friends.friendsEmpty'));
    blocked.show(latest.blocked.map((b) => personRow(b, { testid: 'blocked-row', actions: [
      actionButton(t('friends.unblock'), 'unblock-user', act(() => social.unblockUser(b.id)), { label: t('friends.unblockLabel', { name: b.username }) }),
    ] })), t('friends.blockedEmpty'));
  }

  ctx.onCleanup(live.onFriendsChanged(refresh));
  ctx.onCleanup(search.stop);
  refresh();

  return appLayout(ctx, '/friends',
    h('header', { class: 'page-header' },
      h('h1', { class: 'page-title', tabindex: '-1' }, t('friends.title')),
      h('p', { class: 'muted page-subtitle' }, t('friends.subtitle'))),
    h('div', { class: 'card-stack friends-page' },
      search.el,
      friendsActivityPanel(ctx, { compact: true }),
      h('div', { class: 'card-grid' }, incoming.el, outgoing.el),
      friends.el,
      blocked.el));
}

async function accept(request) {
  const friend = await social.acceptRequest(request.id);
  toast(t('friends.nowFriends', { name: friend.username }));
}

function friendMenuButton(friend, refresh) {
  const button = h('button', { type: 'button', class: 'icon-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'aria-label': t('friends.actionsFor', { name: friend.username }), title: t('friends.more'), 'data-testid': 'friend-menu' }, icon('more'));
  const confirmed = (options, work) => async () => {
    if (!(await confirmDialog(options))) return;
    try {
      await work();
    } catch (err) {
      toast(err.message, 'error');
    }
    await refresh();
  };
  button.addEventListener('click', () => openMenu(button, [
    { label: t('friends.remove'), icon: 'userMinus', testid: 'remove-friend', action: confirmed(
      { title: t('friends.removeTitle', { name: friend.username }), text: t('friends.removeText'), confirmLabel: t('friends.remove'), danger: true },
      () => social.removeFriend(friend.id)) },
    { label: t('friends.block'), icon: 'block', testid: 'block-user', danger: true, action: confirmed(
      { title: t('friends.blockTitle', { name: friend.username }), text: t('friends.blockText'), confirmLabel: t('friends.block'), danger: true },
      () => social.blockUser(friend.id)) },
  ], { label: t('friends.actionsFor', { name: friend.username }) }));
  return button;
}
