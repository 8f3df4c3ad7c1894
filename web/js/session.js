// Sign-in flows: every way of getting (or ending) a session goes through here, so the
// views only collect input and show results.

import { gql, refreshSession, AUTH_PAYLOAD, USER_FIELDS } from './api.js';
import { stopReporting } from './scrobble.js';
import * as store from './store.js';

const LOGIN_RESULT = `
  __typename
  ... on AuthPayload { ${AUTH_PAYLOAD} }
  ... on TwoFactorChallenge { challengeToken }`;

export async function loadServerInfo() {
  const data = await gql(
    `query ServerInfo { serverInfo { name version registration needsSetup authProviders { name displayName } } }`,
    {},
    { anonymous: true },
  );
  store.setServerInfo(data.serverInfo);
  return data.serverInfo;
}

/** Registers, signs in, and ends first-run mode if this was the first account. */
export async function register(input) {
  const data = await gql(
    `mutation Register($input: RegisterInput!) { register(input: $input) { ${AUTH_PAYLOAD} } }`,
    { input },
    { anonymous: true },
  );
  store.setServerInfo({ ...store.serverInfo(), needsSetup: false });
  store.setSession(data.register);
}

/** Resolves to 'signed-in', or to 'challenge' when a second factor is needed. */
export async function login(email, password) {
  const data = await gql(
    `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${LOGIN_RESULT} } }`,
    { email, password },
    { anonymous: true },
  );
  return acceptLoginResult(data.login);
}

/**
 * Finishes an OAuth round trip: the server redirected here with a one-time code. The code only
 * works with the HttpOnly login cookie the callback set in this browser; a same-origin fetch
 * (api.js leaves `credentials` at its default) sends it along.
 */
export async function exchangeLoginCode(code) {
  const data = await gql(
    `mutation Exchange($code: String!) { exchangeLoginCode(code: $code) { ${LOGIN_RESULT} } }`,
    { code },
    { anonymous: true },
  );
  return acceptLoginResult(data.exchangeLoginCode);
}

export async function verifyTwoFactor(code) {
  const data = await gql(
    `mutation Verify($challengeToken: String!, $code: String!) { verifyTwoFactor(challengeToken: $challengeToken, code: $code) { ${AUTH_PAYLOAD} } }`,
    { challengeToken: store.challengeToken(), code },
    { anonymous: true },
  );
  store.setSession(data.verifyTwoFactor);
}

function acceptLoginResult(result) {
  if (result.__typename === 'TwoFactorChallenge') {
    store.setChallenge(result.challengeToken);
    return 'challenge';
  }
  store.setSession(result);
  return 'signed-in';
}

/** After a reload: trade the stored refresh token for a session, if there is one. */
export async function restoreSession() {
  if (!store.refreshToken()) return false;
  try {
    await refreshSession();
    return true;
  } catch {
    return false;
  }
}

export async function reloadMe() {
  const data = await gql(`query Me { me { ${USER_FIELDS} } }`);
  if (data.me) store.setUser(data.me);
  return data.me;
}

/** Ends this session on the server (best effort) and forgets it here in any case. */
export async function signOut() {
  await stopReporting(); // while the token still works
  const refreshToken = store.refreshToken();
  try {
    if (refreshToken) {
      await gql(`mutation Logout($refreshToken: String!) { logout(refreshToken: $refreshToken) }`, { refreshToken }, { retry: false });
    }
  } catch {
    /* the local session ends regardless */
  }
  store.clearSession();
}

export async function signOutEverywhere() {
  await stopReporting();
  await gql(`mutation { logoutEverywhere }`);
  store.clearSession();
}
