// Sign-up: open registration, or invite-only with a code (prefilled from #/signup?invite=…).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { authLayout } from '../layout.js';
import { register } from '../session.js';
import * as store from '../store.js';
import { alertBox, field, oauthButtons, onSubmit, submitButton } from '../ui.js';

/** Username, email and password; shared with the first-run form. */
export function accountFields() {
  return [
    field({ label: t('auth.username'), name: 'username', autocomplete: 'nickname', required: true, maxlength: 64,
      autocapitalize: 'off', spellcheck: 'false', 'data-testid': 'username', hint: t('auth.usernameHint') }),
    // The email is what people sign in with, so password managers should file it as the username.
    field({ label: t('auth.email'), name: 'email', type: 'email', autocomplete: 'username', required: true, 'data-testid': 'email' }),
    field({ label: t('auth.password'), name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'data-testid': 'password' }),
  ];
}

function closedNotice() {
  return authLayout(
    { title: t('auth.closedTitle'), subtitle: t('auth.closedText') },
    h('a', { class: 'btn btn-primary btn-block', href: '#/signin' }, t('auth.backToSignIn')),
  );
}

export function signupView(ctx) {
  const info = store.serverInfo();
  if (info.registration === 'CLOSED') return closedNotice();
  const invite = info.registration === 'INVITE';
  const alert = alertBox();
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'signup-form' },
    alert.el,
    accountFields(),
    invite &&
      field({ label: t('auth.inviteCode'), name: 'inviteCode', required: true, autocomplete: 'off', autocapitalize: 'off',
        spellcheck: 'false', value: ctx.query.get('invite') || '', 'data-testid': 'invite-code' }),
    submitButton(t('auth.createAccount')),
  );
  onSubmit(form, alert, async (values) => {
    await register(values);
    ctx.navigate(ctx.afterSignIn());
  });
  return authLayout(
    { title: t('auth.signupTitle'), subtitle: invite ? t('auth.inviteOnly') : t('auth.joinServer', { server: info.name }) },
    form,
    oauthButtons(info.authProviders),
    h('p', { class: 'auth-footer' }, t('auth.haveAccount'), ' ', h('a', { href: '#/signin', 'data-testid': 'signin-link' }, t('auth.signIn'))),
  );
}
