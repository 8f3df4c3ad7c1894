// The library pages in a real browser (issue 12): long lists play in full and keep your place
// on Back, the track menu's dialogs give focus back, the track list header is readable, uploads
// show edited titles and explain failures (offering Retry only where it can help), "Delete from
// library" says truthfully what happens, albums sort through the address, and a track's
// details dialog shows the file's facts.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import en from '../../web/js/i18n/library.en.js';
import { ADA, apiLogin, consoleErrors, createAccount, expectVisible, graphql, serverAndBrowserWith, UI_TIMEOUT_MS, uploadTrackFile, until } from './harness.mjs';
import { toneWav } from './wav.mjs';

const env = serverAndBrowserWith({
  serverArgs: async (dataDir) => {
    const music = path.join(dataDir, 'music');
    await mkdir(music, { recursive: true });
    await writeFile(path.join(music, 'Folder Song.wav'), toneWav({ seconds: 1, frequency: 330 }));
    await writeFile(path.join(music, 'Folder Song.lrc'), '[00:00.50]First line\n[01:02.00]Second line\n');
    return ['--music-dir', music];
  },
  browserArgs: ['--autoplay-policy=no-user-gesture-required'],
});

const MANY = 130; // more than one page (100) of the tracks list
let token;
let page;
let errors;

const text = (key, vars = {}) => en[key].replace(/\{(\w+)\}/g, (_, name) => String(vars[name]));

// Once, at the start of the first test (after the harness's own hooks have started the server).
let ready = null;
const setUp = () => (ready ??= setUpOnce());
async function setUpOnce() {
  page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = consoleErrors(page);
  await page.goto(env.server.baseUrl);
  await createAccount(await expectVisible(page, 'setup-form'), ADA);
  await expectVisible(page, 'profile-username');
  ({ accessToken: token } = await apiLogin(env.server.baseUrl, ADA));
  for (let i = 0; i < MANY; i += 1) {
    await uploadTrackFile(env.server.baseUrl, token, `Tone ${String(i).padStart(3, '0')}.wav`, toneWav({ seconds: 0.2, frequency: 200 + i * 3 }));
  }
}

const gql = (query, variables) => graphql(env.server.baseUrl, query, variables, token);


const queueLength = () => page.evaluate(async () => (await import('/js/player.js')).snapshot().queue.length);

test('Play all plays the whole list, not just the loaded rows, and Back comes back to the same place', { timeout: 120_000 }, async () => {
  await setUp();
  await page.goto(`${env.server.baseUrl}/#/library/tracks`);
  const rows = page.getByTestId('track-row');
  await until('the first page', async () => (await rows.count()) >= 100);
  assert.equal(await rows.count(), 100, 'only the first page is loaded at the top');

  await page.getByTestId('play-all').click();
  await until('the whole library in the queue', async () => (await queueLength()) === MANY + 1);

  // Scroll well down: the second page loads on the way.
  await rows.nth(95).scrollIntoViewIfNeeded();
  await until('the second page', async () => (await rows.count()) === MANY + 1);
  await rows.nth(110).scrollIntoViewIfNeeded();
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(y > 2000, `scrolled down (${y})`);

  await page.getByTestId('nav-home').click();
  await page.locator('.shortcuts').waitFor({ timeout: UI_TIMEOUT_MS });
  let asked = 0;
  const count = (request) => {
    if (request.url().endsWith('/graphql') && /query Tracks\(/.test(request.postData() || '')) asked += 1;
  };
  page.on('request', count);
  await page.goBack();
  await until('the list back', async () => (await rows.count()) === MANY + 1);
  await until('the same scroll position', async () => Math.abs((await page.evaluate(() => window.scrollY)) - y) < 40);
  page.off('request', count);
  assert.equal(asked, 0, 'coming back shows what was loaded, without loading it again');
});

test('the add-to-playlist dialog from a track menu gives focus back to the menu button, and the list header is readable', async () => {
  await setUp();
  await page.goto(`${env.server.baseUrl}/#/library/tracks`);
  const row = page.getByTestId('track-row').first();
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  const more = row.getByTestId('track-menu');
  await more.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('menu-add-to-playlist').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('ArrowDown'); // keyboard use: move to an item, then choose it
  await page.getByTestId('menu-add-to-playlist').focus();
  await page.keyboard.press('Enter');
  await expectVisible(page, 'add-to-playlist');
  await page.keyboard.press('Escape');
  await page.getByTestId('add-to-playlist').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  const focused = await page.evaluate(() => ({ testid: document.activeElement?.dataset?.testid, row: document.activeElement?.closest('.track-row')?.dataset.trackId }));
  assert.deepEqual(focused, { testid: 'track-menu', row: await row.getAttribute('data-track-id') });

  // WCAG AA: 4.5:1 for the column titles against the page behind them.
  const ratio = await page.evaluate(() => {
    const rgb = (s) => s.match(/[\d.]+/g).slice(0, 4).map(Number);
    const lum = ([r, g, b]) => {
      const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const head = document.querySelector('.tracklist-head');
    let bg = null;
    for (let el = head; el && !bg; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) bg = c;
    }
    bg ??= rgb(getComputedStyle(document.body).backgroundColor);
    const [a, b] = [lum(rgb(getComputedStyle(head).color)), lum(bg)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
  assert.ok(ratio >= 4.5, `track list header contrast is ${ratio.toFixed(2)}:1`);
});

test('uploads: an edited title shows in the list; failures are explained, and Retry is offered only where it can help', { timeout: 60_000 }, async () => {
  await setUp();
  await page.goto(`${env.server.baseUrl}/#/upload`);
  const dir = path.join(env.dataDir, 'files');
  await mkdir(dir, { recursive: true });
  const good = path.join(dir, 'Upload Me.wav');
  await writeFile(good, toneWav({ seconds: 0.5, frequency: 987 }));
  const input = page.getByTestId('upload-input');
  await input.setInputFiles(good);
  const row = page.getByTestId('upload-row').last();
  await page.locator('[data-testid=upload-row][data-status=done]').last().waitFor({ timeout: 30_000 });

  await row.getByTestId('upload-edit').click();
  await page.getByTestId('edit-name').fill('Renamed Upload');
  await page.getByTestId('dialog-submit').click();
  await page.getByTestId('edit-track').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  await until('the new title in the upload list', async () => (await row.getByTestId('upload-title').textContent()) === 'Renamed Upload');

  // Not audio at all, whatever the name says: explained, and no Retry (it would fail again).
  const broken = path.join(dir, 'broken.mp3');
  await writeFile(broken, 'this is not an mp3 file at all');
  await input.setInputFiles(broken);
  const failed = page.locator('[data-testid=upload-row][data-status=error]').last();
  await failed.waitFor({ timeout: 30_000 });
  assert.equal(await failed.getByTestId('upload-status').textContent(), text('upload.error.unreadable'));
  assert.equal(await failed.getByTestId('upload-retry').count(), 0);

  // The same file again: a duplicate, said in words, without the server's raw track id.
  await input.setInputFiles(good);
  const duplicate = page.locator('[data-testid=upload-row][data-code=CONFLICT]');
  await duplicate.waitFor({ timeout: 30_000 });
  assert.equal(await duplicate.getByTestId('upload-status').textContent(), text('upload.error.duplicate'));
  assert.equal(await duplicate.getByTestId('upload-retry').count(), 0);

  // A dropped connection can go better next time: Retry is there.
  await page.route('**/graphql', (route) => ((route.request().postData() || '').includes('UploadTrack') ? route.abort('connectionreset') : route.continue()));
  const other = path.join(dir, 'Other.wav');
  await writeFile(other, toneWav({ seconds: 0.5, frequency: 777 }));
  await input.setInputFiles(other);
  const dropped = page.locator('[data-testid=upload-row][data-code=NETWORK]');
  await dropped.waitFor({ timeout: 30_000 });
  assert.equal(await dropped.getByTestId('upload-retry').count(), 1);
  await page.unroute('**/graphql');
  await dropped.getByTestId('upload-retry').click();
  await page.locator('[data-testid=upload-row][data-status=done]', { hasText: 'Other' }).waitFor({ timeout: 30_000 });
});

test('"Delete from library" says what happens: a folder track is hidden (the file stays), an upload is deleted; the playing track plays on', { timeout: 60_000 }, async () => {
  await setUp();
  const { tracks } = await gql('{ tracks(first: 200) { edges { node { id name source } } } }');
  const all = tracks.edges.map((e) => e.node);
  const folder = all.find((tr) => tr.source === 'library');
  assert.ok(folder, 'the music folder was scanned');

  await page.goto(`${env.server.baseUrl}/#/library/tracks`);
  const openDelete = async (name) => {
    const row = page.locator('[data-testid=track-row]', { hasText: name }).first();
    await row.scrollIntoViewIfNeeded();
    await row.getByTestId('track-menu').click();
    await page.getByTestId('menu-delete').click();
    return expectVisible(page, 'delete-track-dialog');
  };
  let dialog = await openDelete('Folder Song');
  assert.equal(await dialog.getByTestId('confirm-message').textContent(), text('track.delete.libraryText', { name: 'Folder Song' }));
  await dialog.getByTestId('cancel').click();
  await dialog.waitFor({ state: 'detached' });

  // Play an upload (long enough to still be playing), then delete it while it plays.
  await uploadTrackFile(env.server.baseUrl, token, 'Long Play.wav', toneWav({ seconds: 30, frequency: 523 }));
  await page.goto(`${env.server.baseUrl}/#/library/tracks?sort=DATE_ADDED`);
  const row = page.locator('[data-testid=track-row]', { hasText: 'Long Play' }).first();
  await row.getByTestId('track-title').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=audio]')?.currentTime > 0, null, { timeout: UI_TIMEOUT_MS });
  dialog = await openDelete('Long Play');
  assert.equal(await dialog.getByTestId('confirm-message').textContent(), text('track.delete.uploadText', { name: 'Long Play' }));
  await dialog.getByTestId('confirm').click();
  await page.locator('[data-testid=track-row]', { hasText: 'Long Play' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  const at = await page.evaluate(() => document.querySelector('[data-testid=audio]').currentTime);
  await page.waitForFunction((t) => document.querySelector('[data-testid=audio]').currentTime > t + 0.3, at, { timeout: UI_TIMEOUT_MS });
  const state = await page.evaluate(async () => {
    const player = await import('/js/player.js');
    return { track: player.snapshot().track?.name, paused: document.querySelector('[data-testid=audio]').paused };
  });
  assert.deepEqual(state, { track: 'Long Play', paused: false }, 'the deleted track keeps playing');
  await page.evaluate(async () => (await import('/js/player.js')).pause());
});

test('albums sort through the address, so Back brings the previous order back', async () => {
  await setUp();
  const { tracks } = await gql('{ tracks(first: 4, search: "Tone") { edges { node { id } } } }');
  const ids = tracks.edges.map((e) => e.node.id);
  for (const [i, id] of ids.entries()) {
    await gql('mutation($id: ID!, $input: TrackInput!) { updateTrack(id: $id, input: $input) { id } }',
      { id, input: { name: `Album Song ${i}`, albumTitle: i < 2 ? 'Blue Album' : 'Another Album', artistName: 'Tester' } });
  }
  await page.goto(`${env.server.baseUrl}/#/library/albums`);
  await page.locator('[data-testid=album-card]', { hasText: 'Blue Album' }).waitFor({ timeout: UI_TIMEOUT_MS });
  const select = page.getByTestId('album-sort');
  assert.equal(await select.inputValue(), 'TITLE');
  await select.selectOption('MOST_PLAYED');
  await until('the order in the address', async () => page.url().endsWith('#/library/albums?sort=most_played'));
  assert.equal(await page.getByTestId('album-sort').inputValue(), 'MOST_PLAYED');
  await page.goBack();
  await until('the previous order', async () => page.url().endsWith('#/library/albums') && (await page.getByTestId('album-sort').inputValue()) === 'TITLE');
  await page.goForward();
  await until('forward again', async () => (await page.getByTestId('album-sort').inputValue()) === 'MOST_PLAYED');
});

test('albums and artists can be favourites: hearts on their pages and cards, the albums filter and the Favourites tabs', async () => {
  await setUp();
  const { albums } = await gql('{ albums(first: 10, search: "Blue") { edges { node { id title artist { id } } } } }');
  const blue = albums.edges[0].node;
  await page.goto(`${env.server.baseUrl}/#/album/${blue.id}`);
  const heart = await expectVisible(page, 'album-heart');
  assert.equal(await heart.getAttribute('aria-pressed'), 'false');
  await Promise.all([page.waitForResponse((r) => (r.request().postData() || '').includes('mutation FavoriteAlbum(')), heart.click()]);
  assert.equal(await heart.getAttribute('aria-pressed'), 'true');
  const stored = await gql('query($id: ID!) { album(id: $id) { isFavorite } }', { id: blue.id });
  assert.equal(stored.album.isFavorite, true);

  // The albums page: "Favourites only" keeps just that one, and says so in the address.
  await page.goto(`${env.server.baseUrl}/#/library/albums`);
  await (await expectVisible(page, 'album-favorites-filter')).click();
  await until('the filter in the address', async () => page.url().endsWith('#/library/albums?favorites=1'));
  await until('only the favourite album', async () => {
    const titles = await page.locator('[data-testid=album-grid] [data-testid=album-card] .tile-title').allTextContents();
    return titles.length === 1 && titles[0] === 'Blue Album';
  });

  // The artist's heart, then the Favourites page's tabs.
  await page.goto(`${env.server.baseUrl}/#/artist/${blue.artist.id}`);
  const artistHeart = await expectVisible(page, 'artist-heart');
  await Promise.all([page.waitForResponse((r) => (r.request().postData() || '').includes('mutation FavoriteArtist(')), artistHeart.click()]);
  await page.goto(`${env.server.baseUrl}/#/favorites`);
  await (await expectVisible(page, 'favorites-tab-albums')).click();
  await page.locator('[data-testid=favorite-albums] [data-testid=album-card]', { hasText: 'Blue Album' }).waitFor({ timeout: UI_TIMEOUT_MS });
  // A card's heart un-favourites it, and every heart for that album agrees.
  const card = page.locator('[data-testid=favorite-albums] [data-testid=album-card]', { hasText: 'Blue Album' });
  await card.hover();
  await Promise.all([page.waitForResponse((r) => (r.request().postData() || '').includes('mutation UnfavoriteAlbum(')), card.getByTestId('card-heart').click()]);
  assert.equal(await card.getByTestId('card-heart').getAttribute('aria-pressed'), 'false');
  await page.getByTestId('favorites-tab-artists').click();
  await page.locator('[data-testid=favorite-artists] [data-testid=artist-card]', { hasText: 'Tester' }).waitFor({ timeout: UI_TIMEOUT_MS });
});

test('the track details dialog shows the file’s facts', async () => {
  await setUp();
  await page.goto(`${env.server.baseUrl}/#/library/tracks`);
  const row = page.locator('[data-testid=track-row]', { hasText: 'Folder Song' }).first();
  await row.scrollIntoViewIfNeeded();
  await row.getByTestId('track-menu').click();
  await page.getByTestId('menu-details').click();
  const dialog = await expectVisible(page, 'track-details');
  await dialog.getByTestId('track-facts').waitFor({ timeout: UI_TIMEOUT_MS });
  assert.equal(await dialog.getByTestId('detail-duration').textContent(), '0:01');
  assert.equal(await dialog.getByTestId('detail-channels').textContent(), text('track.details.mono'));
  assert.equal(await dialog.getByTestId('detail-sample-rate').textContent(), text('track.details.khz', { n: '44.1' }));
  assert.equal(await dialog.getByTestId('detail-source').textContent(), text('track.details.sourceLibrary'));
  const fields = (await gql('{ __type(name: "Track") { fields { name } } }')).__type.fields.map((f) => f.name);
  if (fields.includes('path')) assert.match(await dialog.getByTestId('detail-path').textContent(), /Folder Song\.wav$/);
  if (fields.includes('lyrics')) {
    const lines = await dialog.locator('[data-testid=lyrics] li').evaluateAll((items) => items.map((li) => li.textContent));
    assert.deepEqual(lines, ['0:00First line', '1:02Second line']);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'track-menu');
});

test('no errors in the console', async () => {
  await setUp();
  // A refused upload logs a failed request (that is the test); nothing else may.
  const unexpected = errors.filter((e) => !/Failed to load resource|net::ERR_CONNECTION_RESET/.test(e));
  assert.deepEqual(unexpected, []);
});
