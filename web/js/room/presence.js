// Who is in the room, kept up to date from the server's presence frames (no DOM).

/**
 * The member list after a `membersChanged` frame (rooms of more than 64 members): changed
 * members replace their old entry in place, new ones are added at the end, and those who left
 * go. Returns a new array.
 */
export function applyMembersChanged(members, { members: changed = [], left = [] }) {
  const byId = new Map(changed.map((m) => [m.id, m]));
  const gone = new Set(left);
  const kept = members.filter((m) => !gone.has(m.id)).map((m) => byId.get(m.id) || m);
  const known = new Set(kept.map((m) => m.id));
  return [...kept, ...changed.filter((m) => !known.has(m.id))];
}
