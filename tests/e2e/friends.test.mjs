// The friends story with two people in two browsers on one server: Ada finds Ben and asks him,
// Ben's bell lights up live, he reads it and accepts, Ada sees him appear as a friend live,
// then Ada blocks Ben and he can no longer find her.
//
// With E2E_SCREENSHOTS=<dir>, also saves friends.png and notifications.png there.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { adaAndBen, expectVisible, serverAndBrowser, UI_TIMEOUT_MS } from './harness.mjs';

const SHOTS = process.env.E2E_SCREENSHOTS;
const VIEWPORT = { width: 1280, height: 800 };

const env = serverAndBrowser();

test('two people become friends with live notifications, then one blocks the other', { timeout: 180_000 }, async () => {
  const { base, ada, ben, errors } = await adaAndBen(env, VIEWPORT);
  try {
    await expectLive(ada);
    await expectLive(ben);
    assert.equal(await ben.getByTestId('notification-count').isVisible(), false, 'Ben starts with no unread notifications');

    // Ada finds Ben on her Friends page and asks him.
    await ada.getByTestId('nav-friends').click();
    await (await expectVisible(ada, 'friends-search')).fill('Ben');
    const result = ada.getByTestId('friend-search-result').filter({ hasText: 'Ben' });
    await result.getByTestId('add-friend').click();
    await ada.getByTestId('outgoing-request').filter({ hasText: 'Ben' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await result.getByText('Request sent').waitFor({ timeout: UI_TIMEOUT_MS });

    // Ben's bell counts it without a reload: the live subscription brought it.
    const count = ben.getByTestId('notification-count');
    await count.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal((await count.textContent()).trim(), '1');
    const bell = ben.getByTestId('notification-bell');
    assert.match(await bell.getAttribute('aria-label'), /1 unread/);

    // Opening the panel shows the request and clears the badge.
    await bell.click();
    const panel = await expectVisible(ben, 'notification-panel');
    const item = panel.getByTestId('notification-item').filter({ hasText: 'Ada sent you a friend request' });
    await item.getByTestId('accept-request').waitFor({ timeout: UI_TIMEOUT_MS });
    await count.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    assert.match(await bell.getAttribute('aria-label'), /none unread/);
    if (SHOTS) await shot(ben, 'notifications.png');
    // Escape closes it and puts focus back on the bell.
    await ben.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    assert.equal(await ben.evaluate(() => document.activeElement?.dataset.testid), 'notification-bell');

    // Ben accepts on his Friends page; Ada sees him become a friend live.
    await ben.getByTestId('nav-friends').click();
    const request = ben.getByTestId('incoming-request').filter({ hasText: 'Ada' });
    await request.getByTestId('accept-request').click();
    await ben.getByTestId('friend-row').filter({ hasText: 'Ada' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const friendRow = ada.getByTestId('friend-row').filter({ hasText: 'Ben' });
    await friendRow.waitFor({ timeout: UI_TIMEOUT_MS });
    await ada.getByTestId('outgoing-request').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await ada.getByTestId('notification-count').waitFor({ timeout: UI_TIMEOUT_MS });
    if (SHOTS) await shot(ada, 'friends.png');

    // Ada blocks Ben, confirming in the app's dialog.
    await friendRow.getByTestId('friend-menu').click();
    await ada.getByTestId('block-user').click();
    await (await expectVisible(ada, 'confirm-dialog')).getByTestId('confirm').click();
    await ada.getByTestId('blocked-row').filter({ hasText: 'Ben' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await friendRow.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    // Ben can no longer find her.
    await ben.getByTestId('friends-search').fill('Ada');
    await expectVisible(ben, 'friends-search-empty');
    assert.equal(await ben.getByTestId('friend-search-result').count(), 0);

    assert.deepEqual(errors.ada, [], 'no console errors in Ada’s browser');
    assert.deepEqual(errors.ben, [], 'no console errors in Ben’s browser');
  } catch (err) {
    const shotPath = path.join(tmpdir(), 'soundroom-e2e-friends-failure');
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

/** Waits until the page's notifications subscription is listening (the bell says so). */
async function expectLive(page) {
  await page.locator('[data-testid=notification-bell][data-live=ready]').waitFor({ timeout: UI_TIMEOUT_MS });
}

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  // Toasts come and go; leave them out so the picture is of the page itself.
  await page.locator('.toast').evaluateAll((toasts) => toasts.forEach((t) => t.remove()));
  await page.mouse.move(0, VIEWPORT.height - 1); // no hover highlight
  await page.screenshot({ path: path.join(SHOTS, name) });
}
