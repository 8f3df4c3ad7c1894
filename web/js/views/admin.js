// Server administration (admins only): the library, hidden tracks, accounts and invites.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { appLayout } from '../layout.js';
import { alertBox } from '../ui.js';
import { invitesCard } from './admin-invites.js';
import { hiddenTracksCard, libraryCard } from './admin-library.js';
import { usersCard } from './admin-users.js';

export function adminView(ctx) {
  const alert = alertBox();
  return appLayout(ctx, '/admin',
    h('header', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, t('admin.eyebrow')),
      h('h1', { class: 'page-title', tabindex: '-1' }, t('admin.title'))),
    h('div', { class: 'admin-grid' }, libraryCard(ctx, alert), hiddenTracksCard(alert), invitesCard(alert), usersCard()));
}
