// Sign-in with email and password, or with a configured OAuth/OIDC provider.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { authLayout } from '../layout.js';
import { login } from '../session.js';
import * as store from '../store.js';
import { alertBox, field, noticeBox, oauthButtons, onSubmit, showFlash, submitButton } from '../ui.js';

function signupPrompt(registration) {
  if (registration === 'CLOSED') return null;
  return h(
    'p',
    { class: 'auth-footer' },
    registration === 'INVITE' ? t('auth.haveInvite') : t('auth.newHere'),
    ' ',
    h('a', { href: '#/signup', 'data-testid': 'signup-link' }, t('auth.createAccountLink')),
  );
}

export function signinView(ctx) {
  const info = store.serverInfo();
  const alert = alertBox();
  const notice = noticeBox();
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'signin-form' },
    alert.el,
    notice.el,
    field({ label: t('auth.email'), name: 'email', type: 'email', autocomplete: 'username', required: true, 'data-testid': 'email' }),
    field({ label: t('auth.password'), name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'password' }),
    submitButton(t('auth.signIn')),
  );
  showFlash(store.takeFlash(), alert, notice);
  onSubmit(form, alert, async ({ email, password }) => {
    notice.clear();
    const outcome = await login(email, password);
    ctx.navigate(outcome === 'challenge' ? '/twofactor' : ctx.afterSignIn());
  });
  return authLayout(
    { title: t('auth.signInTitle', { server: info.name }), subtitle: t('auth.tagline') },
    form,
    oauthButtons(info.authProviders),
    signupPrompt(info.registration),
  );
}
