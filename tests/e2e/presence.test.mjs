// The room's member list under `membersChanged` frames (web/js/room/presence.js), with no
// browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMembersChanged } from '../../web/js/room/presence.js';

const member = (id, ready = false) => ({ id, name: id.toUpperCase(), ready, connected: true });

test('changed members are replaced in place, new ones added, those who left removed', () => {
  const before = [member('a'), member('b'), member('c')];
  const after = applyMembersChanged(before, { members: [member('b', true), member('d')], left: ['a', 'x'] });
  assert.deepEqual(after, [member('b', true), member('c'), member('d')]);
  assert.deepEqual(before, [member('a'), member('b'), member('c')], 'the old list is left as it was');
});

test('a frame without changes keeps the list', () => {
  const before = [member('a')];
  assert.deepEqual(applyMembersChanged(before, {}), before);
});
