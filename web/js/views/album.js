// An album: cover, tracks in disc and track order, and "play all".
import { sortByDisc } from '../components/cards.js';
import { cover } from '../components/cover.js';
import { hero, heroSkeleton, notFound, playButtons } from '../components/hero.js';
import { openMenu } from '../components/menu.js';
import { addToPlaylistDialog } from '../components/playlist-picker.js';
import { toast } from '../components/toast.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { count, longDuration } from '../format.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as player from '../player.js';

function moreButton(tracks) {
  const button = h('button', { type: 'button', class: 'icon-btn icon-btn-lg', 'aria-label': 'More actions for this album', 'aria-haspopup': 'menu', 'data-testid': 'album-menu' }, icon('more'));
  button.addEventListener('click', () => openMenu(button, [
    { label: 'Add to queue', icon: 'queue', action: () => { player.enqueue(tracks()); toast('Added to the queue.'); } },
    { label: 'Add to playlist…', icon: 'addToList', testid: 'menu-add-to-playlist', action: () => addToPlaylistDialog(tracks()) },
  ], { label: 'Album actions' }));
  return button;
}

export function albumView(ctx) {
  const { id } = ctx.params;
  const top = h('div', {}, heroSkeleton());
  const list = trackList({ numbering: 'track', album: false, covers: false, testid: 'album-tracks' });
  const tracks = () => list.entries().map((e) => e.track);

  library.album(id).then((album) => {
    if (!album) {
      mount(top, notFound('Album'));
      list.el.hidden = true;
      return;
    }
    document.title = `${album.title} · Soundroom`;
    mount(top, hero({
      art: cover({ url: album.coverUrl, name: album.title, kind: 'album', size: 'xl' }),
      eyebrow: 'Album',
      title: album.title,
      meta: [album.artist && h('a', { href: `#/artist/${album.artist.id}`, class: 'hero-strong' }, album.artist.name), album.year && String(album.year),
        count(album.tracks.length, 'track'), longDuration(album.duration)],
      actions: [...playButtons(tracks, `Play ${album.title}`), moreButton(tracks)],
      testid: 'album-hero',
    }));
    list.set(sortByDisc(album.tracks).map((track) => ({ track })));
  }).catch((err) => mount(top, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message)));

  return appLayout(ctx, '/library', top, h('section', { class: 'page-section' }, list.el));
}
