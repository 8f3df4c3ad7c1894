// Admin: library counts, the last scan, skipped files, and a rescan with live progress
// from the libraryScan subscription (polling stands in if the socket is unavailable).
//
// Three sources report on scans, and they can arrive out of order: the rescan mutation's
// answer (a snapshot taken as the scan starts), libraryStatus (a snapshot on request) and the
// subscription (live). A scan of an unchanged library can finish before the mutation's answer
// arrives, so an older snapshot must never overwrite a newer one: snapshots are ordered by
// the scan they know of (its start time) and how far they know it went, and the progress bar
// only shows "Starting…" when nothing newer has been heard since the button was pressed.
// Changes the folder watcher applies also arrive on the subscription, as a single "done".
import { toast } from '../components/toast.js';
import * as admin from '../data/admin.js';
import { h, mount } from '../dom.js';
import { formatDate, formatNumber, t } from '../i18n.js';
import { icon } from '../icons.js';
import { countOf, problem } from '../library-text.js';
import { subscribe } from '../subscriptions.js';
import { busy } from '../ui.js';

const POLL_MS = 4000;
const ms = (iso) => (iso ? Date.parse(iso) || 0 : 0);
const when = (iso) => (iso ? formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

function stat(label, value, testid) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value', 'data-testid': testid }, formatNumber(value)), h('span', { class: 'stat-label' }, label));
}

function seconds(value) {
  return value == null ? '—' : t('admin.library.seconds', { s: formatNumber(value / 1000, { maximumFractionDigits: value < 10_000 ? 1 : 0 }) });
}

function skippedList(skipped) {
  if (skipped.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-skipped' }, t('admin.library.noneSkipped'));
  return h('details', { class: 'skipped', 'data-testid': 'skipped-files' },
    h('summary', {}, t('admin.library.skipped', { count: skipped.length })),
    h('ul', { class: 'skipped-list' }, skipped.map((s) => h('li', { 'data-testid': 'skipped-file' }, h('code', {}, s.path), h('span', { class: 'muted' }, s.reason)))));
}

/** `alert` is the page's one error box; it moves next to the card that failed. */
export function libraryCard(ctx, alert) {
  const stats = h('div', { class: 'stats' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('library.loading') }));
  const details = h('div', { class: 'scan-details' });
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', { class: 'progress progress-lg', role: 'progressbar', 'aria-label': t('admin.library.progress'), 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const phase = h('p', { class: 'scan-phase', 'data-testid': 'scan-phase' });
  const counts = h('p', { class: 'muted scan-counts', 'data-testid': 'scan-counts' });
  const progress = h('div', { class: 'scan-progress', 'data-testid': 'scan-progress', hidden: true, 'aria-live': 'polite' }, phase, bar, counts);
  const watchNote = h('p', { class: 'muted watch-note', 'data-testid': 'watch-note', role: 'status', hidden: true });
  const rescan = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'rescan' }, icon('refresh', 'icon icon-sm'), t('admin.library.rescan'));
  let poll = null;
  let shownRank = [-1, -1];
  let seenStarts = new Set(); // scan start times already seen finished
  let events = 0; // subscription messages so far
  let running = false; // the progress area shows a scan under way
  let heardRunning = false; // a scan's own progress (not just a watcher batch) since the last "done"

  // Where a snapshot sits in time: [start of the scan it knows of, stage]. Stage 1: that scan
  // is running; 2: it finished; 3: it finished and another is requested (the rescan answer
  // before the new scan has begun).
  function place(status) {
    const start = ms(status.lastScanStartedAt);
    const finished = start > 0 && ms(status.lastScanFinishedAt) >= start;
    if (!status.scanning) return { rank: [start, finished ? 2 : 0], scanning: false };
    if (!finished) return { rank: [start, 1], scanning: true };
    // scanning and finished at once: the rescan answer. If we knew that scan had finished,
    // a new one is about to start; if not, the new one already started and finished.
    return seenStarts.has(start) ? { rank: [start, 3], scanning: true } : { rank: [start, 2], scanning: false };
  }

  const newer = (a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);

  /** Applies a snapshot unless one newer is on screen; returns whether it did. */
  function showStatus(status) {
    const { rank, scanning } = place(status);
    if (!newer(rank, shownRank)) return false;
    shownRank = rank;
    if (rank[1] === 2) seenStarts.add(rank[0]);
    mount(stats, stat(t('admin.library.tracks'), status.tracks, 'stat-tracks'), stat(t('admin.library.albums'), status.albums, 'stat-albums'), stat(t('admin.library.artists'), status.artists, 'stat-artists'));
    mount(details,
      h('dl', { class: 'facts' },
        h('dt', {}, t('admin.library.lastStarted')), h('dd', { 'data-testid': 'scan-started' }, when(status.lastScanStartedAt)),
        h('dt', {}, t('admin.library.finished')), h('dd', { 'data-testid': 'scan-finished' }, scanning ? t('admin.library.scanningNow') : when(status.lastScanFinishedAt)),
        h('dt', {}, t('admin.library.took')), h('dd', {}, scanning ? '—' : seconds(status.lastScanDurationMs))),
      skippedList(status.skipped));
    rescan.disabled = scanning;
    clearTimeout(poll);
    if (scanning) {
      if (!running) showStarting();
      poll = setTimeout(load, POLL_MS);
    } else if (running) {
      // The snapshot knows the scan is over: the bar must not keep saying otherwise.
      finishBar();
    }
    return true;
  }

  function paintBar(share, done) {
    bar.classList.toggle('is-indeterminate', share === null && !done);
    fill.style.setProperty('--value', `${((done ? 1 : share ?? 0) * 100).toFixed(1)}%`);
    if (share !== null || done) bar.setAttribute('aria-valuenow', String(Math.round((done ? 1 : share) * 100)));
    else bar.removeAttribute('aria-valuenow');
    progress.dataset.state = done ? 'done' : 'running';
  }

  function showStarting() {
    progress.hidden = false;
    running = true;
    phase.textContent = t('admin.library.phase.starting');
    counts.textContent = t('admin.library.files', { seen: formatNumber(0) });
    paintBar(null, false);
  }

  function finishBar() {
    running = false;
    phase.textContent = t('admin.library.phase.done');
    paintBar(1, true);
    rescan.disabled = false;
  }

  function countsLine(p) {
    const seen = p.filesTotal
      ? t('admin.library.filesOf', { seen: formatNumber(p.filesSeen), total: formatNumber(p.filesTotal) })
      : t('admin.library.files', { seen: formatNumber(p.filesSeen) });
    return [seen, t('admin.library.added', { n: formatNumber(p.added) }), t('admin.library.updated', { n: formatNumber(p.updated) }),
      t('admin.library.removed', { n: formatNumber(p.removed) }), t('admin.library.skippedCount', { n: formatNumber(p.skipped) })].join(' · ');
  }

  function showProgress(p) {
    events += 1;
    if (p.done && !heardRunning && !running) {
      // A batch from the folder watcher (files changed on disk), not a scan.
      watchNote.hidden = false;
      watchNote.dataset.skipped = String(p.skipped);
      watchNote.textContent = t('admin.library.watcherApplied', { added: formatNumber(p.added), updated: formatNumber(p.updated), removed: formatNumber(p.removed), skipped: formatNumber(p.skipped) });
      load();
      return;
    }
    progress.hidden = false;
    heardRunning = !p.done;
    running = !p.done;
    rescan.disabled = !p.done;
    phase.textContent = t(`admin.library.phase.${['walking', 'reading', 'cleaning', 'done'].includes(p.phase) ? p.phase : 'other'}`, { phase: p.phase });
    const share = p.filesTotal ? Math.min(1, p.filesSeen / p.filesTotal) : null;
    paintBar(share, p.done);
    counts.textContent = countsLine(p);
    if (p.done) load();
  }

  async function load() {
    try {
      showStatus(await admin.libraryStatus());
    } catch (err) {
      alert.show(problem(err), card);
    }
  }

  rescan.addEventListener('click', async () => {
    alert.clear();
    const before = events;
    try {
      const status = await busy(rescan, admin.rescan);
      // Something the subscription said meanwhile is newer than this answer: keep it.
      if (events !== before) {
        if (!running) rescan.disabled = false;
        load();
        return;
      }
      // Applied and under way: the bar says "Starting…" until progress arrives. Otherwise the
      // answer is already out of date, or the scan is over: ask afresh.
      if (!showStatus(status) || !running) load();
    } catch (err) {
      alert.show(problem(err), card);
    }
  });

  const stop = subscribe(admin.SCAN_SUBSCRIPTION, {}, {
    next: (data) => showProgress(data.libraryScan),
    error: (err) => console.warn('libraryScan subscription:', err.message),
  });
  ctx.onCleanup(() => {
    stop();
    clearTimeout(poll);
    seenStarts = new Set();
  });

  const card = h('section', { class: 'card', 'data-testid': 'admin-library' },
    h('div', { class: 'card-title-row' }, h('h2', { class: 'card-title' }, icon('library', 'icon icon-title'), t('admin.library.title')), rescan),
    stats, progress, watchNote, details);
  load();
  return card;
}

// ---------- hidden tracks ----------

/** Tracks from the music folder that were deleted from the library; Restore brings each back with the next scan. */
export function hiddenTracksCard(alert) {
  const list = h('ul', { class: 'hidden-list', 'data-testid': 'hidden-tracks' });
  const card = h('section', { class: 'card', 'data-testid': 'admin-hidden' },
    h('h2', { class: 'card-title' }, icon('trash', 'icon icon-title'), t('admin.hidden.title')),
    h('p', { class: 'muted card-note' }, t('admin.hidden.note')),
    list);
  let rows = [];
  const show = () => {
    if (rows.length === 0) {
      mount(list, h('li', { class: 'muted', 'data-testid': 'hidden-empty' }, t('admin.hidden.none')));
      return;
    }
    mount(list, rows.map((hidden) => {
      const restore = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'restore-hidden', 'aria-label': t('admin.hidden.restoreNamed', { path: hidden.path }) },
        icon('refresh', 'icon icon-sm'), t('admin.hidden.restore'));
      restore.addEventListener('click', async () => {
        try {
          await busy(restore, () => admin.restoreHiddenTrack(hidden.path));
          rows = rows.filter((r) => r.path !== hidden.path);
          show();
          list.closest('.card')?.querySelector('h2')?.setAttribute('tabindex', '-1');
          list.closest('.card')?.querySelector('h2')?.focus();
          toast(t('admin.hidden.restored'));
        } catch (err) {
          alert.show(problem(err), card);
        }
      });
      return h('li', { class: 'hidden-row', 'data-testid': 'hidden-row', 'data-path': hidden.path },
        h('div', { class: 'hidden-text' }, h('code', {}, hidden.path), h('span', { class: 'muted' }, t('admin.hidden.since', { when: when(hidden.hiddenAt) }))),
        restore);
    }));
  };
  admin.hiddenTracks().then((found) => {
    rows = found;
    show();
  }).catch((err) => alert.show(problem(err), card));
  return card;
}
