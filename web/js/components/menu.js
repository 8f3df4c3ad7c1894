// A pop-up menu anchored to a button (a bottom sheet on phones). One at a time; closes on
// a choice, Escape, a click elsewhere, or navigation.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

let current = null;

/**
 * items: { label, icon, action, testid, danger } objects, '-' for a separator; falsy entries
 * are skipped, so callers can write `cond && item`.
 */
export function openMenu(anchor, items, { label = t('library.menu.actions') } = {}) {
  closeMenu();
  const buttons = [];
  const el = h('div', { class: 'menu', role: 'menu', 'aria-label': label, 'data-testid': 'menu' },
    items.filter(Boolean).map((item) => {
      if (item === '-') return h('div', { class: 'menu-sep', role: 'separator' });
      const button = h('button', { type: 'button', role: 'menuitem', tabindex: '-1', class: `menu-item${item.danger ? ' menu-danger' : ''}`, 'data-testid': item.testid },
        item.icon && icon(item.icon, 'icon icon-sm'), h('span', {}, item.label));
      button.addEventListener('click', () => {
        // Focus goes back to the menu's button first, so a dialog the choice opens returns
        // focus there when it closes (not to <body>, where the removed menu would leave it).
        closeMenu(true);
        item.action();
      });
      buttons.push(button);
      return button;
    }));
  const sheet = matchMedia('(max-width: 720px)').matches;
  const backdrop = sheet ? h('div', { class: 'menu-backdrop' }) : null;
  document.body.append(...[backdrop, el].filter(Boolean));
  if (sheet) el.classList.add('menu-sheet');
  else place(el, anchor);
  anchor.setAttribute('aria-expanded', 'true');
  el.addEventListener('keydown', (e) => keys(e, buttons));
  const outside = (e) => {
    if (!el.contains(e.target) && !anchor.contains(e.target)) closeMenu(false);
  };
  document.addEventListener('pointerdown', outside, true);
  current = { el, anchor, backdrop, outside };
  buttons[0]?.focus();
}

/** `refocus`: give focus back to the button that opened it (after Escape, say). */
export function closeMenu(refocus = false) {
  if (!current) return;
  const { el, anchor, backdrop, outside } = current;
  current = null;
  document.removeEventListener('pointerdown', outside, true);
  el.remove();
  backdrop?.remove();
  anchor.setAttribute('aria-expanded', 'false');
  if (refocus && anchor.isConnected) anchor.focus();
}

function place(el, anchor) {
  const rect = anchor.getBoundingClientRect();
  const { offsetWidth: width, offsetHeight: height } = el;
  const below = rect.bottom + 4 + height <= window.innerHeight - 8;
  el.style.top = `${below ? rect.bottom + 4 : Math.max(8, rect.top - height - 4)}px`;
  el.style.left = `${Math.min(Math.max(8, rect.right - width), window.innerWidth - width - 8)}px`;
}

function keys(event, buttons) {
  const at = buttons.indexOf(document.activeElement);
  const go = (i) => buttons[(i + buttons.length) % buttons.length]?.focus();
  switch (event.key) {
    case 'ArrowDown': go(at + 1); break;
    case 'ArrowUp': go(at - 1); break;
    case 'Home': go(0); break;
    case 'End': go(buttons.length - 1); break;
    case 'Escape': closeMenu(true); break;
    case 'Tab': closeMenu(false); return;
    default: return;
  }
  event.preventDefault();
}

window.addEventListener('resize', () => closeMenu(false));
