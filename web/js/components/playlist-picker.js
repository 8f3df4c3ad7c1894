// "Add to playlist": pick one of my playlists, or make a new one on the spot.
import { h, mount } from '../dom.js';
import * as playlists from '../data/playlists.js';
import { count } from '../format.js';
import { icon } from '../icons.js';
import * as store from '../store.js';
import { alertBox, busy, field, onSubmit } from '../ui.js';
import { cover } from './cover.js';
import { openDialog } from './dialog.js';
import { toast } from './toast.js';

export function addToPlaylistDialog(tracks) {
  const alert = alertBox();
  const list = h('div', { class: 'picker-list', 'data-testid': 'playlist-picker' }, h('div', { class: 'spinner' }));
  const dialog = openDialog({
    title: tracks.length === 1 ? `Add “${tracks[0].name}” to a playlist` : `Add ${count(tracks.length, 'track')} to a playlist`,
    body: [alert.el, newPlaylistForm(alert, add), list],
    testid: 'add-to-playlist',
  });
  const trackIds = tracks.map((t) => t.id);

  async function add(playlist, button) {
    alert.clear();
    try {
      await busy(button, () => playlists.addTracks(playlist.id, trackIds));
      toast(`Added to ${playlist.name}.`);
      dialog.close();
    } catch (err) {
      alert.show(err.message);
    }
  }

  playlists.myPlaylists({ first: 200 }).then(({ nodes }) => {
    const mine = nodes.filter((p) => p.owner?.id === store.user()?.id);
    if (mine.length === 0) {
      mount(list, h('p', { class: 'muted picker-empty' }, 'No playlists yet: create one above.'));
      return;
    }
    mount(list, mine.map((p) => {
      const button = h('button', { type: 'button', class: 'picker-item', 'data-testid': 'pick-playlist', 'data-playlist-id': p.id },
        cover({ url: p.imageUrl, name: p.name, kind: 'playlist', size: 'sm' }),
        h('span', { class: 'picker-text' }, h('span', { class: 'picker-name' }, p.name), h('span', { class: 'muted' }, count(p.trackCount, 'track'))));
      button.addEventListener('click', () => add(p, button));
      return button;
    }));
  }).catch((err) => mount(list, h('p', { class: 'alert alert-error' }, err.message)));
}

function newPlaylistForm(alert, add) {
  const form = h('form', { class: 'picker-new', 'data-testid': 'picker-new-form' },
    field({ label: 'New playlist', name: 'name', placeholder: 'Name', required: true, maxlength: 200, autocomplete: 'off', 'data-testid': 'picker-new-name' }),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'picker-create' }, icon('plus', 'icon icon-sm'), 'Create and add'));
  onSubmit(form, alert, async ({ name }) => {
    const created = await playlists.createPlaylist({ name: name.trim(), public: false });
    await add(created, form.querySelector('[type=submit]'));
  });
  return form;
}
