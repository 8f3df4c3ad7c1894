// The listener's output-latency calibration for rooms (ms, this device only): how much later
// than the browser believes this device's sound actually reaches the ears (Bluetooth adds
// 100–300 ms that browsers often do not know about). Positive values make the room play
// earlier here.
import { clampCalibration } from './sync.js';

const KEY = 'soundroom.room.calibrationMs';
const listeners = new Set();
let value = read();

function read() {
  try {
    return clampCalibration(localStorage.getItem(KEY) ?? 0);
  } catch {
    return 0;
  }
}

export const calibration = () => value;

export function setCalibration(ms) {
  value = clampCalibration(ms);
  try {
    localStorage.setItem(KEY, String(value));
  } catch {
    /* remembered for this page only */
  }
  listeners.forEach((fn) => fn(value));
}

export function onCalibration(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
