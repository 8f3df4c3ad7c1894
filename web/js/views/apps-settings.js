// The profile's "Apps" card: app passwords for music apps that speak the Subsonic API at /rest
// (Symfonium, DSub, Feishin, …). How to connect, the passwords made so far, making one (its
// password and API key are shown once) and revoking one.
import { confirmDialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import * as subsonic from '../data/subsonic.js';
import { h, mount } from '../dom.js';
import { dateTime, timeAgo } from '../format.js';
import { t } from '../i18n.js';
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

/**
 * Copies `text`; without the clipboard API (plain-HTTP addresses) selects `shown` instead.
 * `what` (server, username, password, apiKey) picks the wording: apps.copied.<what>, apps.copy.<what>.
 */
async function copy(text, shown, what) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t(`apps.copied.${what}`));
  } catch {
    selectText(shown);
    toast(t('apps.pressCopy'));
  }
}

/** A "Copy" button, or with `compact` just its icon (with a tooltip). */
function copyButton(text, shown, what, testid, compact = false) {
  const label = t(`apps.copy.${what}`);
  const button = compact
    ? h('button', { type: 'button', class: 'icon-btn apps-copy', 'data-testid': testid, 'aria-label': label, title: label }, icon('copy', 'icon icon-sm'))
    : h('button', { type: 'button', class: 'btn btn-outline btn-sm apps-copy', 'data-testid': testid, 'aria-label': label },
      icon('copy', 'icon icon-sm'), h('span', { 'aria-hidden': 'true' }, t('apps.copyShort')));
  button.addEventListener('click', () => copy(text, shown, what));
  return button;
}

/** One "name: value [Copy]" line of the connection details; `what` as in copy(). */
function detail(what, value, testid, hint) {
  const shown = h('code', { class: 'apps-value', 'data-testid': testid }, value);
  return h('div', { class: 'apps-detail' },
    h('dt', { class: 'apps-detail-name' }, t(`apps.name.${what}`)),
    h('dd', { class: 'apps-detail-value' }, shown, copyButton(value, shown, what, `copy-${testid}`, true), hint && h('span', { class: 'field-hint' }, hint)));
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
    h('li', { class: 'muted' }, t('core.loadingText')));
  const refreshButton = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('apps.refreshLabel'), title: t('apps.refresh'),
    'data-testid': 'refresh-app-passwords' }, icon('refresh', 'icon icon-sm'));

  const form = h('form', { class: 'apps-form', 'data-testid': 'app-password-form' },
    h('div', { class: 'apps-form-row' },
      field({ label: t('apps.newFor'), name: 'label', required: true, maxlength: MAX_LABEL, autocomplete: 'off', placeholder: t('apps.placeholder'),
        'data-testid': 'app-password-label', hint: t('apps.labelHint', { count: MAX_LABEL }) }),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-app-password' }, icon('plus', 'icon icon-sm'), t('apps.create'))));

  const section = h('section', { class: 'card apps-card', 'data-testid': 'apps-card', 'aria-labelledby': 'apps-title' },
    h('h2', { class: 'card-title', id: 'apps-title' }, icon('devices', 'icon icon-title'), t('apps.title')),
    h('p', { class: 'muted' }, t('apps.intro')),
    h('h3', { class: 'apps-subtitle' }, t('apps.connect')),
    connection,
    messages,
    reveal,
    form,
    h('div', { class: 'apps-list-header' }, h('h3', { class: 'apps-subtitle', id: 'apps-list-title' }, t('apps.yours')), refreshButton),
    list);

  let items = [];
  const clear = () => {
    alert.clear();
    notice.clear();
  };
  const fail = (err) => {
    if (err?.name !== 'ApiError') console.error(err);
    alert.show(err?.name === 'ApiError' ? err.message : t('error.generic'), messages);
  };

  let shownFor = '';
  function showConnection() {
    const user = store.user();
    // The store also changes on every token refresh: redraw only when the name or tag did.
    if (!user || shownFor === `${user.username}\n${user.tag}`) return;
    shownFor = `${user.username}\n${user.tag}`;
    mount(connection,
      detail('server', location.origin, 'apps-server-url'),
      detail('username', user.tag || user.username, 'apps-username', t('apps.usernameHint')),
      h('div', { class: 'apps-detail' },
        h('dt', { class: 'apps-detail-name' }, t('auth.password')),
        h('dd', { class: 'apps-detail-value apps-detail-text' }, t('apps.passwordText'))));
  }

  function row(item) {
    const revoke = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'revoke-app-password',
      'aria-label': t('apps.revokeLabel', { name: item.label }) }, t('apps.revoke'));
    revoke.addEventListener('click', () => revokeOne(item, revoke));
    return h('li', { class: 'apps-row', 'data-testid': 'app-password-row', 'data-id': item.id },
      h('div', { class: 'apps-row-text' },
        h('span', { class: 'apps-label', 'data-testid': 'app-password-name' }, item.label),
        h('span', { class: 'apps-meta' },
          h('span', {}, t('apps.created'), ' ', timeTag(item.createdAt, dateTime(item.createdAt))),
          h('span', { 'data-testid': 'app-password-last-used' },
            item.lastUsedAt ? [t('apps.lastUsed'), ' ', timeTag(item.lastUsedAt, timeAgo(item.lastUsedAt))] : t('apps.neverUsed')))),
      revoke);
  }

  function showList() {
    list.removeAttribute('aria-busy');
    if (items.length === 0) mount(list, h('li', { class: 'muted apps-empty', 'data-testid': 'app-passwords-empty' }, t('apps.none')));
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
    const title = h('h3', { class: 'apps-subtitle', id: 'apps-new-title', tabindex: '-1' }, t('apps.ready', { name: created.label }));
    const password = h('code', { class: 'apps-secret', 'data-testid': 'app-password-secret' }, created.password);
    const apiKey = h('code', { class: 'apps-secret', 'data-testid': 'app-password-api-key' }, created.apiKey);
    const done = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'app-password-done' }, t('apps.done'));
    done.addEventListener('click', () => {
      hideReveal();
      form.querySelector('input')?.focus();
    });
    mount(reveal,
      title,
      h('p', { class: 'callout' }, h('strong', {}, t('apps.copyNow')), ' ', t('apps.copyNowText')),
      h('dl', { class: 'apps-details' },
        h('div', { class: 'apps-detail' },
          h('dt', { class: 'apps-detail-name' }, t('apps.name.password')),
          h('dd', { class: 'apps-detail-value' }, password, copyButton(created.password, password, 'password', 'copy-app-password'),
            h('span', { class: 'field-hint' }, t('apps.passwordHint')))),
        h('div', { class: 'apps-detail' },
          h('dt', { class: 'apps-detail-name' }, t('apps.name.apiKey')),
          h('dd', { class: 'apps-detail-value' }, apiKey, copyButton(created.apiKey, apiKey, 'apiKey', 'copy-api-key'),
            h('span', { class: 'field-hint' }, t('apps.apiKeyHint'))))),
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
      title: t('apps.revokeTitle', { name: item.label }),
      text: t('apps.revokeText'),
      confirmLabel: t('apps.revoke'),
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
      toast(t('apps.revoked', { name: item.label }));
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
