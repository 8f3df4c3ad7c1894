// Create or edit a playlist's name, description and visibility.
import * as playlists from '../data/playlists.js';
import { t } from '../i18n.js';
import { checkboxField, field, textareaField } from '../ui.js';
import { formDialog } from './dialog.js';

/** Resolves to the created or updated playlist, or null if cancelled. */
export function playlistDialog(existing = null) {
  return formDialog({
    title: t(existing ? 'playlist.form.editTitle' : 'playlist.form.newTitle'),
    submitLabel: t(existing ? 'playlist.form.save' : 'playlist.form.create'),
    testid: 'playlist-dialog',
    fields: [
      field({ label: t('playlist.form.name'), name: 'name', value: existing?.name ?? '', required: true, maxlength: 200, autocomplete: 'off', 'data-testid': 'playlist-name' }),
      textareaField({ label: t('playlist.form.description'), name: 'description', value: existing?.description ?? '', maxlength: 2000, 'data-testid': 'playlist-description' }),
      checkboxField({ label: t('playlist.form.public'), name: 'public', checked: Boolean(existing?.public), 'data-testid': 'playlist-public',
        hint: t('playlist.form.publicHint') }),
    ],
    submit: async (values) => {
      const input = { name: values.name.trim(), description: values.description.trim() || null, public: values.public === 'on' };
      return existing ? playlists.updatePlaylist(existing.id, input) : playlists.createPlaylist(input);
    },
  });
}
