// The Friends page's people search: debounced searchUsers, and for each person the one
// action their friendship allows. Request ids come from the page's lists (`requests()`).
import { actionButton, personRow, statusBadge } from '../components/person.js';
import { toast } from '../components/toast.js';
import * as social from '../data/social.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

const DEBOUNCE_MS = 250;
const MAX_QUERY = 64; // the server refuses longer ones

/** `act(work)` wraps a mutation so the page refreshes after it. Returns { el, rerun, stop }. */
export function peopleSearch({ requests, act }) {
  const input = h('input', { type: 'search', class: 'input friends-search-input', name: 'q', maxlength: MAX_QUERY,
    placeholder: t('people.placeholder'), autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search',
    'aria-label': t('people.label'), 'aria-controls': 'people-results', 'data-testid': 'friends-search' });
  const results = h('ul', { id: 'people-results', class: 'person-list', 'aria-live': 'polite', 'data-testid': 'friends-search-results' });
  const el = h('section', { class: 'card friends-card', role: 'search' },
    h('h2', { class: 'card-title' }, icon('search', 'icon icon-title'), t('people.title')),
    h('label', { class: 'friends-search' }, icon('search', 'icon search-icon'), input),
    results);
  let timer = null;
  let seq = 0;

  async function run() {
    const query = input.value.trim();
    const mine = ++seq;
    if (!query) {
      mount(results);
      return;
    }
    try {
      const people = await social.searchUsers(query);
      if (mine !== seq) return;
      mount(results, people.length
        ? people.map((p) => personRow(p, { testid: 'friend-search-result', actions: actionsFor(p, requests(), act) }))
        : h('li', { class: 'friends-empty muted', 'data-testid': 'friends-search-empty' }, t('people.none', { query })));
    } catch (err) {
      if (mine === seq) mount(results, h('li', { class: 'alert alert-error', role: 'alert' }, err.message));
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
  return { el, rerun: () => input.value.trim() && run(), stop: () => clearTimeout(timer) };
}

function actionsFor(person, lists, act) {
  const name = person.username;
  switch (person.friendship) {
    case 'NONE':
      return [actionButton(t('people.add'), 'add-friend', act(() => add(person)), { kind: 'btn-primary', iconName: 'userPlus', label: t('people.addLabel', { name }) })];
    case 'REQUEST_SENT': {
      const request = lists.outgoing.find((r) => r.receiver.id === person.id);
      return [statusBadge(t('people.requestSent'), 'clock'),
        request && actionButton(t('core.cancel'), 'cancel-request', act(() => social.cancelRequest(request.id)), { kind: 'btn-ghost', label: t('friends.cancelLabel', { name }) })];
    }
    case 'REQUEST_RECEIVED': {
      const request = lists.incoming.find((r) => r.requester.id === person.id);
      return request ? [
        actionButton(t('friends.accept'), 'accept-request', act(() => social.acceptRequest(request.id)), { kind: 'btn-primary', iconName: 'check', label: t('friends.acceptLabel', { name }) }),
        actionButton(t('friends.decline'), 'decline-request', act(() => social.declineRequest(request.id)), { kind: 'btn-ghost', label: t('friends.declineLabel', { name }) }),
      ] : [statusBadge(t('people.wantsFriends'))];
    }
    case 'FRIENDS':
      return [statusBadge(t('people.friends'), 'check')];
    case 'SELF':
      return [statusBadge(t('people.you'))];
    default:
      return [];
  }
}

async function add(person) {
  const request = await social.sendRequest(person.id);
  toast(request.status === 'ACCEPTED' ? t('friends.nowFriends', { name: person.username }) : t('people.sent', { name: person.username }));
}
