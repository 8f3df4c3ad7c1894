// Sign-up: open registration, or invite-only with a code (prefilled from #/signup?invite=…).
import { h } from '../dom.js';
import { authLayout } from '../layout.js';
import { register } from '../session.js';
import * as store from '../store.js';
import { alertBox, field, oauthButtons, onSubmit, submitButton } from '../ui.js';

/** Username, email and password; shared with the first-run form. */
export function accountFields() {
  return [
    field({ label: 'Username', name: 'username', autocomplete: 'nickname', required: true, maxlength: 64,
      autocapitalize: 'off', spellcheck: 'false', 'data-testid': 'username', hint: 'Shown to your friends and in rooms.' }),
    // The email is what people sign in with, so password managers should file it as the username.
    field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'username', required: true, 'data-testid': 'email' }),
    field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'data-testid': 'password' }),
  ];
}

function closedNotice() {
  return authLayout(
    { title: 'Registration is closed', subtitle: 'This server is not taking new sign-ups. Ask its admin for an account.' },
    h('a', { class: 'btn btn-primary btn-block', href: '#/signin' }, 'Back to sign in'),
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
      field({ label: 'Invite code', name: 'inviteCode', required: true, autocomplete: 'off', autocapitalize: 'off',
        spellcheck: 'false', value: ctx.query.get('invite') || '', 'data-testid': 'invite-code' }),
    submitButton('Create account'),
  );
  onSubmit(form, alert, async (values) => {
    await register(values);
    ctx.navigate(ctx.afterSignIn());
  });
  return authLayout(
    { title: 'Create your account', subtitle: invite ? 'This server is invite-only: you need a code from a member.' : `Join ${info.name}.` },
    form,
    oauthButtons(info.authProviders),
    h('p', { class: 'auth-footer' }, 'Already have an account? ', h('a', { href: '#/signin', 'data-testid': 'signin-link' }, 'Sign in')),
  );
}
