// The play queue follows the listener: what one browser plays (the queue, the current track and
// the position) is saved on the server, survives a reload, and shows up paused in another
// browser signed in to the same account.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createAccount, expectVisible, graphql, serverAndBrowser, UI_TIMEOUT_MS, uploadTrackFile } from './harness.mjs';
import { toneWav } from './wav.mjs';

const ADA = { username: 'Ada', email: 'ada@example.com', password: 'correct horse battery staple' };
const TRACKS = ['Alpha Tone', 'Beta Tone', 'Gamma Tone'];
const DESKTOP = { width: 1280, height: 800 };

const env = serverAndBrowser();

test('the queue, the current track and the position survive a reload and follow to another browser', { timeout: 180_000 }, async () => {
  const base = env.server.baseUrl;
  const first = await (await env.browser.newContext({ viewport: DESKTOP })).newPage();
  let second = null;
  try {
    await first.goto(base);
    await createAccount(await expectVisible(first, 'setup-form'), ADA);
    await expectVisible(first, 'profile-username');
    const { accessToken } = await login(base);
    for (const [i, name] of TRACKS.entries()) {
      await uploadTrackFile(base, accessToken, `${name}.wav`, toneWav({ seconds: 90, frequency: 330 + i * 110, sampleRate: 8000 }));
    }

    // The first browser plays the three tracks from the second one and seeks to 0:30.
    await first.goto(`${base}/#/library/tracks`);
    const row = first.getByTestId('track-row').filter({ hasText: 'Beta Tone' });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    await row.getByTestId('track-title').click();
    await waitForAudio(first, (a) => a.currentTime > 0 && !a.paused, 'playing');
    await first.getByTestId('player-seek').focus();
    await first.getByTestId('player-seek').press('PageUp');
    await waitForAudio(first, (a) => a.currentTime >= 30, 'at 0:30');
    // The server has it soon after the seek.
    await waitForSaved(base, accessToken, (q) => q.current?.name === 'Beta Tone' && q.positionMs >= 29_000, 'the seek saved');

    // A reload while playing: the page's last word saves where it got to, and the queue comes
    // back paused there.
    await waitForAudio(first, (a) => a.currentTime >= 32, 'playing on past 0:32');
    await first.reload();
    const saved = await waitForSaved(base, accessToken, (q) => q.current?.name === 'Beta Tone' && q.positionMs >= 32_000, 'the position saved on leaving');
    assert.deepEqual(saved.tracks.map((t) => t.name), TRACKS);
    assert.equal(saved.changedBy, 'web');
    await expectRestored(first, saved.positionMs / 1000);

    // Another browser, same account: the same queue and track, paused at about the same spot.
    const context = await env.browser.newContext({ viewport: DESKTOP });
    const { refreshToken } = await login(base);
    await context.addInitScript((value) => {
      if (!localStorage.getItem('soundroom.refreshToken')) localStorage.setItem('soundroom.refreshToken', value);
    }, refreshToken);
    second = await context.newPage();
    await second.goto(`${base}/#/home`);
    await expectRestored(second, saved.positionMs / 1000);
    await second.getByTestId('player-queue').click();
    await second.getByTestId('queue-row').nth(2).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepEqual((await second.locator('[data-testid=queue-row] .queue-name').allTextContents()).map((s) => s.trim()), TRACKS);
    assert.match(await second.locator('[data-testid=queue-row].is-current').textContent(), /Beta Tone/);

    // Play goes on from there.
    await second.getByTestId('player-toggle').click();
    await waitForAudio(second, (a, at) => !a.paused && a.currentTime >= at - 1, 'playing on from the saved spot', saved.positionMs / 1000);
  } catch (err) {
    for (const [name, page] of [['first', first], ['second', second]]) {
      if (!page) continue;
      const shot = path.join(tmpdir(), `soundroom-e2e-play-queue-${name}-failure.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      err.message += `\n(screenshot: ${shot})`;
    }
    throw err;
  } finally {
    await first.context().close();
    await second?.context().close();
  }
});

// ---------- helpers ----------

async function login(base) {
  const { login: payload } = await graphql(base, `mutation($email: String!, $password: String!) {
    login(email: $email, password: $password) { ... on AuthPayload { accessToken refreshToken } } }`, { email: ADA.email, password: ADA.password });
  return payload;
}

/** Polls the server's saved queue until `check(queue)` holds; resolves to it. */
async function waitForSaved(base, token, check, what) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let queue = null;
  for (;;) {
    ({ playQueue: queue } = await graphql(base, 'query { playQueue { tracks { name } current { name } positionMs changedBy } }', {}, token));
    if (queue && check(queue)) return queue;
    if (Date.now() > deadline) assert.fail(`${what}: the server holds ${JSON.stringify(queue)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls the page's audio element until `predicate(audio, arg)` holds. */
async function waitForAudio(page, predicate, what, arg = null) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (!(await page.getByTestId('audio').evaluate(predicate, arg))) {
    if (Date.now() > deadline) {
      const state = await page.getByTestId('audio').evaluate((a) => ({ t: a.currentTime, paused: a.paused, src: Boolean(a.src) }));
      assert.fail(`not ${what}: ${JSON.stringify(state)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The player shows Beta Tone, paused, at about `seconds`, and stays paused. */
async function expectRestored(page, seconds) {
  await page.getByTestId('player-title').filter({ hasText: 'Beta Tone' }).waitFor({ timeout: UI_TIMEOUT_MS });
  await waitForAudio(page, (a, at) => Boolean(a.src) && Math.abs(a.currentTime - at) < 1.5, `at ${seconds} s`, seconds);
  const state = await page.getByTestId('audio').evaluate((a) => ({ paused: a.paused }));
  assert.equal(state.paused, true, 'a restored queue must not play by itself');
  assert.equal(await page.getByTestId('player-toggle').getAttribute('aria-label'), 'Play');
}
