// The catalogues agree: every key in one language exists in the other, with the same
// placeholders and, for plurals, every category the language needs. Runs without a browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import en from '../../web/js/i18n/en.js';
import ru from '../../web/js/i18n/ru.js';

const placeholders = (entry) => {
  const text = typeof entry === 'object' ? Object.values(entry).join(' ') : entry;
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
};

test('every English key has a Russian translation and the other way round', () => {
  const missingInRu = Object.keys(en).filter((k) => !(k in ru));
  const missingInEn = Object.keys(ru).filter((k) => !(k in en));
  assert.deepEqual(missingInRu, [], 'keys missing in ru.js');
  assert.deepEqual(missingInEn, [], 'keys missing in en.js');
});

test('translations keep the placeholders of the English text', () => {
  for (const [key, entry] of Object.entries(en)) {
    if (!(key in ru)) continue;
    assert.deepEqual(placeholders(ru[key]), placeholders(entry), `placeholders of ${key}`);
  }
});

test('plural entries have every form each language needs', () => {
  const needs = { en: new Intl.PluralRules('en').resolvedOptions().pluralCategories, ru: new Intl.PluralRules('ru').resolvedOptions().pluralCategories };
  for (const [lang, catalogue] of Object.entries({ en, ru })) {
    for (const [key, entry] of Object.entries(catalogue)) {
      if (typeof entry !== 'object') continue;
      for (const form of needs[lang]) assert.ok(typeof entry[form] === 'string', `${lang} ${key} lacks the "${form}" form`);
    }
  }
});

// ---------- the catalogue parts and the server's messages ----------
// en.js/ru.js spread three parts: the player's, the library's and their own (`core`). A key in
// two parts would silently take the later one's text, so each key belongs to one part.
import playerEn from '../../web/js/i18n/player.en.js';
import playerRu from '../../web/js/i18n/player.ru.js';
import libraryEn from '../../web/js/i18n/library.en.js';
import libraryRu from '../../web/js/i18n/library.ru.js';
import { core as coreEn } from '../../web/js/i18n/en.js';
import { core as coreRu } from '../../web/js/i18n/ru.js';
import SERVER_MESSAGES from '../../web/js/i18n/server-errors.js';
import * as i18n from '../../web/js/i18n.js';
import { count, longDuration, timeAgo } from '../../web/js/format.js';

test('no key is defined by two catalogue parts', () => {
  for (const [lang, parts] of Object.entries({ en: { player: playerEn, library: libraryEn, core: coreEn }, ru: { player: playerRu, library: libraryRu, core: coreRu } })) {
    const owner = new Map();
    for (const [part, entries] of Object.entries(parts)) {
      for (const key of Object.keys(entries)) {
        assert.ok(!owner.has(key), `${lang}: "${key}" is in both ${owner.get(key)} and ${part}`);
        owner.set(key, part);
      }
    }
  }
});

test('every code in src/error.rs has a message in both languages', async () => {
  const { readFile } = await import('node:fs/promises');
  const source = await readFile(new URL('../../src/error.rs', import.meta.url), 'utf8');
  const codes = [...source.matchAll(/=> "([A-Z_]+)",/g)].map((m) => m[1]);
  assert.ok(codes.includes('NOT_FOUND') && codes.length >= 8, `codes found: ${codes}`);
  for (const code of codes) {
    assert.equal(typeof en[`error.${code}`], 'string', `en error.${code}`);
    assert.equal(typeof ru[`error.${code}`], 'string', `ru error.${code}`);
  }
});

test('each server message pattern names a catalogue key', () => {
  for (const [pattern, key] of SERVER_MESSAGES) {
    assert.ok(pattern instanceof RegExp, String(pattern));
    assert.ok(key in en && key in ru, `${pattern} → ${key}`);
  }
});

// Real messages from src/ (a few per area): each must be recognised, so Russian shows Russian.
const SERVER_SAMPLES = [
  ['UNAUTHENTICATED', 'wrong email or password', 'Неверная почта или пароль.'],
  ['BAD_USER_INPUT', 'a password has at least 8 characters', 'Пароль должен быть не короче 8 символов.'],
  ['CONFLICT', 'an account with this email already exists', 'Аккаунт с этой почтой уже существует.'],
  ['BAD_USER_INPUT', 'that is you', 'Это вы.'],
  ['BAD_USER_INPUT', 'a label has 1 to 64 characters', 'Название — от 1 до 64 символов.'],
  ['CONFLICT', 'you have 21 app passwords; revoke one first', 'У вас уже 21 пароль приложения; сначала отзовите его.'],
  ['FORBIDDEN', 'this room does not let guests in; ask the host', 'Эта комната не пускает гостей; спросите ведущего.'],
  ['RATE_LIMITED', 'too many attempts; try again in 3 s', 'Слишком много попыток; повторите через 3 секунды.'],
  ['NOT_FOUND', 'room not found', 'Комната не найдена.'],
  ['FORBIDDEN', 'only the host controls this room', 'Этой комнатой управляет только ведущий.'],
];

test('server messages: English as sentences, Russian translated, unknown ones by code', () => {
  try {
    i18n.setLanguage('en');
    assert.equal(i18n.serverError('BAD_USER_INPUT', 'that is you'), 'That is you.');
    assert.equal(i18n.serverError('BAD_USER_INPUT', 'some new rule nobody translated'), 'Some new rule nobody translated.');
    assert.equal(i18n.serverError('INTERNAL', 'internal error'), en['error.INTERNAL']);
    // A message serverError() made beats the generic line for its code (errorMessage(code, err.message)).
    assert.equal(i18n.errorMessage('BAD_USER_INPUT', i18n.serverError('BAD_USER_INPUT', 'that is you')), 'That is you.');
    assert.equal(i18n.errorMessage('BAD_USER_INPUT', 'raw text'), en['error.BAD_USER_INPUT']);
    i18n.setLanguage('ru');
    for (const [code, message, expected] of SERVER_SAMPLES) assert.equal(i18n.serverError(code, message), expected, message);
    assert.equal(i18n.serverError('BAD_USER_INPUT', 'some new rule nobody translated'), ru['error.BAD_USER_INPUT']);
    assert.equal(i18n.serverError('CONFLICT', ''), ru['error.CONFLICT']);
  } finally {
    i18n.setLanguage('en');
  }
});

test('format.js speaks the current language', () => {
  const now = Date.parse('2025-11-26T12:00:00Z');
  try {
    i18n.setLanguage('en');
    assert.equal(timeAgo('2025-11-26T11:55:00Z', now), '5 minutes ago');
    assert.equal(timeAgo('2025-11-25T11:00:00Z', now), 'yesterday');
    assert.equal(longDuration(3900), '1 hr 5 min');
    assert.equal(count(3, 'rooms.guests'), '3 guests');
    assert.equal(count(1, 'guest'), '1 guest', 'the old (n, singular) form still works');
    i18n.setLanguage('ru');
    assert.equal(timeAgo('2025-11-26T11:55:00Z', now), '5 минут назад');
    assert.equal(timeAgo('2025-11-26T09:00:00Z', now), '3 часа назад');
    assert.equal(timeAgo('2025-11-25T11:00:00Z', now), 'вчера');
    assert.equal(longDuration(3900), '1 ч 5 мин');
    assert.equal(count(1, 'rooms.guests'), '1 гость');
    assert.equal(count(3, 'rooms.guests'), '3 гостя');
    assert.equal(count(5, 'rooms.guests'), '5 гостей');
    assert.equal(count(21, 'rooms.guests'), '21 гость');
  } finally {
    i18n.setLanguage('en');
  }
});

test('every #loginError= word the server sends has a message in both languages', async () => {
  const { readFile } = await import('node:fs/promises');
  const read = (file) => readFile(new URL(`../../src/${file}`, import.meta.url), 'utf8');
  const words = new Set([
    ...[...(await read('http/oauth.rs')).matchAll(/loginError=([a-z_]+)/g)].map((m) => m[1]),
    ...[...(await read('services/oauth.rs')).matchAll(/SignInRefusal::\w+ => "([a-z_]+)"/g)].map((m) => m[1]),
  ]);
  assert.ok(words.has('email_in_use') && words.size >= 8, `words found: ${[...words]}`);
  for (const word of words) {
    assert.equal(typeof en[`error.${word}`], 'string', `en error.${word}`);
    assert.equal(typeof ru[`error.${word}`], 'string', `ru error.${word}`);
  }
});

test('each server message pattern still matches a message in src/ (none went stale)', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const src = new URL('../../src/', import.meta.url);
  const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.rs'));
  const messages = new Set();
  for (const file of files) {
    const text = await readFile(new URL(file, src), 'utf8');
    for (const [, literal] of text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
      const message = literal.replace(/\{[^}]*\}/g, '7').replace(/\\'/g, "'");
      messages.add(message);
      messages.add(`${message} not found`); // AppError::not_found(what)
    }
  }
  const stale = SERVER_MESSAGES.filter(([pattern]) => ![...messages].some((m) => pattern.test(m))).map(([pattern]) => String(pattern));
  assert.deepEqual(stale, [], 'patterns that match no message in src/');
});
