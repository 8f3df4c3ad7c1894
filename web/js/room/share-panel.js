// Bringing people in: the join code, the link and its QR code (from the server's
// Room.joinQrSvg, shown as an image so no markup is parsed here).
import { toast } from '../components/toast.js';
import * as rooms from '../data/rooms.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

export function joinLink(code) {
  return `${location.origin}/#/join/${encodeURIComponent(code)}`;
}

/** `what`: code or link (roomshare.copied.<what>, roomshare.byHand.<what>). */
async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t(`roomshare.copied.${what}`));
  } catch {
    toast(t(`roomshare.byHand.${what}`, { text }));
  }
}

export function sharePanel(room) {
  const code = h('code', { class: 'room-code', 'data-testid': 'room-code' });
  const link = h('input', { class: 'input room-link', readonly: true, 'aria-label': t('roomshare.link'), 'data-testid': 'room-link', onfocus: (e) => e.target.select() });
  const qr = h('div', { class: 'room-qr', 'data-testid': 'room-qr' });
  const el = h('section', { class: 'card room-share', 'aria-labelledby': 'room-share-title' },
    h('h2', { class: 'card-title', id: 'room-share-title' }, icon('link', 'icon icon-title'), t('roomshare.title')),
    h('div', { class: 'room-code-row' },
      h('span', { class: 'field-label' }, t('roomshare.code')), code,
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('roomshare.copyCode'), title: t('roomshare.copyCode'), 'data-testid': 'copy-code', onclick: () => copy(code.textContent, 'code') }, icon('copy'))),
    h('div', { class: 'room-link-row' }, link,
      h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'copy-link', onclick: () => copy(link.value, 'link') }, icon('copy', 'icon icon-sm'), t('roomshare.copyLink'))),
    qr);

  let shownCode = null;
  function update() {
    const c = room.room?.code;
    if (!c || c === shownCode) return;
    shownCode = c;
    code.textContent = c;
    link.value = joinLink(c);
    qr.replaceChildren();
    if (room.you?.guest) return; // guests have no GraphQL access
    rooms.joinQrSvg(room.roomId, location.origin).then((svg) => {
      if (!svg || shownCode !== c) return;
      qr.replaceChildren(h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: t('roomshare.qrAlt', { name: room.room.name }), width: 180, height: 180 }),
        h('p', { class: 'field-hint' }, t('roomshare.scan')));
    }).catch(() => {});
  }

  update();
  return { el, update };
}
