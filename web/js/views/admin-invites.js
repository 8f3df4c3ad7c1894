// Admin: invite codes with a copyable sign-up link, creating and revoking them.
import { toast } from '../components/toast.js';
import * as admin from '../data/admin.js';
import { h, mount } from '../dom.js';
import { formatDate, formatNumber, t } from '../i18n.js';
import { icon } from '../icons.js';
import { problem } from '../library-text.js';
import * as store from '../store.js';
import { busy, field, onSubmit } from '../ui.js';

export const inviteLink = (code) => `${location.origin}/#/signup?invite=${encodeURIComponent(code)}`;

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t('admin.invites.copied'));
  } catch {
    // No clipboard API on plain-HTTP addresses: select it so one keystroke copies it.
    input.focus();
    input.select();
    toast(t('admin.users.copyByHand'));
  }
}

function inviteRow(invite, onRevoke) {
  const link = inviteLink(invite.code);
  const input = h('input', { class: 'input input-sm invite-link', value: link, readonly: true, 'aria-label': t('admin.invites.linkFor', { code: invite.code }), 'data-testid': 'invite-link' });
  input.addEventListener('focus', () => input.select());
  const revoke = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'revoke-invite' }, t('admin.invites.revoke'));
  revoke.addEventListener('click', async () => {
    try {
      await busy(revoke, () => admin.revokeInvite(invite.id));
      onRevoke(invite);
    } catch (err) {
      toast(problem(err), 'error');
    }
  });
  const expired = new Date(invite.expiresAt) < new Date();
  const used = invite.uses >= invite.maxUses;
  return h('li', { class: `invite-row${expired || used ? ' is-spent' : ''}`, 'data-testid': 'invite-row' },
    h('div', { class: 'invite-meta' },
      h('code', { class: 'invite-code', 'data-testid': 'invite-code' }, invite.code),
      h('span', { class: 'muted' }, t('admin.invites.used', { uses: formatNumber(invite.uses), max: formatNumber(invite.maxUses) })),
      h('span', { class: 'muted' }, t(expired ? 'admin.invites.expired' : 'admin.invites.expires', { when: formatDate(invite.expiresAt, { dateStyle: 'medium', timeStyle: 'short' }) }))),
    h('div', { class: 'invite-actions' },
      input,
      h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'copy-invite', onclick: () => copy(link, input) }, icon('copy', 'icon icon-sm'), t('admin.users.copy')),
      revoke));
}

/** `alert` is the page's one error box (see libraryCard). */
export function invitesCard(alert) {
  const list = h('ul', { class: 'invite-list', 'data-testid': 'invite-list' }, h('div', { class: 'spinner' }));
  let invites = [];
  const show = () => {
    if (invites.length === 0) mount(list, h('p', { class: 'muted' }, t('admin.invites.none')));
    else mount(list, invites.map((i) => inviteRow(i, (gone) => { invites = invites.filter((x) => x.id !== gone.id); show(); })));
  };
  const form = h('form', { class: 'invite-form', 'data-testid': 'invite-form' },
    field({ label: t('admin.invites.uses'), name: 'maxUses', type: 'number', min: 1, max: 1000, value: 1, required: true, 'data-testid': 'invite-uses' }),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('admin.invites.validFor')),
      h('select', { class: 'input select', name: 'expiresInHours', 'data-testid': 'invite-expiry' },
        [1, 7, 30].map((days) => h('option', { value: days * 24, selected: days === 7 }, t('admin.invites.days', { count: days }))))),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'create-invite' }, icon('plus', 'icon icon-sm'), t('admin.invites.create')));
  onSubmit(form, alert, async ({ maxUses, expiresInHours }) => {
    const invite = await admin.createInvite(Number(maxUses), Number(expiresInHours));
    invites = [invite, ...invites];
    show();
    list.querySelector('[data-testid=invite-link]')?.focus();
  });
  admin.invites().then((all) => {
    invites = all;
    show();
  }).catch((err) => alert.show(problem(err), card));
  const registration = store.serverInfo()?.registration;
  const card = h('section', { class: 'card', 'data-testid': 'admin-invites' },
    h('h2', { class: 'card-title' }, icon('ticket', 'icon icon-title'), t('admin.invites.title')),
    registration && registration !== 'INVITE' && h('p', { class: 'muted card-note' },
      t(`admin.invites.registration.${registration.toLowerCase()}`)),
    form, list);
  return card;
}
