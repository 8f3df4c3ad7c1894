// Short-lived messages ("Added to Road trip") above the player bar.
import { h } from '../dom.js';
import { t } from '../i18n.js';

let host = null;

export function toast(text, kind = 'info') {
  if (!host?.isConnected) {
    host = h('div', { class: 'toasts' });
    document.body.append(host);
  }
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': 'toast' }, text);
  host.append(el);
  setTimeout(() => el.classList.add('toast-leaving'), kind === 'error' ? 6000 : 3200);
  setTimeout(() => el.remove(), kind === 'error' ? 6400 : 3600);
}

/** For catch blocks: ApiErrors carry a message for people; anything else is a bug. */
export function toastError(err) {
  if (err?.name !== 'ApiError') console.error(err);
  toast(err?.name === 'ApiError' ? err.message : t('error.generic'), 'error');
}
