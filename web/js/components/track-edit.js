// Editing and deleting a track from its menu, offered where the server says `canEdit` (admins
// and the track's uploader). Uploads made in this tab count too, before any refetch.
import { h } from '../dom.js';
import * as library from '../data/library.js';
import { t } from '../i18n.js';
import { problem } from '../library-text.js';
import * as player from '../player.js';
import * as store from '../store.js';
import { field } from '../ui.js';
import { confirmDialog, formDialog } from './dialog.js';
import { toast } from './toast.js';

const uploadedHere = new Set();
store.subscribe(() => {
  if (!store.user()) uploadedHere.clear(); // the next account to sign in here did not upload them
});

export function rememberUpload(trackId) {
  uploadedHere.add(trackId);
}

export function canEditTrack(track) {
  return Boolean(track.canEdit) || Boolean(store.user()?.isAdmin) || uploadedHere.has(track.id);
}

const text = (value) => (value.trim() === '' ? null : value.trim());
const number = (value) => (value.trim() === '' ? null : Number.parseInt(value, 10));

function numberField(label, name, value, max) {
  return field({ label, name, type: 'number', min: 0, max, inputmode: 'numeric', value: value ?? '', 'data-testid': `edit-${name}` });
}

/** Resolves to the updated track, or null if cancelled. */
export function editTrackDialog(track, { returnFocus } = {}) {
  return formDialog({
    title: t('track.edit.title'),
    testid: 'edit-track',
    returnFocus,
    fields: [
      field({ label: t('track.edit.name'), name: 'name', value: track.name, required: true, 'data-testid': 'edit-name' }),
      field({ label: t('track.edit.artist'), name: 'artistName', value: track.artist?.name ?? '', 'data-testid': 'edit-artist' }),
      field({ label: t('track.edit.album'), name: 'albumTitle', value: track.album?.title ?? '', 'data-testid': 'edit-album' }),
      field({ label: t('track.edit.genre'), name: 'genre', value: track.genre ?? '', 'data-testid': 'edit-genre' }),
      h('div', { class: 'field-row' },
        numberField(t('track.edit.trackNumber'), 'trackNumber', track.trackNumber, 9999),
        numberField(t('track.edit.discNumber'), 'discNumber', track.discNumber, 999),
        numberField(t('track.edit.year'), 'year', track.year, 9999)),
    ],
    submit: async (v) => {
      const updated = await library.updateTrack(track.id, {
        name: v.name.trim(), artistName: text(v.artistName), albumTitle: text(v.albumTitle), genre: text(v.genre),
        trackNumber: number(v.trackNumber), discNumber: number(v.discNumber), year: number(v.year),
      });
      player.patchTrack(track.id, updated);
      toast(t('track.toast.saved'));
      return updated;
    },
  });
}

/**
 * Asks first; resolves to true once the track is gone. What "delete" does depends on where the
 * file came from, and the dialog says which: an upload is deleted with its file; a track from
 * the music folder is hidden for good (the file stays; an admin can restore it). Either way it
 * leaves every playlist and favourites list. A track playing now plays on to its end.
 */
export async function deleteTrackFlow(track, { returnFocus } = {}) {
  const upload = track.source === 'upload';
  const sure = await confirmDialog({
    title: t(upload ? 'track.delete.uploadTitle' : 'track.delete.libraryTitle'),
    message: t(upload ? 'track.delete.uploadText' : 'track.delete.libraryText', { name: track.name }),
    details: h('p', { class: 'muted' }, t('track.delete.everywhere')),
    confirmLabel: t(upload ? 'track.delete.uploadConfirm' : 'track.delete.libraryConfirm'),
    danger: true,
    returnFocus,
    testid: 'delete-track-dialog',
  });
  if (!sure) return false;
  try {
    await library.deleteTrack(track.id);
  } catch (err) {
    toast(problem(err), 'error');
    return false;
  }
  toast(t(upload ? 'track.toast.uploadDeleted' : 'track.toast.hidden'));
  return true;
}
