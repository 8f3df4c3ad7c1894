// #/join/<code>: the link (and QR code) a room shares. Signed in, it finds the room by its
// code and goes in. Signed out, it asks for a name and joins as a guest when the room allows
// guests; when it does not, it sends the visitor to sign in and brings them back here.
import * as rooms from '../data/rooms.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { authLayout } from '../layout.js';
import { guestPass, setGuestPass } from '../room/guest.js';
import * as store from '../store.js';
import { alertBox, field, onSubmit, submitButton } from '../ui.js';

export function joinView(ctx) {
  const code = rooms.normalizeCode(ctx.params.code);
  const alert = alertBox();
  const valid = rooms.CODE_PATTERN.test(code);

  if (store.user()) {
    const status = h('div', { class: 'spinner', role: 'status', 'aria-label': t('join.finding') });
    const page = authLayout({ title: t('join.joining', { code }), subtitle: t('join.findingText') }, alert.el, status,
      h('p', { class: 'auth-footer' }, h('a', { href: '#/rooms' }, t('join.allRooms'))));
    if (!valid) {
      status.remove();
      alert.show(t('join.notACode'));
      return page;
    }
    let gone = false;
    ctx.onCleanup(() => {
      gone = true;
    });
    rooms.roomByCode(code).then((room) => {
      if (gone) return;
      if (room) ctx.redirect(`/room/${encodeURIComponent(room.id)}`);
      else {
        status.remove();
        alert.show(t('join.noRoom'));
      }
    }).catch((err) => {
      if (gone) return;
      status.remove();
      alert.show(err.message);
    });
    return page;
  }

  // Signed out: back into a room this tab already joined as a guest?
  const pass = guestPass();
  if (pass && pass.code === code) {
    queueMicrotask(() => ctx.redirect(`/room/${encodeURIComponent(pass.roomId)}`));
  }

  const form = h('form', { class: 'form', 'data-testid': 'guest-form' },
    alert.el,
    field({ label: t('join.yourName'), name: 'name', required: true, maxlength: 32, autocomplete: 'nickname', 'data-testid': 'guest-name',
      hint: t('join.yourNameHint') }),
    submitButton(t('join.asGuest'), 'guest-join'));
  const signIn = h('a', { href: '#/signin', class: 'btn btn-outline btn-block', 'data-testid': 'join-signin' }, t('join.signInInstead'));
  signIn.addEventListener('click', (e) => {
    e.preventDefault();
    ctx.requireSignIn(`/join/${code}`);
  });
  if (!valid) alert.show(t('join.notACode'));
  onSubmit(form, alert, async ({ name }) => {
    if (!valid) throw Object.assign(new Error(t('join.notACodeShort')), { name: 'ApiError' });
    let pass;
    try {
      pass = await rooms.joinRoomAsGuest(code, String(name).trim());
    } catch (err) {
      if (err.name !== 'ApiError' || ['BAD_USER_INPUT', 'NOT_FOUND', 'NETWORK', 'RATE_LIMITED', 'INTERNAL'].includes(err.code)) throw err;
      // The room takes no guests: sign in, then come back here.
      store.setFlash('info', `${err.message} ${t('join.signInToJoin', { code })}`);
      ctx.requireSignIn(`/join/${code}`);
      return;
    }
    setGuestPass({ ...pass, code });
    ctx.navigate(`/room/${encodeURIComponent(pass.roomId)}`);
  });
  return h('div', { 'data-testid': 'join-page' }, authLayout({ title: t('join.title'), subtitle: t('join.subtitle', { code }) },
    form,
    h('div', { class: 'divider' }, h('span', {}, t('auth.or'))),
    signIn));
}
