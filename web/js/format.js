// Small formatting helpers for times, sizes and counts, in the current language (i18n.js).
import { formatDate, formatNumber, formatRelative, t } from './i18n.js';

/** 187.4 → "3:07"; 3723 → "1:02:03". Unknown or negative → "0:00". Same in every language. */
export function clock(seconds) {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A long duration in words: "42 min", "1 hr 5 min" / "42 мин", "1 ч 5 мин". */
export function longDuration(seconds) {
  if ((seconds || 0) < 60) return t('fmt.seconds', { n: formatNumber(Math.round(seconds || 0)) });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('fmt.minutes', { n: formatNumber(minutes) });
  const rest = minutes % 60;
  const hours = formatNumber(Math.floor(minutes / 60));
  return rest ? t('fmt.hoursMinutes', { h: hours, m: formatNumber(rest) }) : t('fmt.hours', { h: hours });
}

/**
 * "1 track", "3 tracks" / "3 трека". `what` is a catalogue key of a plural entry (`fmt.count.guest`);
 * an older caller's English word (`count(n, 'guest')`) works too, in English only.
 */
export function count(n, what, plural = `${what}s`) {
  if (/\./.test(what)) return t(what, { count: n });
  return `${formatNumber(n)} ${n === 1 ? what : plural}`;
}

export function bytes(n) {
  if (!Number.isFinite(n)) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const shown = formatNumber(value, { maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1, minimumFractionDigits: unit === 0 || value >= 100 ? 0 : 1 });
  return t(`fmt.bytes.${units[unit]}`, { n: shown });
}

/** A date and time ("26 Nov 2025, 14:05"), or "—" when there is none. */
export function dateTime(iso) {
  if (!iso) return '—';
  return formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }) || iso;
}

/** A stable hue (0–359) for a string, for generated artwork. */
export function hue(text = '') {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % 360;
}

/** How long ago, in words: "just now", "5 minutes ago", "3 hours ago", "yesterday", then the date. */
export function timeAgo(iso, now = Date.now()) {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const minutes = Math.floor(Math.max(0, now - then) / 60_000);
  if (minutes < 1) return t('fmt.justNow');
  if (minutes < 60) return formatRelative(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return formatRelative(-hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 7) return formatRelative(-days, 'day');
  return formatDate(iso, { dateStyle: 'medium' });
}
