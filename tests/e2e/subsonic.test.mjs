// Profile → Apps at phone width: Ada makes an app password for her phone and reads it the one
// time it is shown; a Subsonic client (here: Node, not the browser) pings /rest with it as a
// password, as a salted token and as an API key; the list then says when it was last used;
// Ada revokes it in the app's own dialog and the same pings are refused.
//
// With E2E_SCREENSHOTS=<dir>, also saves apps.png there.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ADA, consoleErrors, createAccount, expectVisible, serverAndBrowser, UI_TIMEOUT_MS } from './harness.mjs';

const SHOTS = process.env.E2E_SCREENSHOTS;
const VIEWPORT = { width: 375, height: 812 };

const env = serverAndBrowser();

test('an app password opens the Subsonic API until it is revoked', { timeout: 120_000 }, async () => {
  const base = env.server.baseUrl;
  const context = await env.browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const errors = consoleErrors(page);
  try {
    // Ada sets the server up, then opens Profile → Apps from the phone's bottom navigation.
    await page.goto(base);
    await createAccount(await expectVisible(page, 'setup-form'), ADA);
    await (await expectVisible(page, 'nav-profile')).click();
    const card = await expectVisible(page, 'apps-card');
    await card.getByTestId('app-passwords-empty').waitFor({ timeout: UI_TIMEOUT_MS });

    // How to connect: this server's address and her @tag (unique, unlike display names).
    assert.equal((await card.getByTestId('apps-server-url').textContent()).trim(), base);
    const username = (await card.getByTestId('apps-username').textContent()).trim();
    assert.match(username, /^\w+$/, `a tag: ${username}`);

    // A blank label is refused by the server, and the page says why.
    await card.getByTestId('app-password-label').fill('   ');
    await card.getByTestId('create-app-password').click();
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await error.textContent(), /label/i);
    assert.equal(await card.getByTestId('app-password-new').isVisible(), false, 'nothing was created');

    // "Phone": the password and API key are shown once, with a warning.
    await card.getByTestId('app-password-label').fill('Phone');
    await card.getByTestId('create-app-password').click();
    const secret = await expectVisible(page, 'app-password-secret');
    assert.equal(await error.isVisible(), false, 'the earlier error is gone');
    const password = (await secret.textContent()).trim();
    const apiKey = (await card.getByTestId('app-password-api-key').textContent()).trim();
    assert.ok(password.length >= 12, `a long enough password: ${password}`);
    assert.ok(apiKey.length >= 12, `a long enough API key: ${apiKey}`);
    assert.notEqual(password, apiKey);
    assert.match(await card.getByTestId('app-password-new').textContent(), /will not be shown again/);
    const row = card.getByTestId('app-password-row').filter({ hasText: 'Phone' });
    assert.equal((await row.getByTestId('app-password-last-used').textContent()).trim(), 'Never used');
    if (SHOTS) await shot(page, 'apps.png');
    await assertNoSideways(page);
    await card.getByTestId('app-password-done').click();
    await card.getByTestId('app-password-new').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });

    // A Subsonic client gets in with it, three ways.
    const salt = randomBytes(6).toString('hex');
    const token = createHash('md5').update(password + salt).digest('hex');
    const withPassword = { u: username, p: password };
    const withToken = { u: username, t: token, s: salt };
    const withApiKey = { apiKey };
    for (const credentials of [withPassword, withToken, withApiKey]) {
      const reply = await ping(base, credentials);
      assert.equal(reply.status, 'ok', `ping with ${Object.keys(credentials).join('+')}: ${JSON.stringify(reply)}`);
    }

    // The list, reloaded, says it was used; the secrets are not shown again.
    await card.getByTestId('refresh-app-passwords').click();
    await row.getByTestId('app-password-last-used').filter({ hasText: /^Last used/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.reload();
    const again = await expectVisible(page, 'apps-card');
    await again.getByTestId('app-password-row').filter({ hasText: 'Phone' }).getByTestId('app-password-last-used')
      .filter({ hasText: /^Last used/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.getByTestId('app-password-secret').count(), 0, 'the password is not shown again');
    assert.doesNotMatch(await page.locator('body').textContent(), new RegExp(password), 'the password is nowhere on the page');

    // Ada revokes it, confirming in the app's dialog (Cancel first leaves it alone).
    const revoke = again.getByTestId('app-password-row').filter({ hasText: 'Phone' }).getByTestId('revoke-app-password');
    await revoke.click();
    await (await expectVisible(page, 'confirm-dialog')).getByTestId('cancel').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    assert.equal((await ping(base, withPassword)).status, 'ok', 'cancelling revokes nothing');
    await revoke.click();
    await (await expectVisible(page, 'confirm-dialog')).getByTestId('confirm').click();
    await again.getByTestId('app-passwords-empty').waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await again.getByTestId('app-password-row').count(), 0);

    // The same pings are refused now: wrong credentials (40), invalid API key (44).
    for (const [credentials, code] of [[withPassword, 40], [withToken, 40], [withApiKey, 44]]) {
      const reply = await ping(base, credentials);
      assert.equal(reply.status, 'failed', `ping with ${Object.keys(credentials).join('+')} after revoking: ${JSON.stringify(reply)}`);
      assert.equal(reply.error?.code, code, `error code with ${Object.keys(credentials).join('+')}: ${JSON.stringify(reply)}`);
    }

    assert.deepEqual(errors, [], 'no console errors');
  } catch (err) {
    const shotPath = path.join(tmpdir(), 'soundroom-e2e-subsonic-failure.png');
    await page.screenshot({ path: shotPath, fullPage: true }).catch(() => {});
    err.message += `\n(screenshot: ${shotPath})\nconsole: ${JSON.stringify(errors)}\n--- server output ---\n${env.server.output()}`;
    throw err;
  } finally {
    await context.close();
  }
});

// ---------- steps ----------

/** GET /rest/ping.view as a Subsonic client would; resolves to the "subsonic-response" object. */
async function ping(base, credentials) {
  const query = new URLSearchParams({ ...credentials, v: '1.16.1', c: 'e2e-test', f: 'json' });
  const response = await fetch(`${base}/rest/ping.view?${query}`);
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`/rest/ping.view answered HTTP ${response.status} with no JSON: ${text.slice(0, 300)}`);
  }
  assert.ok(body['subsonic-response'], `no "subsonic-response" in ${text.slice(0, 300)}`);
  return body['subsonic-response'];
}

/** Nothing on the page is wider than the phone's screen. */
async function assertNoSideways(page) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `the page scrolls sideways by ${wide}px at ${VIEWPORT.width}px`);
}

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  // Toasts come and go; leave them out so the picture is of the page itself.
  await page.locator('.toast').evaluateAll((toasts) => toasts.forEach((t) => t.remove()));
  await page.getByTestId('app-password-new').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: path.join(SHOTS, name) });
}
