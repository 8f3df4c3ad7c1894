// The profile's "Apps" card: app passwords for music apps that speak the Subsonic API at /rest
// (Symfonium, DSub, Feishin, …). How to connect, the passwords made so far, making one (its
// password and API key are shown once) and revoking one.
import { confirmDialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import * as subsonic from '../data/subsonic.js';
import { h, mount } from '../dom.js';
import { dateTime, timeAgo } from '../format.js';
import { icon } from '../icons.js';
import * as store from '../store.js';
import { busy, field, onSubmit } from '../ui.js';

const MAX_LABEL = 64;

function selectText(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

/** Copies `text`; without the clipboard API (plain-HTTP addresses) selects `shown` instead. */
async function copy(text, shown, what) {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied.`);
  } catch {
    selectText(shown);
    toast('Press Ctrl+C (⌘C) to copy the selected text.');
  }
}

/** A "Copy" button, or with `compact` just its icon (with a tooltip). */
function copyButton(text, shown, what, testid, compact = false) {
  const label = `Copy ${what.toLowerCase()}`;
  const button = compact
    ? h('button', { type: 'button', class: 'icon-btn apps-copy', 'data-testid': testid, 'aria-label': label, title: label }, icon('copy', 'icon icon-sm'))
    : h('button', { type: 'button', class: 'btn btn-outline btn-sm apps-copy', 'data-testid': testid, 'aria-label': label },
      icon('copy', 'icon icon-sm'), h('span', { 'aria-hidden': 'true' }, 'Copy'));
  button.addEventListener('click', () => copy(text, shown, what));
  return button;
}

/** One "name: value [Copy]" line of the connection details. */
function detail(name, value, testid, hint) {
  const shown = h('code', { class: 'apps-value', 'data-testid': testid }, value);
  return h('div', { class: 'apps-detail' },
    h('dt', { class: 'apps-detail-name' }, name),
    h('dd', { class: 'apps-detail-value' }, shown, copyButton(value, shown, name, `copy-${testid}`, true), hint && h('span', { class: 'field-hint' }, hint)));
}

function timeTag(iso, text) {
  return h('time', { datetime: iso, title: dateTime(iso) }, text);
}

/** `alert` and `notice` are the profile page's own boxes. */
export function appsCard(ctx, alert, notice) {
  const messages = h('div', { class: 'apps-messages' });
  const connection = h('dl', { class: 'apps-details', 'data-testid': 'apps-connection' });
  const reveal = h('div', { class: 'apps-new', role: 'region', 'aria-labelledby': 'apps-new-title', 'data-testid': 'app-password-new', hidden: true });
  const list = h('ul', { class: 'apps-list', 'data-testid': 'app-password-list', 'aria-busy': 'true', 'aria-labelledby': 'apps-list-title' },
    h('li', { class: 'muted' }, 'Loading…'));
  const refreshButton = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Refresh the list of app passwords', title: 'Refresh',
    'data-testid': 'refresh-app-passwords' }, icon('refresh', 'icon icon-sm'));

  const form = h('form', { class: 'apps-form', 'data-testid': 'app-password-form' },
    h('div', { class: 'apps-form-row' },
      field({ label: 'New app password for', name: 'label', required: true, maxlength: MAX_LABEL, autocomplete: 'off', placeholder: 'e.g. Phone',
        'data-testid': 'app-password-label', hint: `A name to recognise it by, up to ${MAX_LABEL} characters.` }),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-app-password' }, icon('plus', 'icon icon-sm'), 'Create')));

  const section = h('section', { class: 'card apps-card', 'data-testid': 'apps-card', 'aria-labelledby': 'apps-title' },
    h('h2', { class: 'card-title', id: 'apps-title' }, icon('devices', 'icon icon-title'), 'Apps'),
    h('p', { class: 'muted' },
      'Listen in music apps that speak the Subsonic API, such as Symfonium, DSub or Feishin. ',
      'They never get your account password: give each app a password of its own, and revoke it if you lose the device.'),
    h('h3', { class: 'apps-subtitle' }, 'Connect an app'),
    connection,
    messages,
    reveal,
    form,
    h('div', { class: 'apps-list-header' }, h('h3', { class: 'apps-subtitle', id: 'apps-list-title' }, 'Your app passwords'), refreshButton),
    list);

  let items = [];
  const clear = () => {
    alert.clear();
    notice.clear();
  };
  const fail = (err) => {
    if (err?.name !== 'ApiError') console.error(err);
    alert.show(err?.name === 'ApiError' ? err.message : 'Something went wrong. Please try again.', messages);
  };

  let shownFor = '';
  function showConnection() {
    const user = store.user();
    // The store also changes on every token refresh: redraw only when the name or tag did.
    if (!user || shownFor === `${user.username}\n${user.tag}`) return;
    shownFor = `${user.username}\n${user.tag}`;
    mount(connection,
      detail('Server address', location.origin, 'apps-server-url'),
      detail('Username', user.tag || user.username, 'apps-username', 'Your @tag: unique, so apps always find your account (your email works too).'),
      h('div', { class: 'apps-detail' },
        h('dt', { class: 'apps-detail-name' }, 'Password'),
        h('dd', { class: 'apps-detail-value apps-detail-text' }, 'An app password from below, not your account password.')));
  }

  function row(item) {
    const revoke = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'revoke-app-password',
      'aria-label': `Revoke the app password “${item.label}”` }, 'Revoke');
    revoke.addEventListener('click', () => revokeOne(item, revoke));
    return h('li', { class: 'apps-row', 'data-testid': 'app-password-row', 'data-id': item.id },
      h('div', { class: 'apps-row-text' },
        h('span', { class: 'apps-label', 'data-testid': 'app-password-name' }, item.label),
        h('span', { class: 'apps-meta' },
          h('span', {}, 'Created ', timeTag(item.createdAt, dateTime(item.createdAt))),
          h('span', { 'data-testid': 'app-password-last-used' },
            item.lastUsedAt ? ['Last used ', timeTag(item.lastUsedAt, timeAgo(item.lastUsedAt))] : 'Never used'))),
      revoke);
  }

  function showList() {
    list.removeAttribute('aria-busy');
    if (items.length === 0) mount(list, h('li', { class: 'muted apps-empty', 'data-testid': 'app-passwords-empty' }, 'None yet.'));
    else mount(list, items.map(row));
  }

  async function refresh() {
    list.setAttribute('aria-busy', 'true');
    try {
      items = await busy(refreshButton, subsonic.passwords);
      showList();
    } catch (err) {
      showList();
      fail(err);
    }
  }

  function hideReveal() {
    reveal.hidden = true;
    mount(reveal);
    delete reveal.dataset.id;
  }

  function showReveal(created) {
    const title = h('h3', { class: 'apps-subtitle', id: 'apps-new-title', tabindex: '-1' }, `“${created.label}” is ready`);
    const password = h('code', { class: 'apps-secret', 'data-testid': 'app-password-secret' }, created.password);
    const apiKey = h('code', { class: 'apps-secret', 'data-testid': 'app-password-api-key' }, created.apiKey);
    const done = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'app-password-done' }, 'Done');
    done.addEventListener('click', () => {
      hideReveal();
      form.querySelector('input')?.focus();
    });
    mount(reveal,
      title,
      h('p', { class: 'callout' }, h('strong', {}, 'Copy it now. '),
        'The password and API key will not be shown again. If you lose them, revoke this app password and create another.'),
      h('dl', { class: 'apps-details' },
        h('div', { class: 'apps-detail' },
          h('dt', { class: 'apps-detail-name' }, 'App password'),
          h('dd', { class: 'apps-detail-value' }, password, copyButton(created.password, password, 'App password', 'copy-app-password'),
            h('span', { class: 'field-hint' }, 'Use it with your username.'))),
        h('div', { class: 'apps-detail' },
          h('dt', { class: 'apps-detail-name' }, 'API key'),
          h('dd', { class: 'apps-detail-value' }, apiKey, copyButton(created.apiKey, apiKey, 'API key', 'copy-api-key'),
            h('span', { class: 'field-hint' }, 'For apps that take an OpenSubsonic API key: it replaces both username and password.')))),
      h('div', { class: 'form-actions' }, done));
    reveal.dataset.id = created.id;
    reveal.hidden = false;
    title.focus();
  }

  onSubmit(form, alert, async ({ label }) => {
    notice.clear();
    const created = await subsonic.createPassword(label.trim());
    form.reset();
    items = [{ id: created.id, label: created.label, createdAt: created.createdAt, lastUsedAt: null }, ...items.filter((i) => i.id !== created.id)];
    showList();
    showReveal(created);
  });

  async function revokeOne(item, button) {
    clear();
    const ok = await confirmDialog({
      title: `Revoke “${item.label}”?`,
      text: 'Apps using this app password stop working at once. This cannot be undone.',
      confirmLabel: 'Revoke',
      danger: true,
    });
    if (!ok) {
      if (button.isConnected) button.focus();
      return;
    }
    try {
      await busy(button, () => subsonic.revokePassword(item.id));
      items = items.filter((i) => i.id !== item.id);
      if (reveal.dataset.id === item.id) hideReveal();
      showList();
      toast(`“${item.label}” revoked.`);
      refreshButton.focus();
    } catch (err) {
      fail(err);
      refresh();
    }
  }

  refreshButton.addEventListener('click', () => {
    clear();
    refresh();
  });
  showConnection();
  ctx.onCleanup(store.subscribe(showConnection));
  refresh();
  return section;
}
