// Modal dialogs on the native <dialog> element, which brings focus trapping, Escape and
// the inert background for free.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { alertBox, onSubmit } from '../ui.js';

let ids = 0;

/**
 * Opens a modal; `body` and `actions` are nodes. Returns { el, close }.
 * Focus goes back where it was when the dialog opened, or to `returnFocus` (say, the "…" button
 * of a menu that has since closed): without it, a closed dialog leaves focus on <body>.
 */
export function openDialog({ title, body, actions, testid, onClose, returnFocus = null, wide = false }) {
  const titleId = `dialog-title-${++ids}`;
  const opener = returnFocus ?? document.activeElement;
  const dialog = h('dialog', { class: `modal${wide ? ' modal-wide' : ''}`, 'aria-labelledby': titleId, 'data-testid': testid },
    h('div', { class: 'modal-inner' },
      h('header', { class: 'modal-header' },
        h('h2', { class: 'modal-title', id: titleId }, title),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('library.dialog.close'), 'data-testid': 'dialog-close', onclick: () => dialog.close() }, icon('close'))),
      h('div', { class: 'modal-body' }, body),
      actions && h('footer', { class: 'modal-actions' }, actions)));
  // A click on the dialog element itself (not its inner box) is a click on the backdrop.
  dialog.addEventListener('click', (e) => e.target === dialog && dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    const lost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
    if (lost && opener?.isConnected && opener !== document.body) opener.focus();
    onClose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { el: dialog, close: () => dialog.close() };
}

/**
 * Resolves to true when the person confirms. `message` (or `text`, the older name) is the
 * sentence; `details` optional extra nodes below it.
 */
export function confirmDialog({ title, message, text, details, confirmLabel = t('library.dialog.confirm'), cancelLabel = t('library.dialog.cancel'), danger = false, returnFocus, testid = 'confirm-dialog' }) {
  return new Promise((resolve) => {
    let answer = false;
    const ok = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'confirm' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'cancel' }, cancelLabel);
    const body = [h('p', { class: 'muted', 'data-testid': 'confirm-message' }, message ?? text), details];
    const dialog = openDialog({ title, body, actions: [cancel, ok], testid, returnFocus, onClose: () => resolve(answer) });
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    // A dangerous choice is not the default: Enter should not delete.
    (danger ? cancel : ok).focus();
  });
}

/**
 * A dialog around a form. `submit(values)` runs with the button busy; what it returns
 * resolves the promise and closes the dialog; a thrown ApiError shows inside the form.
 * Cancelling resolves to null.
 */
export function formDialog({ title, fields, submitLabel = t('library.dialog.save'), testid, submit, returnFocus, danger = false }) {
  return new Promise((resolve) => {
    let result = null;
    const alert = alertBox();
    const form = h('form', { class: 'form', 'data-testid': testid && `${testid}-form` }, alert.el, fields,
      h('div', { class: 'modal-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'dialog-cancel', onclick: () => dialog.close() }, t('library.dialog.cancel')),
        h('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'dialog-submit' }, submitLabel)));
    const dialog = openDialog({ title, body: form, testid, returnFocus, onClose: () => resolve(result) });
    onSubmit(form, alert, async (values) => {
      result = await submit(values, form);
      dialog.close();
    });
    form.querySelector('input:not([type=radio]):not([type=checkbox]), textarea')?.focus();
  });
}
