// Editing and deleting a track from its menu, offered where the server says `canEdit` (admins
// and the track's uploader). Uploads made in this tab count too, before any refetch.
import { h } from '../dom.js';
import * as library from '../data/library.js';
import * as player from '../player.js';
import * as store from '../store.js';
import { field } from '../ui.js';
import { confirmDialog, formDialog } from './dialog.js';
import { toast, toastError } from './toast.js';

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
export function editTrackDialog(track) {
  return formDialog({
    title: 'Edit details',
    testid: 'edit-track',
    fields: [
      field({ label: 'Title', name: 'name', value: track.name, required: true, 'data-testid': 'edit-name' }),
      field({ label: 'Artist', name: 'artistName', value: track.artist?.name ?? '', 'data-testid': 'edit-artist' }),
      field({ label: 'Album', name: 'albumTitle', value: track.album?.title ?? '', 'data-testid': 'edit-album' }),
      field({ label: 'Genre', name: 'genre', value: track.genre ?? '', 'data-testid': 'edit-genre' }),
      h('div', { class: 'field-row' },
        numberField('Track', 'trackNumber', track.trackNumber, 9999),
        numberField('Disc', 'discNumber', track.discNumber, 999),
        numberField('Year', 'year', track.year, 9999)),
    ],
    submit: async (v) => {
      const updated = await library.updateTrack(track.id, {
        name: v.name.trim(), artistName: text(v.artistName), albumTitle: text(v.albumTitle), genre: text(v.genre),
        trackNumber: number(v.trackNumber), discNumber: number(v.discNumber), year: number(v.year),
      });
      player.patchTrack(track.id, updated);
      toast('Details saved.');
      return updated;
    },
  });
}

/** Asks first; resolves to true once the track is gone. */
export async function deleteTrackFlow(track) {
  const sure = await confirmDialog({
    title: 'Delete this track?',
    text: `“${track.name}” will be removed from the library, from every playlist and from favourites.`,
    confirmLabel: 'Delete',
    danger: true,
  });
  if (!sure) return false;
  try {
    await library.deleteTrack(track.id);
  } catch (err) {
    toastError(err);
    return false;
  }
  toast('Track deleted.');
  return true;
}
