// Profile: identity, avatar, privacy, app passwords, password, two-factor authentication,
// sign-in methods and sessions.
import { gql, NO_RETRY, USER_FIELDS } from '../api.js';
import { setActivitySharing } from '../data/activity.js';
import { h, mount } from '../dom.js';
import { icon } from '../icons.js';
import { appLayout, avatar, signOutAndLeave } from '../layout.js';
import { reloadMe, signOutEverywhere } from '../session.js';
import * as store from '../store.js';
import { alertBox, busy, field, noticeBox, onSubmit } from '../ui.js';
import { appsCard } from './apps-settings.js';
import { linkedProvidersCard } from './linked-providers.js';
import { twoFactorCard } from './twofactor-settings.js';

function header() {
  const el = h('header', { class: 'profile-header' });
  return {
    el,
    render() {
      const user = store.user();
      if (!user) return;
      mount(
        el,
        avatar(user, 'xl'),
        h('div', { class: 'profile-id' },
          h('p', { class: 'eyebrow' }, 'Profile'),
          h('h1', { class: 'page-title', tabindex: '-1' }, user.username),
          h('p', { class: 'muted profile-meta' }, h('span', {}, `#${user.tag}`), user.email && h('span', {}, user.email)),
          h('p', { class: 'badges' },
            user.isAdmin && h('span', { class: 'badge badge-accent' }, 'Admin'),
            user.twoFactorEnabled && h('span', { class: 'badge' }, icon('shield', 'icon icon-sm'), '2FA on'),
            user.provider && !LOCAL_PROVIDERS.includes(user.provider) && h('span', { class: 'badge' }, `via ${user.provider}`)),
          user.isAdmin && h('a', { class: 'btn btn-outline btn-sm profile-admin', href: '#/admin', 'data-testid': 'profile-admin-link' },
            icon('server', 'icon icon-sm'), 'Server admin')),
      );
    },
  };
}

const LOCAL_PROVIDERS = ['local', 'password'];

function card(title, ...children) {
  return h('section', { class: 'card' }, h('h2', { class: 'card-title' }, title), children);
}

function profileCard(alert, notice) {
  const user = store.user();
  const preview = h('span', { class: 'avatar-preview' }, avatar(user, 'lg'));
  const fileInput = h('input', { type: 'file', name: 'avatar', accept: 'image/png,image/jpeg,image/webp,image/gif', class: 'visually-hidden', 'data-testid': 'avatar-input' });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files[0];
    if (file) mount(preview, h('img', { class: 'avatar avatar-lg', src: URL.createObjectURL(file), alt: '' }));
  });
  const form = h('form', { class: 'form', 'data-testid': 'profile-form' },
    h('label', { class: 'avatar-picker' }, preview, fileInput, h('span', { class: 'btn btn-outline btn-sm' }, icon('camera', 'icon icon-sm'), 'Change picture')),
    field({ label: 'Username', name: 'username', value: user.username, required: true, autocomplete: 'nickname', 'data-testid': 'edit-username' }),
    field({ label: 'Tag', name: 'tag', value: user.tag, required: true, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      'data-testid': 'edit-tag', hint: 'Friends find you by your tag.' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-profile' }, 'Save changes')));
  onSubmit(form, alert, async ({ username, tag, avatar: file }) => {
    notice.clear();
    const input = { username: username.trim(), tag: tag.trim() };
    const files = {};
    if (file && file.size > 0) {
      input.avatar = null;
      files['variables.input.avatar'] = file;
    }
    const data = await gql(`mutation UpdateProfile($input: ProfileInput!) { updateProfile(input: $input) { ${USER_FIELDS} } }`, { input }, { files });
    store.setUser(data.updateProfile);
    notice.show('Profile saved.', form);
  });
  return card('Edit profile', form);
}

function privacyCard(alert) {
  const hint = h('span', { class: 'field-hint', id: 'share-activity-hint' },
    'Friends see the track you are playing while you play it. When this is off they see nothing, not even that it is off.');
  const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'data-testid': 'share-activity', checked: store.user().shareActivity !== false,
    'aria-describedby': 'share-activity-hint' });
  const section = card('Privacy',
    h('label', { class: 'switch-field' },
      h('span', { class: 'check-text' }, h('span', { class: 'switch-label' }, 'Share what I’m listening to with friends'), hint),
      input));
  input.addEventListener('change', async () => {
    const on = input.checked;
    alert.clear();
    input.disabled = true;
    try {
      await setActivitySharing(on);
      store.setUser({ shareActivity: on });
    } catch (err) {
      input.checked = !on;
      alert.show(err.message, section);
    } finally {
      input.disabled = false;
    }
  });
  return section;
}

function passwordCard(alert, notice) {
  const form = h('form', { class: 'form', 'data-testid': 'password-form' },
    // Lets password managers tell which account the new password belongs to.
    h('input', { type: 'text', name: 'account', autocomplete: 'username', value: store.user().email || '', hidden: true, readonly: true }),
    field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'current-password' }),
    field({ label: 'New password', name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, 'data-testid': 'new-password' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'change-password' }, 'Change password')));
  onSubmit(form, alert, async ({ currentPassword, newPassword }) => {
    notice.clear();
    await gql(`mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
      changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }`, { currentPassword, newPassword }, NO_RETRY);
    form.reset();
    notice.show('Password changed.', form);
  });
  return card('Password', form);
}

function sessionsCard(ctx, alert) {
  const section = card('Sessions', h('p', { class: 'muted' }, 'Signed in on this device. Signing out everywhere also ends sessions on your other devices.'));
  const everywhere = h('button', { type: 'button', class: 'btn btn-danger-outline', 'data-testid': 'signout-everywhere' }, 'Sign out everywhere');
  everywhere.addEventListener('click', async () => {
    if (!window.confirm('Sign out on every device, including this one?')) return;
    alert.clear();
    // Set before signing out: losing the session re-routes to the sign-in view at once.
    store.setFlash('info', 'You have been signed out on all devices.');
    try {
      await busy(everywhere, signOutEverywhere);
      ctx.navigate('/signin');
    } catch (err) {
      store.takeFlash();
      alert.show(err.message, section);
    }
  });
  const signOutHere = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'profile-signout' }, icon('signout', 'icon icon-sm'), 'Sign out');
  signOutHere.addEventListener('click', () => busy(signOutHere, () => signOutAndLeave(ctx)));
  section.append(h('div', { class: 'form-actions' }, signOutHere, everywhere));
  return section;
}

export function profileView(ctx) {
  const alert = alertBox();
  const notice = noticeBox();
  const top = header();
  top.render();
  ctx.onCleanup(store.subscribe(top.render));
  reloadMe().catch(() => {}); // the stored user is shown meanwhile
  return appLayout(ctx, '/profile',
    top.el,
    h('div', { class: 'alerts' }, alert.el, notice.el),
    h('div', { class: 'card-grid' },
      h('div', { class: 'card-stack' }, profileCard(alert, notice), privacyCard(alert), appsCard(ctx, alert, notice)),
      h('div', { class: 'card-stack' }, twoFactorCard(alert, notice), linkedProvidersCard(ctx, alert, notice), passwordCard(alert, notice),
        sessionsCard(ctx, alert))));
}
