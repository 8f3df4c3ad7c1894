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
