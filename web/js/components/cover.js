// Artwork: the server's image, or (when there is none, or it fails to load) a gradient
// generated from the name, so every album, artist and playlist has a face.
import { h } from '../dom.js';
import { hue } from '../format.js';
import { icon } from '../icons.js';

const ICONS = { album: 'album', track: 'note', playlist: 'playlists', genre: 'tag' };

/** kind: album | artist | playlist | track | genre; size: sm | md | lg | xl (CSS decides). */
export function cover({ url, name = '', kind = 'album', size = 'md' }) {
  const box = h('div', { class: `cover cover-${size}${kind === 'artist' ? ' cover-round' : ''}` });
  const generate = () => {
    box.classList.add('cover-generated');
    box.style.setProperty('--hue', String(hue(name)));
    const face = kind === 'artist'
      ? h('span', { class: 'cover-initial', 'aria-hidden': 'true' }, (name.trim()[0] || '?').toUpperCase())
      : icon(ICONS[kind] ?? 'album', 'icon cover-icon');
    box.replaceChildren(face);
  };
  if (url) {
    const img = h('img', { src: url, alt: '', loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', generate, { once: true });
    box.append(img);
  } else {
    generate();
  }
  return box;
}
