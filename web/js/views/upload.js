// Upload: pick or drop audio files; each goes up as its own uploadTrack request with a
// progress bar. The list lives in this module, so uploads keep going (and show again)
// when you visit another page and come back.
import { toast } from '../components/toast.js';
import { editTrackDialog, rememberUpload } from '../components/track-edit.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { problem, size } from '../library-text.js';
import * as player from '../player.js';
import * as store from '../store.js';

const AT_ONCE = 2;
const ACCEPT = 'audio/*,.mp3,.flac,.ogg,.oga,.opus,.m4a,.mp4,.aac,.wav,.aif,.aiff,.wv,.ape';
const uploads = []; // { id, file, status, progress, error, code, track, controller }
const listeners = new Set();
let ids = 0;

// `full`: the row's content changed (not just its progress), so draw it again.
const changed = (upload, full = false) => listeners.forEach((fn) => fn(upload, full));

// Signing out cancels what is still going and forgets the list.
store.subscribe(() => {
  if (store.user() || uploads.length === 0) return;
  for (const upload of uploads) upload.controller?.abort();
  uploads.length = 0;
});

function add(files) {
  for (const file of files) uploads.push({ id: ++ids, file, status: 'queued', progress: 0 });
  changed(null);
  pump();
}

function pump() {
  const running = uploads.filter((u) => u.status === 'uploading' || u.status === 'processing').length;
  uploads.filter((u) => u.status === 'queued').slice(0, Math.max(0, AT_ONCE - running)).forEach(start);
}

async function start(upload) {
  upload.status = 'uploading';
  upload.controller = new AbortController();
  changed(upload);
  try {
    upload.track = await library.uploadTrack(upload.file, (fraction) => {
      upload.progress = fraction;
      upload.status = fraction >= 1 ? 'processing' : 'uploading';
      changed(upload);
    }, upload.controller.signal);
    upload.status = 'done';
    upload.progress = 1;
    rememberUpload(upload.track.id);
  } catch (err) {
    upload.status = err.code === 'ABORTED' ? 'cancelled' : 'error';
    upload.code = err.name === 'ApiError' ? err.code : 'BUG';
    upload.error = explain(err);
  }
  changed(upload);
  pump();
}

function retry(upload) {
  Object.assign(upload, { status: 'queued', progress: 0, error: null, code: null });
  changed(upload);
  pump();
}

function dismiss(upload) {
  uploads.splice(uploads.indexOf(upload), 1);
  changed(null);
}

// Failures worth trying again: the connection, the server having a bad moment, a rate limit.
// A file the server cannot read, a duplicate or one too large fails the same way every time.
const RETRYABLE = new Set(['NETWORK', 'INTERNAL', 'RATE_LIMITED']);

/** What went wrong, in words for people (the server's own sentences are terse and English). */
function explain(err) {
  if (err.name !== 'ApiError') return problem(err);
  switch (err.code) {
    case 'CONFLICT': return t('upload.error.duplicate');
    case 'PAYLOAD_TOO_LARGE': return t('upload.error.tooLarge');
    case 'BAD_USER_INPUT': return t(/larger than/i.test(err.message) ? 'upload.error.tooLarge' : 'upload.error.unreadable');
    case 'FORBIDDEN': return t('upload.error.forbidden');
    case 'UNAUTHENTICATED': return t('upload.error.signedOut');
    case 'NETWORK': return t('upload.error.network');
    case 'RATE_LIMITED': return t('upload.error.rateLimited');
    case 'INTERNAL': return t('upload.error.server');
    case 'ABORTED': return t('upload.status.cancelled');
    default: return problem(err);
  }
}

const percent = (fraction) => formatNumber(fraction, { style: 'percent', maximumFractionDigits: 0 });

function statusLine(u) {
  if (u.status === 'uploading') return t('upload.status.uploading', { percent: percent(u.progress) });
  if (u.status === 'done') {
    const where = [u.track.artist?.name, u.track.album?.title].filter(Boolean).join(' — ');
    return where ? t('upload.status.doneWhere', { where }) : t('upload.status.done');
  }
  if (u.status === 'error') return u.error;
  return t(`upload.status.${u.status}`);
}

function actions(u) {
  const button = (key, iconName, testid, onclick, cls = 'icon-btn') =>
    h('button', { type: 'button', class: cls, 'aria-label': t(`upload.action.${key}Named`, { name: u.file.name }), title: t(`upload.action.${key}`), 'data-testid': testid, onclick }, icon(iconName, 'icon icon-sm'));
  switch (u.status) {
    case 'queued':
    case 'uploading':
      return button('cancel', 'close', 'upload-cancel', () => (u.controller ? u.controller.abort() : dismiss(u)));
    case 'done':
      return [
        button('play', 'play', 'upload-play', () => player.playTracks([u.track], 0)),
        button('edit', 'edit', 'upload-edit', async () => {
          try {
            const updated = await editTrackDialog(u.track);
            if (!updated) return;
            Object.assign(u.track, updated);
            changed(u, true); // the title and the line below it change
          } catch (err) {
            toast(problem(err), 'error');
          }
        }),
        button('dismiss', 'check', 'upload-dismiss', () => dismiss(u)),
      ];
    case 'error':
    case 'cancelled':
      // Retry only where another attempt can go differently (a cancelled upload can restart).
      return [(u.status === 'cancelled' || RETRYABLE.has(u.code)) && button('retry', 'refresh', 'upload-retry', () => retry(u)),
        button('dismiss', 'close', 'upload-dismiss', () => dismiss(u))];
    default:
      return null;
  }
}

function row(u) {
  const title = u.status === 'done' ? u.track.name : u.file.name;
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-label': t('upload.progressOf', { name: u.file.name }), 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-valuenow': Math.round(u.progress * 100) }, h('div', { class: 'progress-fill' }));
  bar.style.setProperty('--value', `${(u.progress * 100).toFixed(1)}%`);
  return h('li', { class: `upload-row is-${u.status}`, 'data-testid': 'upload-row', 'data-status': u.status, 'data-code': u.code ?? null },
    h('div', { class: 'upload-icon' }, icon(u.status === 'error' ? 'alert' : u.status === 'done' ? 'check' : 'note', 'icon')),
    h('div', { class: 'upload-text' },
      h('div', { class: 'upload-name' }, h('span', { class: 'upload-title', 'data-testid': 'upload-title' }, title), h('span', { class: 'upload-size' }, size(u.file.size))),
      bar,
      h('p', { class: 'upload-status', 'data-testid': 'upload-status', role: u.status === 'error' ? 'alert' : null }, statusLine(u))),
    h('div', { class: 'upload-actions' }, actions(u)));
}

function dropZone() {
  const input = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'visually-hidden', 'data-testid': 'upload-input' });
  input.addEventListener('change', () => {
    add([...input.files]);
    input.value = '';
  });
  const zone = h('label', { class: 'dropzone', 'data-testid': 'dropzone' },
    input,
    h('span', { class: 'dropzone-icon' }, icon('upload')),
    h('span', { class: 'dropzone-title' }, t('upload.drop')),
    h('span', { class: 'muted' }, t('upload.or')),
    h('span', { class: 'btn btn-primary btn-sm' }, t('upload.choose')),
    h('span', { class: 'field-hint' }, t('upload.hint')));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('is-over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('is-over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('is-over');
    add([...e.dataTransfer.files]);
  });
  return zone;
}

export function uploadView(ctx) {
  const list = h('ol', { class: 'upload-list', 'data-testid': 'upload-list' });
  const summary = h('p', { class: 'muted upload-summary', 'aria-live': 'polite' });
  const rows = new Map();
  const render = (upload, full = false) => {
    const existing = upload && rows.get(upload.id);
    if (existing && existing.dataset.status === upload.status && !full) {
      // Progress only: touch the bar and the line, so focus and hover stay put.
      const bar = existing.querySelector('.progress');
      bar.style.setProperty('--value', `${(upload.progress * 100).toFixed(1)}%`);
      bar.setAttribute('aria-valuenow', String(Math.round(upload.progress * 100)));
      existing.querySelector('.upload-status').textContent = statusLine(upload);
    } else if (existing) {
      // Focus stays on the same control of the new row (the edit button, after an edit).
      const focused = existing.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
      const fresh = row(upload);
      existing.replaceWith(fresh);
      rows.set(upload.id, fresh);
      if (focused) (fresh.querySelector(`[data-testid="${focused}"]`) ?? fresh.querySelector('button'))?.focus();
    } else {
      rows.clear();
      mount(list, uploads.map((u) => {
        const el = row(u);
        rows.set(u.id, el);
        return el;
      }));
    }
    const done = uploads.filter((u) => u.status === 'done').length;
    summary.textContent = uploads.length ? t('upload.summary', { done: formatNumber(done), count: uploads.length }) : '';
  };
  listeners.add(render);
  ctx.onCleanup(() => listeners.delete(render));
  render(null);
  return appLayout(ctx, '/upload',
    h('header', { class: 'page-header' },
      h('h1', { class: 'page-title', tabindex: '-1' }, t('upload.title')),
      h('p', { class: 'muted page-subtitle' }, t('upload.subtitle'))),
    dropZone(), summary, list);
}
