// Admin: every account, with promote/demote and disable/enable.
import { confirmDialog } from '../components/dialog.js';
import { actionButton } from '../components/person.js';
import * as admin from '../data/admin.js';
import { h, mount } from '../dom.js';
import { icon } from '../icons.js';
import { avatar } from '../layout.js';
import * as store from '../store.js';

function userRow(user, replace) {
  const self = user.id === store.user()?.id;
  const toggleAdmin = actionButton(user.isAdmin ? 'Remove admin' : 'Make admin', 'toggle-admin',
    async () => replace(await admin.setAdmin(user.id, !user.isAdmin)));
  const toggleDisabled = actionButton(user.disabled ? 'Enable' : 'Disable', 'toggle-disabled', async () => {
    if (!user.disabled) {
      const sure = await confirmDialog({ title: `Disable ${user.username}?`, text: 'They are signed out everywhere at once and cannot sign in until enabled again.', confirmLabel: 'Disable', danger: true });
      if (!sure) return;
    }
    replace(await admin.setDisabled(user.id, !user.disabled));
  }, { kind: user.disabled ? 'btn-outline' : 'btn-danger-outline' });
  return h('li', { class: `user-row${user.disabled ? ' is-disabled' : ''}`, 'data-testid': 'user-row', 'data-user-id': user.id },
    avatar(user),
    h('div', { class: 'user-text' },
      h('span', { class: 'user-name' }, user.username, h('span', { class: 'muted' }, ` #${user.tag}`)),
      h('span', { class: 'muted user-email' }, user.email ?? '')),
    h('span', { class: 'badges' },
      self && h('span', { class: 'badge' }, 'You'),
      user.isAdmin && h('span', { class: 'badge badge-accent' }, 'Admin'),
      user.disabled && h('span', { class: 'badge badge-danger' }, 'Disabled')),
    h('span', { class: 'user-actions' }, !self && [toggleAdmin, toggleDisabled]));
}

export function usersCard() {
  const list = h('ul', { class: 'user-list', 'data-testid': 'user-list' }, h('div', { class: 'spinner' }));
  const note = h('p', { class: 'muted', hidden: true }, 'Showing the first 100 accounts.');
  const show = (users) => {
    const replace = (updated) => {
      const at = users.findIndex((u) => u.id === updated.id);
      users[at] = updated;
      show(users);
    };
    mount(list, users.map((u) => userRow(u, replace)));
  };
  admin.users().then(({ nodes, more }) => {
    show(nodes);
    note.hidden = !more;
  }).catch((err) => mount(list, h('p', { class: 'alert alert-error', role: 'alert' }, err.message)));
  return h('section', { class: 'card', 'data-testid': 'admin-users' },
    h('h2', { class: 'card-title' }, icon('users', 'icon icon-title'), 'Accounts'), list, note);
}
