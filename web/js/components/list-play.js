// "Play" and "Shuffle" for a whole list, not just the rows loaded so far: `source()` resolves
// to every track (paged lists load the rest page by page, up to PLAY_ALL_CAP), then the
// player gets them in one go.
import * as library from '../data/library.js';
import { h } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { icon } from '../icons.js';
import { problem } from '../library-text.js';
import * as player from '../player.js';
import { toast } from './toast.js';

export const PLAY_ALL_CAP = 5000;

/** A source for a pager-backed list: what is loaded, then the rest from `load(after)`. */
export function pagedSource(paging, load, map = (node) => node) {
  return async () => {
    const { cursor, done } = paging.state();
    const nodes = await library.collectAll(load, { cap: PLAY_ALL_CAP, start: paging.nodes(), after: cursor, done });
    return nodes.map(map);
  };
}

async function run(button, source, shuffle) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  try {
    const tracks = await source();
    if (tracks.length === 0) return;
    player.playTracks(tracks, 0, { shuffle });
    if (tracks.length >= PLAY_ALL_CAP) toast(t('library.playCapped', { n: formatNumber(PLAY_ALL_CAP) }));
  } catch (err) {
    toast(problem(err), 'error');
  } finally {
    button.removeAttribute('aria-busy');
  }
}

/** The round Play button and a Shuffle button; `source()` resolves to the tracks, when pressed. */
export function listPlayButtons(source, label = t('library.play')) {
  const play = h('button', { type: 'button', class: 'btn-play', 'aria-label': label, title: label, 'data-testid': 'play-all' }, icon('play'));
  const shuffle = h('button', { type: 'button', class: 'icon-btn icon-btn-lg', 'aria-label': t('library.shuffle'), title: t('library.shuffle'), 'data-testid': 'shuffle-all' }, icon('shuffle'));
  play.addEventListener('click', () => run(play, source, false));
  shuffle.addEventListener('click', () => run(shuffle, source, true));
  return [play, shuffle];
}
