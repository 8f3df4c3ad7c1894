// The "…" menu on a track: queueing, playlists, details, navigation, and editing for those allowed.
import { t } from '../i18n.js';
import { problem } from '../library-text.js';
import * as player from '../player.js';
import * as live from '../room/live.js';
import { openMenu } from './menu.js';
import { addToPlaylistDialog } from './playlist-picker.js';
import { toast } from './toast.js';
import { trackDetailsDialog } from './track-details.js';
import { canEditTrack, deleteTrackFlow, editTrackDialog } from './track-edit.js';

/**
 * extra: more items from the list's context (remove from playlist, move up/down).
 * onChanged(track | null): the track was edited (or deleted, with null).
 * Dialogs opened from here give focus back to `anchor` when they close.
 */
export function openTrackMenu(anchor, track, { extra = [], onChanged = () => {} } = {}) {
  const editable = canEditTrack(track);
  // While you are in a room where you may change the queue, tracks can go to its queue too.
  const room = live.current();
  const toRoom = room?.status === 'live' && room.mayControl && !room.you?.guest;
  openMenu(anchor, [
    toRoom && { label: t('track.menu.roomQueue', { room: room.room?.name ?? t('track.menu.theRoom') }), icon: 'rooms', testid: 'menu-room-queue', action: () => addToRoom(room, track) },
    { label: t('track.menu.playNext'), icon: 'play', testid: 'menu-play-next', action: () => { player.playNext([track]); toast(t('track.toast.playingNext')); } },
    { label: t('track.menu.enqueue'), icon: 'queue', testid: 'menu-enqueue', action: () => { player.enqueue([track]); toast(t('track.toast.queued')); } },
    { label: t('track.menu.addToPlaylist'), icon: 'addToList', testid: 'menu-add-to-playlist', action: () => addToPlaylistDialog([track], { returnFocus: anchor }) },
    { label: t('track.menu.details'), icon: 'note', testid: 'menu-details', action: () => trackDetailsDialog(track, { returnFocus: anchor }) },
    '-',
    track.artist && { label: t('track.menu.artist'), icon: 'artist', testid: 'menu-artist', action: () => { location.hash = `#/artist/${track.artist.id}`; } },
    track.album && { label: t('track.menu.album'), icon: 'album', testid: 'menu-album', action: () => { location.hash = `#/album/${track.album.id}`; } },
    extra.length > 0 && '-',
    ...extra,
    editable && '-',
    editable && { label: t('track.menu.edit'), icon: 'edit', testid: 'menu-edit', action: async () => {
      const updated = await editTrackDialog(track, { returnFocus: anchor });
      if (updated) onChanged(updated);
    } },
    editable && { label: t('track.menu.delete'), icon: 'trash', danger: true, testid: 'menu-delete', action: async () => {
      if (await deleteTrackFlow(track, { returnFocus: anchor })) onChanged(null);
    } },
  ], { label: t('track.menu.label', { name: track.name }) });
}

async function addToRoom(room, track) {
  try {
    await room.command('queueAdd', { trackIds: [track.id] });
    toast(t('track.toast.roomQueued', { room: room.room?.name ?? t('track.menu.theRoom') }));
  } catch (err) {
    toast(problem({ name: 'ApiError', message: err.message, code: err.code }), 'error');
  }
}
