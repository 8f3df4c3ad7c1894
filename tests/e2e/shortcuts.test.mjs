// The keyboard shortcuts in a real browser: Space, ←/→, Shift+←/→, ↑/↓, M, / and ?, and that
// they leave typing and Ctrl/Alt/Cmd combinations alone.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createAccount, expectVisible, graphql, serverAndBrowser, UI_TIMEOUT_MS, uploadTrackFile } from './harness.mjs';
import { toneWav } from './wav.mjs';

const ADA = { username: 'Ada', email: 'ada@example.com', password: 'correct horse battery staple' };
const TRACKS = ['Alpha Tone', 'Beta Tone'];

const env = serverAndBrowser();

test('keyboard shortcuts drive the player, search and help, and stay out of typing', { timeout: 180_000 }, async () => {
  const base = env.server.baseUrl;
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(base);
    await createAccount(await expectVisible(page, 'setup-form'), ADA);
    await expectVisible(page, 'profile-username');
    const { login } = await graphql(base, `mutation($email: String!, $password: String!) {
      login(email: $email, password: $password) { ... on AuthPayload { accessToken } } }`, { email: ADA.email, password: ADA.password });
    for (const [i, name] of TRACKS.entries()) {
      await uploadTrackFile(base, login.accessToken, `${name}.wav`, toneWav({ seconds: 60, frequency: 330 + i * 110, sampleRate: 8000 }));
    }

    // Before anything plays, Space is the page's (it scrolls); nothing breaks.
    await page.goto(`${base}/#/library/tracks`);
    const row = page.getByTestId('track-row').filter({ hasText: 'Alpha Tone' });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    await row.getByTestId('track-title').click();
    await waitFor(page, (a) => a.currentTime > 0 && !a.paused, 'playing');
    await blur(page);

    // Space pauses and plays.
    await page.keyboard.press('Space');
    await waitFor(page, (a) => a.paused, 'paused by Space');
    await page.keyboard.press('Space');
    await waitFor(page, (a) => !a.paused, 'playing again after Space');
    await page.keyboard.press('Space');
    await waitFor(page, (a) => a.paused, 'paused again');

    // ←/→ seek 5 s; Ctrl+→ is the browser's.
    const start = await audio(page, (a) => a.currentTime);
    await page.keyboard.press('ArrowRight');
    await waitFor(page, (a, s) => Math.abs(a.currentTime - (s + 5)) < 0.5, '5 s forward', start);
    await page.keyboard.press('ArrowRight');
    await waitFor(page, (a, s) => Math.abs(a.currentTime - (s + 10)) < 0.5, '10 s forward', start);
    await page.keyboard.press('ArrowLeft');
    await waitFor(page, (a, s) => Math.abs(a.currentTime - (s + 5)) < 0.5, 'back 5 s', start);
    await page.keyboard.press('Control+ArrowRight');
    await page.keyboard.press('Alt+ArrowRight');
    assert.ok(Math.abs((await audio(page, (a) => a.currentTime)) - (start + 5)) < 0.5, 'Ctrl/Alt+→ moved the position');

    // ↑/↓ volume, M mute.
    const volume = await audio(page, (a) => a.volume);
    await page.keyboard.press('ArrowDown');
    await waitFor(page, (a, v) => Math.abs(a.volume - (v - 0.05)) < 0.001, 'quieter', volume);
    await page.keyboard.press('ArrowUp');
    await waitFor(page, (a, v) => Math.abs(a.volume - v) < 0.001, 'louder', volume);
    await page.keyboard.press('m');
    await waitFor(page, (a) => a.muted, 'muted');
    await page.keyboard.press('m');
    await waitFor(page, (a) => !a.muted, 'unmuted');

    // Shift+→ next track, Shift+← previous (within the first seconds of a track).
    await page.keyboard.press('Shift+ArrowRight');
    await expectTitle(page, 'Beta Tone');
    await page.keyboard.press('Shift+ArrowLeft');
    await expectTitle(page, 'Alpha Tone');
    await page.keyboard.press('Space');
    await waitFor(page, (a) => a.paused, 'paused');

    // `/` goes to the search box without typing a slash; typing there is just typing.
    await page.keyboard.press('/');
    const input = page.getByTestId('search-input');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'search-input', null, { timeout: UI_TIMEOUT_MS });
    assert.equal(await input.inputValue(), '');
    await page.keyboard.type('m ?');
    assert.equal(await input.inputValue(), 'm ?');
    assert.equal(await audio(page, (a) => a.muted), false, 'M muted while typing');
    assert.equal(await audio(page, (a) => a.paused), true, 'Space played while typing');
    assert.equal(await page.getByTestId('shortcuts-help').count(), 0, '? opened the help while typing');
    await input.fill('');
    await input.press('Escape');

    // `?` opens the list as a dialog; Escape closes it and focus goes back.
    await page.getByTestId('player-next').focus();
    await page.keyboard.press('Shift+Slash');
    const help = await expectVisible(page, 'shortcuts-help');
    assert.equal(await help.evaluate((d) => d.tagName === 'DIALOG' && d.open && d.matches(':modal')), true, 'the help is a modal dialog');
    assert.ok(await help.getAttribute('aria-labelledby'), 'the dialog is labelled');
    const rows = await help.locator('.shortcut-row').allTextContents();
    assert.equal(rows.length, 8, `the help lists ${rows.length} shortcuts`);
    // Inside the dialog the player keys do nothing.
    await page.keyboard.press('m');
    assert.equal(await audio(page, (a) => a.muted), false, 'M muted behind the dialog');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'player-next', 'focus went back');
  } catch (err) {
    const shot = path.join(tmpdir(), 'soundroom-e2e-shortcuts-failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    err.message += `\n(screenshot: ${shot})`;
    throw err;
  } finally {
    await page.close();
  }
});

// ---------- helpers ----------

/** Focus on nothing in particular, as after clicking an empty part of the page. */
const blur = (page) => page.evaluate(() => document.activeElement?.blur());

const audio = (page, fn) => page.getByTestId('audio').evaluate(fn);

/** Waits until `predicate(audio, arg)` holds in the page (polled: the page's CSP forbids eval). */
async function waitFor(page, predicate, what, arg = null) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (!(await page.getByTestId('audio').evaluate(predicate, arg))) {
    if (Date.now() > deadline) {
      assert.fail(`not ${what}: ${JSON.stringify(await audio(page, (a) => ({ t: a.currentTime, paused: a.paused, volume: a.volume, muted: a.muted })))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectTitle(page, name) {
  await page.waitForFunction((want) => document.querySelector('[data-testid=player-title]')?.textContent.trim() === want, name, { timeout: UI_TIMEOUT_MS })
    .catch(async () => assert.fail(`expected ${name} in the player, found ${await page.getByTestId('player-title').textContent()}`));
}
