// The favourite toggle. Every heart for a track repaints when any of them changes.
import { h } from '../dom.js';
import { isFavorite, onFavoriteChange, toggleFavorite } from '../favorites.js';
import { icon } from '../icons.js';
import { toastError } from './toast.js';

function paint(button, on) {
  button.setAttribute('aria-pressed', String(on));
  button.setAttribute('aria-label', on ? 'Remove from favourites' : 'Add to favourites');
  button.title = on ? 'Remove from favourites' : 'Add to favourites';
  button.classList.toggle('is-on', on);
  button.replaceChildren(icon(on ? 'heartFilled' : 'heart', 'icon icon-heart'));
}

export function heartButton(track, testid = 'heart') {
  const button = h('button', { type: 'button', class: 'icon-btn heart', 'data-heart': track.id, 'data-testid': testid });
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    try {
      await toggleFavorite(track);
    } catch (err) {
      toastError(err);
    }
  });
  paint(button, isFavorite(track));
  return button;
}

onFavoriteChange((id, on) => {
  for (const button of document.querySelectorAll(`[data-heart="${CSS.escape(id)}"]`)) paint(button, on);
});
