// "Add to playlist": pick one of my playlists, or make a new one on the spot.
import { h, mount } from '../dom.js';
import * as playlists from '../data/playlists.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { countOf, problem } from '../library-text.js';
import * as store from '../store.js';
import { alertBox, busy, field, onSubmit } from '../ui.js';
import { cover } from './cover.js';
import { openDialog } from './dialog.js';
import { toast } from './toast.js';

/** `returnFocus`: where focus goes when the dialog closes (the menu button it came from). */
export function addToPlaylistDialog(tracks, { returnFocus } = {}) {
  const alert = alertBox();
  const list = h('div', { class: 'picker-list', 'data-testid': 'playlist-picker' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('library.loading') }));
  const dialog = openDialog({
    title: tracks.length === 1 ? t('playlist.picker.titleOne', { name: tracks[0].name }) : t('playlist.picker.titleMany', { count: tracks.length }),
    body: [alert.el, newPlaylistForm(alert, add), list],
    testid: 'add-to-playlist',
    returnFocus,
  });
  const trackIds = tracks.map((tr) => tr.id);

  async function add(playlist, button) {
    alert.clear();
    try {
      // The server takes a bounded list per request: long lists go in slices, in order.
      await busy(button, async () => {
        for (let i = 0; i < trackIds.length; i += 500) await playlists.addTracks(playlist.id, trackIds.slice(i, i + 500));
      });
      toast(t('playlist.toast.added', { name: playlist.name }));
      dialog.close();
    } catch (err) {
      alert.show(problem(err));
    }
  }

  playlists.myPlaylists({ first: 200 }).then(({ nodes }) => {
    const mine = nodes.filter((p) => p.owner?.id === store.user()?.id);
    if (mine.length === 0) {
      mount(list, h('p', { class: 'muted picker-empty' }, t('playlist.picker.none')));
      return;
    }
    mount(list, mine.map((p) => {
      const button = h('button', { type: 'button', class: 'picker-item', 'data-testid': 'pick-playlist', 'data-playlist-id': p.id },
        cover({ url: p.imageUrl, name: p.name, kind: 'playlist', size: 'sm' }),
        h('span', { class: 'picker-text' }, h('span', { class: 'picker-name' }, p.name), h('span', { class: 'muted' }, countOf('track', p.trackCount))));
      button.addEventListener('click', () => add(p, button));
      return button;
    }));
  }).catch((err) => mount(list, h('p', { class: 'alert alert-error' }, problem(err))));
}

function newPlaylistForm(alert, add) {
  const form = h('form', { class: 'picker-new', 'data-testid': 'picker-new-form' },
    field({ label: t('playlist.picker.newLabel'), name: 'name', placeholder: t('playlist.form.namePlaceholder'), required: true, maxlength: 200, autocomplete: 'off', 'data-testid': 'picker-new-name' }),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'picker-create' }, icon('plus', 'icon icon-sm'), t('playlist.picker.create')));
  onSubmit(form, alert, async ({ name }) => {
    const created = await playlists.createPlaylist({ name: name.trim(), public: false });
    await add(created, form.querySelector('[type=submit]'));
  });
  return form;
}
