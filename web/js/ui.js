// Form building blocks shared by the views.
import { h } from './dom.js';
import { t } from './i18n.js';

/** A labelled input; extra props go to the <input>. */
export function field({ label, hint, ...input }) {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label' }, label),
    h('input', { class: 'input', ...input }),
    hint && h('span', { class: 'field-hint' }, hint),
  );
}

export function submitButton(text, testid = 'submit') {
  return h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': testid }, text);
}

/**
 * The view's one error element (role="alert", data-testid="error"). `show` can move it next
 * to the form that failed, so a page with several forms still has a single alert.
 */
export function alertBox() {
  const el = h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error', hidden: true });
  return {
    el,
    show(text, near) {
      if (near && el.parentNode !== near) near.prepend(el);
      el.textContent = text;
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** A polite status line for successes; moves like the alert. */
export function noticeBox() {
  const el = h('p', { class: 'alert alert-info', role: 'status', 'data-testid': 'notice', hidden: true });
  return {
    el,
    show(text, near) {
      if (near && el.parentNode !== near) near.prepend(el);
      el.textContent = text;
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** Disables the button while `work` runs. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Wires a form: `handler(values)` runs with the submit button busy; failures go to `alert`. */
export function onSubmit(form, alert, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.clear();
    const button = form.querySelector('[type=submit]');
    try {
      await busy(button, () => handler(Object.fromEntries(new FormData(form))));
    } catch (err) {
      if (err.name !== 'ApiError') console.error(err);
      alert.show(err.name === 'ApiError' ? err.message : t('error.generic'), form);
    }
  });
  return form;
}

/** "Sign in with …" links for the configured OAuth/OIDC providers. */
export function oauthButtons(providers = []) {
  if (providers.length === 0) return null;
  return h(
    'div',
    { class: 'oauth' },
    h('div', { class: 'divider' }, h('span', {}, t('auth.or'))),
    providers.map((p) =>
      h(
        'a',
        { class: 'btn btn-outline btn-block', href: `/auth/oauth/${encodeURIComponent(p.name)}/start`, 'data-testid': `oauth-${p.name}` },
        t('auth.signInWith', { provider: p.displayName }),
      ),
    ),
  );
}

/** Shows a flash message left by the previous view (e.g. a failed OAuth round trip). */
export function showFlash(flash, alert, notice) {
  if (flash?.kind === 'error') alert.show(flash.text);
  else if (flash) notice.show(flash.text);
}

/** A labelled multi-line input. */
export function textareaField({ label, hint, value = '', ...props }) {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label' }, label),
    h('textarea', { class: 'input textarea', rows: 3, ...props }, value),
    hint && h('span', { class: 'field-hint' }, hint),
  );
}

/** A checkbox with its label (and an optional hint) beside it. */
export function checkboxField({ label, hint, ...input }) {
  return h(
    'label',
    { class: 'check' },
    h('input', { type: 'checkbox', class: 'check-box', ...input }),
    h('span', { class: 'check-text' }, h('span', {}, label), hint && h('span', { class: 'field-hint' }, hint)),
  );
}
