// An artist: picture, albums, and every track (page by page).
import { albumCard, cardGrid } from '../components/cards.js';
import { cover } from '../components/cover.js';
import { hero, heroSkeleton, notFound, playButtons } from '../components/hero.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { count } from '../format.js';
import { appLayout } from '../layout.js';

export function artistView(ctx) {
  const { id } = ctx.params;
  const top = h('div', {}, heroSkeleton());
  const albums = h('section', { class: 'page-section', hidden: true });
  const tracks = trackList({ testid: 'artist-tracks' });
  const paging = pager({
    load: (after) => library.tracks({ artistId: id, first: 100, after }),
    render: (nodes) => tracks.append(nodes.map((track) => ({ track }))),
  });
  ctx.onCleanup(paging.stop);

  library.artist(id).then((artist) => {
    if (!artist) {
      mount(top, notFound('Artist'));
      return;
    }
    document.title = `${artist.name} · Soundroom`;
    mount(top, hero({
      art: cover({ url: artist.imageUrl, name: artist.name, kind: 'artist', size: 'xl' }),
      eyebrow: 'Artist',
      title: artist.name,
      meta: [artist.genre && h('a', { href: `#/genre/${encodeURIComponent(artist.genre)}` }, artist.genre), count(artist.trackCount, 'track'),
        artist.albums.length > 0 && count(artist.albums.length, 'album')],
      actions: playButtons(() => tracks.entries().map((e) => e.track)),
      testid: 'artist-hero',
    }));
    if (artist.albums.length > 0) {
      const sorted = [...artist.albums].sort((a, b) => (b.year ?? 0) - (a.year ?? 0));
      mount(albums, h('h2', { class: 'section-title' }, 'Albums'), cardGrid('artist-albums', sorted.map((a) => albumCard(a, { showArtist: false }))));
      albums.hidden = false;
    }
    paging.start();
  }).catch((err) => mount(top, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, err.message)));

  return appLayout(ctx, '/library', top, albums,
    h('section', { class: 'page-section' }, h('h2', { class: 'section-title' }, 'Tracks'), tracks.el, paging.el));
}
