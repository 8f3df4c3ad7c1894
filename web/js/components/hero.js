// The big header of an album, artist, playlist or genre page, and its play buttons.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import * as player from '../player.js';

export function hero({ art, eyebrow, title, meta = [], actions = [], testid }) {
  return h('header', { class: 'hero', 'data-testid': testid },
    art && h('div', { class: 'hero-art' }, art),
    h('div', { class: 'hero-text' },
      h('p', { class: 'eyebrow' }, eyebrow),
      h('h1', { class: 'page-title hero-title', tabindex: '-1', 'data-testid': 'page-title' }, title),
      meta.length > 0 && h('p', { class: 'hero-meta' }, meta.filter(Boolean).flatMap((m, i) => (i ? [h('span', { class: 'dot', 'aria-hidden': 'true' }, '•'), m] : [m]))),
      actions.length > 0 && h('div', { class: 'hero-actions' }, actions)));
}

/** A hero while its data loads: the same shape, greyed. */
export function heroSkeleton() {
  return h('header', { class: 'hero hero-skeleton', 'aria-busy': 'true' },
    h('div', { class: 'hero-art' }, h('div', { class: 'cover cover-xl skeleton' })),
    h('div', { class: 'hero-text' }, h('div', { class: 'skeleton skeleton-line' }), h('div', { class: 'skeleton skeleton-title' })));
}

/** The round Play button and a Shuffle button; `tracks()` gives what to play, when pressed. */
export function playButtons(tracks, label = t('hero.play')) {
  const shuffleLabel = t('hero.shuffle');
  const play = h('button', { type: 'button', class: 'btn-play', 'aria-label': label, title: label, 'data-testid': 'play-all' }, icon('play'));
  const shuffle = h('button', { type: 'button', class: 'icon-btn icon-btn-lg', 'aria-label': shuffleLabel, title: shuffleLabel, 'data-testid': 'shuffle-all' }, icon('shuffle'));
  play.addEventListener('click', () => {
    const list = tracks();
    if (list.length > 0) player.playTracks(list, 0);
  });
  shuffle.addEventListener('click', () => {
    const list = tracks();
    if (list.length > 0) player.playTracks(list, 0, { shuffle: true });
  });
  return [play, shuffle];
}

/** "Album not found": `what` is the kind in the current language (t('album.eyebrow')). */
export function notFound(what) {
  const title = t('hero.notFound', { what });
  return h('section', { class: 'card empty-state', 'data-testid': 'not-found' },
    h('div', { class: 'empty-icon' }, icon('alert')),
    h('h2', {}, title),
    h('p', { class: 'muted' }, t('hero.notFoundText')),
    h('a', { class: 'btn btn-outline btn-sm', href: '#/library' }, t('hero.backToLibrary')));
}

export function emptyState({ iconName, title, text, action, testid }) {
  return h('section', { class: 'card empty-state', 'data-testid': testid },
    h('div', { class: 'empty-icon' }, icon(iconName)),
    h('h2', {}, title),
    text && h('p', { class: 'muted' }, text),
    action);
}
