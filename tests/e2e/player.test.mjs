// The player in a real browser: the seek and volume sliders speak in seconds and percent, the
// desktop queue drawer leaves the page usable and closes on navigation, the search box stays
// closed after Escape and forgets a chosen result, and on a phone the mini player sits flush
// on the navigation bar and opens a full-screen player (seek target, every button, heart,
// swipes, Escape).
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createAccount, expectVisible, graphql, serverAndBrowser, UI_TIMEOUT_MS, uploadTrackFile } from './harness.mjs';
import { toneWav } from './wav.mjs';

const ADA = { username: 'Ada', email: 'ada@example.com', password: 'correct horse battery staple' };
const TRACKS = ['Alpha Tone', 'Beta Tone', 'Gamma Tone'];
const LENGTH_S = 90;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const env = serverAndBrowser();
let token = null;
let ready = null;

// Once per file, from the first test (the harness's own hooks start the server): Ada's
// account and three tracks.
const setUp = () => (ready ??= (async () => {
  const base = env.server.baseUrl;
  const page = await env.browser.newPage();
  await page.goto(base);
  await createAccount(await expectVisible(page, 'setup-form'), ADA);
  await expectVisible(page, 'profile-username');
  await page.close();
  token = (await login(base)).accessToken;
  // 90-second tones at a low sample rate: long enough to seek around in, small to upload.
  for (const [i, name] of TRACKS.entries()) {
    await uploadTrackFile(base, token, `${name}.wav`, toneWav({ seconds: LENGTH_S, frequency: 330 + i * 110, sampleRate: 8000 }));
  }
})());

test('the seek slider moves by seconds and reads out as a time; the volume reads out as a percentage', { timeout: 120_000 }, async () => {
  const page = await signedInPage(DESKTOP);
  try {
    await playFromLibrary(page, 'Alpha Tone');
    await page.getByTestId('player-toggle').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=audio]').paused);

    const seek = page.getByTestId('player-seek');
    await seek.focus();
    await seek.press('Home');
    await waitForPosition(page, 0);
    await seek.press('ArrowRight');
    await waitForPosition(page, 5);
    await seek.press('PageUp');
    await waitForPosition(page, 35);
    await seek.press('ArrowLeft');
    await waitForPosition(page, 30);
    await seek.press('PageDown');
    await waitForPosition(page, 0);
    await seek.press('PageUp');
    await waitForPosition(page, 30);
    await page.waitForFunction(() => document.querySelector('[data-testid=player-seek]').getAttribute('aria-valuetext') === '0:30 of 1:30', null,
      { timeout: UI_TIMEOUT_MS }).catch(async () => assert.fail(`aria-valuetext is ${await seek.getAttribute('aria-valuetext')}`));

    const volume = page.getByTestId('player-volume');
    await volume.focus();
    await volume.press('End');
    // The element's volume changes first; the slider's read-out follows on the next render.
    const volumeReads = (text) => page.waitForFunction(
      (t) => document.querySelector('[data-testid=player-volume]').getAttribute('aria-valuetext') === t, text, { timeout: UI_TIMEOUT_MS })
      .catch(async () => assert.fail(`volume reads ${await volume.getAttribute('aria-valuetext')}, not ${text}`));
    await page.waitForFunction(() => document.querySelector('[data-testid=audio]').volume === 1);
    await volumeReads('100%');
    await volume.press('ArrowDown');
    await page.waitForFunction(() => Math.abs(document.querySelector('[data-testid=audio]').volume - 0.95) < 0.001, null, { timeout: UI_TIMEOUT_MS });
    await volumeReads('95%');
    await page.getByTestId('player-mute').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=player-volume]').getAttribute('aria-valuetext') === 'Muted', null, { timeout: UI_TIMEOUT_MS });
  } catch (err) {
    throw await withScreenshot(page, err, 'seek');
  } finally {
    await page.context().close();
  }
});

test('the desktop queue drawer leaves the page usable and closes on navigation', { timeout: 120_000 }, async () => {
  const page = await signedInPage(DESKTOP);
  try {
    await playFromLibrary(page, 'Alpha Tone');
    await page.getByTestId('player-queue').click();
    const panel = await expectVisible(page, 'queue-panel');
    await page.getByTestId('queue-row').nth(2).waitFor({ timeout: UI_TIMEOUT_MS });

    // Every row's heart, duration and menu lie left of the drawer, and the heart takes a click.
    const panelLeft = (await panel.boundingBox()).x;
    const row = page.getByTestId('track-row').filter({ hasText: 'Gamma Tone' });
    await row.hover();
    for (const testid of ['heart', 'track-menu']) {
      const box = await row.getByTestId(testid).boundingBox();
      assert.ok(box && box.x + box.width <= panelLeft, `the row's ${testid} (${JSON.stringify(box)}) is under the queue (from x=${panelLeft})`);
    }
    const upload = await page.getByTestId('library-upload').boundingBox();
    if (upload) assert.ok(upload.x + upload.width <= panelLeft, 'the Upload button is under the queue');
    await row.getByTestId('heart').click({ timeout: 5_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=track-row]')]
      .find((r) => r.textContent.includes('Gamma Tone'))?.querySelector('[data-testid=heart]').getAttribute('aria-pressed') === 'true', null, { timeout: UI_TIMEOUT_MS });
    assert.equal(await panel.isVisible(), true, 'the queue stays open while the page is used');

    // Another page: the drawer closes (in-app navigation and a plain link alike).
    await page.getByTestId('nav-playlists').click();
    await panel.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await page.getByTestId('player-queue').click();
    await panel.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await page.getByTestId('player-title').click(); // a link to the track's album or the tracks tab
    await panel.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  } catch (err) {
    throw await withScreenshot(page, err, 'queue');
  } finally {
    await page.context().close();
  }
});

test('Escape closes the search results for good, and a chosen result leaves the box empty', { timeout: 120_000 }, async () => {
  await setUp();
  const base = env.server.baseUrl;
  await graphql(base, 'mutation($input: PlaylistInput!) { createPlaylist(input: $input) { id } }', { input: { name: 'Tone mix', public: false } }, token);
  const context = await env.browser.newContext({ viewport: DESKTOP });
  // Controlled time: the search box's debounce runs only when the test says so.
  await context.clock.install();
  await context.addInitScript(() => {
    window.searchRequests = 0;
    window.pendingFetches = 0;
    const original = window.fetch;
    window.fetch = (input, init) => {
      if (String(init?.body ?? '').includes('query Search(')) window.searchRequests += 1;
      window.pendingFetches += 1;
      return original(input, init).finally(() => {
        window.pendingFetches -= 1;
      });
    };
  });
  const page = await signedInPage(DESKTOP, context);
  try {
    const input = page.getByTestId('search-input');
    const panel = page.getByTestId('search-results');
    await input.fill('tone');
    await page.locator('[data-testid=search-result][data-kind=track]').first().waitFor({ timeout: UI_TIMEOUT_MS });

    // Typing more, then Escape before the debounce runs: the results close and stay closed.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
    await input.fill('alpha tone');
    await input.press('Escape');
    await panel.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    const before = await page.evaluate(() => window.searchRequests);
    await page.clock.runFor(5000);
    await page.clock.resume();
    await page.waitForFunction(() => window.pendingFetches === 0, null, { timeout: UI_TIMEOUT_MS });
    assert.equal(await page.evaluate(() => window.searchRequests), before, 'a search ran after Escape');
    assert.equal(await panel.isVisible(), false, 'the results opened again after Escape');
    assert.equal(await input.inputValue(), 'alpha tone', 'the first Escape only closes');

    // A result that opens a page: the box is empty afterwards.
    await input.fill('tone mix');
    const playlist = page.locator('[data-testid=search-result][data-kind=playlist]', { hasText: 'Tone mix' });
    await playlist.waitFor({ timeout: UI_TIMEOUT_MS });
    await playlist.click();
    await page.waitForURL(/#\/playlist\//, { timeout: UI_TIMEOUT_MS });
    assert.equal(await input.inputValue(), '');
    assert.equal(await panel.isVisible(), false);
  } catch (err) {
    throw await withScreenshot(page, err, 'search');
  } finally {
    await context.close();
  }
});

test('on a phone the mini player sits on the navigation bar and opens a full-screen player', { timeout: 180_000 }, async () => {
  const page = await signedInPage(PHONE, null, { hasTouch: true, isMobile: true });
  try {
    await playFromLibrary(page, 'Alpha Tone');

    // No page shows between the mini player and the navigation bar, nor beside it.
    const bar = await page.getByTestId('player').boundingBox();
    const nav = await page.locator('nav.nav').boundingBox();
    assert.ok(Math.abs(bar.y + bar.height - nav.y) <= 1, `a gap of ${nav.y - (bar.y + bar.height)} px between the player and the navigation`);
    assert.ok(bar.x <= 0 && bar.x + bar.width >= PHONE.width, `the player spans ${bar.x}…${bar.x + bar.width} of ${PHONE.width} px`);

    // Tapping the mini player opens the full player with every control.
    await page.getByTestId('player-title').tap();
    const view = await expectVisible(page, 'now-playing');
    // The view slides up as it opens; measure where things are once it has arrived.
    await view.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    assert.equal(await view.getAttribute('role'), 'dialog');
    assert.equal((await page.getByTestId('np-title').textContent()).trim(), 'Alpha Tone');
    for (const testid of ['np-prev', 'np-toggle', 'np-next', 'np-shuffle', 'np-repeat', 'np-queue', 'np-heart', 'np-close']) {
      assert.ok(await page.getByTestId(testid).isVisible(), `${testid} is visible`);
    }

    // The seek slider is a comfortable target, and a tap in its middle jumps there.
    const seek = page.getByTestId('np-seek');
    const box = await seek.boundingBox();
    assert.ok(box.height >= 44, `the seek target is ${box.height} px tall`);
    await page.getByTestId('np-toggle').tap();
    await page.waitForFunction(() => document.querySelector('[data-testid=audio]').paused);
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction((half) => Math.abs(document.querySelector('[data-testid=audio]').currentTime - half) < 4, LENGTH_S / 2, { timeout: UI_TIMEOUT_MS })
      .catch(async () => assert.fail(`a tap in the middle seeked to ${await currentTime(page)}`));
    assert.match(await seek.getAttribute('aria-valuetext'), /^0:4\d of 1:30$/);

    // The heart is the same favourite as everywhere else.
    await page.getByTestId('np-heart').tap();
    await page.waitForFunction(() => document.querySelector('[data-testid=np-heart]').getAttribute('aria-pressed') === 'true'
      && document.querySelector('[data-testid=player-heart]').getAttribute('aria-pressed') === 'true', null, { timeout: UI_TIMEOUT_MS });

    // Swipes on the cover: left for the next track, right for the previous one.
    await swipe(page, 'np-cover', -160, 0);
    await expectTitle(page, 'np-title', 'Beta Tone');
    await page.getByTestId('np-toggle').tap();
    await page.waitForFunction(() => document.querySelector('[data-testid=audio]').paused);
    await swipe(page, 'np-cover', 160, 0);
    await expectTitle(page, 'np-title', 'Alpha Tone');

    // Escape closes, and focus goes back to the button that opened it.
    await page.getByTestId('np-close').tap();
    await view.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await page.getByTestId('player-expand').focus();
    await page.keyboard.press('Enter');
    await view.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'np-close');
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'player-expand');

    // A swipe down closes it too.
    await page.getByTestId('player-expand').tap();
    await view.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await swipe(page, 'np-cover', 0, 220);
    await view.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  } catch (err) {
    throw await withScreenshot(page, err, 'phone');
  } finally {
    await page.context().close();
  }
});

// ---------- helpers ----------

async function login(base) {
  const { login: payload } = await graphql(base, `mutation($email: String!, $password: String!) {
    login(email: $email, password: $password) { ... on AuthPayload { accessToken refreshToken } } }`, { email: ADA.email, password: ADA.password });
  return payload;
}

/** A page in a fresh context, signed in as Ada through a refresh token of its own. */
async function signedInPage(viewport, context = null, options = {}) {
  await setUp();
  const base = env.server.baseUrl;
  const ctx = context ?? await env.browser.newContext({ viewport, ...options });
  const { refreshToken } = await login(base);
  await ctx.addInitScript((value) => {
    if (!localStorage.getItem('soundroom.refreshToken')) localStorage.setItem('soundroom.refreshToken', value);
  }, refreshToken);
  const page = await ctx.newPage();
  await page.goto(`${base}/#/home`);
  await page.getByTestId('player').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
  await page.waitForFunction(() => !location.hash.startsWith('#/signin'));
  return page;
}

/** Plays the library's track list from the named track and waits for the sound to start. */
async function playFromLibrary(page, name) {
  await page.goto(`${env.server.baseUrl}/#/library/tracks`);
  const row = page.getByTestId('track-row').filter({ hasText: name });
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  await row.getByTestId('track-title').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=audio]')?.currentTime > 0, null, { timeout: UI_TIMEOUT_MS })
    .catch(async () => assert.fail(`the audio did not start: ${JSON.stringify(await page.getByTestId('audio').evaluate((a) => ({ t: a.currentTime, paused: a.paused, error: a.error?.code })))}`));
}

const currentTime = (page) => page.getByTestId('audio').evaluate((a) => a.currentTime);

async function waitForPosition(page, seconds) {
  await page.waitForFunction((want) => Math.abs(document.querySelector('[data-testid=audio]').currentTime - want) < 0.75, seconds, { timeout: UI_TIMEOUT_MS })
    .catch(async () => assert.fail(`expected the position ${seconds} s, found ${await currentTime(page)}`));
}

async function expectTitle(page, testid, name) {
  await page.waitForFunction(([id, want]) => document.querySelector(`[data-testid=${id}]`)?.textContent.trim() === want, [testid, name], { timeout: UI_TIMEOUT_MS })
    .catch(async () => assert.fail(`expected ${name}, found ${await page.getByTestId(testid).textContent()}`));
}

/** A pointer drag from the middle of an element by (dx, dy). */
async function swipe(page, testid, dx, dy) {
  const box = await page.getByTestId(testid).boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 4 });
  await page.mouse.move(x + dx, y + dy, { steps: 4 });
  await page.mouse.up();
}

async function withScreenshot(page, err, name) {
  const shot = path.join(tmpdir(), `soundroom-e2e-player-${name}-failure.png`);
  await page.screenshot({ path: shot }).catch(() => {});
  err.message += `\n(screenshot: ${shot})`;
  return err;
}
