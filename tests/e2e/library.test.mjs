// The library story in a real browser against a real server: upload a track, find it with the
// search box, play it, put it in a playlist twice and reorder, favourite it, and find all of
// that again after a reload.
//
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { expectVisible, serverAndBrowser, UI_TIMEOUT_MS } from './harness.mjs';
import { toneWav } from './wav.mjs';

const LISTENER = { username: 'Lin', email: 'lin@example.com', password: 'correct horse battery staple' };
const PLAYLIST = 'Test mix';

const env = serverAndBrowser();

test('a listener uploads a track, plays it, files it in a playlist twice, reorders and favourites it', { timeout: 180_000 }, async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(env.server.baseUrl);
    await signUpFirstAccount(page, LISTENER);

    // Upload a two-second tone; with no tags, the file name becomes the title.
    const file = path.join(env.dataDir, 'Test Tone.wav');
    await writeFile(file, toneWav({ seconds: 2, frequency: 440 }));
    await page.getByTestId('nav-upload').click();
    await page.getByTestId('upload-input').setInputFiles(file);
    await expectUploaded(page);

    // The search box finds it as you type, and choosing the result plays it.
    await page.getByTestId('search-input').fill('test tone');
    const result = page.locator('[data-testid=search-result][data-kind=track]', { hasText: 'Test Tone' });
    await result.waitFor({ timeout: UI_TIMEOUT_MS });
    await result.click();
    await expectAudioAdvances(page);
    assert.equal((await page.getByTestId('player-title').textContent()).trim(), 'Test Tone');

    // A new playlist, and the track added to it twice from the track's menu.
    await page.getByTestId('nav-playlists').click();
    await (await expectVisible(page, 'new-playlist')).click();
    await page.getByTestId('playlist-name').fill(PLAYLIST);
    await page.getByTestId('dialog-submit').click();
    await expectVisible(page, 'playlist-empty');
    const playlistUrl = page.url();

    await page.goto(`${env.server.baseUrl}/#/library/tracks`);
    for (let i = 0; i < 2; i += 1) await addToPlaylistFromMenu(page, 'Test Tone', PLAYLIST);

    // Both items show; move the second to the top with its keyboard-accessible button.
    await page.goto(playlistUrl);
    const rows = page.getByTestId('track-row');
    await expectCount(rows, 2);
    const [first, second] = await itemIds(page);
    assert.notEqual(first, second, 'the same track twice makes two distinct items');
    await Promise.all([
      waitForOperation(page, 'MovePlaylistItem'),
      rows.nth(1).getByTestId('move-up').click(),
    ]);
    assert.deepEqual(await itemIds(page), [second, first]);

    // Favourite it from the playlist: both rows are the same track, so both hearts fill.
    await Promise.all([
      waitForOperation(page, 'FavoriteTrack'),
      rows.first().getByTestId('heart').click(),
    ]);
    assert.deepEqual(await heartStates(page), ['true', 'true']);

    // After a reload everything came from the server: the order and the heart stuck.
    await page.reload();
    await expectCount(page.getByTestId('track-row'), 2);
    assert.deepEqual(await itemIds(page), [second, first]);
    assert.deepEqual(await heartStates(page), ['true', 'true']);
    await page.getByTestId('nav-favorites').click();
    await page.locator('[data-testid=favorite-tracks] [data-testid=track-row]', { hasText: 'Test Tone' }).waitFor({ timeout: UI_TIMEOUT_MS });
  } catch (err) {
    const shot = path.join(tmpdir(), 'soundroom-e2e-library-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    err.message += `\n(screenshot: ${shot})\n--- server output ---\n${env.server.output()}`;
    throw err;
  } finally {
    await page.close();
  }
});

// ---------- steps ----------

async function signUpFirstAccount(page, { username, email, password }) {
  const form = await expectVisible(page, 'setup-form');
  await form.getByTestId('username').fill(username);
  await form.getByTestId('email').fill(email);
  await form.getByTestId('password').fill(password);
  await form.getByTestId('submit').click();
  await expectVisible(page, 'profile-username');
}

/** Waits for the upload row to settle, and fails with the row's own message if it failed. */
async function expectUploaded(page) {
  const row = page.getByTestId('upload-row').first();
  await page.locator('[data-testid=upload-row][data-status=done], [data-testid=upload-row][data-status=error]')
    .first().waitFor({ timeout: 30_000 });
  const status = await row.getAttribute('data-status');
  assert.equal(status, 'done', `the upload failed: ${await row.getByTestId('upload-status').textContent()}`);
}

/** Polls the player's audio element until its clock has moved on from where it was first seen playing. */
async function expectAudioAdvances(page) {
  const audio = page.getByTestId('audio');
  await page.waitForFunction(() => document.querySelector('[data-testid=audio]')?.currentTime > 0, null, { timeout: UI_TIMEOUT_MS });
  const start = await audio.evaluate((a) => a.currentTime);
  await page.waitForFunction((t) => document.querySelector('[data-testid=audio]').currentTime > t + 0.25, start, { timeout: UI_TIMEOUT_MS })
    .catch(async () => {
      const state = await audio.evaluate((a) => ({ t: a.currentTime, paused: a.paused, error: a.error?.code, src: a.src }));
      assert.fail(`the audio did not advance from ${start}: ${JSON.stringify(state)}`);
    });
}

async function addToPlaylistFromMenu(page, trackName, playlistName) {
  const row = page.getByTestId('track-row').filter({ hasText: trackName }).first();
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  await row.hover();
  await row.getByTestId('track-menu').click();
  await page.getByTestId('menu-add-to-playlist').click();
  const dialog = page.getByTestId('add-to-playlist');
  await Promise.all([
    waitForOperation(page, 'AddTracksToPlaylist'),
    dialog.getByTestId('pick-playlist').filter({ hasText: playlistName }).click(),
  ]);
  await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
}

/** Resolves when the server has answered the named GraphQL operation. */
function waitForOperation(page, name) {
  return page.waitForResponse((response) => response.url().endsWith('/graphql')
    && (response.request().postData() || '').includes(`mutation ${name}(`), { timeout: UI_TIMEOUT_MS });
}

async function expectCount(locator, n) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while ((await locator.count()) !== n) {
    if (Date.now() > deadline) assert.fail(`expected ${n} × ${locator}, found ${await locator.count()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const itemIds = (page) => page.getByTestId('track-row').evaluateAll((rows) => rows.map((r) => r.dataset.itemId));
const heartStates = (page) => page.locator('[data-testid=track-row] [data-testid=heart]').evaluateAll((hearts) => hearts.map((h) => h.getAttribute('aria-pressed')));
