// Controls the player bar and the phone's full-screen player share: icon buttons labelled
// from the catalogue (relabelled when the language changes), and the seek and volume
// sliders. The seek slider counts seconds, so its keys move by time (5 s an arrow, 30 s a
// page) and it reads out as "1:23 of 4:56"; the volume slider reads out as a percentage.
import { h } from '../dom.js';
import { clock } from '../format.js';
import { formatNumber, onLanguageChange, t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { toast } from './toast.js';

/* ---------- buttons ---------- */

export const REPEAT_KEYS = { off: 'player.repeatOff', all: 'player.repeatAll', one: 'player.repeatOne' };

/** An icon button whose label is a catalogue key, so it can be relabelled on a language change. */
export function iconButton(name, key, testid, onclick, extra = '') {
  const label = t(key);
  return h('button', { type: 'button', class: `icon-btn pb-btn ${extra}`.trim(), 'aria-label': label, title: label, 'data-testid': testid, 'data-label': key, onclick },
    icon(name));
}

/** Sets a button's label (aria-label and tooltip) from a catalogue key. */
export function relabel(button, key) {
  button.dataset.label = key;
  button.setAttribute('aria-label', t(key));
  button.title = t(key);
}

/** "Upcoming tracks shuffled." after shuffling, from any shuffle button. */
export function shuffleUpcoming() {
  player.shuffleUpcoming();
  toast(t('player.shuffled'));
}

/* ---------- sliders ---------- */

export const SEEK_STEP_S = 5;
export const SEEK_PAGE_S = 30;
const VOLUME_STEP = 0.05;
const VOLUME_PAGE = 0.2;

/** The filled part of a range track, drawn by CSS from this property. */
export function fill(range) {
  const min = Number(range.min) || 0;
  const max = Number(range.max) || 0;
  const share = max > min ? (Number(range.value) - min) / (max - min) : 0;
  range.style.setProperty('--fill', `${(Math.max(0, Math.min(1, share)) * 100).toFixed(2)}%`);
}

const plain = (e) => !e.altKey && !e.ctrlKey && !e.metaKey;

/**
 * A seek slider following the player. `onPreview(seconds | null)` hears where a drag would
 * land (null once it is let go), for a time label to follow the thumb.
 */
export function seekSlider({ testid, className = '', onPreview = () => {} }) {
  const el = h('input', { type: 'range', class: `range ${className}`.trim(), min: 0, max: 0, step: 'any', value: 0, 'data-testid': testid });
  let dragging = false;

  const describe = (at, duration) => el.setAttribute('aria-valuetext', t('player.seekValue', { position: clock(at), duration: clock(duration) }));
  const paint = ({ currentTime, duration }) => {
    el.max = String(duration > 0 ? duration : 0);
    el.disabled = !(duration > 0);
    if (dragging) return;
    el.value = String(Math.min(currentTime, duration || 0));
    describe(currentTime, duration);
    fill(el);
  };

  el.addEventListener('input', () => {
    dragging = true;
    const at = Number(el.value);
    describe(at, player.snapshot().duration);
    onPreview(at);
    fill(el);
  });
  el.addEventListener('change', () => {
    dragging = false;
    onPreview(null);
    player.seek(Number(el.value));
  });
  // Fingers: Chromium's range ignores a tap on its track and only drags the small thumb, so
  // a touch anywhere on the (tall) slider goes where it lands and follows the finger.
  const valueAt = (x) => {
    const box = el.getBoundingClientRect();
    const share = box.width > 0 ? Math.max(0, Math.min(1, (x - box.left) / box.width)) : 0;
    return share * (Number(el.max) || 0);
  };
  let touch = null;
  el.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch' || el.disabled) return;
    e.preventDefault();
    touch = e.pointerId;
    el.setPointerCapture?.(e.pointerId);
    el.value = String(valueAt(e.clientX));
    el.dispatchEvent(new Event('input'));
  });
  el.addEventListener('pointermove', (e) => {
    if (e.pointerId !== touch) return;
    el.value = String(valueAt(e.clientX));
    el.dispatchEvent(new Event('input'));
  });
  const release = (e) => {
    if (e.pointerId !== touch) return;
    touch = null;
    if (e.type === 'pointerup') el.dispatchEvent(new Event('change'));
    else {
      dragging = false;
      onPreview(null);
      paint(player.snapshot());
    }
  };
  el.addEventListener('pointerup', release);
  el.addEventListener('pointercancel', release);
  // The browser's own steps are a share of the range (a fraction of a second here).
  el.addEventListener('keydown', (e) => {
    if (!plain(e)) return;
    const steps = { ArrowRight: SEEK_STEP_S, ArrowUp: SEEK_STEP_S, ArrowLeft: -SEEK_STEP_S, ArrowDown: -SEEK_STEP_S, PageUp: SEEK_PAGE_S, PageDown: -SEEK_PAGE_S };
    const { currentTime, duration } = player.snapshot();
    let target = null;
    if (e.key in steps) target = currentTime + steps[e.key];
    else if (e.key === 'Home') target = 0;
    else if (e.key === 'End') target = duration;
    if (target === null) return;
    e.preventDefault();
    player.seek(Math.max(0, Math.min(target, duration)));
  });

  const label = () => el.setAttribute('aria-label', t('player.seek'));
  label();
  onLanguageChange(() => {
    label();
    paint(player.snapshot());
  });
  player.on('time', paint);
  player.on('track', paint);
  paint(player.snapshot());
  return el;
}

/** A volume slider following the player (muted reads as "Muted"). */
export function volumeSlider({ testid, className = '' }) {
  const el = h('input', { type: 'range', class: `range ${className}`.trim(), min: 0, max: 100, step: 1, 'data-testid': testid });
  const paint = ({ volume, muted }) => {
    el.value = String(Math.round((muted ? 0 : volume) * 100));
    el.setAttribute('aria-valuetext', muted ? t('player.muted') : formatNumber(volume, { style: 'percent', maximumFractionDigits: 0 }));
    fill(el);
  };
  el.addEventListener('input', () => {
    player.setVolume(Number(el.value) / 100);
    fill(el);
  });
  el.addEventListener('keydown', (e) => {
    if (!plain(e)) return;
    const steps = { ArrowRight: VOLUME_STEP, ArrowUp: VOLUME_STEP, ArrowLeft: -VOLUME_STEP, ArrowDown: -VOLUME_STEP, PageUp: VOLUME_PAGE, PageDown: -VOLUME_PAGE };
    if (!(e.key in steps)) return;
    e.preventDefault();
    player.changeVolume(steps[e.key]);
  });
  const label = () => el.setAttribute('aria-label', t('player.volume'));
  label();
  onLanguageChange(() => {
    label();
    paint(player.snapshot());
  });
  player.on('volume', paint);
  paint(player.snapshot());
  return el;
}
