// Admin: every account, with promote/demote and disable/enable; creating an account, a
// one-time password-reset link to hand over, and deleting an account (its playlists and
// uploads deleted or handed to me).
import { confirmDialog, formDialog, openDialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import * as admin from '../data/admin.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { avatar } from '../layout.js';
import { problem } from '../library-text.js';
import * as store from '../store.js';
import { busy, checkboxField, field } from '../ui.js';

/** A button that runs `work` busy; failures become a toast in words for people. */
function actionButton(text, testid, work, { kind = 'btn-outline', iconName, label } = {}) {
  const button = h('button', { type: 'button', class: `btn btn-sm ${kind}`, 'data-testid': testid, 'aria-label': label },
    iconName && icon(iconName, 'icon icon-sm'), text);
  button.addEventListener('click', async () => {
    try {
      await busy(button, () => work(button));
    } catch (err) {
      toast(problem(err), 'error');
    }
  });
  return button;
}

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t('admin.users.copied'));
  } catch {
    // No clipboard API on plain-HTTP addresses: select it so one keystroke copies it.
    input.focus();
    input.select();
    toast(t('admin.users.copyByHand'));
  }
}

/** Shows the reset link with a Copy button; the link works once, for a day. */
export function resetLinkDialog(user, path, returnFocus) {
  const link = new URL(path, location.origin).href;
  const input = h('input', { class: 'input', value: link, readonly: true, 'aria-label': t('admin.users.resetLinkFor', { name: user.username }), 'data-testid': 'reset-link' });
  input.addEventListener('focus', () => input.select());
  const copy = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'copy-reset-link', onclick: () => copyText(link, input) }, icon('copy', 'icon icon-sm'), t('admin.users.copy'));
  openDialog({
    title: t('admin.users.resetTitle', { name: user.username }),
    body: [h('p', { class: 'muted' }, t('admin.users.resetText')), h('div', { class: 'copy-row' }, input, copy)],
    testid: 'reset-link-dialog',
    returnFocus,
  });
  copy.focus();
}

function radioGroup(name, legend, options, value) {
  return h('fieldset', { class: 'field radio-group', 'data-testid': `delete-${name}` },
    h('legend', { class: 'field-label' }, legend),
    options.map((o) => h('label', { class: 'check' },
      h('input', { type: 'radio', class: 'check-box', name, value: o.value, checked: o.value === value, 'data-testid': `delete-${name}-${o.value.toLowerCase()}` }),
      h('span', { class: 'check-text' }, h('span', {}, o.label), o.hint && h('span', { class: 'field-hint' }, o.hint)))));
}

/** Asks what happens to the account's playlists and uploads; resolves to true once deleted. */
export async function deleteUserDialog(user, returnFocus) {
  const me = store.user()?.username ?? '';
  const choices = (what) => [
    { value: 'TRANSFER', label: t(`admin.users.delete.${what}Transfer`, { me }) },
    { value: 'DELETE', label: t(`admin.users.delete.${what}Delete`) },
  ];
  const done = await formDialog({
    title: t('admin.users.delete.title', { name: user.username }),
    submitLabel: t('admin.users.delete.confirm'),
    danger: true,
    testid: 'delete-user',
    returnFocus,
    fields: [
      h('p', { class: 'muted' }, t('admin.users.delete.text', { name: user.username })),
      radioGroup('playlists', t('admin.users.delete.playlists'), choices('playlists'), 'TRANSFER'),
      radioGroup('uploads', t('admin.users.delete.uploads'), choices('uploads'), 'TRANSFER'),
      h('p', { class: 'alert alert-warning' }, t('admin.users.delete.final')),
    ],
    submit: async ({ playlists, uploads }) => {
      await admin.deleteUser(user.id, playlists, uploads);
      return true;
    },
  });
  return Boolean(done);
}

function userRow(user, { replace, remove }) {
  const self = user.id === store.user()?.id;
  const toggleAdmin = actionButton(t(user.isAdmin ? 'admin.users.removeAdmin' : 'admin.users.makeAdmin'), 'toggle-admin',
    async () => replace(await admin.setAdmin(user.id, !user.isAdmin)));
  const toggleDisabled = actionButton(t(user.disabled ? 'admin.users.enable' : 'admin.users.disable'), 'toggle-disabled', async (button) => {
    if (!user.disabled) {
      const sure = await confirmDialog({ title: t('admin.users.disableTitle', { name: user.username }), message: t('admin.users.disableText'),
        confirmLabel: t('admin.users.disable'), danger: true, returnFocus: button });
      if (!sure) return;
    }
    replace(await admin.setDisabled(user.id, !user.disabled));
  }, { kind: user.disabled ? 'btn-outline' : 'btn-danger-outline' });
  const resetLink = actionButton(t('admin.users.resetLink'), 'reset-link-button', async (button) => {
    resetLinkDialog(user, await admin.createPasswordResetLink(user.id), button);
  }, { iconName: 'key', label: t('admin.users.resetLinkFor', { name: user.username }) });
  const del = actionButton(t('admin.users.delete.button'), 'delete-user-button', async (button) => {
    if (await deleteUserDialog(user, button)) {
      remove(user);
      toast(t('admin.users.deleted', { name: user.username }));
    }
  }, { kind: 'btn-danger-outline', iconName: 'trash', label: t('admin.users.delete.title', { name: user.username }) });
  return h('li', { class: `user-row${user.disabled ? ' is-disabled' : ''}`, 'data-testid': 'user-row', 'data-user-id': user.id },
    avatar(user),
    h('div', { class: 'user-text' },
      h('span', { class: 'user-name' }, user.username, h('span', { class: 'muted' }, ` #${user.tag}`)),
      h('span', { class: 'muted user-email' }, user.email ?? '')),
    h('span', { class: 'badges' },
      self && h('span', { class: 'badge' }, t('admin.users.you')),
      user.isAdmin && h('span', { class: 'badge badge-accent' }, t('admin.users.admin')),
      user.disabled && h('span', { class: 'badge badge-danger' }, t('admin.users.disabled'))),
    h('span', { class: 'user-actions' }, !self && [toggleAdmin, toggleDisabled, resetLink, del]));
}

function createForm(onCreated) {
  const form = h('form', { class: 'form create-user-form', 'data-testid': 'create-user-form' });
  const alertEl = h('p', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'create-user-error' });
  mount(form, alertEl,
    h('div', { class: 'field-row' },
      field({ label: t('admin.users.form.name'), name: 'name', required: true, autocomplete: 'off', maxlength: 64, 'data-testid': 'new-user-name' }),
      field({ label: t('admin.users.form.email'), name: 'email', type: 'email', required: true, autocomplete: 'off', 'data-testid': 'new-user-email' })),
    field({ label: t('admin.users.form.password'), name: 'password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password',
      hint: t('admin.users.form.passwordHint'), 'data-testid': 'new-user-password' }),
    checkboxField({ label: t('admin.users.form.isAdmin'), name: 'isAdmin', 'data-testid': 'new-user-admin' }),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'create-user' }, icon('plus', 'icon icon-sm'), t('admin.users.form.create')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alertEl.hidden = true;
    const v = Object.fromEntries(new FormData(form));
    try {
      const user = await busy(form.querySelector('[type=submit]'), () => admin.createUser({
        name: v.name.trim(), email: v.email.trim(), password: v.password, isAdmin: v.isAdmin === 'on',
      }));
      form.reset();
      onCreated(user);
      toast(t('admin.users.created', { name: user.username }));
    } catch (err) {
      alertEl.textContent = problem(err);
      alertEl.hidden = false;
    }
  });
  return h('details', { class: 'create-user', 'data-testid': 'create-user-section' },
    h('summary', { class: 'btn btn-outline btn-sm', 'data-testid': 'create-user-toggle' }, icon('userPlus', 'icon icon-sm'), t('admin.users.form.title')),
    form);
}

export function usersCard() {
  const list = h('ul', { class: 'user-list', 'data-testid': 'user-list' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('library.loading') }));
  const note = h('p', { class: 'muted', hidden: true }, t('admin.users.first100'));
  const createSlot = h('div');
  let users = [];
  const show = () => {
    const replace = (updated) => {
      users = users.map((u) => (u.id === updated.id ? updated : u));
      show();
    };
    const remove = (gone) => {
      users = users.filter((u) => u.id !== gone.id);
      show();
      card.querySelector('h2')?.focus();
    };
    mount(list, users.map((u) => userRow(u, { replace, remove })));
  };
  admin.users().then(({ nodes, more }) => {
    users = nodes;
    show();
    note.hidden = !more;
    mount(createSlot, createForm((user) => { users = [...users, user]; show(); }));
  }).catch((err) => mount(list, h('p', { class: 'alert alert-error', role: 'alert' }, problem(err))));
  const card = h('section', { class: 'card', 'data-testid': 'admin-users' },
    h('h2', { class: 'card-title', tabindex: '-1' }, icon('users', 'icon icon-title'), t('admin.users.title')), createSlot, list, note);
  return card;
}
