// Bringing people in: the join code, the link and its QR code (from the server's
// Room.joinQrSvg, shown as an image so no markup is parsed here).
import { toast } from '../components/toast.js';
import * as rooms from '../data/rooms.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';

export function joinLink(code) {
  return `${location.origin}/#/join/${encodeURIComponent(code)}`;
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied.`);
  } catch {
    toast(`Copy the ${what.toLowerCase()} by hand: ${text}`);
  }
}

export function sharePanel(room) {
  const code = h('code', { class: 'room-code', 'data-testid': 'room-code' });
  const link = h('input', { class: 'input room-link', readonly: true, 'aria-label': 'Join link', 'data-testid': 'room-link', onfocus: (e) => e.target.select() });
  const qr = h('div', { class: 'room-qr', 'data-testid': 'room-qr' });
  const el = h('section', { class: 'card room-share', 'aria-labelledby': 'room-share-title' },
    h('h2', { class: 'card-title', id: 'room-share-title' }, icon('link', 'icon icon-title'), 'Bring people in'),
    h('div', { class: 'room-code-row' },
      h('span', { class: 'field-label' }, 'Code'), code,
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Copy the code', title: 'Copy the code', 'data-testid': 'copy-code', onclick: () => copy(code.textContent, 'Code') }, icon('copy'))),
    h('div', { class: 'room-link-row' }, link,
      h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'copy-link', onclick: () => copy(link.value, 'Link') }, icon('copy', 'icon icon-sm'), 'Copy link')),
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
      qr.replaceChildren(h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: `QR code for joining ${room.room.name}`, width: 180, height: 180 }),
        h('p', { class: 'field-hint' }, 'Scan to join on a phone.'));
    }).catch(() => {});
  }

  update();
  return { el, update };
}
