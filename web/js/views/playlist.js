// One playlist. Its owner may edit, delete, remove items and reorder them (drag and drop,
// or the arrow buttons); everyone else who can see it may play it.
import { cover } from '../components/cover.js';
import { confirmDialog } from '../components/dialog.js';
import { hero, heroSkeleton, notFound } from '../components/hero.js';
import { listPlayButtons, PLAY_ALL_CAP } from '../components/list-play.js';
import { playlistDialog } from '../components/playlist-form.js';
import { toast } from '../components/toast.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import * as playlists from '../data/playlists.js';
import { h, mount, svgIcon } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { countOf, problem, spokenDuration } from '../library-text.js';
import { writeM3U } from '../m3u.js';
import * as store from '../store.js';
import { busy } from '../ui.js';

const toastError = (err) => toast(problem(err), 'error');
const DOWNLOAD = ['M12 4v11.5', 'M7 10.5l5 5 5-5', 'M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15'];

/** A file download of `text`, named `name`. */
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const safeFileName = (name) => (name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim() || 'playlist').slice(0, 120);

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
      eyebrow: t(current.public ? 'playlist.publicEyebrow' : 'playlist.privateEyebrow'),
      title: current.name,
      meta: [current.owner && h('span', { class: 'hero-strong' }, current.owner.username), countOf('track', current.trackCount), current.duration > 0 && spokenDuration(current.duration)],
      actions: [...listPlayButtons(allTracks, t('library.playNamed', { name: current.name })), exportButton(), copyButton(), ...(mine() ? ownerButtons() : [])].filter(Boolean),
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
        menuExtra: mine() ? (entry) => [{ label: t('playlist.removeItem'), icon: 'close', testid: 'menu-remove-from-playlist', action: () => remove(entry) }] : null,
      });
      mount(body, list.el, notes);
    }
    list.set(current.items.map((item) => ({ track: item.track, itemId: item.id })));
    mount(notes,
      current.items.length === 0 && h('p', { class: 'muted empty-note', 'data-testid': 'playlist-empty' }, t('playlist.emptyNote')),
      current.moreItems && h('p', { class: 'muted empty-note' }, t('playlist.showingFirst', { count: current.items.length })));
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
    run(() => playlists.removeItems(id, [entry.itemId]), t('playlist.toast.removed'));
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

  // Every item, past the first page too (up to the play-all cap), in playlist order.
  async function allItems() {
    const items = [...current.items];
    let after = current.itemsCursor;
    let more = current.moreItems;
    while (more && items.length < PLAY_ALL_CAP) {
      const page = await playlists.playlistItems(id, { after });
      items.push(...page.nodes.filter((item) => item.track));
      after = page.endCursor;
      more = page.hasNextPage && page.nodes.length > 0;
    }
    return items;
  }

  async function allTracks() {
    return (await allItems()).map((item) => item.track);
  }

  function exportButton() {
    const button = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'export-playlist' }, svgIcon(DOWNLOAD, 'icon icon-sm'), t('playlist.export'));
    button.addEventListener('click', () => busy(button, async () => {
      try {
        const tracks = await allTracks();
        const paths = await library.trackPaths([...new Set(tracks.map((tr) => tr.id))]);
        const text = writeM3U(tracks.map((tr) => ({ ...tr, path: paths.get(tr.id) ?? null })), { title: current.name });
        download(`${safeFileName(current.name)}.m3u8`, text, 'audio/x-mpegurl;charset=utf-8');
        toast(t('playlist.toast.exported', { count: tracks.length }));
      } catch (err) {
        toastError(err);
      }
    }));
    return button;
  }

  function copyButton() {
    const button = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'copy-playlist' }, icon('copy', 'icon icon-sm'), t('playlist.copy'));
    button.addEventListener('click', () => busy(button, async () => {
      try {
        const copy = await playlists.copyPlaylist(id, mine() ? t('playlist.copyName', { name: current.name }) : null);
        toast(t('playlist.toast.copied', { name: copy.name }));
        ctx.navigate(`/playlist/${copy.id}`);
      } catch (err) {
        toastError(err);
      }
    }));
    return button;
  }

  function ownerButtons() {
    const edit = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'edit-playlist' }, icon('edit', 'icon icon-sm'), t('playlist.edit'));
    edit.addEventListener('click', async () => {
      const updated = await playlistDialog(current);
      if (updated) show(updated);
    });
    const remove = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'delete-playlist' }, icon('trash', 'icon icon-sm'), t('playlist.delete'));
    remove.addEventListener('click', async () => {
      const sure = await confirmDialog({ title: t('playlist.deleteTitle'), message: t('playlist.deleteText', { name: current.name }), confirmLabel: t('playlist.delete'), danger: true });
      if (!sure) return;
      try {
        await playlists.deletePlaylist(id);
        toast(t('playlist.toast.deleted'));
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
      if (!playlist) mount(top, notFound(t('playlist.eyebrow')));
      else show(playlist);
    } catch (err) {
      mount(top, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, problem(err)));
    }
  }
  load();

  return appLayout(ctx, '/playlists', top, body);
}
