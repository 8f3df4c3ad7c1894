// Create or edit a playlist's name, description and visibility.
import * as playlists from '../data/playlists.js';
import { checkboxField, field, textareaField } from '../ui.js';
import { formDialog } from './dialog.js';

/** Resolves to the created or updated playlist, or null if cancelled. */
export function playlistDialog(existing = null) {
  return formDialog({
    title: existing ? 'Edit playlist' : 'New playlist',
    submitLabel: existing ? 'Save' : 'Create',
    testid: 'playlist-dialog',
    fields: [
      field({ label: 'Name', name: 'name', value: existing?.name ?? '', required: true, maxlength: 200, autocomplete: 'off', 'data-testid': 'playlist-name' }),
      textareaField({ label: 'Description', name: 'description', value: existing?.description ?? '', maxlength: 2000, 'data-testid': 'playlist-description' }),
      checkboxField({ label: 'Public', name: 'public', checked: Boolean(existing?.public), 'data-testid': 'playlist-public',
        hint: 'Anyone on this server can find and play it; only you can change it.' }),
    ],
    submit: async (values) => {
      const input = { name: values.name.trim(), description: values.description.trim() || null, public: values.public === 'on' };
      return existing ? playlists.updatePlaylist(existing.id, input) : playlists.createPlaylist(input);
    },
  });
}
