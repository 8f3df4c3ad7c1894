// My playlists as a grid, and a button to start a new one.
import { cardGrid, playlistCard } from '../components/cards.js';
import { emptyState } from '../components/hero.js';
import { pager } from '../components/paged.js';
import { playlistDialog } from '../components/playlist-form.js';
import * as playlists from '../data/playlists.js';
import { h } from '../dom.js';
import { count } from '../format.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';
import * as store from '../store.js';

export function playlistsView(ctx) {
  const total = h('p', { class: 'muted page-subtitle' });
  const grid = cardGrid('playlist-grid');
  const create = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'new-playlist' }, icon('plus', 'icon icon-sm'), 'New playlist');
  create.addEventListener('click', async () => {
    const created = await playlistDialog();
    if (created) ctx.navigate(`/playlist/${created.id}`);
  });
  const paging = pager({
    load: (after) => playlists.myPlaylists({ first: 60, after }),
    render: (nodes, page) => {
      if (page.totalCount != null) total.textContent = count(page.totalCount, 'playlist');
      grid.append(...nodes.map((p) => playlistCard(p, store.user()?.id)));
    },
    empty: () => emptyState({
      iconName: 'playlists',
      title: 'No playlists yet',
      text: 'Make one here, or add tracks to a new playlist from any track’s menu.',
      testid: 'playlists-empty',
    }),
  });
  ctx.onCleanup(paging.stop);
  paging.start();
  return appLayout(ctx, '/playlists',
    h('header', { class: 'page-header page-header-row' },
      h('div', {}, h('h1', { class: 'page-title', tabindex: '-1' }, 'Playlists'), total),
      create),
    grid, paging.el);
}
