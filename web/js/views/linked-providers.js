// The profile's "Sign-in methods" card: link or unlink the configured OAuth/OIDC providers.
// Linking is a browser round trip: beginOAuthLink → provider → /#/profile?linkCode=… →
// completeOAuthLink.
import { gql, NO_RETRY } from '../api.js';
import { toast } from '../components/toast.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import * as store from '../store.js';
import { busy } from '../ui.js';

// Link codes already sent to the server. Each is single-use, so a re-render of the profile
// (or a stale ctx.query) must never send one twice.
const usedCodes = new Set();

function displayName(providers, name) {
  return providers.find((p) => p.name === name)?.displayName || name;
}

/** The card, or null when the server has no OAuth/OIDC provider configured. */
export function linkedProvidersCard(ctx, alert, notice) {
  const providers = store.serverInfo().authProviders || [];
  const messages = h('div', { class: 'linked-messages' });
  const list = h('ul', { class: 'linked-list', 'aria-busy': 'true' }, h('li', { class: 'muted' }, t('core.loadingText')));
  const section = providers.length === 0 ? null : h('section', { class: 'card', 'data-testid': 'linked-providers' },
    h('h2', { class: 'card-title' }, icon('link', 'icon icon-title'), t('linked.title')),
    h('p', { class: 'muted' }, t('linked.intro')),
    messages,
    list);

  const clear = () => {
    alert.clear();
    notice.clear();
  };
  const fail = (err) => {
    if (err?.name !== 'ApiError') console.error(err);
    alert.show(err?.name === 'ApiError' ? err.message : t('error.generic'), section ? messages : null);
  };

  function row(provider, linked) {
    const button = linked
      ? h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': `unlink-${provider.name}` }, t('linked.unlink'))
      : h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': `link-${provider.name}` }, t('linked.link'));
    button.setAttribute('aria-label', t(linked ? 'linked.unlinkLabel' : 'linked.linkLabel', { provider: provider.displayName }));
    button.addEventListener('click', () => (linked ? unlink(provider, button) : link(provider, button)));
    return h('li', { class: 'linked-row' },
      h('span', { class: 'linked-name' }, provider.displayName),
      linked ? h('span', { class: 'badge badge-accent' }, icon('check', 'icon icon-sm'), t('linked.linked')) : h('span', { class: 'muted' }, t('linked.notLinked')),
      button);
  }

  async function refresh() {
    if (!section) return;
    try {
      const data = await gql('query LinkedProviders { me { linkedProviders } }');
      const linked = data.me?.linkedProviders || [];
      mount(list, providers.map((p) => row(p, linked.includes(p.name))));
      list.removeAttribute('aria-busy');
    } catch (err) {
      mount(list);
      list.removeAttribute('aria-busy');
      fail(err);
    }
  }

  async function link(provider, button) {
    clear();
    try {
      const data = await busy(button, () => gql('mutation BeginLink($p: String!) { beginOAuthLink(provider: $p) }', { p: provider.name }));
      const path = data.beginOAuthLink;
      // Only ever follow a same-origin path, whatever comes back.
      if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) throw new Error(`unexpected link path: ${path}`);
      location.assign(path);
    } catch (err) {
      fail(err);
    }
  }

  async function unlink(provider, button) {
    clear();
    try {
      await busy(button, () => gql('mutation Unlink($p: String!) { unlinkOAuthIdentity(provider: $p) }', { p: provider.name }, NO_RETRY));
      toast(t('linked.unlinked', { provider: provider.displayName }));
    } catch (err) {
      fail(err); // e.g. it is the account's last way to sign in
    }
    await refresh();
  }

  async function completeLink(code) {
    try {
      const data = await gql('mutation CompleteLink($c: String!) { completeOAuthLink(code: $c) }', { c: code }, NO_RETRY);
      toast(t('linked.nowLinked', { provider: displayName(providers, data.completeOAuthLink) }));
    } catch (err) {
      fail(err); // e.g. "this link was started by another account"
    }
  }

  // Back from the provider: take the code out of the address bar before using it, so neither
  // a reload nor a re-render can send it again.
  const code = ctx.query.get('linkCode');
  if (code) history.replaceState(null, '', '#/profile');
  if (code && !usedCodes.has(code)) {
    usedCodes.add(code);
    completeLink(code).then(refresh);
  } else {
    refresh();
  }
  return section;
}
