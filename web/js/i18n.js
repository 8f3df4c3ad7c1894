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

/** A translated message for a server error code (`NOT_FOUND`, `email_in_use`, …), else the fallback. */
export function errorMessage(code, fallback) {
  const key = `error.${code}`;
  return has(key) ? t(key) : fallback ?? t('error.generic');
}
