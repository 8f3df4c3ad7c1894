// Friends: find people, answer and follow up requests, manage friends and blocks. The lists
// reload after every action and whenever a live friend notification arrives.
import { confirmDialog } from '../components/dialog.js';
import { friendsActivityPanel } from '../components/friends-activity.js';
import { openMenu } from '../components/menu.js';
import { actionButton, personRow } from '../components/person.js';
import { toast } from '../components/toast.js';
import * as social from '../data/social.js';
import { h, mount } from '../dom.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as live from '../notifications.js';
import { peopleSearch } from './friends-search.js';

function section({ title, iconName, testid, hint }) {
  const badge = h('span', { class: 'badge', hidden: true });
  const list = h('ul', { class: 'person-list', 'data-testid': testid }, h('div', { class: 'spinner', role: 'status', 'aria-label': 'Loading' }));
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
  const incoming = section({ title: 'Requests for you', iconName: 'userPlus', testid: 'incoming-requests' });
  const outgoing = section({ title: 'Sent requests', iconName: 'clock', testid: 'outgoing-requests' });
  const friends = section({ title: 'Friends', iconName: 'users', testid: 'friends-list' });
  const blocked = section({ title: 'Blocked', iconName: 'block', testid: 'blocked-list',
    hint: 'Blocked people cannot find you or send you requests.' });
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
      actionButton('Accept', 'accept-request', act(() => accept(r)), { kind: 'btn-primary', iconName: 'check' }),
      actionButton('Decline', 'decline-request', act(() => social.declineRequest(r.id)), { kind: 'btn-ghost' }),
    ] })), 'No one is waiting for an answer from you.');
    outgoing.show(latest.outgoing.map((r) => personRow(r.receiver, { testid: 'outgoing-request', note: 'waiting for an answer', actions: [
      actionButton('Cancel', 'cancel-request', act(() => social.cancelRequest(r.id)), { kind: 'btn-ghost', label: `Cancel the request to ${r.receiver.username}` }),
    ] })), 'You have no requests waiting. Search above to find someone.');
    friends.show(latest.friends.map((f) => personRow(f, { testid: 'friend-row', actions: [friendMenuButton(f, refresh)] })),
      'No friends yet. Search for someone you know and send them a request.');
    blocked.show(latest.blocked.map((b) => personRow(b, { testid: 'blocked-row', actions: [
      actionButton('Unblock', 'unblock-user', act(() => social.unblockUser(b.id)), { label: `Unblock ${b.username}` }),
    ] })), 'You haven’t blocked anyone.');
  }

  ctx.onCleanup(live.onFriendsChanged(refresh));
  ctx.onCleanup(search.stop);
  refresh();

  return appLayout(ctx, '/friends',
    h('header', { class: 'page-header' },
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Friends'),
      h('p', { class: 'muted page-subtitle' }, 'Find people on this server, answer requests and keep your list tidy.')),
    h('div', { class: 'card-stack friends-page' },
      search.el,
      friendsActivityPanel(ctx, { compact: true }),
      h('div', { class: 'card-grid' }, incoming.el, outgoing.el),
      friends.el,
      blocked.el));
}

async function accept(request) {
  const friend = await social.acceptRequest(request.id);
  toast(`You and ${friend.username} are friends now`);
}

function friendMenuButton(friend, refresh) {
  const button = h('button', { type: 'button', class: 'icon-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'aria-label': `Actions for ${friend.username}`, title: 'More', 'data-testid': 'friend-menu' }, icon('more'));
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
    { label: 'Remove friend', icon: 'userMinus', testid: 'remove-friend', action: confirmed(
      { title: `Remove ${friend.username}?`, text: 'You stop being friends. Either of you can send a new request later.', confirmLabel: 'Remove friend', danger: true },
      () => social.removeFriend(friend.id)) },
    { label: 'Block', icon: 'block', testid: 'block-user', danger: true, action: confirmed(
      { title: `Block ${friend.username}?`, text: 'This ends your friendship and any requests. They will no longer find you or be able to send you requests.', confirmLabel: 'Block', danger: true },
      () => social.blockUser(friend.id)) },
  ], { label: `Actions for ${friend.username}` }));
  return button;
}
