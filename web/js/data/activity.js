// Listening history and friends' activity: the GraphQL operations behind the player's play
// reports, Home's "Recently played", the "Friends listening now" panels and the Privacy switch.

import { gql } from '../api.js';
import { TRACK_FIELDS } from './library.js';
import { PERSON } from './social.js';

export const FRIEND_ACTIVITY = `user { ${PERSON} } track { ${TRACK_FIELDS} } startedAt`;

/** Counts one playthrough; the server refuses it (BAD_USER_INPUT, CONFLICT) when it doesn't count. */
export async function recordPlay(trackId, heardSeconds) {
  await gql('mutation RecordPlay($trackId: ID!, $heardSeconds: Float!) { recordPlay(trackId: $trackId, heardSeconds: $heardSeconds) { playedAt } }',
    { trackId, heardSeconds });
}

/**
 * What this person is playing now, from `positionSeconds` in; a null track means nothing.
 * `keepalive` for the last report of a closing page.
 */
export async function setNowPlaying(trackId, positionSeconds = 0, { keepalive = false } = {}) {
  await gql('mutation SetNowPlaying($trackId: ID, $positionSeconds: Float) { setNowPlaying(trackId: $trackId, positionSeconds: $positionSeconds) }',
    { trackId, positionSeconds }, { keepalive });
}

export async function setActivitySharing(on) {
  return (await gql('mutation SetActivitySharing($on: Boolean!) { setActivitySharing(on: $on) }', { on })).setActivitySharing;
}

/** The latest plays, newest first: [{ track, playedAt }]. */
export async function recentlyPlayed(first = 10) {
  const data = await gql(`query RecentlyPlayed($first: Int!) { recentlyPlayed(first: $first) { playedAt track { ${TRACK_FIELDS} } } }`, { first });
  return data.recentlyPlayed;
}

/** Friends who share what they play and are playing something now. */
export async function friendsActivity() {
  return (await gql(`query FriendsActivity { friendsActivity { ${FRIEND_ACTIVITY} } }`)).friendsActivity;
}
