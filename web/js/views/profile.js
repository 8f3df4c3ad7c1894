// Profile: identity, avatar, privacy, language and theme, app passwords, password, two-factor
// authentication, sign-in methods and sessions.
import { gql, NO_RETRY, USER_FIELDS } from '../api.js';
import { confirmDialog } from '../components/dialog.js';
import { setActivitySharing } from '../data/activity.js';
import { h, mount } from '../dom.js';
import { language, LANGUAGES, setLanguage, t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout, avatar, signOutAndLeave } from '../layout.js';
import { reloadMe, signOutEverywhere } from '../session.js';
import * as store from '../store.js';
import { setTheme, THEMES, themeChoice } from '../theme.js';
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
          h('p', { class: 'eyebrow' }, t('profile.eyebrow')),
          h('h1', { class: 'page-title', tabindex: '-1' }, user.username),
          h('p', { class: 'muted profile-meta' }, h('span', {}, `#${user.tag}`), user.email && h('span', {}, user.email)),
          h('p', { class: 'badges' },
            user.isAdmin && h('span', { class: 'badge badge-accent' }, t('profile.admin')),
            user.twoFactorEnabled && h('span', { class: 'badge' }, icon('shield', 'icon icon-sm'), t('profile.twoFactorOn')),
            user.provider && !LOCAL_PROVIDERS.includes(user.provider) && h('span', { class: 'badge' }, t('profile.via', { provider: user.provider }))),
          user.isAdmin && h('a', { class: 'btn btn-outline btn-sm profile-admin', href: '#/admin', 'data-testid': 'profile-admin-link' },
            icon('server', 'icon icon-sm'), t('profile.serverAdmin'))),
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
    h('label', { class: 'avatar-picker' }, preview, fileInput, h('span', { class: 'btn btn-outline btn-sm' }, icon('camera', 'icon icon-sm'), t('profile.changePicture'))),
    field({ label: t('auth.username'), name: 'username', value: user.username, required: true, autocomplete: 'nickname', 'data-testid': 'edit-username' }),
    field({ label: t('profile.tag'), name: 'tag', value: user.tag, required: true, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      'data-testid': 'edit-tag', hint: t('profile.tagHint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-profile' }, t('profile.save'))));
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
    notice.show(t('profile.saved'), form);
  });
  return card(t('profile.edit'), form);
}

function privacyCard(alert) {
  const hint = h('span', { class: 'field-hint', id: 'share-activity-hint' },
    t('profile.shareHint'));
  const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'data-testid': 'share-activity', checked: store.user().shareActivity !== false,
    'aria-describedby': 'share-activity-hint' });
  const section = card(t('profile.privacy'),
    h('label', { class: 'switch-field' },
      h('span', { class: 'check-text' }, h('span', { class: 'switch-label' }, t('profile.share')), hint),
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
    field({ label: t('profile.currentPassword'), name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'current-password' }),
    field({ label: t('profile.newPassword'), name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, 'data-testid': 'new-password' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'change-password' }, t('profile.changePassword'))));
  onSubmit(form, alert, async ({ currentPassword, newPassword }) => {
    notice.clear();
    await gql(`mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
      changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }`, { currentPassword, newPassword }, NO_RETRY);
    form.reset();
    notice.show(t('profile.passwordChanged'), form);
  });
  return card(t('auth.password'), form);
}

function sessionsCard(ctx, alert) {
  const section = card(t('profile.sessions'), h('p', { class: 'muted' }, t('profile.sessionsText')));
  const everywhere = h('button', { type: 'button', class: 'btn btn-danger-outline', 'data-testid': 'signout-everywhere' }, t('profile.signOutEverywhere'));
  everywhere.addEventListener('click', async () => {
    const ok = await confirmDialog({ title: t('profile.signOutEverywhereTitle'), message: t('profile.signOutEverywhereText'),
      confirmLabel: t('profile.signOutEverywhere'), danger: true, testid: 'signout-everywhere-dialog' });
    if (!ok) return;
    alert.clear();
    // Set before signing out: losing the session re-routes to the sign-in view at once.
    store.setFlash('info', t('profile.signedOutEverywhere'));
    try {
      await busy(everywhere, signOutEverywhere);
      ctx.navigate('/signin');
    } catch (err) {
      store.takeFlash();
      alert.show(err.message, section);
    }
  });
  const signOutHere = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'profile-signout' }, icon('signout', 'icon icon-sm'), t('nav.signOut'));
  signOutHere.addEventListener('click', () => busy(signOutHere, () => signOutAndLeave(ctx)));
  section.append(h('div', { class: 'form-actions' }, signOutHere, everywhere));
  return section;
}

/** Language and theme: saved on this device; a new language redraws the page (app.js). */
function appearanceCard() {
  const select = (id, label, testid, options, value, onchange) => h('label', { class: 'field', for: id },
    h('span', { class: 'field-label' }, label),
    h('select', { id, class: 'input select', 'data-testid': testid, onchange: (e) => onchange(e.target.value) },
      options.map(([key, text, lang]) => h('option', { value: key, selected: key === value, lang }, text))));
  return card(t('profile.appearance'),
    h('div', { class: 'form' },
      // Each language is named in itself, so anyone can find their own.
      select('profile-language', t('profile.language'), 'language-select', Object.entries(LANGUAGES).map(([key, name]) => [key, name, key]), language(), setLanguage),
      select('profile-theme', t('profile.theme'), 'theme-select', THEMES.map((key) => [key, t(`profile.theme.${key}`)]), themeChoice(), setTheme),
      h('p', { class: 'field-hint' }, t('profile.appearanceHint'))));
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
      h('div', { class: 'card-stack' }, profileCard(alert, notice), privacyCard(alert), appearanceCard(), appsCard(ctx, alert, notice)),
      h('div', { class: 'card-stack' }, twoFactorCard(alert, notice), linkedProvidersCard(ctx, alert, notice), passwordCard(alert, notice),
        sessionsCard(ctx, alert))));
}
