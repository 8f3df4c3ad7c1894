// Administration operations: library scans, accounts and invites (admins only).

import { gql } from '../api.js';

const STATUS = 'scanning tracks albums artists lastScanStartedAt lastScanFinishedAt lastScanDurationMs skipped { path reason }';
export const SCAN_SUBSCRIPTION = 'subscription LibraryScan { libraryScan { phase filesSeen filesTotal added updated removed skipped done } }';
const ADMIN_USER = 'id username tag email avatarUrl isAdmin disabled';
const INVITE = 'id code uses maxUses expiresAt';

export async function libraryStatus() {
  return (await gql(`query LibraryStatus { libraryStatus { ${STATUS} } }`)).libraryStatus;
}

export async function rescan() {
  return (await gql(`mutation RescanLibrary { rescanLibrary { ${STATUS} } }`)).rescanLibrary;
}

// The users connection has no totalCount: the first hundred accounts are listed.
export async function users() {
  const data = await gql(`query AdminUsers { users(first: 100) { edges { node { ${ADMIN_USER} } } pageInfo { hasNextPage } } }`);
  return { nodes: data.users.edges.map((e) => e.node), more: data.users.pageInfo.hasNextPage };
}

export async function setAdmin(userId, admin) {
  return (await gql(`mutation SetUserAdmin($userId: ID!, $admin: Boolean!) { setUserAdmin(userId: $userId, admin: $admin) { ${ADMIN_USER} } }`, { userId, admin })).setUserAdmin;
}

export async function setDisabled(userId, disabled) {
  return (await gql(`mutation SetUserDisabled($userId: ID!, $disabled: Boolean!) { setUserDisabled(userId: $userId, disabled: $disabled) { ${ADMIN_USER} } }`, { userId, disabled })).setUserDisabled;
}

export async function invites() {
  return (await gql(`query Invites { invites { ${INVITE} } }`)).invites;
}

export async function createInvite(maxUses, expiresInHours) {
  return (await gql(`mutation CreateInvite($maxUses: Int!, $expiresInHours: Int!) { createInvite(maxUses: $maxUses, expiresInHours: $expiresInHours) { ${INVITE} } }`, { maxUses, expiresInHours })).createInvite;
}

export async function revokeInvite(id) {
  await gql('mutation RevokeInvite($id: ID!) { revokeInvite(id: $id) }', { id });
}

// ---------- hidden tracks (scanned tracks deleted from the library) ----------

export async function hiddenTracks() {
  return (await gql('query HiddenTracks { hiddenTracks { path hiddenAt } }')).hiddenTracks;
}

export async function restoreHiddenTrack(path) {
  return (await gql('mutation RestoreHiddenTrack($path: String!) { restoreHiddenTrack(path: $path) }', { path })).restoreHiddenTrack;
}

// ---------- accounts ----------

export async function createUser(input) {
  return (await gql(`mutation CreateUser($input: NewUserInput!) { createUser(input: $input) { ${ADMIN_USER} } }`, { input })).createUser;
}

/** A one-use path like "/#/reset/<token>", valid for a day. */
export async function createPasswordResetLink(userId) {
  return (await gql('mutation CreatePasswordResetLink($userId: ID!) { createPasswordResetLink(userId: $userId) }', { userId })).createPasswordResetLink;
}

/** playlists, uploads: 'DELETE' or 'TRANSFER' (to the admin doing it). */
export async function deleteUser(userId, playlists, uploads) {
  return (await gql('mutation DeleteUser($userId: ID!, $playlists: OwnedData!, $uploads: OwnedData!) { deleteUser(userId: $userId, playlists: $playlists, uploads: $uploads) }',
    { userId, playlists, uploads })).deleteUser;
}

/** Signed out: the token from the link is the proof. */
export async function resetPassword(token, newPassword) {
  return (await gql('mutation ResetPassword($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }',
    { token, newPassword }, { anonymous: true })).resetPassword;
}
