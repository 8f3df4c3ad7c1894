// The Administration page in a real browser (issue 12): a rescan that ends before the
// mutation's answer arrives still ends as "finished" on screen; files the folder watcher picks
// up (or skips) show without a manual rescan; hidden tracks can be restored; accounts can be
// created, given a one-time password-reset link, and deleted.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import en from '../../web/js/i18n/library.en.js';
import { ADA, apiLogin, consoleErrors, createAccount, expectVisible, graphql, serverAndBrowserWith, UI_TIMEOUT_MS, until } from './harness.mjs';
import { toneWav } from './wav.mjs';

let music;
const env = serverAndBrowserWith({
  serverArgs: async (dataDir) => {
    music = path.join(dataDir, 'music');
    await mkdir(music, { recursive: true });
    for (let i = 0; i < 3; i += 1) await writeFile(path.join(music, `Song ${i}.wav`), toneWav({ seconds: 0.3, frequency: 300 + i * 50 }));
    return ['--music-dir', music];
  },
});

let page;
let errors;
let token;
let ready = null;
const setUp = () => (ready ??= (async () => {
  page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = consoleErrors(page);
  await page.goto(env.server.baseUrl);
  await createAccount(await expectVisible(page, 'setup-form'), ADA);
  await expectVisible(page, 'profile-username');
  ({ accessToken: token } = await apiLogin(env.server.baseUrl, ADA));
})());

// A fresh Administration page (a hash the page is already on would not render it again).
async function openAdmin() {
  await page.goto(`${env.server.baseUrl}/#/home`);
  await page.goto(`${env.server.baseUrl}/#/admin`);
}

const gql = (query, variables) => graphql(env.server.baseUrl, query, variables, token);
const text = (key, vars = {}) => en[key].replace(/\{(\w+)\}/g, (_, name) => String(vars[name]));


test('a rescan that finishes before the mutation answers ends as finished on screen, not stuck on "Starting…"', { timeout: 60_000 }, async () => {
  await setUp();
  await openAdmin();
  await until('the first scan on the page', async () => (await page.getByTestId('stat-tracks').textContent().catch(() => '')) === '3');
  const { libraryStatus: before } = await gql('{ libraryStatus { lastScanStartedAt } }');

  // Hold the mutation's answer until the scan it started is over: the subscription's "done"
  // reaches the page first, then the (older) answer.
  await page.route('**/graphql', async (route) => {
    if (!(route.request().postData() || '').includes('mutation RescanLibrary')) return route.continue();
    const response = await route.fetch();
    await until('the scan to finish on the server', async () => {
      const { libraryStatus: s } = await gql('{ libraryStatus { scanning lastScanStartedAt lastScanFinishedAt } }');
      return !s.scanning && s.lastScanStartedAt !== before.lastScanStartedAt && s.lastScanFinishedAt >= s.lastScanStartedAt;
    });
    await until('the page to hear the scan finish', async () => (await page.getByTestId('scan-phase').textContent()) === text('admin.library.phase.done'));
    return route.fulfill({ response });
  });
  await Promise.all([
    page.waitForResponse((r) => (r.request().postData() || '').includes('mutation RescanLibrary')),
    page.getByTestId('rescan').click(),
  ]);
  await page.unroute('**/graphql');

  // Settled: finished, a full bar, the button back, and the facts agreeing.
  await until('the finished state to stay', async () => {
    const state = await page.evaluate(() => ({
      phase: document.querySelector('[data-testid=scan-phase]').textContent,
      moving: document.querySelector('[data-testid=scan-progress] .progress').classList.contains('is-indeterminate'),
      button: document.querySelector('[data-testid=rescan]').disabled,
      finished: document.querySelector('[data-testid=scan-finished]')?.textContent,
    }));
    return state.phase === text('admin.library.phase.done') && !state.moving && !state.button && state.finished !== text('admin.library.scanningNow');
  });
  // And it stays so once the answer has been handled (a frame later, and after a status reload).
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
  assert.equal(await page.getByTestId('scan-phase').textContent(), text('admin.library.phase.done'));
});

test('files the watcher picks up show on the page without a rescan', { timeout: 60_000 }, async () => {
  await setUp();
  await openAdmin();
  await until('the library counts', async () => (await page.getByTestId('stat-tracks').textContent().catch(() => '')) === '3');
  // The subscription is open once the page has loaded; give the socket its handshake.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/graphql')), null, { timeout: UI_TIMEOUT_MS });
  await writeFile(path.join(music, 'New One.wav'), toneWav({ seconds: 0.3, frequency: 880 }));
  await writeFile(path.join(music, 'Broken.mp3'), 'not audio at all');
  await until('the new track counted', async () => (await page.getByTestId('stat-tracks').textContent()) === '4', 20_000);
  const note = page.getByTestId('watch-note');
  await until('the watcher note', async () => Number(await note.getAttribute('data-skipped').catch(() => '0')) >= 1, 20_000);
});

test('skipped files the watcher found are listed by path without a rescan', async () => {
  await setUp();
  await openAdmin();
  await page.getByTestId('skipped-files').click();
  await page.locator('[data-testid=skipped-file]', { hasText: 'Broken.mp3' }).waitFor({ timeout: UI_TIMEOUT_MS });
});

test('a hidden track (deleted from the folder library) can be restored from the Administration page', { timeout: 60_000 }, async () => {
  await setUp();
  const { tracks } = await gql('{ tracks(first: 10, search: "Song") { edges { node { id name } } } }');
  const victim = tracks.edges.find((e) => e.node.name === 'Song 1').node;
  await gql('mutation($id: ID!) { deleteTrack(id: $id) }', { id: victim.id });
  await openAdmin();
  const row = page.locator('[data-testid=hidden-row]', { hasText: 'Song 1' });
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  await row.getByTestId('restore-hidden').click();
  await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  const { hiddenTracks } = await gql('{ hiddenTracks { path } }');
  assert.deepEqual(hiddenTracks, []);
});

test('an admin creates an account, hands over a password-reset link that works once, and deletes the account', { timeout: 90_000 }, async () => {
  await setUp();
  await openAdmin();
  await (await expectVisible(page, 'create-user-toggle')).click();
  await page.getByTestId('new-user-name').fill('Cleo');
  await page.getByTestId('new-user-email').fill('cleo@example.com');
  await page.getByTestId('new-user-password').fill('first password here');
  await page.getByTestId('create-user').click();
  const row = page.locator('[data-testid=user-row]', { hasText: 'Cleo' });
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  const cleo = await apiLogin(env.server.baseUrl, { email: 'cleo@example.com', password: 'first password here' });
  await graphql(env.server.baseUrl, 'mutation { createPlaylist(input: { name: "Cleo mix", public: false }) { id } }', {}, cleo.accessToken);

  // The reset link: copyable, and it sets a new password once.
  await row.getByTestId('reset-link-button').click();
  const link = await (await expectVisible(page, 'reset-link')).inputValue();
  assert.match(link, /^http:\/\/[^/]+\/#\/reset\/.+/);
  await page.keyboard.press('Escape');
  const other = await (await env.browser.newContext()).newPage();
  const otherErrors = consoleErrors(other);
  await other.goto(link);
  await (await expectVisible(other, 'reset-password')).fill('second password here');
  await other.getByTestId('reset-repeat').fill('second password here!');
  await other.getByTestId('submit').click();
  await expectVisible(other, 'error'); // the two differ
  await other.getByTestId('reset-repeat').fill('second password here');
  await other.getByTestId('submit').click();
  await expectVisible(other, 'signin-form');
  await apiLogin(env.server.baseUrl, { email: 'cleo@example.com', password: 'second password here' });
  await other.goto(link); // used up
  await (await expectVisible(other, 'reset-password')).fill('third password here');
  await other.getByTestId('reset-repeat').fill('third password here');
  await other.getByTestId('submit').click();
  assert.equal(await (await expectVisible(other, 'error')).textContent(), text('reset.badLink'));
  assert.deepEqual(otherErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  await other.context().close();

  // Delete, handing the playlists to me.
  await row.getByTestId('delete-user-button').click();
  const dialog = await expectVisible(page, 'delete-user');
  assert.equal(await dialog.getByTestId('delete-playlists-transfer').isChecked(), true);
  await dialog.getByTestId('delete-uploads-delete').check();
  await dialog.getByTestId('dialog-submit').click();
  await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  const { myPlaylists } = await gql('{ myPlaylists(first: 50) { edges { node { name owner { username } } } } }');
  assert.ok(myPlaylists.edges.some((e) => e.node.name === 'Cleo mix' && e.node.owner.username === ADA.username), 'the playlist is mine now');
});

test('no errors in the console', async () => {
  await setUp();
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
});
