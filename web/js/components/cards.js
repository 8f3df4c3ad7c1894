// Tiles for grids of albums, artists, playlists and genres.
import { h } from '../dom.js';
import * as library from '../data/library.js';
import { hue } from '../format.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { countOf, problem } from '../library-text.js';
import * as player from '../player.js';
import { cover } from './cover.js';
import { heartButton } from './heart.js';
import { toast } from './toast.js';

export function cardGrid(testid, ...cards) {
  return h('div', { class: 'card-tiles', 'data-testid': testid }, cards);
}

function tile({ href, art, title, sub, testid, play, heart, id }) {
  return h('article', { class: 'tile-card', 'data-testid': testid, 'data-id': id },
    h('div', { class: 'tile-art-wrap' }, art, play, heart),
    h('a', { class: 'tile-title stretched', href }, title),
    sub && h('p', { class: 'tile-sub' }, sub));
}

function playButton(label, tracks) {
  const button = h('button', { type: 'button', class: 'tile-play', 'aria-label': label, 'data-testid': 'tile-play' }, icon('play'));
  button.addEventListener('click', async () => {
    try {
      const list = await tracks();
      if (list.length > 0) player.playTracks(list, 0);
    } catch (err) {
      toast(problem(err), 'error');
    }
  });
  return button;
}

export const albumTracks = async (id) => sortByDisc((await library.album(id))?.tracks ?? []);

export function sortByDisc(tracks) {
  const key = (tr) => [tr.discNumber ?? 1, tr.trackNumber ?? Number.MAX_SAFE_INTEGER];
  return [...tracks].sort((a, b) => {
    const [da, ta] = key(a);
    const [db, tb] = key(b);
    return da - db || ta - tb || a.name.localeCompare(b.name);
  });
}

// A heart only where the query asked for the state (search results leave it out).
const cardHeart = (item, kind) => ('isFavorite' in item ? heartButton(item, 'card-heart', kind, 'tile-heart') : null);

export function albumCard(album, { showArtist = true } = {}) {
  const sub = [showArtist && album.artist?.name, album.year].filter(Boolean).join(' · ');
  return tile({
    href: `#/album/${album.id}`,
    art: cover({ url: album.coverUrl, name: album.title, kind: 'album', size: 'fill' }),
    title: album.title,
    sub,
    testid: 'album-card',
    id: album.id,
    play: playButton(t('library.playNamed', { name: album.title }), () => albumTracks(album.id)),
    heart: cardHeart(album, 'album'),
  });
}

export function artistCard(artist) {
  return tile({
    href: `#/artist/${artist.id}`,
    art: cover({ url: artist.imageUrl, name: artist.name, kind: 'artist', size: 'fill' }),
    title: artist.name,
    sub: artist.trackCount !== undefined ? countOf('track', artist.trackCount) : t('artist.eyebrow'),
    testid: 'artist-card',
    id: artist.id,
    heart: cardHeart(artist, 'artist'),
  });
}

export function playlistCard(playlist, meId) {
  const owner = playlist.owner && playlist.owner.id !== meId ? t('playlist.by', { name: playlist.owner.username }) : null;
  const tracks = playlist.trackCount !== undefined ? countOf('track', playlist.trackCount) : null;
  return tile({
    href: `#/playlist/${playlist.id}`,
    art: cover({ url: playlist.imageUrl, name: playlist.name, kind: 'playlist', size: 'fill' }),
    title: playlist.name,
    sub: [owner, tracks].filter(Boolean).join(' · ') || t('playlist.eyebrow'),
    testid: 'playlist-card',
    id: playlist.id,
  });
}

export function genreCard(name) {
  const el = h('a', { class: 'genre-card', href: `#/genre/${encodeURIComponent(name)}`, 'data-testid': 'genre-card' },
    h('span', { class: 'genre-name' }, name), icon('tag', 'icon genre-icon'));
  el.style.setProperty('--hue', String(hue(name)));
  return el;
}
