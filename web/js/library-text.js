// Wording helpers for the library, playlist, upload and admin pages: counts with plural
// forms, durations, and a person-readable sentence for an error.
import { errorMessage, formatNumber, t } from './i18n.js';

/** "3 tracks", "3 трека": kind is track | album | artist | playlist | genre | favorite | file. */
export const countOf = (kind, n) => t(`library.count.${kind}`, { count: n ?? 0 });

/** A long duration in words: "42 min", "1 h 5 min". */
export function spokenDuration(seconds) {
  const total = Math.round(seconds || 0);
  if (total < 60) return t('library.duration.seconds', { s: formatNumber(total) });
  const minutes = Math.round(total / 60);
  if (minutes < 60) return t('library.duration.minutes', { m: formatNumber(minutes) });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? t('library.duration.hoursMinutes', { h: formatNumber(hours), m: formatNumber(rest) }) : t('library.duration.hours', { h: formatNumber(hours) });
}

/** A sentence from a server message ("this file is…" → "This file is…."), the last resort. */
function sentence(text) {
  const s = String(text ?? '').trim();
  if (!s) return null;
  const first = s[0].toUpperCase() + s.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/**
 * What to tell a person about a failure: the translation for its code (error.<CODE>), else the
 * server's own sentence tidied up; a bug (not an ApiError) is logged and gets the generic line.
 */
export function problem(err) {
  if (err?.name !== 'ApiError') {
    console.error(err);
    return t('error.generic');
  }
  return errorMessage(err.code, sentence(err.message) ?? t('error.generic'));
}

/** "1.2 MB": sizes with the language's number format. */
export function size(n) {
  if (!Number.isFinite(n)) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return t(`library.size.${units[unit]}`, { n: formatNumber(value, { maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1 }) });
}
