// Friends, blocks and notifications: the GraphQL operations behind the Friends page and the
// notification bell. Error messages come translated from api.js (serverError in i18n.js).

import { gql } from '../api.js';
import { sentence as tidy } from '../i18n.js';

export const PERSON = 'id username tag avatarUrl friendship';
const REQUEST = `id createdAt status requester { ${PERSON} } receiver { ${PERSON} }`;
export const NOTIFICATION = `id type message createdAt read roomId user { ${PERSON} }`;

/** "that is you" → "That is you." (kept for older callers; api.js already does this). */
export const sentence = tidy;

/** A GraphQL call; shared by the data modules (errors arrive as ApiErrors for people). */
export function run(query, variables) {
  return gql(query, variables);
}

/** People whose name or tag matches; an empty query finds no one. */
export async function searchUsers(query, first = 20) {
  const data = await run(`query SearchUsers($query: String!, $first: Int!) {
    searchUsers(query: $query, first: $first) { edges { node { ${PERSON} } } } }`, { query, first });
  return data.searchUsers.edges.map((e) => e.node);
}

/** Everything the Friends page lists, in one round trip. */
export async function overview() {
  const data = await run(`query FriendsOverview {
    friends { ${PERSON} }
    incomingFriendRequests { ${REQUEST} }
    outgoingFriendRequests { ${REQUEST} }
    blockedUsers { ${PERSON} } }`);
  return {
    friends: data.friends,
    incoming: data.incomingFriendRequests,
    outgoing: data.outgoingFriendRequests,
    blocked: data.blockedUsers,
  };
}

export async function incomingRequests() {
  return (await run(`query IncomingFriendRequests { incomingFriendRequests { ${REQUEST} } }`)).incomingFriendRequests;
}

/** Resolves to the request; status ACCEPTED means they had asked first and you are friends. */
export async function sendRequest(userId) {
  return (await run(`mutation SendFriendRequest($userId: ID!) { sendFriendRequest(userId: $userId) { ${REQUEST} } }`, { userId })).sendFriendRequest;
}

/** Resolves to the new friend. */
export async function acceptRequest(requestId) {
  return (await run(`mutation AcceptFriendRequest($requestId: ID!) { acceptFriendRequest(requestId: $requestId) { ${PERSON} } }`, { requestId })).acceptFriendRequest;
}

export async function declineRequest(requestId) {
  await run('mutation DeclineFriendRequest($requestId: ID!) { declineFriendRequest(requestId: $requestId) }', { requestId });
}

export async function cancelRequest(requestId) {
  await run('mutation CancelFriendRequest($requestId: ID!) { cancelFriendRequest(requestId: $requestId) }', { requestId });
}

export async function removeFriend(userId) {
  await run('mutation RemoveFriend($userId: ID!) { removeFriend(userId: $userId) }', { userId });
}

export async function blockUser(userId) {
  await run('mutation BlockUser($userId: ID!) { blockUser(userId: $userId) }', { userId });
}

export async function unblockUser(userId) {
  await run('mutation UnblockUser($userId: ID!) { unblockUser(userId: $userId) }', { userId });
}

/** The newest stored notifications. */
export async function notifications(first = 20) {
  const data = await run(`query Notifications($first: Int!) {
    notifications(first: $first) { edges { node { ${NOTIFICATION} } } pageInfo { hasNextPage } } }`, { first });
  return { nodes: data.notifications.edges.map((e) => e.node), more: data.notifications.pageInfo.hasNextPage };
}

export async function unreadCount() {
  return (await run('query UnreadNotificationCount { unreadNotificationCount }')).unreadNotificationCount;
}

/** Marks these notifications read, or all of them without ids; resolves to how many. */
export async function markRead(ids) {
  const data = await run('mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }', ids ? { ids } : {});
  return data.markNotificationsRead;
}
