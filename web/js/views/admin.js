// Server administration (admins only): the library, accounts and invites.
import { h } from '../dom.js';
import { appLayout } from '../layout.js';
import { alertBox } from '../ui.js';
import { invitesCard } from './admin-invites.js';
import { libraryCard } from './admin-library.js';
import { usersCard } from './admin-users.js';

export function adminView(ctx) {
  const alert = alertBox();
  return appLayout(ctx, '/admin',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, 'Server'),
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Administration')),
    h('div', { class: 'admin-grid' }, libraryCard(ctx, alert), invitesCard(alert), usersCard()));
}
