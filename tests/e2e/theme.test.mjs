// Light and dark themes (issue 12): the page follows the system's colour scheme, live, until
// Profile picks one; the choice outlives a reload and is in place before the app's own code
// runs (no flash of the other theme). Both palettes keep text at 4.5:1 or better (WCAG AA).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADA, consoleErrors, createAccount, expectVisible, serverAndBrowser, UI_TIMEOUT_MS } from './harness.mjs';

const env = serverAndBrowser();

/** Relative luminance (WCAG) of a computed CSS colour, "rgb(r, g, b)". */
function luminance(color) {
  const [r, g, b] = color.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrast = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

/** The page background as the browser paints it, and the theme attribute. */
const look = (page) => page.evaluate(() => ({
  theme: document.documentElement.dataset.theme,
  background: getComputedStyle(document.body).backgroundColor,
}));

/** The palette's custom properties, each resolved to an rgb() colour. */
function palette(page) {
  return page.evaluate(() => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const out = {};
    for (const name of ['bg', 'bg-raised', 'surface', 'surface-2', 'text', 'text-muted', 'text-faint', 'accent', 'accent-contrast', 'danger-text', 'warning-text', 'info-text']) {
      probe.style.color = `var(--${name})`;
      out[name] = getComputedStyle(probe).color;
    }
    probe.remove();
    return out;
  });
}

function assertReadable(colors, theme) {
  for (const fg of ['text', 'text-muted', 'text-faint', 'accent', 'danger-text', 'warning-text', 'info-text']) {
    for (const bg of ['bg', 'bg-raised', 'surface', 'surface-2']) {
      const ratio = contrast(colors[fg], colors[bg]);
      assert.ok(ratio >= 4.5, `${theme}: --${fg} on --${bg} is ${ratio.toFixed(2)}:1 (${colors[fg]} on ${colors[bg]})`);
    }
  }
  const onAccent = contrast(colors['accent-contrast'], colors.accent);
  assert.ok(onAccent >= 4.5, `${theme}: --accent-contrast on --accent is ${onAccent.toFixed(2)}:1`);
}

test('the theme follows the system until Profile picks one, which sticks after a reload', { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = consoleErrors(page);
  try {
    // The attribute is there before any module runs: theme-boot.js is a blocking script.
    await page.addInitScript(() => {
      document.addEventListener('readystatechange', () => {
        if (document.readyState === 'interactive') window.__themeAtParse = document.documentElement.dataset.theme;
      }, { once: true });
    });
    await page.goto(env.server.baseUrl);
    await expectVisible(page, 'setup-form');
    assert.equal(await page.evaluate(() => window.__themeAtParse), 'light', 'data-theme is set while the page parses');
    let now = await look(page);
    assert.equal(now.theme, 'light');
    assert.ok(luminance(now.background) > 0.8, `a light system gives a light page (${now.background})`);
    assertReadable(await palette(page), 'light');

    // The system turns dark: the page follows at once.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: UI_TIMEOUT_MS });
    now = await look(page);
    assert.ok(luminance(now.background) < 0.05, `a dark system gives a dark page (${now.background})`);
    assertReadable(await palette(page), 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', null, { timeout: UI_TIMEOUT_MS });

    // Profile → Theme: Dark, on a light system; a reload keeps it.
    await createAccount(page.getByTestId('setup-form'), ADA);
    await expectVisible(page, 'profile-username');
    await page.goto(`${env.server.baseUrl}/#/profile`);
    const select = await expectVisible(page, 'theme-select');
    assert.equal(await select.inputValue(), 'system');
    await select.selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: UI_TIMEOUT_MS });
    await page.reload();
    await expectVisible(page, 'theme-select');
    assert.equal(await page.evaluate(() => window.__themeAtParse), 'dark', 'the saved choice applies while the page parses');
    now = await look(page);
    assert.equal(now.theme, 'dark');
    assert.ok(luminance(now.background) < 0.05, `Dark stays dark on a light system after a reload (${now.background})`);
    assert.equal(await page.getByTestId('theme-select').inputValue(), 'dark');
    const metaColors = await page.evaluate(() => [...document.querySelectorAll('meta[name="theme-color"]')].map((m) => m.content));
    assert.ok(metaColors.length > 0 && metaColors.every((c) => c === metaColors[0]), `the browser chrome follows the choice: ${metaColors}`);

    // Back to the system's: light again.
    await page.getByTestId('theme-select').selectOption('system');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', null, { timeout: UI_TIMEOUT_MS });
    await page.reload();
    await expectVisible(page, 'theme-select');
    assert.ok(luminance((await look(page)).background) > 0.8, 'System on a light system is light after a reload');
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await context.close();
  }
});
