// Regenerates the README screenshots in docs/screenshots/ against a real server binary:
//
//   cd tests/e2e && node screenshots.mjs            # target/debug/soundroom, or SOUNDROOM_BIN
//   SHOTS=home,apps node screenshots.mjs              # only some of them
//
// Not a test (no *.test.mjs), so `npm test` leaves it alone. It builds a made-up library in a
// temporary data directory (6 artists × 2 albums × 4 tracks: tone WAVs with RIFF INFO tags, and
// covers, artist pictures and playlist images drawn in the browser), signs up an admin, records
// a few days of plays, favourites and playlists, then photographs the pages. Every name is
// invented. The room, friends, notifications and activity pictures come from their browser
// tests instead (E2E_SCREENSHOTS=<dir> npm test).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccount, expectVisible, graphql, launchBrowserWith, startServerWith, UI_TIMEOUT_MS, until } from './harness.mjs';
import { toneWav } from './wav.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '../../docs/screenshots');
const ONLY = process.env.SHOTS ? new Set(process.env.SHOTS.split(',')) : null;
const DESKTOP = { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' };
const ADA = { username: 'Ada', email: 'ada@example.com', password: 'correct horse battery staple' };
const OTHERS = [
  { name: 'Ben', email: 'ben@example.com', password: 'another horse battery staple' },
  { name: 'Chioma', email: 'chioma@example.com', password: 'yet another horse battery' },
];

// ---------- the library (all names made up) ----------

const LIBRARY = [
  { artist: 'Marigold Static', genre: 'Indie Pop', hues: [18, 330], albums: [
    { title: 'Paper Lanterns', year: 2019, style: 'sun', tracks: ['Summer in Reverse', 'Polaroid Hearts', 'Bicycle Weather', 'Lanterns (Reprise)'] },
    { title: 'Slow Weather', year: 2023, style: 'waves', tracks: ['Low Pressure', 'Umbrella Song', 'The Long Drizzle', 'Clearing Up'] },
  ] },
  { artist: 'The Velvet Cartographers', genre: 'Alternative', hues: [215, 270], albums: [
    { title: 'Maps for Night Drivers', year: 2017, style: 'rings', tracks: ['Exit 41', 'Sodium Lights', 'Glovebox', 'Headlights on the Ceiling'] },
    { title: 'Coastline Theory', year: 2021, style: 'blocks', tracks: ['Erosion', 'Lighthouse Keeper', 'Salt in the Wires', 'High Tide Club'] },
  ] },
  { artist: 'Ines Valtari', genre: 'Electronic', hues: [170, 200], albums: [
    { title: 'Glass Orchard', year: 2020, style: 'blobs', tracks: ['Orchard', 'Fractal Bloom', 'Greenhouse Effect', 'Pollen Drift'] },
    { title: 'Afterimage', year: 2024, style: 'rings', tracks: ['Retina', 'Afterimage', 'Phosphor', 'Long Exposure'] },
  ] },
  { artist: 'Kōji Arakawa Trio', genre: 'Jazz', hues: [40, 200], albums: [
    { title: 'Blue Hour Sessions', year: 2015, style: 'blocks', tracks: ['Blue Hour', 'Tram Line 9', 'Hanami Blues', 'Last Order'] },
    { title: 'Rainy Season', year: 2022, style: 'waves', tracks: ['Tsuyu', 'Wet Asphalt', 'Hydrangea', 'The Dry Spell'] },
  ] },
  { artist: 'Northbound Owls', genre: 'Folk', hues: [95, 30], albums: [
    { title: 'Cedar & Smoke', year: 2016, style: 'sun', tracks: ['Cedar & Smoke', 'Kettle Song', 'Woodpile', 'Lantern Road'] },
    { title: 'Winter Letters', year: 2020, style: 'blobs', tracks: ['Dear January', 'Frost on the Window', 'Postmark', 'Thaw'] },
  ] },
  { artist: 'Lumen Drift', genre: 'Synthwave', hues: [290, 190], albums: [
    { title: 'Neon Harbour', year: 2018, style: 'grid', tracks: ['Harbour Lights', 'Chrome Gulls', 'Night Ferry', 'Dockside 1986'] },
    { title: 'Midnight Transit', year: 2024, style: 'grid', tracks: ['Transit', 'Last Train Home', 'Platform Zero', 'Overpass'] },
  ] },
];

const PLAYLISTS = [
  { name: 'Sunday Morning', description: 'Slow starts, warm records and a second coffee.', public: true, hues: [35, 15],
    pick: ['Kettle Song', 'Blue Hour', 'Polaroid Hearts', 'Hydrangea', 'Dear January', 'Bicycle Weather', 'Tram Line 9'] },
  { name: 'Night Drive', description: 'Neon, rain and an empty motorway.', public: false, hues: [280, 200],
    pick: ['Exit 41', 'Night Ferry', 'Sodium Lights', 'Last Train Home', 'Phosphor', 'Overpass', 'Headlights on the Ceiling', 'Transit'] },
  { name: 'Deep Focus', description: 'No words, no distractions.', public: false, hues: [170, 220],
    pick: ['Orchard', 'Pollen Drift', 'Long Exposure', 'Tsuyu', 'Wet Asphalt'] },
];

// Seconds, believable track lengths from a seed.
const lengthOf = (seed) => 150 + ((seed * 7919) % 130);

/** toneWav() with a RIFF LIST/INFO chunk, which the scanner reads as tags. */
function taggedWav({ seconds, frequency, tags }) {
  const wav = toneWav({ seconds, frequency, sampleRate: 8000, amplitude: 0.15 });
  const parts = [];
  for (const [id, value] of Object.entries(tags)) {
    const text = Buffer.from(`${value}\0`, 'utf8');
    const head = Buffer.alloc(8);
    head.write(id, 0, 'ascii');
    head.writeUInt32LE(text.length, 4);
    parts.push(head, text);
    if (text.length % 2) parts.push(Buffer.alloc(1));
  }
  const body = Buffer.concat([Buffer.from('INFO', 'ascii'), ...parts]);
  const list = Buffer.alloc(8);
  list.write('LIST', 0, 'ascii');
  list.writeUInt32LE(body.length, 4);
  const out = Buffer.concat([wav, list, body]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

// ---------- pictures, drawn on a canvas in the browser ----------

/** Runs in the page: a square PNG (data URL) in one of a few abstract styles. */
function drawArt({ size, style, hues, seed, label, sub }) {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const g = c.getContext('2d');
  const [h1, h2] = hues;
  const hsl = (h, sat, l, a = 1) => `hsla(${h}, ${sat}%, ${l}%, ${a})`;
  const bg = g.createLinearGradient(0, 0, size, size);
  bg.addColorStop(0, hsl(h1, 70, style === 'grid' ? 12 : 45));
  bg.addColorStop(1, hsl(h2, 65, style === 'grid' ? 25 : 22));
  g.fillStyle = bg;
  g.fillRect(0, 0, size, size);
  if (style === 'sun') {
    const y = size * 0.62;
    g.fillStyle = hsl(h1 + 20, 90, 72);
    g.beginPath();
    g.arc(size * 0.5, y, size * 0.26, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = hsl(h2, 60, 18);
    for (let i = 0; i < 6; i += 1) g.fillRect(0, y + i * size * 0.035, size, size * 0.008 * (i + 1));
    g.fillRect(0, y + size * 0.2, size, size);
  } else if (style === 'waves') {
    for (let i = 0; i < 7; i += 1) {
      g.fillStyle = hsl(h1 + i * 8, 60, 70 - i * 7, 0.85);
      g.beginPath();
      const base = size * (0.35 + i * 0.09);
      g.moveTo(0, size);
      for (let x = 0; x <= size; x += 4) g.lineTo(x, base + Math.sin(x / size * Math.PI * (2 + rand()) + i) * size * 0.04);
      g.lineTo(size, size);
      g.fill();
    }
  } else if (style === 'rings') {
    const cx = size * (0.3 + rand() * 0.4);
    const cy = size * (0.3 + rand() * 0.4);
    g.lineWidth = size * 0.018;
    for (let r = size * 0.05; r < size; r += size * 0.055) {
      g.strokeStyle = hsl(h1 + r / size * 90, 80, 70, 0.75);
      g.beginPath();
      g.arc(cx, cy, r, 0, Math.PI * 2);
      g.stroke();
    }
  } else if (style === 'blocks') {
    for (let i = 0; i < 9; i += 1) {
      g.fillStyle = hsl(i % 2 ? h1 : h2, 70, 40 + rand() * 40, 0.9);
      const x = rand() * size * 0.8;
      const y = rand() * size * 0.8;
      if (i % 3 === 0) {
        g.beginPath();
        g.arc(x + size * 0.1, y + size * 0.1, size * (0.06 + rand() * 0.12), 0, Math.PI * 2);
        g.fill();
      } else {
        g.fillRect(x, y, size * (0.1 + rand() * 0.3), size * (0.05 + rand() * 0.2));
      }
    }
  } else if (style === 'blobs') {
    g.filter = `blur(${size / 18}px)`;
    for (let i = 0; i < 7; i += 1) {
      g.fillStyle = hsl(i % 2 ? h1 + 30 : h2 - 20, 85, 55 + rand() * 20, 0.8);
      g.beginPath();
      g.arc(rand() * size, rand() * size, size * (0.15 + rand() * 0.2), 0, Math.PI * 2);
      g.fill();
    }
    g.filter = 'none';
  } else if (style === 'grid') {
    const horizon = size * 0.55;
    const sun = g.createLinearGradient(0, size * 0.15, 0, horizon);
    sun.addColorStop(0, hsl(45, 100, 65));
    sun.addColorStop(1, hsl(h1 + 40, 90, 55));
    g.fillStyle = sun;
    g.beginPath();
    g.arc(size / 2, horizon, size * 0.3, Math.PI, 0);
    g.fill();
    g.fillStyle = hsl(h2, 80, 8);
    g.fillRect(0, horizon, size, size);
    g.strokeStyle = hsl(h2, 90, 60, 0.8);
    g.lineWidth = size * 0.004;
    for (let i = 1; i < 12; i += 1) {
      const y = horizon + (size - horizon) * (i / 12) ** 2;
      g.beginPath();
      g.moveTo(0, y);
      g.lineTo(size, y);
      g.stroke();
    }
    for (let i = -10; i <= 10; i += 1) {
      g.beginPath();
      g.moveTo(size / 2 + i * size * 0.02, horizon);
      g.lineTo(size / 2 + i * size * 0.16, size);
      g.stroke();
    }
  } else if (style === 'portrait') {
    g.fillStyle = hsl(h2, 40, 12, 0.85);
    g.beginPath();
    g.arc(size * 0.5, size * 0.4, size * 0.17, 0, Math.PI * 2);
    g.fill();
    g.beginPath();
    g.ellipse(size * 0.5, size * 0.95, size * 0.34, size * 0.3, 0, 0, Math.PI * 2);
    g.fill();
  }
  if (label) {
    g.fillStyle = 'rgba(255, 255, 255, 0.92)';
    g.font = `600 ${size * 0.032}px "DejaVu Sans", sans-serif`;
    g.letterSpacing = `${size * 0.006}px`;
    g.fillText(sub.toUpperCase(), size * 0.07, size * 0.1);
    g.font = `700 ${size * 0.075}px "DejaVu Serif", serif`;
    g.letterSpacing = '0px';
    g.fillText(label, size * 0.07, size * 0.92, size * 0.86);
  }
  return c.toDataURL('image/png');
}

async function picture(page, spec) {
  const url = await page.evaluate(drawArt, { size: 600, seed: 1, ...spec });
  return Buffer.from(url.split(',')[1], 'base64');
}

// ---------- the server ----------

async function buildMusic(page, music) {
  let n = 0;
  for (const [a, artist] of LIBRARY.entries()) {
    for (const [b, album] of artist.albums.entries()) {
      const dir = path.join(music, artist.artist, album.title);
      await mkdir(dir, { recursive: true });
      const hues = b === 0 ? artist.hues : [artist.hues[1], artist.hues[0] + 40];
      await writeFile(path.join(dir, 'cover.png'), await picture(page, { style: album.style, hues, seed: 101 + a * 13 + b * 7, label: album.title, sub: artist.artist }));
      for (const [i, title] of album.tracks.entries()) {
        n += 1;
        const tags = { INAM: title, IART: artist.artist, IPRD: album.title, IGNR: artist.genre, ICRD: String(album.year), IPRT: String(i + 1) };
        await writeFile(path.join(dir, `${String(i + 1).padStart(2, '0')} - ${title.replace(/[/&]/g, 'and')}.wav`),
          taggedWav({ seconds: lengthOf(n), frequency: 220 + (n % 12) * 25, tags }));
      }
    }
  }
  return n;
}

/** A GraphQL mutation with one file (multipart); `at` is where the file goes in the variables. */
async function upload(base, token, query, variables, at, bytes) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify({ 0: [`variables.${at}`] }));
  form.append('0', new Blob([bytes], { type: 'image/png' }), 'picture.png');
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const body = await response.json();
  if (body.errors?.length) throw new Error(`upload failed: ${body.errors[0].message}`);
  return body.data;
}

async function login(base, who) {
  const { login: payload } = await graphql(base, `mutation($email: String!, $password: String!) {
    login(email: $email, password: $password) { ... on AuthPayload { accessToken refreshToken } } }`, { email: who.email, password: who.password });
  return payload;
}

async function fillLibrary(base, token, artPage, expected) {
  const gql = (query, variables) => graphql(base, query, variables, token);
  await until('the scan to finish', async () => {
    const { libraryStatus: s } = await gql('{ libraryStatus { scanning tracks } }');
    return !s.scanning && s.tracks === expected;
  }, 120_000);
  const { tracks } = await gql('{ tracks(first: 200) { edges { node { id name duration album { id title } artist { id name } } } } }');
  const all = tracks.edges.map((e) => e.node);
  const byName = (name) => all.find((tr) => tr.name === name) ?? (() => { throw new Error(`no track ${name}`); })();

  // Artist pictures.
  const { artists } = await gql('{ artists(first: 50) { edges { node { id name } } } }');
  for (const [i, { node }] of artists.edges.entries()) {
    const spec = LIBRARY.find((x) => x.artist === node.name);
    if (!spec) continue;
    await upload(base, token, 'mutation($id: ID!, $input: ArtistInput!) { updateArtist(id: $id, input: $input) { id } }',
      { id: node.id, input: { image: null } }, 'input.image', await picture(artPage, { style: 'blobs', hues: [spec.hues[1], spec.hues[0]], seed: 7 + i * 31 }));
  }

  // Playlists with pictures of their own.
  for (const [i, list] of PLAYLISTS.entries()) {
    const data = await upload(base, token, 'mutation($input: PlaylistInput!) { createPlaylist(input: $input) { id } }',
      { input: { name: list.name, description: list.description, public: list.public, image: null } }, 'input.image',
      await picture(artPage, { style: ['sun', 'grid', 'blobs'][i], hues: list.hues, seed: 55 + i }));
    await gql('mutation($id: ID!, $ids: [ID!]!) { addTracksToPlaylist(playlistId: $id, trackIds: $ids) { id } }',
      { id: data.createPlaylist.id, ids: list.pick.map((name) => byName(name).id) });
  }

  // Favourites and ratings.
  for (const name of ['Polaroid Hearts', 'Exit 41', 'Night Ferry', 'Blue Hour', 'Hydrangea', 'Orchard', 'Kettle Song', 'Afterimage', 'Umbrella Song']) {
    await gql('mutation($id: ID!) { favoriteTrack(trackId: $id) { id } }', { id: byName(name).id });
  }
  for (const name of ['Night Ferry', 'Blue Hour', 'Polaroid Hearts']) await gql('mutation($id: ID!) { setTrackRating(trackId: $id, rating: 5) { id } }', { id: byName(name).id });
  for (const name of ['Exit 41', 'Orchard']) await gql('mutation($id: ID!) { setTrackRating(trackId: $id, rating: 4) { id } }', { id: byName(name).id });
  const albumOf = (name) => byName(name).album.id;
  for (const name of ['Night Ferry', 'Blue Hour', 'Orchard']) await gql('mutation($id: ID!) { favoriteAlbum(albumId: $id) { id } }', { id: albumOf(name) });
  for (const name of ['Night Ferry', 'Kettle Song']) await gql('mutation($id: ID!) { favoriteArtist(artistId: $id) { id } }', { id: byName(name).artist.id });

  // Four days of listening, one track after another; the last few on repeat.
  const history = [
    'Dockside 1986', 'Harbour Lights', 'Chrome Gulls', 'Night Ferry', 'Blue Hour', 'Tram Line 9', 'Hanami Blues',
    'Cedar & Smoke', 'Kettle Song', 'Orchard', 'Fractal Bloom', 'Summer in Reverse', 'Polaroid Hearts', 'Exit 41',
    'Sodium Lights', 'Night Ferry', 'Harbour Lights', 'Retina', 'Tsuyu', 'Low Pressure', 'Night Ferry', 'Blue Hour',
    'Exit 41', 'Exit 41', 'Exit 41', 'Polaroid Hearts', 'Polaroid Hearts', 'Polaroid Hearts', 'Night Ferry', 'Night Ferry',
    'Night Ferry', 'Night Ferry',
  ];
  let at = Date.now() - 4 * 24 * 3600 * 1000;
  for (const [i, name] of history.entries()) {
    const track = byName(name);
    at += (track.duration + 20) * 1000;
    if (i % 7 === 6) at += 6 * 3600 * 1000; // a break now and then
    await gql('mutation($id: ID!, $s: Float!, $at: DateTime) { recordPlay(trackId: $id, heardSeconds: $s, playedAt: $at) { playedAt } }',
      { id: track.id, s: track.duration, at: new Date(at).toISOString() });
  }

  // Two more accounts: Ben is a friend, Chioma has asked to be one.
  const ids = [];
  for (const other of OTHERS) {
    ids.push((await gql('mutation($input: NewUserInput!) { createUser(input: $input) { id } }', { input: { ...other, isAdmin: false } })).createUser.id);
  }
  const ask = 'mutation($id: ID!) { sendFriendRequest(userId: $id) { id } }';
  const { sendFriendRequest } = await gql(ask, { id: ids[0] });
  const ben = (await login(base, OTHERS[0])).accessToken;
  await graphql(base, 'mutation($id: ID!) { acceptFriendRequest(requestId: $id) { id } }', { id: sendFriendRequest.id }, ben);
  const chioma = (await login(base, OTHERS[1])).accessToken;
  await graphql(base, ask, { id: (await gql('{ me { id } }')).me.id }, chioma);
  return { byName, ben };
}

// ---------- pages ----------

/** A page in a new context, signed in as Ada through a refresh token of its own. */
async function signedIn(browser, base, options = {}, hash = '#/home') {
  const context = await browser.newContext({ ...DESKTOP, ...options });
  const { refreshToken } = await login(base, ADA);
  await context.addInitScript((value) => {
    if (!localStorage.getItem('soundroom.refreshToken')) localStorage.setItem('soundroom.refreshToken', value);
  }, refreshToken);
  const page = await context.newPage();
  await page.goto(`${base}/${hash}`);
  await page.getByTestId('player').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
  return page;
}

/** Waits until every image on the page has loaded and nothing is spinning. */
async function settle(page) {
  await page.waitForFunction(() => [...document.images].every((img) => img.complete)
    && ![...document.querySelectorAll('.spinner, [aria-busy=true]')].some((el) => el.offsetParent !== null), null, { timeout: 5_000 }).catch(() => {});
  await page.waitForTimeout(400);
}

async function shot(page, name, options = {}) {
  await mkdir(OUT, { recursive: true });
  await page.locator('.toast').evaluateAll((toasts) => toasts.forEach((t) => t.remove()));
  await page.mouse.move(0, (page.viewportSize()?.height ?? 900) - 1); // no hover highlight
  await settle(page);
  await page.screenshot({ path: path.join(OUT, name), animations: 'disabled', ...options });
  console.log(`wrote docs/screenshots/${name}`);
}

const wanted = (name) => !ONLY || ONLY.has(name);

async function playAlbum(page, base, albumId) {
  await page.goto(`${base}/#/album/${albumId}`);
  await (await expectVisible(page, 'play-all')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=audio]')?.currentTime > 0.5, null, { timeout: UI_TIMEOUT_MS });
}

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'soundroom-shots-'));
  const browser = await launchBrowserWith(['--autoplay-policy=no-user-gesture-required', '--mute-audio']);
  let server = null;
  try {
    const artPage = await browser.newPage();
    const music = path.join(dataDir, 'music');
    const count = await buildMusic(artPage, music);
    server = await startServerWith(dataDir, ['--music-dir', music]);
    const base = server.baseUrl;

    // Ada sets the server up (the first account is the admin).
    const setup = await browser.newPage();
    await setup.goto(base);
    await createAccount(await expectVisible(setup, 'setup-form'), ADA);
    await expectVisible(setup, 'profile-username');
    await setup.close();
    const { accessToken: token } = await login(base, ADA);
    const { byName, ben } = await fillLibrary(base, token, artPage, count);
    await artPage.close();

    if (wanted('home')) {
      // Ben is listening to something right now; Home shows it under "Friends listening now".
      await graphql(base, 'mutation($id: ID) { setNowPlaying(trackId: $id, positionSeconds: 42) }', { id: byName('Frost on the Window').id }, ben);
      const page = await signedIn(browser, base, { viewport: { width: 1440, height: 1130 } });
      await page.getByTestId('home-shelf-mostPlayed').locator('[data-testid=album-card]').first().waitFor({ timeout: 30_000 });
      await page.getByTestId('recently-played').locator('[data-testid=track-row]').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText('Frost on the Window').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await shot(page, 'home.png');
      await page.context().close();
    }

    if (wanted('library-albums')) {
      const page = await signedIn(browser, base, {}, '#/library/albums?sort=year');
      await page.getByTestId('album-card').nth(11).waitFor({ timeout: UI_TIMEOUT_MS });
      await shot(page, 'library-albums.png');
      await page.context().close();
    }

    if (wanted('album-queue')) {
      const page = await signedIn(browser, base);
      await playAlbum(page, base, byName('Night Ferry').album.id);
      await page.getByTestId('player-queue').click();
      await expectVisible(page, 'queue-panel');
      await page.getByTestId('queue-row').nth(2).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForTimeout(1500); // a second or two into the track
      await shot(page, 'album-queue.png');
      await page.context().close();
    }

    if (wanted('phone-now-playing')) {
      const page = await signedIn(browser, base, PHONE);
      await playAlbum(page, base, byName('Retina').album.id);
      await page.getByTestId('player-expand').tap();
      await expectVisible(page, 'now-playing');
      await page.waitForTimeout(2500);
      await shot(page, 'phone-now-playing.png');
      await page.context().close();
    }

    if (wanted('russian')) {
      const page = await signedIn(browser, base, { locale: 'ru-RU' }, '#/library/albums');
      await page.getByTestId('album-card').nth(11).waitFor({ timeout: UI_TIMEOUT_MS });
      await shot(page, 'russian.png');
      await page.context().close();
    }

    if (wanted('light-theme')) {
      const page = await signedIn(browser, base, { colorScheme: 'light' }, `#/album/${byName('Kettle Song').album.id}`);
      await page.getByTestId('album-tracks').locator('[data-testid=track-row]').nth(3).waitFor({ timeout: UI_TIMEOUT_MS });
      await shot(page, 'light-theme.png');
      await page.context().close();
    }

    if (wanted('apps')) {
      // Two app passwords, one of them already used by an app.
      const create = 'mutation($label: String!) { createSubsonicPassword(label: $label) { apiKey } }';
      const { createSubsonicPassword: phone } = await graphql(base, create, { label: 'Phone' }, token);
      await graphql(base, create, { label: 'Living-room speaker' }, token);
      await fetch(`${base}/rest/ping.view?${new URLSearchParams({ apiKey: phone.apiKey, v: '1.16.1', c: 'screenshots', f: 'json' })}`);
      const page = await signedIn(browser, base, {}, '#/profile');
      const card = await expectVisible(page, 'apps-card');
      await card.getByTestId('app-password-row').nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
      await card.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 88));
      await shot(page, 'apps.png');
      await page.context().close();
    }

    if (wanted('profile')) {
      const page = await signedIn(browser, base, {}, '#/profile');
      await expectVisible(page, 'profile-form');
      await shot(page, 'profile.png');
      await page.context().close();
    }

    if (wanted('playlist')) {
      const { myPlaylists } = await graphql(base, '{ myPlaylists(first: 10) { edges { node { id name } } } }', {}, token);
      const id = myPlaylists.edges.find((e) => e.node.name === 'Night Drive').node.id;
      const page = await signedIn(browser, base, {}, `#/playlist/${id}`);
      await page.getByTestId('track-row').nth(5).waitFor({ timeout: UI_TIMEOUT_MS });
      await shot(page, 'playlist.png');
      await page.context().close();
    }

    if (wanted('admin')) {
      await graphql(base, 'mutation { createInvite(maxUses: 5, expiresInHours: 168) { code } }', {}, token);
      const page = await signedIn(browser, base, { viewport: { width: 1440, height: 1200 } }, '#/admin');
      await page.getByText('Chioma').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await shot(page, 'admin.png');
      await page.context().close();
    }

    if (wanted('phone')) {
      // Four phone pages side by side in one picture.
      const frames = [];
      const page = await signedIn(browser, base, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
      const take = async () => {
        await page.mouse.move(0, 0);
        await settle(page);
        frames.push((await page.screenshot({ animations: 'disabled' })).toString('base64'));
      };
      await page.getByTestId('home-shelf-newest').locator('[data-testid=album-card]').first().waitFor({ timeout: 30_000 });
      await take();
      await page.goto(`${base}/#/library/artists`);
      await page.getByTestId('artist-card').nth(3).waitFor({ timeout: UI_TIMEOUT_MS });
      await take();
      await page.goto(`${base}/#/playlists`);
      await page.getByTestId('playlist-card').nth(2).waitFor({ timeout: UI_TIMEOUT_MS });
      await take();
      await page.goto(`${base}/#/album/${byName('Harbour Lights').album.id}`);
      await page.getByTestId('album-tracks').locator('[data-testid=track-row]').nth(3).waitFor({ timeout: UI_TIMEOUT_MS });
      await take();
      await page.context().close();
      const sheet = await browser.newPage({ viewport: { width: 4 * 375 + 5 * 24, height: 740 + 48 } });
      await sheet.setContent(`<body style="margin:0;background:#1b1d22;display:flex;gap:24px;padding:24px;box-sizing:border-box">${
        frames.map((f) => `<img src="data:image/png;base64,${f}" style="width:375px;height:740px;border-radius:12px">`).join('')}</body>`);
      await sheet.waitForFunction(() => [...document.images].every((img) => img.complete));
      await sheet.screenshot({ path: path.join(OUT, 'phone.png') });
      console.log('wrote docs/screenshots/phone.png');
      await sheet.close();
    }
  } catch (err) {
    // What the pages showed when it went wrong.
    const pages = browser.contexts().flatMap((c) => c.pages());
    for (const [i, page] of pages.entries()) {
      const file = path.join(tmpdir(), `soundroom-shots-failure-${i}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      console.error(`screenshot: ${file} (${page.url()})`);
    }
    if (server) console.error(`--- server output ---\n${server.output()}`);
    throw err;
  } finally {
    await browser.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
