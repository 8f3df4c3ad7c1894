// Light and dark themes: `system` (the default) follows prefers-color-scheme, live; `light` and
// `dark` are a choice saved on this device. The resolved theme is <html data-theme="light|dark">,
// which app.css turns into colours; theme-boot.js sets it before the first paint.
const KEY = 'soundroom.theme';
export const THEMES = ['system', 'light', 'dark'];
const COLORS = { dark: '#0d0e11', light: '#f6f7f9' }; // the page background, for the browser's chrome
const system = globalThis.matchMedia?.('(prefers-color-scheme: light)');

/** The saved choice: system, light or dark. */
export function themeChoice() {
  try {
    const saved = localStorage.getItem(KEY);
    return THEMES.includes(saved) ? saved : 'system';
  } catch {
    return 'system';
  }
}

/** The theme in use now: light or dark. */
export function currentTheme() {
  const choice = themeChoice();
  if (choice !== 'system') return choice;
  return system?.matches ? 'light' : 'dark';
}

function apply() {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  for (const meta of document.querySelectorAll('meta[name="theme-color"]')) {
    // With an explicit choice, both media variants show the chosen colour.
    meta.content = themeChoice() === 'system' ? COLORS[meta.media.includes('light') ? 'light' : 'dark'] : COLORS[theme];
  }
}

export function setTheme(choice) {
  if (!THEMES.includes(choice)) return;
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* applies to this page only */
  }
  apply();
}

apply();
system?.addEventListener('change', apply);
// Another tab changed the choice.
globalThis.addEventListener?.('storage', (e) => e.key === KEY && apply());
