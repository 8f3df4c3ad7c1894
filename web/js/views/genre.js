// A genre: its artists, then its tracks page by page.
import { artistCard, cardGrid } from '../components/cards.js';
import { cover } from '../components/cover.js';
import { emptyState, hero, playButtons } from '../components/hero.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { count } from '../format.js';
import { appLayout } from '../layout.js';

export function genreView(ctx) {
  const { name } = ctx.params;
  const total = h('span', {}, '');
  const tracks = trackList({ testid: 'genre-tracks' });
  const artists = h('section', { class: 'page-section', hidden: true });
  const paging = pager({
    load: (after) => library.tracks({ genre: name, first: 100, after }),
    render: (nodes, page) => {
      if (page.totalCount != null) total.textContent = count(page.totalCount, 'track');
      tracks.append(nodes.map((track) => ({ track })));
    },
    empty: () => emptyState({ iconName: 'tag', title: 'No tracks in this genre', testid: 'genre-empty' }),
  });
  ctx.onCleanup(paging.stop);
  paging.start();

  library.artists({ genre: name, first: 12 }).then(({ nodes }) => {
    if (nodes.length === 0) return;
    mount(artists, h('h2', { class: 'section-title' }, 'Artists'), cardGrid('genre-artists', nodes.map(artistCard)));
    artists.hidden = false;
  }).catch(() => {}); // the tracks below still show

  document.title = `${name} · Soundroom`;
  return appLayout(ctx, '/library',
    hero({
      art: cover({ name, kind: 'genre', size: 'xl' }),
      eyebrow: 'Genre',
      title: name,
      meta: [total],
      actions: playButtons(() => tracks.entries().map((e) => e.track)),
      testid: 'genre-hero',
    }),
    artists,
    h('section', { class: 'page-section' }, h('h2', { class: 'section-title' }, 'Tracks'), tracks.el, paging.el));
}
