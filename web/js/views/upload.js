// Upload: pick or drop audio files; each goes up as its own uploadTrack request with a
// progress bar. The list lives in this module, so uploads keep going (and show again)
// when you visit another page and come back.
import { toastError } from '../components/toast.js';
import { editTrackDialog, rememberUpload } from '../components/track-edit.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { bytes } from '../format.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as player from '../player.js';
import * as store from '../store.js';

const AT_ONCE = 2;
const ACCEPT = 'audio/*,.mp3,.flac,.ogg,.oga,.opus,.m4a,.mp4,.aac,.wav,.aif,.aiff,.wv,.ape';
const uploads = []; // { id, file, status, progress, error, code, track, controller }
const listeners = new Set();
let ids = 0;

const changed = (upload) => listeners.forEach((fn) => fn(upload));

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
    upload.code = err.code;
    upload.error = err.name === 'ApiError' ? err.message : 'Something went wrong.';
    if (err.name !== 'ApiError') console.error(err);
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

const STATUS_TEXT = {
  queued: 'Waiting…',
  uploading: 'Uploading',
  processing: 'Reading tags…',
  done: 'Added to the library',
  cancelled: 'Cancelled',
};

// Labels that say what went wrong before the server's own sentence.
const ERROR_LABELS = { CONFLICT: 'Already in the library', PAYLOAD_TOO_LARGE: 'Too large', BAD_USER_INPUT: 'Not accepted', FORBIDDEN: 'Not allowed' };

function statusLine(u) {
  if (u.status === 'uploading') return `${STATUS_TEXT.uploading} · ${Math.round(u.progress * 100)}%`;
  if (u.status === 'done') return [STATUS_TEXT.done, u.track.artist && ` · ${u.track.artist.name}`, u.track.album && ` — ${u.track.album.title}`].filter(Boolean).join('');
  if (u.status === 'error') return [ERROR_LABELS[u.code], u.error].filter(Boolean).join(': ');
  return STATUS_TEXT[u.status];
}

function actions(u) {
  const button = (label, iconName, testid, onclick, cls = 'icon-btn') =>
    h('button', { type: 'button', class: cls, 'aria-label': `${label}: ${u.file.name}`, title: label, 'data-testid': testid, onclick }, icon(iconName, 'icon icon-sm'));
  switch (u.status) {
    case 'queued':
    case 'uploading':
      return button('Cancel', 'close', 'upload-cancel', () => (u.controller ? u.controller.abort() : dismiss(u)));
    case 'done':
      return [
        button('Play', 'play', 'upload-play', () => player.playTracks([u.track], 0)),
        button('Edit details', 'edit', 'upload-edit', async () => {
          try {
            const updated = await editTrackDialog(u.track);
            if (updated) Object.assign(u.track, updated);
            changed(u);
          } catch (err) {
            toastError(err);
          }
        }),
        button('Dismiss', 'check', 'upload-dismiss', () => dismiss(u)),
      ];
    case 'error':
    case 'cancelled':
      return [u.code !== 'CONFLICT' && button('Retry', 'refresh', 'upload-retry', () => retry(u)), button('Dismiss', 'close', 'upload-dismiss', () => dismiss(u))];
    default:
      return null;
  }
}

function row(u) {
  const title = u.status === 'done' ? u.track.name : u.file.name;
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-label': `Upload of ${u.file.name}`, 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-valuenow': Math.round(u.progress * 100) }, h('div', { class: 'progress-fill' }));
  bar.style.setProperty('--value', `${(u.progress * 100).toFixed(1)}%`);
  return h('li', { class: `upload-row is-${u.status}`, 'data-testid': 'upload-row', 'data-status': u.status },
    h('div', { class: 'upload-icon' }, icon(u.status === 'error' ? 'alert' : u.status === 'done' ? 'check' : 'note', 'icon')),
    h('div', { class: 'upload-text' },
      h('div', { class: 'upload-name' }, h('span', { class: 'upload-title' }, title), h('span', { class: 'upload-size' }, bytes(u.file.size))),
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
    h('span', { class: 'dropzone-title' }, 'Drop audio files here'),
    h('span', { class: 'muted' }, 'or'),
    h('span', { class: 'btn btn-primary btn-sm' }, 'Choose files'),
    h('span', { class: 'field-hint' }, 'MP3, FLAC, Ogg, Opus, AAC/ALAC, WAV… Title, artist and album come from the tags.'));
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
  const render = (upload) => {
    const existing = upload && rows.get(upload.id);
    if (existing && existing.dataset.status === upload.status) {
      // Progress only: touch the bar and the line, so focus and hover stay put.
      const bar = existing.querySelector('.progress');
      bar.style.setProperty('--value', `${(upload.progress * 100).toFixed(1)}%`);
      bar.setAttribute('aria-valuenow', String(Math.round(upload.progress * 100)));
      existing.querySelector('.upload-status').textContent = statusLine(upload);
    } else if (existing) {
      const fresh = row(upload);
      rows.get(upload.id).replaceWith(fresh);
      rows.set(upload.id, fresh);
    } else {
      rows.clear();
      mount(list, uploads.map((u) => {
        const el = row(u);
        rows.set(u.id, el);
        return el;
      }));
    }
    const done = uploads.filter((u) => u.status === 'done').length;
    summary.textContent = uploads.length ? `${done} of ${uploads.length} uploaded` : '';
  };
  listeners.add(render);
  ctx.onCleanup(() => listeners.delete(render));
  render(null);
  return appLayout(ctx, '/upload',
    h('header', { class: 'page-header' },
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Upload music'),
      h('p', { class: 'muted page-subtitle' }, 'Add tracks from this device to the shared library.')),
    dropZone(), summary, list);
}
