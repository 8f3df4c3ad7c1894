// The profile's 2FA card: off → set-up (QR + secret + code) → recovery codes → on.
import { gql, NO_RETRY } from '../api.js';
import { h, mount } from '../dom.js';
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
  const link = h('a', { class: 'btn btn-outline', download: 'soundroom-recovery-codes.txt', href: '#' }, 'Download');
  link.addEventListener('click', () => {
    const text = `Soundroom recovery codes for ${store.user()?.email ?? ''}\n\n${codes.join('\n')}\n`;
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  });
  return link;
}

export function twoFactorCard(alert, notice) {
  const body = h('div', { class: 'twofactor-body' });
  const section = h('section', { class: 'card', 'data-testid': 'twofactor-card' },
    h('h2', { class: 'card-title' }, icon('shield', 'icon icon-title'), 'Two-factor authentication'), body);

  const clear = () => {
    alert.clear();
    notice.clear();
  };

  function showOff() {
    const start = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'enable-2fa' }, 'Set up two-factor');
    start.addEventListener('click', async () => {
      clear();
      try {
        const data = await busy(start, () => gql('mutation { beginTwoFactorSetup { secret otpauthUri qrSvg } }'));
        showSetup(data.beginTwoFactorSetup);
      } catch (err) {
        alert.show(err.message, body);
      }
    });
    mount(body, h('p', { class: 'muted' }, 'Ask for a code from an authenticator app at every sign-in, so a leaked password is not enough.'), h('div', { class: 'form-actions' }, start));
  }

  function showSetup({ secret, otpauthUri, qrSvg }) {
    const form = h('form', { class: 'form', 'data-testid': 'confirm-2fa-form' },
      field({ label: 'Code from the app', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}',
        maxlength: 6, required: true, 'data-testid': 'totp-code', hint: 'Enter the 6-digit code to confirm.' }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'confirm-2fa' }, 'Turn on'),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { clear(); showOff(); } }, 'Cancel')));
    onSubmit(form, alert, async ({ code }) => {
      const data = await gql('mutation Confirm($code: String!) { confirmTwoFactorSetup(code: $code) }', { code: code.trim() });
      store.setUser({ twoFactorEnabled: true });
      showCodes(data.confirmTwoFactorSetup);
    });
    mount(body,
      h('ol', { class: 'steps' },
        h('li', {}, 'Scan this QR code with an authenticator app.',
          h('a', { class: 'qr', href: otpauthUri, title: 'Open in an authenticator app on this device' },
            h('img', { src: svgDataUrl(qrSvg), alt: 'QR code for your authenticator app', width: 184, height: 184 }))),
        h('li', {}, 'Can’t scan it? Enter this key instead:',
          h('code', { class: 'secret', 'data-testid': 'totp-secret' }, secret)),
        h('li', {}, form)));
  }

  function showCodes(codes) {
    const done = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'recovery-done' }, 'I’ve saved them');
    done.addEventListener('click', showOn);
    mount(body,
      h('p', { class: 'callout' }, h('strong', {}, 'Save these recovery codes now. '),
        'Each one signs you in once if you lose your authenticator. They will not be shown again.'),
      h('ol', { class: 'recovery-codes', 'data-testid': 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
      h('div', { class: 'form-actions' }, done, downloadLink(codes)));
  }

  function showOn() {
    const form = h('form', { class: 'form', 'data-testid': 'disable-2fa-form' },
      field({ label: 'Code to turn it off', name: 'code', autocomplete: 'one-time-code', required: true, maxlength: 64,
        autocapitalize: 'off', spellcheck: 'false', 'data-testid': 'disable-2fa-code', hint: 'A code from your app, or a recovery code.' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger-outline', 'data-testid': 'disable-2fa' }, 'Turn off')));
    onSubmit(form, alert, async ({ code }) => {
      notice.clear();
      await gql('mutation Disable($code: String!) { disableTwoFactor(code: $code) }', { code: code.trim() }, NO_RETRY);
      store.setUser({ twoFactorEnabled: false });
      showOff();
      notice.show('Two-factor authentication is off.', body);
    });
    mount(body, h('p', { class: 'status-on' }, icon('shield', 'icon icon-sm'), 'On: sign-ins need a code from your authenticator app.'), form);
  }

  if (store.user().twoFactorEnabled) showOn();
  else showOff();
  return section;
}
