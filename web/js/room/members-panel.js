// The people in a room: host badge, ready state (has the current track loaded), away (their
// connection dropped; the seat is kept for 15 s), guests. The host can hand over hosting and
// remove people; members with an account can invite a friend.
import { confirmDialog, openDialog } from '../components/dialog.js';
import { openMenu } from '../components/menu.js';
import { actionButton } from '../components/person.js';
import { toast, toastError } from '../components/toast.js';
import * as rooms from '../data/rooms.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { avatar } from '../layout.js';

export function membersPanel(room) {
  const badge = h('span', { class: 'badge', hidden: true });
  const list = h('ul', { class: 'person-list room-members', 'data-testid': 'member-list' });
  const invite = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'invite-friend' }, icon('userPlus', 'icon icon-sm'), t('members.invite'));
  invite.addEventListener('click', () => inviteDialog(room));
  const el = h('section', { class: 'card room-people', 'aria-labelledby': 'room-people-title' },
    h('h2', { class: 'card-title', id: 'room-people-title' }, icon('users', 'icon icon-title'), t('members.title'), badge),
    list, h('div', { class: 'room-people-actions' }, invite));

  const fail = (err) => toastError({ name: 'ApiError', message: err.message });

  function memberMenu(member) {
    const button = h('button', { type: 'button', class: 'icon-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
      'aria-label': t('friends.actionsFor', { name: member.name }), title: t('friends.more'), 'data-testid': 'member-menu' }, icon('more'));
    button.addEventListener('click', () => openMenu(button, [
      !member.guest && member.connected !== false && { label: t('members.makeHost'), icon: 'shield', testid: 'make-host', action: async () => {
        try {
          await room.command('transferHost', { userId: member.id });
          toast(t('room.nowHost', { name: member.name }));
        } catch (err) {
          fail(err);
        }
      } },
      { label: t('members.remove'), icon: 'userMinus', danger: true, testid: 'kick-member', action: async () => {
        const ok = await confirmDialog({ title: t('members.removeTitle', { name: member.name }), text: t('members.removeText'),
          confirmLabel: t('members.removeShort'), danger: true });
        if (!ok) return;
        try {
          await room.command('kick', { userId: member.id });
        } catch (err) {
          fail(err);
        }
      } },
    ], { label: t('friends.actionsFor', { name: member.name }) }));
    return button;
  }

  function row(member) {
    const you = member.id === room.you?.id;
    const away = member.connected === false;
    const hasTrack = Boolean(room.playback?.trackId);
    const state = away ? { text: t('members.away'), icon: 'clock', cls: 'is-away' }
      : !hasTrack ? null
        : member.ready ? { text: t('members.ready'), icon: 'check', cls: 'is-ready' } : { text: t('members.loading'), icon: 'clock', cls: 'is-loading' };
    return h('li', { class: `person-row room-member${away ? ' is-away' : ''}`, 'data-testid': 'member-row', 'data-user-id': member.id,
      'data-host': String(Boolean(member.isHost)), 'data-ready': String(Boolean(member.ready)), 'data-connected': String(member.connected !== false) },
    avatar({ username: member.name, avatarUrl: member.avatarUrl }),
    h('div', { class: 'person-text' },
      h('span', { class: 'person-name' }, member.name, you && h('span', { class: 'muted' }, ' ', t('members.you'))),
      h('span', { class: 'room-member-badges' },
        member.isHost && h('span', { class: 'badge badge-accent', 'data-testid': 'host-badge' }, icon('shield', 'icon icon-sm'), t('members.host')),
        member.guest && h('span', { class: 'badge' }, t('members.guest')),
        state && h('span', { class: `room-member-state ${state.cls}`, 'data-testid': 'member-state' }, icon(state.icon, 'icon icon-sm'), state.text))),
    room.isHost && !you && room.status === 'live' && h('span', { class: 'person-actions' }, memberMenu(member)));
  }

  function update() {
    const members = [...room.members].sort((a, b) => Number(Boolean(b.isHost)) - Number(Boolean(a.isHost)) || (Number(a.joinedAt) || 0) - (Number(b.joinedAt) || 0));
    badge.textContent = String(members.length);
    badge.hidden = members.length === 0;
    mount(list, members.map(row));
    invite.hidden = Boolean(room.you?.guest) || !room.you;
  }

  update();
  return { el, update };
}

/** Pick friends to invite; each gets a ROOM_INVITE notification. */
function inviteDialog(room) {
  const list = h('ul', { class: 'person-list', 'data-testid': 'invite-list' }, h('li', {}, h('div', { class: 'spinner', role: 'status', 'aria-label': t('core.loading') })));
  openDialog({ title: t('members.invite'), body: [h('p', { class: 'muted' }, t('members.inviteText')), list], testid: 'invite-dialog' });
  rooms.friends().then((friends) => {
    const inside = new Set(room.members.map((m) => m.id));
    mount(list, friends.length
      ? friends.map((f) => h('li', { class: 'person-row', 'data-testid': 'invite-row', 'data-user-id': f.id },
        avatar(f),
        h('div', { class: 'person-text' }, h('span', { class: 'person-name' }, f.username), h('span', { class: 'person-tag muted' }, `@${f.tag}`)),
        h('span', { class: 'person-actions' }, inside.has(f.id)
          ? h('span', { class: 'badge person-status' }, t('members.inRoom'))
          : inviteButton(room, f))))
      : h('li', { class: 'muted' }, t('members.noFriends')));
  }).catch((err) => mount(list, h('li', { class: 'alert alert-error', role: 'alert' }, err.message)));
}

function inviteButton(room, friend) {
  const holder = h('span', {});
  const button = actionButton(t('members.inviteShort'), 'invite-button', async () => {
    await rooms.inviteToRoom(room.roomId, friend.id);
    mount(holder, h('span', { class: 'badge person-status', 'data-testid': 'invited' }, icon('check', 'icon icon-sm'), t('members.invited')));
    toast(t('members.invitedToast', { name: friend.username }));
  }, { kind: 'btn-primary', label: t('members.inviteLabel', { name: friend.username }) });
  holder.append(button);
  return holder;
}
