// Keyboard shortcuts for the whole app: Space plays or pauses, ←/→ seek 5 s, Shift+←/→ go to
// the previous or next track, ↑/↓ change the volume, M mutes, / goes to the search box and
// ? lists all of this in a dialog.
//
// They stay out of the way: nothing happens while typing in a field, with Ctrl, Alt or Cmd
// held (those belong to the browser), inside a modal dialog or menu, or on a control that
// uses the key itself (Space on a button presses it, arrows move within a slider or list).
// The player keys only act once something is loaded; before that the page scrolls as usual.
import { openDialog } from './components/dialog.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import * as player from './player.js';

const SEEK_S = 5;
const VOLUME_STEP = 0.05;

// What the help lists, in order: the keys as shown (not translated) and the description's key.
const HELP = [
  [['Space'], 'shortcuts.playPause'],
  [['←', '→'], 'shortcuts.seek'],
  [['Shift', '←'], 'shortcuts.previous'],
  [['Shift', '→'], 'shortcuts.next'],
  [['↑', '↓'], 'shortcuts.volume'],
  [['M'], 'shortcuts.mute'],
  [['/'], 'shortcuts.search'],
  [['?'], 'shortcuts.help'],
];

let installed = false;
let helpOpen = false;

/** Installs the global key handler once at boot. */
export function installShortcuts() {
  if (installed) return;
  installed = true;
  document.addEventListener('keydown', onKey);
}

function typing(el) {
  if (!el || el === document.body) return false;
  if (el.isContentEditable) return true;
  return el.matches('input, textarea, select');
}

// Controls that use Space (press) or the arrows (move) themselves.
const SPACE_OWNERS = 'button, summary, [role=button], [role=checkbox], [role=switch], [role=menuitem], [role=option], [role=tab], [role=radio]';
const ARROW_OWNERS = '[role=slider], [role=listbox], [role=option], [role=menu], [role=menuitem], [role=tablist], [role=tab], [role=radiogroup], [role=radio], [role=grid], [role=tree]';

// A modal dialog or an open menu has the keyboard to itself (the full-screen player does not
// count: it is a bigger view of the player these keys drive).
function somethingModal() {
  return Boolean(document.querySelector('dialog[open], .menu:not([hidden])'));
}

function onKey(e) {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
  const target = e.target instanceof Element ? e.target : null;
  if (typing(target) || somethingModal()) return;
  const action = actionFor(e, target);
  if (!action) return;
  e.preventDefault();
  action();
}

function actionFor(e, target) {
  const key = e.key;
  // Layout-independent for the letter and the slash: a Russian layout has neither on those keys.
  if (key === '?' || (e.code === 'Slash' && e.shiftKey)) return e.repeat ? null : openHelp;
  if (key === '/' || (e.code === 'Slash' && !e.shiftKey)) return focusSearch() ? () => {} : null;

  const { track } = player.snapshot();
  if (!track) return null;
  const onArrowOwner = target?.closest(ARROW_OWNERS);
  switch (key) {
    case ' ':
    case 'Spacebar':
      if (e.repeat || e.shiftKey || target?.closest(SPACE_OWNERS)) return null;
      return player.toggle;
    case 'ArrowLeft':
    case 'ArrowRight': {
      if (onArrowOwner) return null;
      const forward = key === 'ArrowRight';
      if (e.shiftKey) return e.repeat ? null : forward ? player.next : player.previous;
      return () => player.seekBy(forward ? SEEK_S : -SEEK_S);
    }
    case 'ArrowUp':
    case 'ArrowDown':
      if (onArrowOwner || e.shiftKey) return null;
      return () => player.changeVolume(key === 'ArrowUp' ? VOLUME_STEP : -VOLUME_STEP);
    default:
      if ((e.code === 'KeyM' || key.toLowerCase() === 'm') && !e.repeat) return player.toggleMute;
      return null;
  }
}

/** Moves focus to the top bar's search box; false when the page has none. */
function focusSearch() {
  const input = document.querySelector('[data-testid=search-input]');
  if (!input || input.closest('[inert]') || !input.getClientRects().length) return false;
  input.focus();
  input.select();
  return true;
}

/** The list of shortcuts, as a dialog; Escape or its button closes it, focus goes back. */
export function openHelp() {
  if (helpOpen) return;
  helpOpen = true;
  const opener = document.activeElement;
  const keys = (names) => h('span', { class: 'kbd-keys' }, names.map((name) => h('kbd', { class: 'kbd' }, name === 'Space' ? t('shortcuts.space') : name)));
  const list = h('dl', { class: 'shortcut-list', 'data-testid': 'shortcut-list' },
    HELP.map(([names, key]) => h('div', { class: 'shortcut-row' }, h('dt', {}, keys(names)), h('dd', {}, t(key)))));
  const note = h('p', { class: 'muted shortcut-note' }, t('shortcuts.note'));
  openDialog({
    title: t('shortcuts.title'),
    body: [list, note],
    testid: 'shortcuts-help',
    onClose: () => {
      helpOpen = false;
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    },
  });
}
