// Rooms: the open rooms you may join (yours, friends', public, invited) with who is in them
// and what is playing, a form to create one, and joining by code. The list refreshes itself
// every 20 seconds while the page is open.
import { cover } from '../components/cover.js';
import { formDialog } from '../components/dialog.js';
import * as rooms from '../data/rooms.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout, avatar } from '../layout.js';
import * as live from '../room/live.js';
import { checkboxField, field } from '../ui.js';

const REFRESH_MS = 20_000;

export function roomsView(ctx) {
  const list = h('ul', { class: 'room-cards', 'data-testid': 'rooms-list', 'aria-live': 'polite' },
    h('li', {}, h('div', { class: 'spinner', role: 'status', 'aria-label': t('core.loading') })));
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
          h('h2', {}, t('rooms.empty')),
          h('p', { class: 'muted' }, t('rooms.emptyText'))));
    } catch (err) {
      if (mine === seq) mount(list, h('li', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message));
    }
  }

  const timer = setInterval(refresh, REFRESH_MS);
  ctx.onCleanup(() => clearInterval(timer));
  refresh();

  const create = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'create-room' }, icon('plus', 'icon icon-sm'), t('rooms.create'));
  create.addEventListener('click', async () => {
    const room = await createRoomDialog();
    if (room) ctx.navigate(`/room/${encodeURIComponent(room.id)}`);
  });

  const codeInput = h('input', { class: 'input room-code-input', name: 'code', placeholder: t('rooms.codePlaceholder'), maxlength: 12, autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', 'aria-label': t('rooms.code'), 'data-testid': 'join-code-input' });
  const codeError = h('p', { class: 'field-hint room-code-error', role: 'alert', hidden: true });
  const joinForm = h('form', { class: 'room-join-form', 'data-testid': 'join-code-form' },
    codeInput,
    h('button', { type: 'submit', class: 'btn btn-outline', 'data-testid': 'join-code-submit' }, t('rooms.join')));
  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = rooms.normalizeCode(codeInput.value);
    if (!rooms.CODE_PATTERN.test(code)) {
      codeError.textContent = t('rooms.codeFormat');
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
        h('h1', { class: 'page-title', tabindex: '-1' }, t('rooms.title')),
        h('p', { class: 'muted page-subtitle' }, t('rooms.subtitle'))),
      create),
    inRoom?.room && h('p', { class: 'alert alert-info rooms-current' }, t('rooms.youAreIn'), ' ', h('a', { href: `#/room/${encodeURIComponent(inRoom.roomId)}` }, inRoom.room.name)),
    h('section', { class: 'card room-join-card', 'aria-labelledby': 'join-code-title' },
      h('h2', { class: 'card-title', id: 'join-code-title' }, icon('ticket', 'icon icon-title'), t('rooms.joinWithCode')),
      joinForm, codeError),
    h('h2', { class: 'section-title' }, t('rooms.open')),
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
        h('span', { class: 'badge', title: t(vis.hint) }, icon(vis.icon, 'icon icon-sm'), t(vis.label)),
        ' ', t('rooms.hostedBy'), ' ', h('strong', {}, room.host?.username ?? t('rooms.someone'))),
      h('p', { class: 'room-card-playing', 'data-testid': 'room-card-playing' },
        track
          ? [icon(room.playing ? 'play' : 'pause', 'icon icon-sm'), ` ${track.name}`, track.artist ? h('span', { class: 'muted' }, ` · ${track.artist.name}`) : null]
          : h('span', { class: 'muted' }, t('rooms.nothingPlaying'))),
      h('div', { class: 'room-card-people' },
        h('span', { class: 'avatar-stack', 'aria-hidden': 'true' }, room.members.slice(0, 5).map((m) => avatar(m))),
        h('span', { class: 'muted', 'data-testid': 'room-card-people' },
          people === 0 ? t('rooms.nobody') : [
            room.members.map((m) => m.username).slice(0, 3).join(', '),
            room.members.length > 3 ? ` ${t('rooms.andMore', { count: room.members.length - 3 })}` : '',
            room.guestCount ? `${room.members.length ? ' + ' : ''}${t('rooms.guests', { count: room.guestCount })}` : '',
          ].join('')))),
    h('a', { class: 'btn btn-outline btn-sm room-card-join', href, 'aria-label': t('rooms.joinLabel', { name: room.name }) }, t('rooms.join')));
}

/** The create (or edit, with `room`) form; resolves to the saved room, or null. */
export function roomSettingsFields(room = null) {
  const select = (name, testid, label, options, value) => h('label', { class: 'field' },
    h('span', { class: 'field-label' }, label),
    h('select', { class: 'input select', name, 'data-testid': testid },
      Object.entries(options).map(([key, o]) => h('option', { value: key, selected: key === value }, `${t(o.label)} — ${t(o.hint)}`))));
  return [
    field({ label: t('rooms.name'), name: 'name', required: true, maxlength: 80, value: room?.name ?? '', autocomplete: 'off', 'data-testid': 'room-name' }),
    select('visibility', 'room-visibility', t('rooms.whoFinds'), rooms.VISIBILITY, room?.visibility ?? 'FRIENDS'),
    select('controlMode', 'room-control', t('rooms.whoControls'), rooms.CONTROL, room?.controlMode ?? 'HOST_ONLY'),
    checkboxField({ label: t('rooms.allowGuests'), hint: t('rooms.allowGuestsHint'),
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
    title: t('rooms.createTitle'),
    fields: roomSettingsFields(),
    submitLabel: t('rooms.create'),
    testid: 'create-room-dialog',
    submit: (values) => rooms.createRoom(roomInput(values)),
  });
}
