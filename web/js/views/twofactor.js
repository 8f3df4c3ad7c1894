// The second sign-in step, after a password or OAuth login answered with a challenge.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { authLayout } from '../layout.js';
import { verifyTwoFactor } from '../session.js';
import * as store from '../store.js';
import { alertBox, field, onSubmit, submitButton } from '../ui.js';

export function twofactorView(ctx) {
  const alert = alertBox();
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'twofactor-form' },
    alert.el,
    // Not numeric-only: recovery codes (like abcd-efgh-ij) are accepted here too.
    field({ label: t('twofactor.code'), name: 'code', autocomplete: 'one-time-code', required: true, maxlength: 64,
      autocapitalize: 'off', spellcheck: 'false', 'data-testid': 'twofactor-code', 'data-autofocus': true,
      hint: t('twofactor.codeHint') }),
    submitButton(t('twofactor.verify')),
  );
  onSubmit(form, alert, async ({ code }) => {
    await verifyTwoFactor(code.trim());
    ctx.navigate(ctx.afterSignIn());
  });
  const back = () => {
    store.setChallenge(null);
    ctx.navigate('/signin');
  };
  return authLayout(
    { title: t('twofactor.title'), subtitle: t('twofactor.subtitle') },
    form,
    h('p', { class: 'auth-footer' }, h('button', { type: 'button', class: 'link-btn', onclick: back }, t('auth.backToSignIn'))),
  );
}
