// A friendly stand-in for sections that are not built yet.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { appLayout } from '../layout.js';

const SECTIONS = {
  '/library': { title: 'Library', icon: 'library', text: 'Browse artists, albums and tracks from your music folders.' },
  '/playlists': { title: 'Playlists', icon: 'playlists', text: 'Collect your favourite tracks and share playlists with friends.' },
  '/rooms': { title: 'Rooms', icon: 'rooms', text: 'Listen together in sync, with a shared queue and chat.' },
};

export function placeholderView(path) {
  const section = SECTIONS[path];
  return (ctx) =>
    appLayout(
      ctx,
      path,
      h('header', { class: 'page-header' }, h('h1', { class: 'page-title', tabindex: '-1' }, section.title)),
      h('section', { class: 'card empty-state', 'data-testid': 'coming-soon' },
        h('div', { class: 'empty-icon' }, icon(section.icon)),
        h('h2', {}, 'Coming soon'),
        h('p', { class: 'muted' }, section.text)),
    );
}
