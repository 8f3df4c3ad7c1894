// Set a new password from a one-time link an administrator made (#/reset/<token>).
import { h } from '../dom.js';

export function resetPasswordView() {
  return h('main', { class: 'auth-page' }, h('h1', {}, 'Reset password'));
}
