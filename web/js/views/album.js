// An album: cover, a heart, tracks in disc and track order, and "play all".
import { sortByDisc } from '../components/cards.js';
import { cover } from '../components/cover.js';
import { heartButton } from '../components/heart.js';
import { hero, heroSkeleton, notFound } from '../components/hero.js';
import { listPlayButtons } from '../components/list-play.js';
import { openMenu } from '../components/menu.js';
import { addToPlaylistDialog } from '../components/playlist-picker.js';
import { toast } from '../components/toast.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import { countOf, problem, spokenDuration } from '../library-text.js';
import * as player from '../player.js';

function moreButton(tracks) {
  const button = h('button', { type: 'button', class: 'icon-btn icon-btn-lg', 'aria-label': t('album.moreActions'), 'aria-haspopup': 'menu', 'data-testid': 'album-menu' }, icon('more'));
  button.addEventListener('click', () => openMenu(button, [
    { label: t('track.menu.enqueue'), icon: 'queue', action: () => { player.enqueue(tracks()); toast(t('track.toast.queued')); } },
    { label: t('track.menu.addToPlaylist'), icon: 'addToList', testid: 'menu-add-to-playlist', action: () => addToPlaylistDialog(tracks(), { returnFocus: button }) },
  ], { label: t('album.actions') }));
  return button;
}

export function albumView(ctx) {
  const { id } = ctx.params;
  const top = h('div', {}, heroSkeleton());
  const list = trackList({ numbering: 'track', album: false, covers: false, testid: 'album-tracks' });
  const tracks = () => list.entries().map((e) => e.track);

  library.album(id).then((album) => {
    if (!album) {
      mount(top, notFound(t('album.eyebrow')));
      list.el.hidden = true;
      return;
    }
    document.title = `${album.title} · Soundroom`;
    mount(top, hero({
      art: cover({ url: album.coverUrl, name: album.title, kind: 'album', size: 'xl' }),
      eyebrow: t('album.eyebrow'),
      title: album.title,
      meta: [album.artist && h('a', { href: `#/artist/${album.artist.id}`, class: 'hero-strong' }, album.artist.name), album.year && String(album.year),
        countOf('track', album.tracks.length), spokenDuration(album.duration)],
      actions: [...listPlayButtons(async () => tracks(), t('library.playNamed', { name: album.title })),
        heartButton(album, 'album-heart', 'album', 'icon-btn-lg'), moreButton(tracks)],
      testid: 'album-hero',
    }));
    list.set(sortByDisc(album.tracks).map((track) => ({ track })));
  }).catch((err) => mount(top, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, problem(err))));

  return appLayout(ctx, '/library', top, h('section', { class: 'page-section' }, list.el));
}
