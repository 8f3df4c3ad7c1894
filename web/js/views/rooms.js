// Rooms: the open rooms you may join (yours, friends', public, invited) with who is in them
// and what is playing, a form to create one, and joining by code. The list refreshes itself
// every 20 seconds while the page is open.
import { cover } from '../components/cover.js';
import { formDialog } from '../components/dialog.js';
import * as rooms from '../data/rooms.js';
import { h, mount } from '../dom.js';
import { count } from '../format.js';
import { icon } from '../icons.js';
import { appLayout, avatar } from '../layout.js';
import * as live from '../room/live.js';
import { checkboxField, field } from '../ui.js';

const REFRESH_MS = 20_000;

export function roomsView(ctx) {
  const list = h('ul', { class: 'room-cards', 'data-testid': 'rooms-list', 'aria-live': 'polite' },
    h('li', {}, h('div', { class: 'spinner', role: 'status', 'aria-label': 'Loading' })));
  let seq = 0;

  async function refresh() {
    const mine = ++seq;
    try {
      const found = await rooms.rooms();
      if (mine !== seq) return;
      mount(list, found.length
        ? found.map((room) => roomCard(room))
        : h('li', { class: 'card empty-state rooms-empty', 'data-testid': 'rooms-empty' },
          h('div', { class: 'empty-icon' }, icon('rooms')),
          h('h2', {}, 'No open rooms'),
          h('p', { class: 'muted' }, 'Create one and invite your friends, or join with a code someone shared with you.')));
    } catch (err) {
      if (mine === seq) mount(list, h('li', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message));
    }
  }

  const timer = setInterval(refresh, REFRESH_MS);
  ctx.onCleanup(() => clearInterval(timer));
  refresh();

  const create = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'create-room' }, icon('plus', 'icon icon-sm'), 'Create room');
  create.addEventListener('click', async () => {
    const room = await createRoomDialog();
    if (room) ctx.navigate(`/room/${encodeURIComponent(room.id)}`);
  });

  const codeInput = h('input', { class: 'input room-code-input', name: 'code', placeholder: 'ABC234', maxlength: 12, autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', 'aria-label': 'Room code', 'data-testid': 'join-code-input' });
  const codeError = h('p', { class: 'field-hint room-code-error', role: 'alert', hidden: true });
  const joinForm = h('form', { class: 'room-join-form', 'data-testid': 'join-code-form' },
    codeInput,
    h('button', { type: 'submit', class: 'btn btn-outline', 'data-testid': 'join-code-submit' }, 'Join'));
  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = rooms.normalizeCode(codeInput.value);
    if (!rooms.CODE_PATTERN.test(code)) {
      codeError.textContent = 'A room code is six letters and digits, like ABC234.';
      codeError.hidden = false;
      codeInput.focus();
      return;
    }
    codeError.hidden = true;
    ctx.navigate(`/join/${code}`);
  });

  const inRoom = live.current();
  return appLayout(ctx, '/rooms',
    h('header', { class: 'page-header rooms-header' },
      h('div', {},
        h('h1', { class: 'page-title', tabindex: '-1' }, 'Rooms'),
        h('p', { class: 'muted page-subtitle' }, 'Listen together in sync, with a shared queue and chat.')),
      create),
    inRoom?.room && h('p', { class: 'alert alert-info rooms-current' }, 'You are in ', h('a', { href: `#/room/${encodeURIComponent(inRoom.roomId)}` }, inRoom.room.name), '.'),
    h('section', { class: 'card room-join-card', 'aria-labelledby': 'join-code-title' },
      h('h2', { class: 'card-title', id: 'join-code-title' }, icon('ticket', 'icon icon-title'), 'Join with a code'),
      joinForm, codeError),
    h('h2', { class: 'section-title' }, 'Open rooms'),
    list);
}

function roomCard(room) {
  const vis = rooms.VISIBILITY[room.visibility] ?? rooms.VISIBILITY.PRIVATE;
  const people = room.members.length + room.guestCount;
  const track = room.nowPlaying;
  const href = `#/room/${encodeURIComponent(room.id)}`;
  return h('li', { class: 'card room-card', 'data-testid': 'room-card', 'data-room-id': room.id },
    h('div', { class: 'room-card-art' }, cover({ url: track?.coverUrl, name: track?.name || room.name, kind: track ? 'track' : 'playlist', size: 'md' })),
    h('div', { class: 'room-card-body' },
      h('h3', { class: 'room-card-title' }, h('a', { href, 'data-testid': 'room-card-link' }, room.name)),
      h('p', { class: 'room-card-meta muted' },
        h('span', { class: 'badge', title: vis.hint }, icon(vis.icon, 'icon icon-sm'), vis.label),
        ' hosted by ', h('strong', {}, room.host?.username ?? 'someone')),
      h('p', { class: 'room-card-playing', 'data-testid': 'room-card-playing' },
        track
          ? [icon(room.playing ? 'play' : 'pause', 'icon icon-sm'), ` ${track.name}`, track.artist ? h('span', { class: 'muted' }, ` · ${track.artist.name}`) : null]
          : h('span', { class: 'muted' }, 'Nothing playing')),
      h('div', { class: 'room-card-people' },
        h('span', { class: 'avatar-stack', 'aria-hidden': 'true' }, room.members.slice(0, 5).map((m) => avatar(m))),
        h('span', { class: 'muted', 'data-testid': 'room-card-people' },
          people === 0 ? 'Nobody here yet' : [
            room.members.map((m) => m.username).slice(0, 3).join(', '),
            room.members.length > 3 ? ` and ${room.members.length - 3} more` : '',
            room.guestCount ? `${room.members.length ? ' + ' : ''}${count(room.guestCount, 'guest')}` : '',
          ].join('')))),
    h('a', { class: 'btn btn-outline btn-sm room-card-join', href, 'aria-label': `Join ${room.name}` }, 'Join'));
}

/** The create (or edit, with `room`) form; resolves to the saved room, or null. */
export function roomSettingsFields(room = null) {
  const select = (name, testid, label, options, value) => h('label', { class: 'field' },
    h('span', { class: 'field-label' }, label),
    h('select', { class: 'input select', name, 'data-testid': testid },
      Object.entries(options).map(([key, o]) => h('option', { value: key, selected: key === value }, `${o.label} — ${o.hint}`))));
  return [
    field({ label: 'Name', name: 'name', required: true, maxlength: 80, value: room?.name ?? '', autocomplete: 'off', 'data-testid': 'room-name' }),
    select('visibility', 'room-visibility', 'Who can find it', rooms.VISIBILITY, room?.visibility ?? 'FRIENDS'),
    select('controlMode', 'room-control', 'Who controls the music', rooms.CONTROL, room?.controlMode ?? 'HOST_ONLY'),
    checkboxField({ label: 'Allow guests', hint: 'People without an account can join with the code or link, under a name of their choosing.',
      name: 'allowGuests', checked: room?.allowGuests ?? false, 'data-testid': 'room-allow-guests' }),
  ];
}

export function roomInput(values) {
  return {
    name: String(values.name || '').trim(),
    visibility: values.visibility,
    controlMode: values.controlMode,
    allowGuests: values.allowGuests === 'on',
  };
}

function createRoomDialog() {
  return formDialog({
    title: 'Create a room',
    fields: roomSettingsFields(),
    submitLabel: 'Create room',
    testid: 'create-room-dialog',
    submit: (values) => rooms.createRoom(roomInput(values)),
  });
}
