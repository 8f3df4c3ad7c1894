// The profile's 2FA card: off → set-up (QR + secret + code) → recovery codes → on.
import { gql, NO_RETRY } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import * as store from '../store.js';
import { busy, field, onSubmit } from '../ui.js';

// The server's SVG is trusted, but an <img> keeps it inert anyway: no scripts, no styles leaking.
function svgDataUrl(svg) {
  let binary = '';
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

function downloadLink(codes) {
  const link = h('a', { class: 'btn btn-outline', download: 'soundroom-recovery-codes.txt', href: '#' }, t('twofactor.download'));
  link.addEventListener('click', () => {
    const text = `${t('twofactor.fileTitle', { email: store.user()?.email ?? '' })}\n\n${codes.join('\n')}\n`;
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  });
  return link;
}

export function twoFactorCard(alert, notice) {
  const body = h('div', { class: 'twofactor-body' });
  const section = h('section', { class: 'card', 'data-testid': 'twofactor-card' },
    h('h2', { class: 'card-title' }, icon('shield', 'icon icon-title'), t('twofactor.title')), body);

  const clear = () => {
    alert.clear();
    notice.clear();
  };

  function showOff() {
    const start = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'enable-2fa' }, t('twofactor.setUp'));
    start.addEventListener('click', async () => {
      clear();
      try {
        const data = await busy(start, () => gql('mutation { beginTwoFactorSetup { secret otpauthUri qrSvg } }'));
        showSetup(data.beginTwoFactorSetup);
      } catch (err) {
        alert.show(err.message, body);
      }
    });
    mount(body, h('p', { class: 'muted' }, t('twofactor.offText')), h('div', { class: 'form-actions' }, start));
  }

  function showSetup({ secret, otpauthUri, qrSvg }) {
    const form = h('form', { class: 'form', 'data-testid': 'confirm-2fa-form' },
      field({ label: t('twofactor.appCode'), name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}',
        maxlength: 6, required: true, 'data-testid': 'totp-code', hint: t('twofactor.appCodeHint') }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'confirm-2fa' }, t('twofactor.turnOn')),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { clear(); showOff(); } }, t('core.cancel'))));
    onSubmit(form, alert, async ({ code }) => {
      const data = await gql('mutation Confirm($code: String!) { confirmTwoFactorSetup(code: $code) }', { code: code.trim() });
      store.setUser({ twoFactorEnabled: true });
      showCodes(data.confirmTwoFactorSetup);
    });
    mount(body,
      h('ol', { class: 'steps' },
        h('li', {}, t('twofactor.scan'),
          h('a', { class: 'qr', href: otpauthUri, title: t('twofactor.openInApp') },
            h('img', { src: svgDataUrl(qrSvg), alt: t('twofactor.qrAlt'), width: 184, height: 184 }))),
        h('li', {}, t('twofactor.enterKey'),
          h('code', { class: 'secret', 'data-testid': 'totp-secret' }, secret)),
        h('li', {}, form)));
  }

  function showCodes(codes) {
    const done = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'recovery-done' }, t('twofactor.saved'));
    done.addEventListener('click', showOn);
    mount(body,
      h('p', { class: 'callout' }, h('strong', {}, t('twofactor.saveNow')), ' ', t('twofactor.saveNowText')),
      h('ol', { class: 'recovery-codes', 'data-testid': 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
      h('div', { class: 'form-actions' }, done, downloadLink(codes)));
  }

  function showOn() {
    const form = h('form', { class: 'form', 'data-testid': 'disable-2fa-form' },
      field({ label: t('twofactor.offCode'), name: 'code', autocomplete: 'one-time-code', required: true, maxlength: 64,
        autocapitalize: 'off', spellcheck: 'false', 'data-testid': 'disable-2fa-code', hint: t('twofactor.offCodeHint') }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger-outline', 'data-testid': 'disable-2fa' }, t('twofactor.turnOff'))));
    onSubmit(form, alert, async ({ code }) => {
      notice.clear();
      await gql('mutation Disable($code: String!) { disableTwoFactor(code: $code) }', { code: code.trim() }, NO_RETRY);
      store.setUser({ twoFactorEnabled: false });
      showOff();
      notice.show(t('twofactor.isOff'), body);
    });
    mount(body, h('p', { class: 'status-on' }, icon('shield', 'icon icon-sm'), t('twofactor.isOn')), form);
  }

  if (store.user().twoFactorEnabled) showOn();
  else showOff();
  return section;
}
