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
