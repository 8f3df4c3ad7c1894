// Room settings for the owner, the host or an admin (name, who can find it, who controls the
// music, guests) and closing the room; and, for everyone, this device's latency calibration.
import { confirmDialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import * as rooms from '../data/rooms.js';
import { h, mount } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { icon } from '../icons.js';
import { alertBox, onSubmit } from '../ui.js';
import { roomInput, roomSettingsFields } from '../views/rooms.js';
import { calibration, setCalibration } from './calibration.js';
import { CALIBRATION } from './sync.js';

export function settingsPanel(room, { onClosed }) {
  const alert = alertBox();
  const form = h('form', { class: 'form', 'data-testid': 'room-settings-form' });
  const close = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'close-room' }, icon('close', 'icon icon-sm'), t('roomsettings.close'));
  close.addEventListener('click', async () => {
    const ok = await confirmDialog({ title: t('roomsettings.closeTitle'), text: t('roomsettings.closeText'), confirmLabel: t('roomsettings.close'), danger: true });
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
    toast(t('roomsettings.saved'));
  });
  const el = h('section', { class: 'card room-settings', 'aria-labelledby': 'room-settings-title' },
    h('h2', { class: 'card-title', id: 'room-settings-title' }, icon('edit', 'icon icon-title'), t('roomsettings.title')),
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
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'room-settings-save' }, t('roomsettings.save'))));
  }
  update();
  return { el, update };
}

export function calibrationPanel(room) {
  const value = h('output', { class: 'room-calibration-value', 'data-testid': 'calibration-value' });
  const slider = h('input', { type: 'range', class: 'range room-calibration', min: CALIBRATION.min, max: CALIBRATION.max, step: CALIBRATION.step,
    value: calibration(), 'aria-label': t('calibration.label'), 'data-testid': 'calibration' });
  const show = () => {
    const v = Number(slider.value);
    value.textContent = t('calibration.ms', { ms: formatNumber(v, { signDisplay: 'exceptZero' }) });
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
    } }, t('calibration.reset'));
  const details = h('dl', { class: 'room-sync-stats', 'data-testid': 'sync-details' });
  const el = h('section', { class: 'card room-calibration-card', 'aria-labelledby': 'room-calibration-title' },
    h('h2', { class: 'card-title', id: 'room-calibration-title' }, icon('volume', 'icon icon-title'), t('calibration.title')),
    h('p', { class: 'muted room-calibration-text' }, t('calibration.text')),
    h('div', { class: 'room-calibration-row' }, slider, value, reset),
    h('details', { class: 'room-sync-details' }, h('summary', {}, t('calibration.details')), details));
  function update() {
    const s = room.engine.state();
    const rtt = room.clock.latestRtt;
    const n = (x, digits = 1) => formatNumber(x, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    const rows = [
      [t('roomsync.connection'), t(`roomsync.status.${room.status}`)],
      [t('roomsync.roundTrip'), rtt == null ? '—' : t('roomsync.roundTripValue', { ms: n(rtt), best: room.clock.bestRtt == null ? '?' : n(room.clock.bestRtt) })],
      [t('roomsync.drift'), t('roomsync.ppm', { n: n(room.clock.driftPpm) })],
      [t('roomsync.output'), s.mode === 'element' ? t('roomsync.outputElement') : s.mode === 'webaudio' ? t('roomsync.outputWebAudio', { ms: s.outputLatencyMs ?? '?' }) : '—'],
      [t('roomsync.lastError'), s.lastError == null ? '—' : t('calibration.ms', { ms: n(s.lastError) })],
      [t('roomsync.rate'), formatNumber(s.rate - 1, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 })],
      [t('roomsync.corrections'), t('roomsync.correctionsValue', { gentle: s.corrections, jumps: s.reschedules })],
    ];
    mount(details, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }
  show();
  update();
  const timer = setInterval(() => details.parentElement?.open && update(), 1000);
  return { el, update, stop: () => clearInterval(timer) };
}
