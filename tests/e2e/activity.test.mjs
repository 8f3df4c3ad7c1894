// Listening activity with two friends in two browsers: Ben uploads a short tone and plays it
// on repeat; Ada's "Friends listening now" shows him with that track live (on Home and on the
// Friends page), and a click on it plays it for her too; Ben's Home lists it under Recently
// played once it was heard long enough; then Ben turns sharing off in his Profile and he
// disappears from Ada's panel, again without a reload.
//
// With E2E_SCREENSHOTS=<dir>, also saves activity.png (Ada's Home) there.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ADA, adaAndBen, apiLogin, BEN, expectVisible, graphql, serverAndBrowser, UI_TIMEOUT_MS } from './harness.mjs';
import { toneWav } from './wav.mjs';

const TRACK = 'Evening Tone';
const SHOTS = process.env.E2E_SCREENSHOTS;
const VIEWPORT = { width: 1280, height: 800 };

const env = serverAndBrowser();

test('a friend sees what you play live, your plays land in Recently played, and sharing off hides you', { timeout: 180_000 }, async () => {
  const { base, ada, ben, errors } = await adaAndBen(env, VIEWPORT);
  try {
    const benId = (await apiLogin(base, BEN)).user.id;
    await becomeFriends(ada, ben);

    // Ada waits on Home: nobody is listening yet, and her panel is live.
    await ada.getByTestId('nav-home').click();
    const panel = ada.locator('[data-testid=friends-activity][data-live=ready]');
    await panel.waitFor({ timeout: UI_TIMEOUT_MS });
    await panel.getByText('None of your friends is listening right now.').waitFor({ timeout: UI_TIMEOUT_MS });

    // Ben uploads a four-second tone (two seconds heard make a play) and plays it on repeat.
    await uploadTone(ben, env.dataDir);
    await playOnRepeat(ben, TRACK);

    // Ada sees him with that track, live.
    const row = panel.locator(`[data-testid=friend-activity-row][data-user="${benId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await row.textContent(), new RegExp(`Ben.*${TRACK}.*started`));

    // The Friends page has the compact panel; back on Home, a click on the row plays it for Ada.
    await ada.getByTestId('nav-friends').click();
    await ada.locator(`[data-testid=friends-activity] [data-testid=friend-activity-row][data-user="${benId}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await ada.getByTestId('nav-home').click();
    await row.getByRole('button').click();
    await ada.getByTestId('player-title').filter({ hasText: TRACK }).waitFor({ timeout: UI_TIMEOUT_MS });
    if (SHOTS) await shot(ada, 'activity.png');

    // Ben's Home lists the track under Recently played once half of it was heard.
    await ben.getByTestId('nav-home').click();
    await ben.locator('[data-testid=recently-played] [data-testid=track-row]', { hasText: TRACK }).first().waitFor({ timeout: UI_TIMEOUT_MS });

    // Ben stops sharing; he leaves Ada's panel at once, while his music plays on.
    await ben.getByTestId('nav-profile').click();
    const share = await expectVisible(ben, 'share-activity');
    assert.equal(await share.isChecked(), true, 'sharing starts on');
    await Promise.all([waitForOperation(ben, 'SetActivitySharing'), share.click()]);
    assert.equal(await share.isChecked(), false);
    await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await panel.getByText('None of your friends is listening right now.').waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await ben.getByTestId('audio').evaluate((a) => a.paused), false, 'Ben is still playing');
    const { accessToken } = await apiLogin(base, ADA);
    assert.deepEqual((await graphql(base, '{ friendsActivity { user { id } } }', {}, accessToken)).friendsActivity, []);

    // The choice is remembered for the next visit to the Profile.
    await ben.getByTestId('nav-home').click();
    await ben.getByTestId('nav-profile').click();
    assert.equal(await (await expectVisible(ben, 'share-activity')).isChecked(), false);

    assert.deepEqual(errors.ada, [], 'no console errors in Ada’s browser');
    assert.deepEqual(errors.ben, [], 'no console errors in Ben’s browser');
  } catch (err) {
    const shotPath = path.join(tmpdir(), 'soundroom-e2e-activity-failure');
    await ada.screenshot({ path: `${shotPath}-ada.png`, fullPage: true }).catch(() => {});
    await ben.screenshot({ path: `${shotPath}-ben.png`, fullPage: true }).catch(() => {});
    err.message += `\n(screenshots: ${shotPath}-{ada,ben}.png)\nconsole: ${JSON.stringify(errors)}\n--- server output ---\n${env.server.output()}`;
    throw err;
  } finally {
    await ada.context().close();
    await ben.context().close();
  }
});

// ---------- steps ----------

/** Ada asks from her Friends page, Ben accepts on his. */
async function becomeFriends(ada, ben) {
  await ada.getByTestId('nav-friends').click();
  await (await expectVisible(ada, 'friends-search')).fill('Ben');
  await ada.getByTestId('friend-search-result').filter({ hasText: 'Ben' }).getByTestId('add-friend').click();
  await ada.getByTestId('outgoing-request').filter({ hasText: 'Ben' }).waitFor({ timeout: UI_TIMEOUT_MS });
  await ben.getByTestId('nav-friends').click();
  await ben.getByTestId('incoming-request').filter({ hasText: 'Ada' }).getByTestId('accept-request').click();
  await ben.getByTestId('friend-row').filter({ hasText: 'Ada' }).waitFor({ timeout: UI_TIMEOUT_MS });
}

async function uploadTone(page, dir) {
  const file = path.join(dir, `${TRACK}.wav`);
  await writeFile(file, toneWav({ seconds: 4, frequency: 330 }));
  await page.getByTestId('nav-upload').click();
  await page.getByTestId('upload-input').setInputFiles(file);
  const row = page.getByTestId('upload-row').first();
  await page.locator('[data-testid=upload-row][data-status=done], [data-testid=upload-row][data-status=error]').first().waitFor({ timeout: 30_000 });
  assert.equal(await row.getAttribute('data-status'), 'done', `the upload failed: ${await row.getByTestId('upload-status').textContent()}`);
}

/** Plays the track from the search box, with repeat on so it keeps playing. */
async function playOnRepeat(page, name) {
  await page.getByTestId('search-input').fill(name.toLowerCase());
  const result = page.locator('[data-testid=search-result][data-kind=track]', { hasText: name });
  await result.waitFor({ timeout: UI_TIMEOUT_MS });
  await result.click();
  await (await expectVisible(page, 'player-repeat')).click();
  assert.match(await page.getByTestId('player-repeat').getAttribute('aria-label'), /all/i);
  // Had the short track already ended before repeat was on, start it again.
  if (await page.getByTestId('audio').evaluate((a) => a.ended)) await page.getByTestId('player-toggle').click();
  await page.waitForFunction(() => {
    const audio = document.querySelector('[data-testid=audio]');
    return audio && !audio.paused && audio.currentTime > 0;
  }, null, { timeout: UI_TIMEOUT_MS });
}

/** Resolves when the server has answered the named GraphQL operation. */
function waitForOperation(page, name) {
  return page.waitForResponse((response) => response.url().endsWith('/graphql')
    && (response.request().postData() || '').includes(`mutation ${name}(`), { timeout: UI_TIMEOUT_MS });
}

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.locator('.toast').evaluateAll((toasts) => toasts.forEach((t) => t.remove()));
  await page.mouse.move(0, VIEWPORT.height - 1); // no hover highlight
  await page.screenshot({ path: path.join(SHOTS, name), animations: 'disabled' }); // transitions finished
}
