// "Friends listening now": each friend who shares what they play, with the track and when it
// started, kept live. Clicking a row plays that track here too. `compact` is the Friends
// page's version: a card with a single column of smaller rows.
import { h, mount } from '../dom.js';
import { dateTime, timeAgo } from '../format.js';
import { watchFriendsActivity } from '../friends-activity.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { avatar } from '../layout.js';
import * as player from '../player.js';

const CLOCK_MS = 30_000; // "started 3 min ago" moves on by itself

export function friendsActivityPanel(ctx, { compact = false } = {}) {
  const count = h('span', { class: 'badge', hidden: true });
  const list = h('ul', { class: 'activity-list' }, h('li', { class: 'activity-status' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('core.loading') })));
  const title = compact
    ? h('h2', { class: 'card-title' }, icon('note', 'icon icon-title'), t('listening.title'), count)
    : h('h2', { class: 'section-title' }, t('listening.title'), count);
  const el = h('section', { class: compact ? 'card activity-panel is-compact' : 'page-section activity-panel',
    'aria-label': t('listening.title'), 'data-testid': 'friends-activity', 'data-live': 'waiting' },
  compact ? title : h('div', { class: 'section-head' }, title, h('a', { class: 'section-link', href: '#/friends' }, t('friends.title'))),
  list);
  let latest = null;

  const paint = (state) => {
    latest = state;
    // For tests: the live subscription is listening and the list is the server's.
    el.dataset.live = state.ready ? 'ready' : 'waiting';
    count.textContent = String(state.rows.length);
    count.hidden = state.rows.length === 0;
    if (!state.ready && !state.failed && state.rows.length === 0) return; // still loading
    mount(list, state.rows.length
      ? state.rows.map((a) => row(a))
      : h('li', { class: 'activity-status muted', 'data-testid': 'friends-activity-empty' },
        state.failed ? t('listening.failed') : t('listening.empty')));
  };
  ctx.onCleanup(watchFriendsActivity(paint));
  const clock = setInterval(() => latest && paint(latest), CLOCK_MS);
  ctx.onCleanup(() => clearInterval(clock));
  return el;
}

function row({ user, track, startedAt }) {
  const artist = track.artist?.name ?? t('listening.unknownArtist');
  return h('li', { class: 'activity-row', 'data-testid': 'friend-activity-row', 'data-user': user.id, 'data-track-id': track.id },
    h('button', { type: 'button', class: 'activity-play', title: t('listening.play', { name: track.name }),
      'aria-label': t('listening.playLabel', { user: user.username, name: track.name, artist }), onclick: () => player.playTracks([track]) },
    h('span', { class: 'activity-who' }, avatar(user), h('span', { class: 'activity-live', 'aria-hidden': 'true' }, h('i'), h('i'), h('i'))),
    h('span', { class: 'activity-text' },
      h('span', { class: 'activity-name' }, user.username),
      h('span', { class: 'activity-track' }, h('span', { class: 'activity-title' }, track.name), h('span', { class: 'muted' }, ` — ${artist}`)),
      startedAt && h('time', { class: 'activity-time', datetime: startedAt, title: dateTime(startedAt) }, t('listening.started', { when: timeAgo(startedAt) }))),
    h('span', { class: 'activity-play-icon', 'aria-hidden': 'true' }, icon('play', 'icon icon-sm'))));
}
