// The UI in Russian (issue 12): a browser whose language is Russian gets a Russian Soundroom
// from the first page on. The test sets the server up and walks the main pages, and on each
// one no text node, aria-label, title, alt or placeholder may be an English catalogue string
// (en.js with the player's and the library's parts; strings longer than three characters that
// the Russian catalogue does not share). The fixture library's names are made-up words, so user
// data cannot look like a catalogue string. Then Profile switches to English, which redraws
// the page at once and sticks after a reload; "Sign out everywhere" asks in the app's own
// dialog (not the browser's confirm()) and ends the session on the server.
//
// A failure lists each English string found, with the page and the catalogue key.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import en from '../../web/js/i18n/en.js';
import ru from '../../web/js/i18n/ru.js';
import { consoleErrors, createAccount, expectVisible, serverAndBrowserWith, UI_TIMEOUT_MS } from './harness.mjs';
import { toneWav } from './wav.mjs';

const ARTIST = 'Zorblax';
const ALBUM = 'Kvarta Mundo';
const TRACKS = ['Tulpa Veer', 'Miro Dax'];
const ADMIN = { username: 'Ярослава', email: 'yarka@example.com', password: 'correct horse battery staple' };

const env = serverAndBrowserWith({
  serverArgs: async (dataDir) => {
    const album = path.join(dataDir, 'music', ARTIST, ALBUM);
    await mkdir(album, { recursive: true });
    for (const [i, name] of TRACKS.entries()) {
      await writeFile(path.join(album, `0${i + 1} - ${name}.wav`), toneWav({ seconds: 1, frequency: 330 + i * 110 }));
    }
    return ['--music-dir', path.join(dataDir, 'music')];
  },
});

// ---------- the English strings to look for ----------

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const forms = (entry) => (typeof entry === 'object' ? Object.values(entry) : [entry]);

/**
 * [{ key, text, pattern }] for every English string worth looking for: longer than three
 * characters without its placeholders, and not the same in Russian (brand names, "API", …).
 * Placeholders match anything, so "{name} is the host now." finds "Ben is the host now.".
 */
function englishStrings() {
  const list = [];
  for (const [key, entry] of Object.entries(en)) {
    const russian = new Set(forms(ru[key] ?? ''));
    for (const text of forms(entry)) {
      if (russian.has(text)) continue;
      const literal = text.replace(/\{\w+\}/g, '').trim();
      if (literal.length <= 3) continue;
      const source = text.split(/\{\w+\}/).map(escape).join('.+?');
      list.push({ key, text, pattern: new RegExp(`^${source}$`) });
    }
  }
  return list;
}

const ENGLISH = englishStrings();

/** The page's words: trimmed text nodes and the attributes people read or hear. */
function pageWords(page) {
  return page.evaluate(() => {
    const words = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement?.closest('script, style, svg') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text) words.push({ where: `text in <${node.parentElement.tagName.toLowerCase()} class="${node.parentElement.className}">`, text });
      // A sentence split over inline children (text + <a>) is checked whole too.
      const parent = node.parentElement;
      if (parent && parent.childNodes.length > 1 && !parent.dataset.seen) {
        parent.dataset.seen = '1';
        const whole = parent.textContent.replace(/\s+/g, ' ').trim();
        if (whole) words.push({ where: `text of <${parent.tagName.toLowerCase()} class="${parent.className}">`, text: whole });
      }
    }
    for (const el of document.querySelectorAll('[data-seen]')) delete el.dataset.seen;
    for (const el of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
      for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
        const value = el.getAttribute(name)?.trim();
        if (value) words.push({ where: `${name} of <${el.tagName.toLowerCase()}>`, text: value });
      }
    }
    words.push({ where: 'document.title', text: document.title.split(' · ')[0] });
    return words;
  });
}

/** The English catalogue strings on the page, as "key: text (where)". */
async function englishOnPage(page) {
  const found = new Set();
  for (const { where, text } of await pageWords(page)) {
    const hit = ENGLISH.find((s) => s.pattern.test(text));
    if (hit) found.add(`${hit.key}: "${text}" (${where})`);
  }
  return [...found];
}

/** Waits until the page has drawn its data: no visible spinner, skeleton or busy region left. */
async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    if (!main) return false;
    const busy = [...document.querySelectorAll('main .spinner, main .skeleton, main [aria-busy="true"], .splash')];
    return !busy.some((el) => el.checkVisibility());
  }, null, { timeout: UI_TIMEOUT_MS });
}

const PAGES = [
  ['home', '/home'],
  ['library: albums', '/library/albums'],
  ['library: artists', '/library/artists'],
  ['library: tracks', '/library/tracks'],
  ['favourites', '/favorites'],
  ['playlists', '/playlists'],
  ['friends', '/friends'],
  ['rooms', '/rooms'],
  ['profile', '/profile'],
  ['admin', '/admin'],
  ['upload', '/upload'],
  ['search', `/search?q=${encodeURIComponent('Tulpa')}`],
];

test('the catalogue lookup finds English strings, placeholders and all', () => {
  const hit = (text) => ENGLISH.find((s) => s.pattern.test(text))?.key;
  assert.ok(hit(en['rooms.title']), 'a plain string');
  assert.equal(hit('Ben is the host now.'), 'room.nowHost');
  assert.equal(hit(ru['rooms.title']), undefined);
  assert.equal(hit(TRACKS[0]), undefined, 'the fixture names are no catalogue strings');
  assert.equal(hit(ALBUM), undefined);
  assert.equal(hit(ARTIST), undefined);
});

test('a Russian browser gets Russian pages; Profile switches to English for good', { timeout: 240_000 }, async () => {
  const base = env.server.baseUrl;
  const context = await env.browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = consoleErrors(page);
  try {
    await page.goto(base);
    const setup = await expectVisible(page, 'setup-form');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
    const problems = [];
    const check = async (name) => {
      for (const line of await englishOnPage(page)) problems.push(`${name}: ${line}`);
    };
    await check('setup');
    await createAccount(setup, ADMIN);
    await expectVisible(page, 'profile-username');

    // A Russian sign-in page and a Russian server error, signed out.
    await page.getByTestId('signout').click();
    const signin = await expectVisible(page, 'signin-form');
    await check('sign-in');
    await signin.getByTestId('email').fill(ADMIN.email);
    await signin.getByTestId('password').fill('not the password');
    await signin.getByTestId('submit').click();
    const error = await expectVisibleError(page);
    assert.equal((await error.textContent()).trim(), ru['server.wrongCredentials'], 'the server’s "wrong email or password", in Russian');
    await check('sign-in error');
    await signin.getByTestId('password').fill(ADMIN.password);
    await signin.getByTestId('submit').click();
    await expectVisible(page, 'profile-username');

    for (const [name, route] of PAGES) {
      await page.goto(`${base}/#${route}`);
      await page.waitForFunction((r) => location.hash === `#${r}`, route);
      await settled(page);
      if (route.startsWith('/library/tracks')) await page.getByText(TRACKS[0]).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await check(name);
    }

    // A room of one's own: the create dialog, then the room page once it is live.
    await page.goto(`${base}/#/rooms`);
    await (await expectVisible(page, 'create-room')).click();
    const create = await expectVisible(page, 'create-room-dialog');
    await check('create room dialog');
    await create.getByTestId('room-name').fill('Vexa Lumo');
    await create.getByTestId('dialog-submit').click();
    await page.locator('[data-testid=room-page][data-status=live]').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByTestId('room-code').filter({ hasText: /^[A-Z0-9]{6}$/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    await check('room');
    await page.goto(`${base}/#/join/NOPE`);
    await expectVisibleError(page);
    await check('join with a bad code');

    // The profile's dialogs: signing out everywhere asks in the app's own dialog, in Russian.
    await page.goto(`${base}/#/profile`);
    await settled(page);
    await page.getByTestId('signout-everywhere').click();
    const dialog = await expectVisible(page, 'signout-everywhere-dialog');
    assert.equal((await dialog.getByTestId('confirm-message').textContent()).trim(), ru['profile.signOutEverywhereText']);
    await check('sign out everywhere dialog');
    await dialog.getByTestId('cancel').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    assert.ok(await page.getByTestId('profile-username').isVisible(), 'cancelling keeps you signed in');

    assert.deepEqual(problems, [], `English strings on the Russian pages:\n${problems.join('\n')}`);

    // Switching to English redraws the page now, and a reload keeps it.
    const heading = page.locator('.card-title', { hasText: ru['profile.appearance'] });
    await heading.waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByTestId('language-select').focus();
    await page.getByTestId('language-select').selectOption('en');
    await page.locator('.card-title', { hasText: en['profile.appearance'] }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'language-select', 'focus stays on the switch');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByTestId('language-select').inputValue(), 'en');
    assert.match(await page.title(), new RegExp(`^${en['route.profile']} · `));
    await page.reload();
    await page.locator('.card-title', { hasText: en['profile.appearance'] }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.getByTestId('nav-rooms').textContent(), en['nav.rooms']);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

    // Confirming in the app's dialog signs out everywhere: the stored refresh token is dead.
    const refreshToken = await page.evaluate(() => localStorage.getItem('soundroom.refreshToken'));
    assert.ok(refreshToken, 'signed in with a stored refresh token');
    await page.getByTestId('signout-everywhere').click();
    await (await expectVisible(page, 'signout-everywhere-dialog')).getByTestId('confirm').click();
    await expectVisible(page, 'signin-form');
    assert.equal((await page.getByTestId('notice').textContent()).trim(), en['profile.signedOutEverywhere']);
    const refreshed = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'mutation R($t: String!) { refreshToken(refreshToken: $t) { accessToken } }', variables: { t: refreshToken } }) }).then((r) => r.json());
    assert.equal(refreshed.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', `the old session is over: ${JSON.stringify(refreshed)}`);
    assert.deepEqual(errors, [], 'no console errors');
  } catch (err) {
    const shot = path.join(env.dataDir, '..', 'soundroom-e2e-i18n-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    err.message += `\n(screenshot: ${shot})`;
    throw err;
  } finally {
    await context.close();
  }
});

/** The page's error alert, once it shows. */
async function expectVisibleError(page) {
  const error = page.getByTestId('error');
  await error.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  return error;
}
