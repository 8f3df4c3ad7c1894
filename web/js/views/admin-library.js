// Admin: library counts, the last scan, skipped files, and a rescan with live progress
// from the libraryScan subscription (polling stands in if the socket is unavailable).
import * as admin from '../data/admin.js';
import { h, mount } from '../dom.js';
import { count, dateTime } from '../format.js';
import { icon } from '../icons.js';
import { subscribe } from '../subscriptions.js';
import { busy } from '../ui.js';

const POLL_MS = 4000;

function stat(label, value, testid) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value', 'data-testid': testid }, Number(value).toLocaleString()), h('span', { class: 'stat-label' }, label));
}

function seconds(ms) {
  return ms == null ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function skippedList(skipped) {
  if (skipped.length === 0) return h('p', { class: 'muted' }, 'No files were skipped in the last scan.');
  return h('details', { class: 'skipped', 'data-testid': 'skipped-files' },
    h('summary', {}, `${count(skipped.length, 'file')} skipped`),
    h('ul', { class: 'skipped-list' }, skipped.map((s) => h('li', {}, h('code', {}, s.path), h('span', { class: 'muted' }, s.reason)))));
}

/** `alert` is the page's one error box; it moves next to the card that failed. */
export function libraryCard(ctx, alert) {
  const stats = h('div', { class: 'stats' }, h('div', { class: 'spinner' }));
  const details = h('div', { class: 'scan-details' });
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', { class: 'progress progress-lg', role: 'progressbar', 'aria-label': 'Scan progress', 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const phase = h('p', { class: 'scan-phase', 'data-testid': 'scan-phase' });
  const counts = h('p', { class: 'muted scan-counts', 'data-testid': 'scan-counts' });
  const progress = h('div', { class: 'scan-progress', 'data-testid': 'scan-progress', hidden: true, 'aria-live': 'polite' }, phase, bar, counts);
  const rescan = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'rescan' }, icon('refresh', 'icon icon-sm'), 'Rescan library');
  let poll = null;

  function showStatus(status) {
    mount(stats, stat('Tracks', status.tracks, 'stat-tracks'), stat('Albums', status.albums, 'stat-albums'), stat('Artists', status.artists, 'stat-artists'));
    mount(details,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Last scan started'), h('dd', {}, dateTime(status.lastScanStartedAt)),
        h('dt', {}, 'Finished'), h('dd', {}, status.scanning ? 'Scanning now…' : dateTime(status.lastScanFinishedAt)),
        h('dt', {}, 'Took'), h('dd', {}, seconds(status.lastScanDurationMs))),
      skippedList(status.skipped));
    rescan.disabled = status.scanning;
    if (status.scanning) progress.hidden = false;
    clearTimeout(poll);
    if (status.scanning) poll = setTimeout(load, POLL_MS);
  }

  function showProgress(p) {
    progress.hidden = false;
    rescan.disabled = !p.done;
    phase.textContent = p.done ? 'Scan finished' : `${p.phase[0].toUpperCase()}${p.phase.slice(1)}…`;
    const share = p.filesTotal ? Math.min(1, p.filesSeen / p.filesTotal) : null;
    bar.classList.toggle('is-indeterminate', share === null && !p.done);
    fill.style.setProperty('--value', `${((p.done ? 1 : share ?? 0) * 100).toFixed(1)}%`);
    if (share !== null) bar.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    const seen = p.filesTotal ? `${p.filesSeen.toLocaleString()} of ${p.filesTotal.toLocaleString()} files` : `${p.filesSeen.toLocaleString()} files`;
    counts.textContent = `${seen} · ${p.added} added · ${p.updated} updated · ${p.removed} removed · ${p.skipped} skipped`;
    if (p.done) load();
  }

  async function load() {
    try {
      showStatus(await admin.libraryStatus());
    } catch (err) {
      alert.show(err.message, card);
    }
  }

  rescan.addEventListener('click', async () => {
    alert.clear();
    try {
      const status = await busy(rescan, admin.rescan);
      showStatus(status);
      showProgress({ phase: 'starting', filesSeen: 0, filesTotal: null, added: 0, updated: 0, removed: 0, skipped: 0, done: false });
    } catch (err) {
      alert.show(err.message, card);
    }
  });

  const stop = subscribe(admin.SCAN_SUBSCRIPTION, {}, {
    next: (data) => showProgress(data.libraryScan),
    error: (err) => console.warn('libraryScan subscription:', err.message),
  });
  ctx.onCleanup(() => {
    stop();
    clearTimeout(poll);
  });

  const card = h('section', { class: 'card', 'data-testid': 'admin-library' },
    h('div', { class: 'card-title-row' }, h('h2', { class: 'card-title' }, icon('library', 'icon icon-title'), 'Library'), rescan),
    stats, progress, details);
  load();
  return card;
}
