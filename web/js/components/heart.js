// The favourite toggle for a track, album or artist. Every heart for the same thing repaints
// when any of them changes.
import { h } from '../dom.js';
import { isFavorite, onFavoriteChange, toggleFavorite } from '../favorites.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { problem } from '../library-text.js';
import { toast } from './toast.js';

function paint(button, on) {
  const kind = button.dataset.heartKind;
  const label = t(on ? `favorites.remove.${kind}` : `favorites.add.${kind}`);
  button.setAttribute('aria-pressed', String(on));
  button.setAttribute('aria-label', label);
  button.title = label;
  button.classList.toggle('is-on', on);
  button.replaceChildren(icon(on ? 'heartFilled' : 'heart', 'icon icon-heart'));
}

/** kind: 'track' (default), 'album' or 'artist'; `extraClass` for card and hero placement. */
export function heartButton(item, testid = 'heart', kind = 'track', extraClass = '') {
  const button = h('button', { type: 'button', class: `icon-btn heart${extraClass ? ` ${extraClass}` : ''}`, 'data-heart': item.id, 'data-heart-kind': kind, 'data-testid': testid });
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    event.preventDefault();
    try {
      await toggleFavorite(item, kind);
    } catch (err) {
      toast(problem(err), 'error');
    }
  });
  paint(button, isFavorite(item, kind));
  return button;
}

onFavoriteChange((id, on, kind = 'track') => {
  for (const button of document.querySelectorAll(`[data-heart="${CSS.escape(id)}"][data-heart-kind="${kind}"]`)) paint(button, on);
});
