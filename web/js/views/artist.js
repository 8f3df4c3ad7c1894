// An artist: picture, a heart, albums, and every track (page by page).
import { albumCard, cardGrid } from '../components/cards.js';
import { cover } from '../components/cover.js';
import { heartButton } from '../components/heart.js';
import { hero, heroSkeleton, notFound } from '../components/hero.js';
import { listPlayButtons, pagedSource } from '../components/list-play.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { appLayout } from '../layout.js';
import { countOf, problem } from '../library-text.js';

export function artistView(ctx) {
  const { id } = ctx.params;
  const top = h('div', {}, heroSkeleton());
  const albums = h('section', { class: 'page-section', hidden: true });
  const tracks = trackList({ testid: 'artist-tracks' });
  const load = (after) => library.tracks({ artistId: id, first: 100, after });
  const paging = pager({
    load,
    render: (nodes) => tracks.append(nodes.map((track) => ({ track }))),
    keep: { ctx, key: `artist:${id}` },
  });
  ctx.onCleanup(paging.stop);

  library.artist(id).then((artist) => {
    if (!artist) {
      mount(top, notFound(t('artist.eyebrow')));
      return;
    }
    document.title = `${artist.name} · Soundroom`;
    mount(top, hero({
      art: cover({ url: artist.imageUrl, name: artist.name, kind: 'artist', size: 'xl' }),
      eyebrow: t('artist.eyebrow'),
      title: artist.name,
      meta: [artist.genre && h('a', { href: `#/genre/${encodeURIComponent(artist.genre)}` }, artist.genre), countOf('track', artist.trackCount),
        artist.albums.length > 0 && countOf('album', artist.albums.length)],
      actions: [...listPlayButtons(pagedSource(paging, load), t('library.playNamed', { name: artist.name })),
        heartButton(artist, 'artist-heart', 'artist', 'icon-btn-lg')],
      testid: 'artist-hero',
    }));
    if (artist.albums.length > 0) {
      const sorted = [...artist.albums].sort((a, b) => (b.year ?? 0) - (a.year ?? 0));
      mount(albums, h('h2', { class: 'section-title' }, t('artist.albums')), cardGrid('artist-albums', sorted.map((a) => albumCard(a, { showArtist: false }))));
      albums.hidden = false;
    }
    paging.start();
  }).catch((err) => mount(top, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, problem(err))));

  return appLayout(ctx, '/library', top, albums,
    h('section', { class: 'page-section' }, h('h2', { class: 'section-title' }, t('artist.tracks')), tracks.el, paging.el));
}
