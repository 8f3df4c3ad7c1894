// Translation: one catalogue per language (web/js/i18n/<lang>.js), chosen from the browser's
// languages unless the person picked one in their profile. Strings never contain markup.
//
//   t('nav.home')                          → "Home"
//   t('upload.done', { name: 'a.flac' })   → "a.flac uploaded"      ({name} placeholders)
//   t('tracks.count', { count: 3 })        → "3 tracks"             (plural forms by Intl)
//
// A plural entry is an object of Intl.PluralRules categories: { one, few, many, other }; `{count}`
// inside it is the number formatted for the language.
import en from './i18n/en.js';
import ru from './i18n/ru.js';
import SERVER_MESSAGES from './i18n/server-errors.js';

export const LANGUAGES = { en: 'English', ru: 'Русский' };
const CATALOGUES = { en, ru };
const KEY = 'soundroom.language';

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The language to use: the saved choice, else the first supported browser language, else English. */
export function detectLanguage(saved = stored(), preferred = globalThis.navigator?.languages ?? []) {
  if (saved && CATALOGUES[saved]) return saved;
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (CATALOGUES[base]) return base;
  }
  return 'en';
}

let current = detectLanguage();
let plurals = new Intl.PluralRules(current);
const listeners = new Set();
if (globalThis.document) document.documentElement.lang = current;

export function language() {
  return current;
}

/** Switches the language, remembers it on this device and tells listeners (the app re-renders). */
export function setLanguage(lang) {
  if (!CATALOGUES[lang] || lang === current) return;
  current = lang;
  plurals = new Intl.PluralRules(lang);
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  if (globalThis.document) document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function lookup(key) {
  return CATALOGUES[current][key] ?? en[key];
}

/** The string for `key` in the current language; the key itself when no catalogue has it. */
export function t(key, vars = {}) {
  let entry = lookup(key);
  if (entry === undefined) return key;
  if (typeof entry === 'object') {
    const n = Number(vars.count ?? 0);
    entry = entry[plurals.select(n)] ?? entry.other;
    vars = { ...vars, count: formatNumber(n) };
  }
  return entry.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Whether a catalogue has the key (for optional strings such as server error codes). */
export function has(key) {
  return lookup(key) !== undefined;
}

export function formatNumber(n, options) {
  return new Intl.NumberFormat(current, options).format(n);
}

export function formatDate(value, options = { dateStyle: 'medium' }) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? '' : new Intl.DateTimeFormat(current, options).format(date);
}

/** "5 minutes ago", "вчера": relative time in the current language. */
export function formatRelative(value, unit) {
  return new Intl.RelativeTimeFormat(current, { numeric: 'auto' }).format(value, unit);
}

/** "that is you" → "That is you.": a server phrase tidied into a sentence. */
export function sentence(text) {
  const trimmed = String(text ?? '').trim();
  if (!trimmed) return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

// Messages already made for people by serverError() (specific, in the current language). When
// a caller later asks errorMessage(code, thatMessage), the specific message beats the generic
// line for its code.
const made = new Set();

/**
 * A translated message for a server error code (`NOT_FOUND`, `email_in_use`, …), else the
 * fallback. A fallback that serverError() made (the ApiError's own message) wins over the code.
 */
export function errorMessage(code, fallback) {
  // (A caller may have tidied it with a full stop of its own.)
  if (fallback && (made.has(fallback) || made.has(String(fallback).replace(/\.$/, '')))) return fallback;
  const key = `error.${code}`;
  return has(key) ? t(key) : fallback ?? t('error.generic');
}

/**
 * What to tell a person about an error the server sent as `code` + an English `message`: the
 * translation of that message when it is a known one, else in English the message as a
 * sentence, else the translation for the code.
 */
export function serverError(code, message) {
  let text = null;
  const raw = String(message ?? '').trim();
  if (code !== 'INTERNAL') {
    for (const [pattern, key] of SERVER_MESSAGES) {
      const m = pattern.exec(raw);
      if (!m) continue;
      const vars = { ...m.groups };
      if (vars.count !== undefined) vars.count = Number(vars.count);
      text = t(key, vars);
      break;
    }
    if (text === null && current === 'en' && raw) text = sentence(raw);
  }
  text ??= has(`error.${code}`) ? t(`error.${code}`) : t('error.generic');
  made.add(text);
  return text;
}
