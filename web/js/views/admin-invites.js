// Admin: invite codes with a copyable sign-up link, creating and revoking them.
import { toast, toastError } from '../components/toast.js';
import * as admin from '../data/admin.js';
import { h, mount } from '../dom.js';
import { dateTime } from '../format.js';
import { icon } from '../icons.js';
import * as store from '../store.js';
import { busy, field, onSubmit } from '../ui.js';

export const inviteLink = (code) => `${location.origin}/#/signup?invite=${encodeURIComponent(code)}`;

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Invite link copied.');
  } catch {
    // No clipboard API on plain-HTTP addresses: select it so one keystroke copies it.
    input.focus();
    input.select();
    toast('Press Ctrl+C (⌘C) to copy the selected link.');
  }
}

function inviteRow(invite, onRevoke) {
  const link = inviteLink(invite.code);
  const input = h('input', { class: 'input input-sm invite-link', value: link, readonly: true, 'aria-label': `Invite link for code ${invite.code}`, 'data-testid': 'invite-link' });
  input.addEventListener('focus', () => input.select());
  const revoke = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'revoke-invite' }, 'Revoke');
  revoke.addEventListener('click', async () => {
    try {
      await busy(revoke, () => admin.revokeInvite(invite.id));
      onRevoke(invite);
    } catch (err) {
      toastError(err);
    }
  });
  const expired = new Date(invite.expiresAt) < new Date();
  const used = invite.uses >= invite.maxUses;
  return h('li', { class: `invite-row${expired || used ? ' is-spent' : ''}`, 'data-testid': 'invite-row' },
    h('div', { class: 'invite-meta' },
      h('code', { class: 'invite-code', 'data-testid': 'invite-code' }, invite.code),
      h('span', { class: 'muted' }, `${invite.uses} of ${invite.maxUses} used`),
      h('span', { class: 'muted' }, `${expired ? 'Expired' : 'Expires'} ${dateTime(invite.expiresAt)}`)),
    h('div', { class: 'invite-actions' },
      input,
      h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'copy-invite', onclick: () => copy(link, input) }, icon('copy', 'icon icon-sm'), 'Copy'),
      revoke));
}

/** `alert` is the page's one error box (see libraryCard). */
export function invitesCard(alert) {
  const list = h('ul', { class: 'invite-list', 'data-testid': 'invite-list' }, h('div', { class: 'spinner' }));
  let invites = [];
  const show = () => {
    if (invites.length === 0) mount(list, h('p', { class: 'muted' }, 'No open invites.'));
    else mount(list, invites.map((i) => inviteRow(i, (gone) => { invites = invites.filter((x) => x.id !== gone.id); show(); })));
  };
  const form = h('form', { class: 'invite-form', 'data-testid': 'invite-form' },
    field({ label: 'Uses', name: 'maxUses', type: 'number', min: 1, max: 1000, value: 1, required: true, 'data-testid': 'invite-uses' }),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Valid for'),
      h('select', { class: 'input select', name: 'expiresInHours', 'data-testid': 'invite-expiry' },
        h('option', { value: 24 }, '1 day'), h('option', { value: 168, selected: true }, '7 days'), h('option', { value: 720 }, '30 days'))),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'create-invite' }, icon('plus', 'icon icon-sm'), 'Create invite'));
  onSubmit(form, alert, async ({ maxUses, expiresInHours }) => {
    const invite = await admin.createInvite(Number(maxUses), Number(expiresInHours));
    invites = [invite, ...invites];
    show();
    list.querySelector('[data-testid=invite-link]')?.focus();
  });
  admin.invites().then((all) => {
    invites = all;
    show();
  }).catch((err) => alert.show(err.message, card));
  const registration = store.serverInfo()?.registration;
  const card = h('section', { class: 'card', 'data-testid': 'admin-invites' },
    h('h2', { class: 'card-title' }, icon('ticket', 'icon icon-title'), 'Invites'),
    registration && registration !== 'INVITE' && h('p', { class: 'muted card-note' },
      `Registration is ${registration.toLowerCase()}: invites matter when it is invite-only.`),
    form, list);
  return card;
}
