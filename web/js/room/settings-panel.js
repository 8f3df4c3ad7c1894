// Room settings for the owner, the host or an admin (name, who can find it, who controls the
// music, guests) and closing the room; and, for everyone, this device's latency calibration.
import { confirmDialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import * as rooms from '../data/rooms.js';
import { h, mount } from '../dom.js';
import { icon } from '../icons.js';
import { alertBox, onSubmit } from '../ui.js';
import { roomInput, roomSettingsFields } from '../views/rooms.js';
import { calibration, setCalibration } from './calibration.js';
import { CALIBRATION } from './sync.js';

export function settingsPanel(room, { onClosed }) {
  const alert = alertBox();
  const form = h('form', { class: 'form', 'data-testid': 'room-settings-form' });
  const close = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'close-room' }, icon('close', 'icon icon-sm'), 'Close room');
  close.addEventListener('click', async () => {
    const ok = await confirmDialog({ title: 'Close this room?', text: 'Everyone in it is sent out and the room is gone for good.', confirmLabel: 'Close room', danger: true });
    if (!ok) return;
    try {
      await rooms.closeRoom(room.roomId);
      onClosed();
    } catch (err) {
      toast(err.message, 'error');
    }
  });
  onSubmit(form, alert, async (values) => {
    await rooms.updateRoom(room.roomId, roomInput(values));
    toast('Room settings saved.');
  });
  const el = h('section', { class: 'card room-settings', 'aria-labelledby': 'room-settings-title' },
    h('h2', { class: 'card-title', id: 'room-settings-title' }, icon('edit', 'icon icon-title'), 'Room settings'),
    form, h('div', { class: 'room-danger' }, close));

  let shown = null;
  function update() {
    el.hidden = !room.mayManage;
    const r = room.room;
    const key = r ? JSON.stringify([r.name, r.visibility, r.controlMode, r.allowGuests]) : null;
    // Redraw only when the settings changed (not while someone types).
    if (!r || key === shown || form.contains(document.activeElement)) return;
    shown = key;
    mount(form, alert.el, roomSettingsFields(r),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'room-settings-save' }, 'Save')));
  }
  update();
  return { el, update };
}

export function calibrationPanel(room) {
  const value = h('output', { class: 'room-calibration-value', 'data-testid': 'calibration-value' });
  const slider = h('input', { type: 'range', class: 'range room-calibration', min: CALIBRATION.min, max: CALIBRATION.max, step: CALIBRATION.step,
    value: calibration(), 'aria-label': 'Audio delay of this device, in milliseconds', 'data-testid': 'calibration' });
  const show = () => {
    const v = Number(slider.value);
    value.textContent = v === 0 ? '0 ms' : `${v > 0 ? '+' : ''}${v} ms`;
    slider.style.setProperty('--fill', `${((v - CALIBRATION.min) / (CALIBRATION.max - CALIBRATION.min)) * 100}%`);
  };
  slider.addEventListener('input', () => {
    setCalibration(slider.value);
    show();
  });
  const reset = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'calibration-reset',
    onclick: () => {
      slider.value = '0';
      setCalibration(0);
      show();
    } }, 'Reset');
  const details = h('dl', { class: 'room-sync-stats', 'data-testid': 'sync-details' });
  const el = h('section', { class: 'card room-calibration-card', 'aria-labelledby': 'room-calibration-title' },
    h('h2', { class: 'card-title', id: 'room-calibration-title' }, icon('volume', 'icon icon-title'), 'Audio delay on this device'),
    h('p', { class: 'muted room-calibration-text' },
      'If this device sounds late next to the others, move the slider right until you hear them together. Bluetooth headphones and speakers ',
      'often add 100–300 ms that the browser does not know about. Saved on this device only.'),
    h('div', { class: 'room-calibration-row' }, slider, value, reset),
    h('details', { class: 'room-sync-details' }, h('summary', {}, 'Sync details'), details));
  function update() {
    const s = room.engine.state();
    const rtt = room.clock.latestRtt;
    const rows = [
      ['Connection', room.status],
      ['Round trip', rtt == null ? '—' : `${rtt.toFixed(1)} ms (best ${room.clock.bestRtt?.toFixed(1)} ms)`],
      ['Clock drift', `${room.clock.driftPpm.toFixed(1)} ppm`],
      ['Output', s.mode === 'element' ? 'audio element (fallback)' : s.mode === 'webaudio' ? `Web Audio, ${s.outputLatencyMs ?? '?'} ms output latency` : '—'],
      ['Last error', s.lastError == null ? '—' : `${s.lastError.toFixed(1)} ms`],
      ['Rate', `${((s.rate - 1) * 100).toFixed(2)} %`],
      ['Corrections', `${s.corrections} gentle, ${s.reschedules} jumps`],
    ];
    mount(details, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }
  show();
  update();
  const timer = setInterval(() => details.parentElement?.open && update(), 1000);
  return { el, update, stop: () => clearInterval(timer) };
}
