// The second sign-in step, after a password or OAuth login answered with a challenge.
import { h } from '../dom.js';
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
    field({ label: 'Authentication code', name: 'code', autocomplete: 'one-time-code', required: true, maxlength: 64,
      autocapitalize: 'off', spellcheck: 'false', 'data-testid': 'twofactor-code', 'data-autofocus': true,
      hint: 'The 6-digit code from your authenticator app, or one of your recovery codes.' }),
    submitButton('Verify'),
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
    { title: 'Two-factor authentication', subtitle: 'One more step: confirm it’s you.' },
    form,
    h('p', { class: 'auth-footer' }, h('button', { type: 'button', class: 'link-btn', onclick: back }, 'Back to sign in')),
  );
}
