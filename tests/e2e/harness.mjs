// Shared by the browser tests: the server under test, the browser, and a patient lookup
// that reports the page's own error message when the expected element never shows.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.SOUNDROOM_BIN
  ? path.resolve(process.env.SOUNDROOM_BIN)
  : path.resolve(here, '../../target/debug/soundroom');
const STARTUP_TIMEOUT_MS = 60_000;
export const UI_TIMEOUT_MS = 10_000;

/**
 * One fresh server (own data dir) and one browser for a test file, set up and torn down with
 * the file's hooks. The fields are filled in once `before` has run.
 */
export function serverAndBrowser() {
  const env = { server: null, browser: null, dataDir: null };
  before(async () => {
    env.dataDir = await mkdtemp(path.join(tmpdir(), 'soundroom-e2e-'));
    env.server = await startServer(env.dataDir);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
    if (env.dataDir) await rm(env.dataDir, { recursive: true, force: true });
  });
  return env;
}

export function launchBrowser() {
  return launchBrowserWith([]);
}

/** launchBrowser() with more Chromium flags (e.g. '--autoplay-policy=no-user-gesture-required'). */
export function launchBrowserWith(extraArgs) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/**
 * serverAndBrowser() with extra flags: `serverArgs` for `soundroom serve` (e.g. ['--music-dir',
 * dir]; a function gets the data dir), `browserArgs` for Chromium.
 */
export function serverAndBrowserWith({ serverArgs = [], browserArgs = [] } = {}) {
  const env = { server: null, browser: null, dataDir: null };
  before(async () => {
    env.dataDir = await mkdtemp(path.join(tmpdir(), 'soundroom-e2e-'));
    const args = typeof serverArgs === 'function' ? await serverArgs(env.dataDir) : serverArgs;
    env.server = await startServerWith(env.dataDir, args);
    env.browser = await launchBrowserWith(browserArgs);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
    if (env.dataDir) await rm(env.dataDir, { recursive: true, force: true });
  });
  return env;
}

/**
 * Waits for the element with this test id to be visible. If the page shows its error
 * alert instead, fails at once with the message the user would read.
 */
export async function expectVisible(page, testId) {
  const target = page.getByTestId(testId);
  const error = page.getByTestId('error');
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await target.isVisible()) return target;
    // Waiting for the error alert itself: it may appear between the two looks.
    if (testId !== 'error' && (await error.isVisible())) {
      assert.fail(`expected [data-testid=${testId}], but the page shows the error: ${await error.textContent()}`);
    }
    await target.waitFor({ state: 'visible', timeout: 200 }).catch(() => {});
  }
  assert.fail(`[data-testid=${testId}] did not appear within ${UI_TIMEOUT_MS} ms (at ${page.url()})`);
}

// The server reads SOUNDROOM_* variables as configuration and refuses unknown ones, so it
// must not see ours (SOUNDROOM_BIN) nor a developer's own settings: the flags say it all.
function serverEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SOUNDROOM_')));
}

/** Starts `soundroom serve` on a free port and resolves once it prints its address. */
export function startServer(dir) {
  return startServerWith(dir, []);
}

/** startServer() with more command-line flags after `serve` (e.g. ['--music-dir', dir]). */
export function startServerWith(dir, extraArgs) {
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...serverEnv(), NO_COLOR: '1' },
  });
  const lines = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const output = () => lines.slice(-60).join('\n');

  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      stop().finally(() => reject(new Error(`${why}\n--- server output ---\n${output()}`)));
    };
    const timer = setTimeout(() => fail(`${BIN} did not print "listening on" within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    child.once('error', (err) => fail(`could not start ${BIN}: ${err.message} (build it, or set SOUNDROOM_BIN)`));
    const exitedEarly = (code, signal) => fail(`${BIN} exited early (code ${code}, signal ${signal})`);
    child.once('exit', exitedEarly);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (raw) => {
        const line = raw.replace(/\x1b\[[0-9;]*m/g, ''); // in case the logger colours anyway
        lines.push(line);
        const match = line.match(/listening on (http:\/\/[0-9.:]+)/);
        if (match) {
          clearTimeout(timer);
          child.off('exit', exitedEarly);
          resolve({ baseUrl: match[1], stop, output });
        }
      });
    }
  });
}

/** Runs one GraphQL operation against the server from the test itself; throws on errors. */
/** Polls `check` every 100 ms until it returns something truthy; fails naming `what` after `timeout`. */
export async function until(what, check, timeout = UI_TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export async function graphql(baseUrl, query, variables = {}, token = null) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors[0].message} (${body.errors[0].extensions?.code})`);
  return body.data;
}

/** Collects the page's console errors and uncaught exceptions, for a test to assert none. */
export function consoleErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return errors;
}

/** Fills and submits the setup or sign-up form. */
export async function createAccount(form, { username, email, password }) {
  await form.getByTestId('username').fill(username);
  await form.getByTestId('email').fill(email);
  await form.getByTestId('password').fill(password);
  await form.getByTestId('submit').click();
}

/** Signs in through the API; resolves to { accessToken, user: { id } }. */
export async function apiLogin(baseUrl, { email, password }) {
  const { login } = await graphql(baseUrl, `mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { __typename ... on AuthPayload { accessToken user { id } } } }`, { email, password });
  assert.equal(login.__typename, 'AuthPayload');
  return login;
}

/** A one-use invite code, made through the API with an admin's credentials. */
export async function inviteCode(baseUrl, admin) {
  const { accessToken } = await apiLogin(baseUrl, admin);
  const { createInvite } = await graphql(baseUrl, 'mutation { createInvite(maxUses: 1, expiresInHours: 1) { code } }', {}, accessToken);
  return createInvite.code;
}

export const ADA = { username: 'Ada', email: 'ada@example.com', password: 'correct horse battery staple' };
export const BEN = { username: 'Ben', email: 'ben@example.com', password: 'another horse battery staple' };

/**
 * Two people, each in a browser context of their own and signed in: Ada sets the server up
 * (the first account is the admin) and, as the server is invite-only, invites Ben, who signs
 * up. `errors` collects each page's console errors from the start.
 */
export async function adaAndBen(env, viewport) {
  const base = env.server.baseUrl;
  const ada = await (await env.browser.newContext({ viewport })).newPage();
  const ben = await (await env.browser.newContext({ viewport })).newPage();
  const errors = { ada: consoleErrors(ada), ben: consoleErrors(ben) };
  await ada.goto(base);
  await createAccount(await expectVisible(ada, 'setup-form'), ADA);
  await expectVisible(ada, 'profile-username');
  await ben.goto(`${base}/#/signup?invite=${encodeURIComponent(await inviteCode(base, ADA))}`);
  await createAccount(await expectVisible(ben, 'signup-form'), BEN);
  await expectVisible(ben, 'profile-username');
  return { base, ada, ben, errors };
}

/**
 * Uploads one audio file through the GraphQL multipart API (as the owner of `token`);
 * resolves to the new track's { id, name, duration }.
 */
export async function uploadTrackFile(baseUrl, token, fileName, bytes, type = 'audio/wav') {
  const form = new FormData();
  form.append('operations', JSON.stringify({
    query: 'mutation UploadTrack($file: Upload!) { uploadTrack(file: $file) { id name duration } }',
    variables: { file: null },
  }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([bytes], { type }), fileName);
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const body = await response.json();
  if (body.errors?.length) throw new Error(`upload failed: ${body.errors[0].message}`);
  return body.data.uploadTrack;
}
