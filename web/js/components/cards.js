// Tiles for grids of albums, artists, playlists and genres.
import { h } from '../dom.js';
import * as library from '../data/library.js';
import { count, hue } from '../format.js';
import { icon } from '../icons.js';
import * as player from '../player.js';
import { cover } from './cover.js';
import { toastError } from './toast.js';

export function cardGrid(testid, ...cards) {
  return h('div', { class: 'card-tiles', 'data-testid': testid }, cards);
}

function tile({ href, art, title, sub, testid, play }) {
  return h('article', { class: 'tile-card', 'data-testid': testid },
    h('div', { class: 'tile-art-wrap' }, art, play),
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
      toastError(err);
    }
  });
  return button;
}

export const albumTracks = async (id) => sortByDisc((await library.album(id))?.tracks ?? []);

export function sortByDisc(tracks) {
  const key = (t) => [t.discNumber ?? 1, t.trackNumber ?? Number.MAX_SAFE_INTEGER];
  return [...tracks].sort((a, b) => {
    const [da, ta] = key(a);
    const [db, tb] = key(b);
    return da - db || ta - tb || a.name.localeCompare(b.name);
  });
}

export function albumCard(album, { showArtist = true } = {}) {
  const sub = [showArtist && album.artist?.name, album.year].filter(Boolean).join(' · ');
  return tile({
    href: `#/album/${album.id}`,
    art: cover({ url: album.coverUrl, name: album.title, kind: 'album', size: 'fill' }),
    title: album.title,
    sub,
    testid: 'album-card',
    play: playButton(`Play ${album.title}`, () => albumTracks(album.id)),
  });
}

export function artistCard(artist) {
  return tile({
    href: `#/artist/${artist.id}`,
    art: cover({ url: artist.imageUrl, name: artist.name, kind: 'artist', size: 'fill' }),
    title: artist.name,
    sub: artist.trackCount !== undefined ? count(artist.trackCount, 'track') : 'Artist',
    testid: 'artist-card',
  });
}

export function playlistCard(playlist, meId) {
  const owner = playlist.owner && playlist.owner.id !== meId ? `by ${playlist.owner.username}` : null;
  const tracks = playlist.trackCount !== undefined ? count(playlist.trackCount, 'track') : null;
  return tile({
    href: `#/playlist/${playlist.id}`,
    art: cover({ url: playlist.imageUrl, name: playlist.name, kind: 'playlist', size: 'fill' }),
    title: playlist.name,
    sub: [owner, tracks].filter(Boolean).join(' · ') || 'Playlist',
    testid: 'playlist-card',
  });
}

export function genreCard(name) {
  const el = h('a', { class: 'genre-card', href: `#/genre/${encodeURIComponent(name)}`, 'data-testid': 'genre-card' },
    h('span', { class: 'genre-name' }, name), icon('tag', 'icon genre-icon'));
  el.style.setProperty('--hue', String(hue(name)));
  return el;
}
