// A person in a list (avatar, name, @tag, actions), and the busy-while-working button the
// Friends page and the notification panel share.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { avatar } from '../layout.js';
import { busy } from '../ui.js';
import { toastError } from './toast.js';

export function personRow(user, { testid, actions = [], note } = {}) {
  return h('li', { class: 'person-row', 'data-testid': testid, 'data-user-id': user.id },
    avatar(user),
    h('div', { class: 'person-text' },
      h('span', { class: 'person-name' }, user.username),
      h('span', { class: 'person-tag muted' }, `@${user.tag}`, note && ` · ${note}`)),
    h('span', { class: 'person-actions' }, actions));
}

/**
 * A button that runs `work` with itself busy; a failure becomes a toast. Options:
 * `kind` (a .btn-* class), `iconName`, `label` (aria-label when the text is not enough).
 */
export function actionButton(text, testid, work, { kind = 'btn-outline', iconName, label } = {}) {
  const button = h('button', { type: 'button', class: `btn btn-sm ${kind}`, 'data-testid': testid, 'aria-label': label },
    iconName && icon(iconName, 'icon icon-sm'), text);
  button.addEventListener('click', async () => {
    try {
      await busy(button, work);
    } catch (err) {
      toastError(err);
    }
  });
  return button;
}

/** A quiet label where a button would be ("Friends", "You"). */
export function statusBadge(text, iconName) {
  return h('span', { class: 'badge person-status' }, iconName && icon(iconName, 'icon icon-sm'), text);
}
