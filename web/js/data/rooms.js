// Rooms: the GraphQL operations behind the Rooms page, the join page and a room's settings,
// invites and QR code (docs/rooms.md). What happens inside a room goes over the room socket
// (room/socket.js), not through here.

import { gql } from '../api.js';
import { PERSON } from './social.js';

const PERSON_SHORT = 'id username avatarUrl';
export const ROOM_FIELDS = `id name code visibility controlMode allowGuests guestCount playing positionMs createdAt
  host { ${PERSON_SHORT} } owner { ${PERSON_SHORT} } members { ${PERSON_SHORT} }
  nowPlaying { id name duration coverUrl artist { id name } }`;

const run = (query, variables, options) => gql(query, variables, options);

/** Open rooms this person may join: theirs, friends', public, invited. */
export async function rooms() {
  return (await run(`query Rooms { rooms { ${ROOM_FIELDS} } }`)).rooms;
}

/** The room, or null when it does not exist or is hidden. */
export async function room(id) {
  return (await run(`query Room($id: ID!) { room(id: $id) { ${ROOM_FIELDS} } }`, { id })).room;
}

export async function roomByCode(code) {
  return (await run(`query RoomByCode($code: String!) { roomByCode(code: $code) { ${ROOM_FIELDS} } }`, { code })).roomByCode;
}

/** input: { name, visibility, controlMode, allowGuests }. */
export async function createRoom(input) {
  return (await run(`mutation CreateRoom($input: RoomInput!) { createRoom(input: $input) { ${ROOM_FIELDS} } }`, { input })).createRoom;
}

export async function updateRoom(id, input) {
  return (await run(`mutation UpdateRoom($id: ID!, $input: RoomInput!) { updateRoom(id: $id, input: $input) { ${ROOM_FIELDS} } }`, { id, input })).updateRoom;
}

export async function closeRoom(id) {
  await run('mutation CloseRoom($id: ID!) { closeRoom(id: $id) }', { id });
}

export async function inviteToRoom(roomId, userId) {
  await run('mutation InviteToRoom($roomId: ID!, $userId: ID!) { inviteToRoom(roomId: $roomId, userId: $userId) }', { roomId, userId });
}

/** No account needed: resolves to { token, roomId, name }. */
export async function joinRoomAsGuest(code, name) {
  const data = await run('mutation JoinRoomAsGuest($code: String!, $name: String!) { joinRoomAsGuest(code: $code, name: $name) { token roomId name } }',
    { code, name }, { anonymous: true });
  return data.joinRoomAsGuest;
}

/** The room's join QR code as SVG text, for `<baseUrl>/#/join/<code>`. */
export async function joinQrSvg(id, baseUrl) {
  const data = await run('query RoomQr($id: ID!, $baseUrl: String!) { room(id: $id) { id joinQrSvg(baseUrl: $baseUrl) } }', { id, baseUrl });
  return data.room?.joinQrSvg ?? null;
}

/** The people one can invite. */
export async function friends() {
  return (await run(`query RoomFriends { friends { ${PERSON} } }`)).friends;
}

// Labels and hints are catalogue keys: t(v.label), t(v.hint).
export const VISIBILITY = {
  PRIVATE: { label: 'rooms.visibility.private', hint: 'rooms.visibility.privateHint', icon: 'lock' },
  FRIENDS: { label: 'rooms.visibility.friends', hint: 'rooms.visibility.friendsHint', icon: 'users' },
  PUBLIC: { label: 'rooms.visibility.public', hint: 'rooms.visibility.publicHint', icon: 'globe' },
};

export const CONTROL = {
  HOST_ONLY: { label: 'rooms.control.host', hint: 'rooms.control.hostHint' },
  EVERYONE: { label: 'rooms.control.everyone', hint: 'rooms.control.everyoneHint' },
};

/** Join codes are six of these characters (no 0/O, 1/I/L). */
export const CODE_PATTERN = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

export function normalizeCode(text) {
  return String(text || '').trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
}
