// Set a new password from a one-time link an administrator made (#/reset/<token>): the new
// password twice, then resetPassword (no sign-in needed; it signs the account out everywhere),
// then on to sign in with it.
import * as admin from '../data/admin.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { authLayout } from '../layout.js';
import { problem } from '../library-text.js';
import * as store from '../store.js';
import { alertBox, busy, field } from '../ui.js';

export function resetPasswordView(ctx) {
  const { token } = ctx.params;
  const alert = alertBox();
  const password = field({ label: t('reset.newPassword'), name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8,
    hint: t('reset.hint'), 'data-testid': 'reset-password', 'data-autofocus': true });
  const repeat = field({ label: t('reset.repeat'), name: 'repeat', type: 'password', autocomplete: 'new-password', required: true, minlength: 8, 'data-testid': 'reset-repeat' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'submit' }, t('reset.submit'));
  const form = h('form', { class: 'form', 'data-testid': 'reset-form' }, alert.el, password, repeat, submit);
  const repeatInput = repeat.querySelector('input');
  // The browser's own check says why the form will not submit, in the person's language.
  repeatInput.addEventListener('input', () => repeatInput.setCustomValidity(''));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.clear();
    const v = Object.fromEntries(new FormData(form));
    if (v.password !== v.repeat) {
      repeatInput.setCustomValidity(t('reset.mismatch'));
      repeatInput.reportValidity();
      alert.show(t('reset.mismatch'), form);
      return;
    }
    try {
      await busy(submit, () => admin.resetPassword(token, v.password));
    } catch (err) {
      const badLink = err.code === 'NOT_FOUND' || (err.code === 'BAD_USER_INPUT' && /token|link|expired/i.test(err.message));
      alert.show(badLink ? t('reset.badLink') : problem(err), form);
      return;
    }
    store.setFlash('info', t('reset.done'));
    if (store.user()) ctx.navigate('/home');
    else ctx.navigate('/signin');
  });
  const who = store.user();
  return authLayout({ title: t('reset.title'), subtitle: t('reset.subtitle') },
    who && h('p', { class: 'alert alert-info', 'data-testid': 'reset-signed-in' }, t('reset.signedInAs', { name: who.username })),
    form,
    h('p', { class: 'auth-footer' }, h('a', { href: '#/signin' }, t('reset.backToSignIn'))));
}
