// The "…" menu on a track: queueing, playlists, navigation, and editing for those allowed.
import * as player from '../player.js';
import * as live from '../room/live.js';
import { openMenu } from './menu.js';
import { addToPlaylistDialog } from './playlist-picker.js';
import { toast, toastError } from './toast.js';
import { canEditTrack, deleteTrackFlow, editTrackDialog } from './track-edit.js';

/**
 * extra: more items from the list's context (remove from playlist, move up/down).
 * onChanged(track | null): the track was edited (or deleted, with null).
 */
export function openTrackMenu(anchor, track, { extra = [], onChanged = () => {} } = {}) {
  const editable = canEditTrack(track);
  // While you are in a room where you may change the queue, tracks can go to its queue too.
  const room = live.current();
  const toRoom = room?.status === 'live' && room.mayControl && !room.you?.guest;
  openMenu(anchor, [
    toRoom && { label: `Add to room queue (${room.room?.name ?? 'room'})`, icon: 'rooms', testid: 'menu-room-queue', action: () => addToRoom(room, track) },
    { label: 'Play next', icon: 'play', testid: 'menu-play-next', action: () => { player.playNext([track]); toast('Playing next.'); } },
    { label: 'Add to queue', icon: 'queue', testid: 'menu-enqueue', action: () => { player.enqueue([track]); toast('Added to the queue.'); } },
    { label: 'Add to playlist…', icon: 'addToList', testid: 'menu-add-to-playlist', action: () => addToPlaylistDialog([track]) },
    '-',
    track.artist && { label: 'Go to artist', icon: 'artist', testid: 'menu-artist', action: () => { location.hash = `#/artist/${track.artist.id}`; } },
    track.album && { label: 'Go to album', icon: 'album', testid: 'menu-album', action: () => { location.hash = `#/album/${track.album.id}`; } },
    extra.length > 0 && '-',
    ...extra,
    editable && '-',
    editable && { label: 'Edit details…', icon: 'edit', testid: 'menu-edit', action: async () => {
      const updated = await editTrackDialog(track);
      if (updated) onChanged(updated);
    } },
    editable && { label: 'Delete from library', icon: 'trash', danger: true, testid: 'menu-delete', action: async () => {
      if (await deleteTrackFlow(track)) onChanged(null);
    } },
  ], { label: `Actions for ${track.name}` });
}

async function addToRoom(room, track) {
  try {
    await room.command('queueAdd', { trackIds: [track.id] });
    toast(`Added to the queue of ${room.room?.name ?? 'the room'}.`);
  } catch (err) {
    toastError({ name: 'ApiError', message: err.message });
  }
}
