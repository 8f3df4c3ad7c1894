// A genre: its artists, then its tracks page by page.
import { artistCard, cardGrid } from '../components/cards.js';
import { cover } from '../components/cover.js';
import { emptyState, hero } from '../components/hero.js';
import { listPlayButtons, pagedSource } from '../components/list-play.js';
import { pager } from '../components/paged.js';
import { trackList } from '../components/track-list.js';
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { appLayout } from '../layout.js';
import { countOf } from '../library-text.js';

export function genreView(ctx) {
  const { name } = ctx.params;
  const total = h('span', {}, '');
  const tracks = trackList({ testid: 'genre-tracks' });
  const artists = h('section', { class: 'page-section', hidden: true });
  const load = (after) => library.tracks({ genre: name, first: 100, after });
  const paging = pager({
    load,
    render: (nodes, page) => {
      if (page.totalCount != null) total.textContent = countOf('track', page.totalCount);
      tracks.append(nodes.map((track) => ({ track })));
    },
    empty: () => emptyState({ iconName: 'tag', title: t('library.genre.empty'), testid: 'genre-empty' }),
    keep: { ctx, key: `genre:${name}` },
  });
  ctx.onCleanup(paging.stop);
  paging.start();

  library.artists({ genre: name, first: 12 }).then(({ nodes }) => {
    if (nodes.length === 0) return;
    mount(artists, h('h2', { class: 'section-title' }, t('library.genre.artists')), cardGrid('genre-artists', nodes.map(artistCard)));
    artists.hidden = false;
  }).catch(() => {}); // the tracks below still show

  document.title = `${name} · Soundroom`;
  return appLayout(ctx, '/library',
    hero({
      art: cover({ name, kind: 'genre', size: 'xl' }),
      eyebrow: t('library.genre.eyebrow'),
      title: name,
      meta: [total],
      actions: listPlayButtons(pagedSource(paging, load)),
      testid: 'genre-hero',
    }),
    artists,
    h('section', { class: 'page-section' }, h('h2', { class: 'section-title' }, t('library.genre.tracks')), tracks.el, paging.el));
}
