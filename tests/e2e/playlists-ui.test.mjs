// Playlists in a real browser (issue 12): import an M3U file (lines matched against the library,
// the rest reported), export one, "Play" a playlist longer than its first page, and other
// people's public playlists with a copy of one's own.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { adaAndBen, apiLogin, BEN, ADA, expectVisible, graphql, serverAndBrowser, UI_TIMEOUT_MS, uploadTrackFile, until } from './harness.mjs';
import { toneWav } from './wav.mjs';

const env = serverAndBrowser();
let people;
let ada;
let tokens;
const ids = {};
let ready = null;
const setUp = () => (ready ??= (async () => {
  people = await adaAndBen(env, { width: 1280, height: 800 });
  ada = people.ada;
  tokens = { ada: (await apiLogin(env.server.baseUrl, ADA)).accessToken, ben: (await apiLogin(env.server.baseUrl, BEN)).accessToken };
  for (const [i, name] of ['Morning Light', 'Evening Rain', 'Night Drive'].entries()) {
    ids[name] = (await uploadTrackFile(env.server.baseUrl, tokens.ada, `${name}.wav`, toneWav({ seconds: 0.3, frequency: 400 + i * 40 }))).id;
  }
  // An artist for one of them, so "Artist - Title" lines can match it.
  await gql('ada', 'mutation($id: ID!) { updateTrack(id: $id, input: { name: "Evening Rain", artistName: "The Weather" }) { id } }', { id: ids['Evening Rain'] });
})());

const gql = (who, query, variables) => graphql(env.server.baseUrl, query, variables, tokens[who]);


test('importing an M3U file matches its lines against the library, reports the rest, and makes the playlist', { timeout: 90_000 }, async () => {
  await setUp();
  const file = path.join(env.dataDir, 'Road trip.m3u8');
  await writeFile(file, [
    '#EXTM3U',
    '#EXTINF:1,The Weather - Evening Rain',
    'D:\\Music\\The Weather\\Evening Rain.flac',
    '#EXTINF:3,Nobody - Not In The Library',
    'nowhere/Not In The Library.mp3',
    '/home/me/Music/Morning Light.wav',
    '',
  ].join('\n'));
  await ada.goto(`${env.server.baseUrl}/#/playlists`);
  await ada.getByTestId('import-input').setInputFiles(file);
  const dialog = await expectVisible(ada, 'import-dialog');
  const status = dialog.getByTestId('import-status');
  await until('the matching', async () => (await status.getAttribute('data-matched')) !== null);
  assert.equal(await status.getAttribute('data-matched'), '2');
  assert.deepEqual(await dialog.getByTestId('unmatched-line').allTextContents(), ['Line 5: Nobody - Not In The Library']);
  assert.equal(await dialog.getByTestId('import-name').inputValue(), 'Road trip');
  await dialog.getByTestId('import-create').click();
  await until('the new playlist', async () => /#\/playlist\//.test(ada.url()));
  const rows = ada.getByTestId('track-row');
  await until('its two tracks', async () => (await rows.count()) === 2);
  assert.deepEqual(await rows.evaluateAll((r) => r.map((row) => row.dataset.trackId)), [ids['Evening Rain'], ids['Morning Light']]);
});

test('exporting a playlist downloads an M3U8 with #EXTINF lines and paths', async () => {
  await setUp();
  const [download] = await Promise.all([ada.waitForEvent('download'), ada.getByTestId('export-playlist').click()]);
  assert.equal(download.suggestedFilename(), 'Road trip.m3u8');
  const saved = path.join(env.dataDir, 'export.m3u8');
  await download.saveAs(saved);
  const lines = (await readFile(saved, 'utf8')).trim().split('\n');
  assert.equal(lines[0], '#EXTM3U');
  assert.equal(lines[1], '#PLAYLIST:Road trip');
  assert.match(lines[2], /^#EXTINF:\d+,The Weather - Evening Rain$/);
  assert.match(lines[4], /^#EXTINF:\d+,(.+ - )?Morning Light$/);
  const fields = (await gql('ada', '{ __type(name: "Track") { fields { name } } }')).__type.fields.map((f) => f.name);
  if (fields.includes('path')) {
    const { track } = await gql('ada', 'query($id: ID!) { track(id: $id) { path } }', { id: ids['Morning Light'] });
    assert.equal(lines[5], track.path);
  }
});

test('Play on a playlist longer than its first page plays all of it', { timeout: 60_000 }, async () => {
  await setUp();
  const { createPlaylist } = await gql('ada', 'mutation { createPlaylist(input: { name: "Long", public: false }) { id } }');
  const many = Array.from({ length: 510 }, (_, i) => Object.values(ids)[i % 3]);
  await gql('ada', 'mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { id } }', { p: createPlaylist.id, t: many.slice(0, 255) });
  await gql('ada', 'mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { id } }', { p: createPlaylist.id, t: many.slice(255) });
  await ada.goto(`${env.server.baseUrl}/#/playlist/${createPlaylist.id}`);
  await until('the first page of rows', async () => (await ada.getByTestId('track-row').count()) === 500);
  await ada.getByTestId('play-all').click();
  await until('all 510 in the queue', async () => ada.evaluate(async () => (await import('/js/player.js')).snapshot().queue.length === 510));
  await ada.evaluate(async () => (await import('/js/player.js')).reset());
});

test('other people’s public playlists are listed, and one can be copied', { timeout: 60_000 }, async () => {
  await setUp();
  const { createPlaylist } = await gql('ben', 'mutation { createPlaylist(input: { name: "Ben shares", public: true }) { id } }');
  await gql('ben', 'mutation($p: ID!, $t: [ID!]!) { addTracksToPlaylist(playlistId: $p, trackIds: $t) { id } }', { p: createPlaylist.id, t: [ids['Night Drive']] });
  await ada.goto(`${env.server.baseUrl}/#/playlists`);
  const card = ada.locator('[data-testid=public-playlist-grid] [data-testid=playlist-card]', { hasText: 'Ben shares' });
  await card.waitFor({ timeout: UI_TIMEOUT_MS });
  await card.locator('.tile-title').click();
  await (await expectVisible(ada, 'copy-playlist')).click();
  await until('my copy', async () => /#\/playlist\//.test(ada.url()) && !ada.url().endsWith(createPlaylist.id));
  const { myPlaylists } = await gql('ada', '{ myPlaylists(first: 50) { edges { node { name trackCount owner { username } } } } }');
  assert.ok(myPlaylists.edges.some((e) => e.node.owner.username === ADA.username && e.node.trackCount === 1 && e.node.name.includes('Ben shares')));
});

test('no errors in the console', async () => {
  await setUp();
  assert.deepEqual(people.errors.ada.filter((e) => !/Failed to load resource/.test(e)), []);
});
