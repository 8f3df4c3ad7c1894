// Modal dialogs on the native <dialog> element, which brings focus trapping, Escape and
// the inert background for free.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { alertBox, onSubmit } from '../ui.js';

let ids = 0;

/** Opens a modal; `body` and `actions` are nodes. Returns { el, close }. */
export function openDialog({ title, body, actions, testid, onClose }) {
  const titleId = `dialog-title-${++ids}`;
  const dialog = h('dialog', { class: 'modal', 'aria-labelledby': titleId, 'data-testid': testid },
    h('div', { class: 'modal-inner' },
      h('header', { class: 'modal-header' },
        h('h2', { class: 'modal-title', id: titleId }, title),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', 'data-testid': 'dialog-close', onclick: () => dialog.close() }, icon('close'))),
      h('div', { class: 'modal-body' }, body),
      actions && h('footer', { class: 'modal-actions' }, actions)));
  // A click on the dialog element itself (not its inner box) is a click on the backdrop.
  dialog.addEventListener('click', (e) => e.target === dialog && dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { el: dialog, close: () => dialog.close() };
}

/** Resolves to true when the person confirms. */
export function confirmDialog({ title, text, confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    let answer = false;
    const ok = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'confirm' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'cancel' }, 'Cancel');
    const dialog = openDialog({ title, body: h('p', { class: 'muted' }, text), actions: [cancel, ok], testid: 'confirm-dialog', onClose: () => resolve(answer) });
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    ok.focus();
  });
}

/**
 * A dialog around a form. `submit(values)` runs with the button busy; what it returns
 * resolves the promise and closes the dialog; a thrown ApiError shows inside the form.
 * Cancelling resolves to null.
 */
export function formDialog({ title, fields, submitLabel = 'Save', testid, submit }) {
  return new Promise((resolve) => {
    let result = null;
    const alert = alertBox();
    const form = h('form', { class: 'form', 'data-testid': testid && `${testid}-form` }, alert.el, fields,
      h('div', { class: 'modal-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => dialog.close() }, 'Cancel'),
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'dialog-submit' }, submitLabel)));
    const dialog = openDialog({ title, body: form, testid, onClose: () => resolve(result) });
    onSubmit(form, alert, async (values) => {
      result = await submit(values, form);
      dialog.close();
    });
    form.querySelector('input, textarea')?.focus();
  });
}
