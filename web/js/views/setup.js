// First run: no account exists yet, so whoever opens the server creates the admin.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { authLayout } from '../layout.js';
import { register } from '../session.js';
import { alertBox, onSubmit, submitButton } from '../ui.js';
import { accountFields } from './signup.js';

export function setupView(ctx) {
  const alert = alertBox();
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'setup-form' },
    alert.el,
    accountFields(),
    submitButton(t('auth.createAdmin')),
  );
  onSubmit(form, alert, async (values) => {
    await register(values);
    ctx.navigate('/home');
  });
  return authLayout(
    {
      title: t('auth.setupTitle'),
      subtitle: t('auth.setupText'),
    },
    form,
  );
}
