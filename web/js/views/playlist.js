// One playlist. Its owner may edit, delete, remove items and reorder them (drag and drop,
// or the arrow buttons); everyone else who can see it may play it.
import { cover } from '../components/cover.js';
import { confirmDialog } from '../components/dialog.js';
import { hero, heroSkeleton, notFound, playButtons } from '../components/hero.js';
import { playlistDialog } from '../components/playlist-form.js';
import { toast, toastError } from '../components/toast.js';
import { trackList } from '../components/track-list.js';
import * as playlists from '../data/playlists.js';
import { h, mount } from '../dom.js';
import { count, longDuration } from '../format.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as store from '../store.js';

export function playlistView(ctx) {
  const { id } = ctx.params;
  const top = h('div', {}, heroSkeleton());
  const body = h('section', { class: 'page-section' });
  const notes = h('div');
  let current = null;
  let list = null;
  let pending = Promise.resolve(); // edits run one after another, in the order made

  const mine = () => Boolean(current?.owner) && current.owner.id === store.user()?.id;

  function show(playlist) {
    current = { ...current, ...playlist };
    document.title = `${current.name} · Soundroom`;
    mount(top, hero({
      art: cover({ url: current.imageUrl, name: current.name, kind: 'playlist', size: 'xl' }),
      eyebrow: current.public ? 'Public playlist' : 'Private playlist',
      title: current.name,
      meta: [current.owner && h('span', { class: 'hero-strong' }, current.owner.username), count(current.trackCount, 'track'), current.duration > 0 && longDuration(current.duration)],
      actions: [...playButtons(() => current.items.map((i) => i.track), `Play ${current.name}`), ...(mine() ? ownerButtons() : [])],
      testid: 'playlist-hero',
    }));
    if (current.description) top.querySelector('.hero-text').insertBefore(h('p', { class: 'hero-description', 'data-testid': 'playlist-description' }, current.description), top.querySelector('.hero-meta'));
    showItems();
  }

  // The list element stays in place across updates: moving it would drop keyboard focus.
  function showItems() {
    if (!list) {
      list = trackList({
        testid: 'playlist-tracks',
        reorder: mine() ? { move } : null,
        menuExtra: mine() ? (entry) => [{ label: 'Remove from this playlist', icon: 'close', testid: 'menu-remove-from-playlist', action: () => remove(entry) }] : null,
      });
      mount(body, list.el, notes);
    }
    list.set(current.items.map((item) => ({ track: item.track, itemId: item.id })));
    mount(notes,
      current.items.length === 0 && h('p', { class: 'muted empty-note', 'data-testid': 'playlist-empty' },
        'This playlist is empty. Add tracks with “Add to playlist…” in any track’s menu.'),
      current.moreItems && h('p', { class: 'muted empty-note' }, `Showing the first ${current.items.length} tracks.`));
  }

  // `to` is where the item lands; in the server's numbering that is the position the item
  // in that slot held before the move (positions are dense).
  function move(from, to, entry) {
    const base = Math.min(...current.items.map((it) => it.position));
    const toPosition = current.items[to].position;
    const [item] = current.items.splice(from, 1);
    current.items.splice(to, 0, item);
    current.items.forEach((it, i) => { it.position = base + i; });
    run(() => playlists.moveItem(id, entry.itemId, toPosition));
  }

  function remove(entry) {
    run(() => playlists.removeItems(id, [entry.itemId]), 'Removed from the playlist.');
  }

  function run(change, done) {
    pending = pending.then(async () => {
      try {
        show(await change());
        if (done) toast(done);
      } catch (err) {
        toastError(err);
        await load(); // back to what the server has
      }
    });
  }

  function ownerButtons() {
    const edit = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'edit-playlist' }, icon('edit', 'icon icon-sm'), 'Edit');
    edit.addEventListener('click', async () => {
      const updated = await playlistDialog(current);
      if (updated) show(updated);
    });
    const remove = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'delete-playlist' }, icon('trash', 'icon icon-sm'), 'Delete');
    remove.addEventListener('click', async () => {
      const sure = await confirmDialog({ title: 'Delete this playlist?', text: `“${current.name}” will be gone for good. The tracks stay in the library.`, confirmLabel: 'Delete', danger: true });
      if (!sure) return;
      try {
        await playlists.deletePlaylist(id);
        toast('Playlist deleted.');
        ctx.navigate('/playlists');
      } catch (err) {
        toastError(err);
      }
    });
    return [edit, remove];
  }

  async function load() {
    try {
      const playlist = await playlists.playlist(id);
      if (!playlist) mount(top, notFound('Playlist'));
      else show(playlist);
    } catch (err) {
      mount(top, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message));
    }
  }
  load();

  return appLayout(ctx, '/playlists', top, body);
}
