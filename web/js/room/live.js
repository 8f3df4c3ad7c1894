// The room you are in, with no DOM: its socket, its audio engine and the state the room view
// draws (members, playback, queue, chat). It outlives the room view, so the music goes on
// while you browse the library (and "Add to room queue" works from any track menu); leaving
// the room, entering another one or signing out ends it. One at a time.
//
//   const room = enterRoom({ roomId });          // or { code }, or { roomId, guest: pass }
//   room.on('change', (what) => …);               // 'status' | 'room' | 'members' | 'playback' |
//                                                 // 'queue' | 'chat' | 'engine' | 'clock'
//   room.on('reaction', ({ user, emoji }) => …);
//   await room.command('next');                   // rejects with the server's message

import { refreshSession } from '../api.js';
import { Emitter } from '../emitter.js';
import { t } from '../i18n.js';
import * as player from '../player.js';
import * as store from '../store.js';
import { calibration, onCalibration } from './calibration.js';
import { RoomEngine } from './engine.js';
import { applyMembersChanged } from './presence.js';
import { localNow, RoomSocket } from './socket.js';
import { positionAt } from './sync.js';

const CHAT_KEEP = 200;
let session = null;
const sessionListeners = new Set();

/** The room you are in, or null. */
export const current = () => session;

/** fn(session | null) whenever you enter or leave a room; returns the unsubscribe function. */
export function onSession(fn) {
  sessionListeners.add(fn);
  return () => sessionListeners.delete(fn);
}

function announce() {
  sessionListeners.forEach((fn) => fn(session));
}

/** Enters a room (leaving any other); with `guest`, as that guest pass. */
export function enterRoom({ roomId = null, code = null, guest = null }) {
  if (session && roomId && session.roomId === roomId && session.status !== 'closed') return session;
  session?.leave();
  session = new RoomSession({ roomId, code, guest });
  announce();
  session.start();
  return session;
}

/** Leaves the current room cleanly. */
export function leaveRoom() {
  session?.leave();
}

class RoomSession extends Emitter {
  constructor({ roomId, code, guest }) {
    super();
    this.roomId = roomId;
    this.guest = guest;
    this.status = 'connecting';
    this.message = '';
    this.closeCode = null;
    this.you = null;
    this.room = null;
    this.members = [];
    this.playback = null;
    this.queue = [];
    this.chat = [];
    this.seq = { playback: -Infinity, queue: -Infinity };
    this.readyInFlight = false; // a `ready` awaiting its ack
    this.cleanups = [];
    this.socket = new RoomSocket({
      roomId,
      code,
      token: guest ? async () => guest.token : accountToken,
    });
    this.engine = new RoomEngine({
      clock: this.socket.clock,
      calibration,
      onLoaded: () => this.#sendReady(),
      onChange: () => this.emit('change', 'engine'),
    });
  }

  start() {
    const s = this.socket;
    const on = (type, fn) => this.cleanups.push(s.on(type, fn));
    on('status', ({ status, message, code }) => {
      this.status = status;
      this.message = message;
      this.closeCode = code;
      if (status === 'closed') this.#ended();
      this.emit('change', 'status');
    });
    on('welcome', (f) => this.#welcome(f));
    on('playback', (f) => this.#playback(f));
    on('queue', (f) => {
      if (typeof f.seq === 'number' && f.seq < this.seq.queue) return;
      if (typeof f.seq === 'number') this.seq.queue = f.seq;
      this.queue = f.items || [];
      this.#preloadNext();
      this.emit('change', 'queue');
    });
    on('members', (f) => {
      this.members = f.members || f.items || [];
      this.#syncYou();
      this.emit('change', 'members');
      this.#sendReady();
    });
    on('memberJoined', (f) => {
      const member = f.member || f.user;
      if (!member) return;
      this.members = [...this.members.filter((m) => m.id !== member.id), member];
      this.emit('change', 'members');
    });
    // Rooms of more than 64 members send who joined, changed or left, a few times a second,
    // instead of the whole list.
    on('membersChanged', (f) => {
      this.members = applyMembersChanged(this.members, f);
      this.#syncYou();
      this.emit('change', 'members');
    });
    on('memberLeft', (f) => {
      this.members = this.members.filter((m) => m.id !== f.userId);
      this.emit('change', 'members');
    });
    on('hostChanged', (f) => {
      this.members = this.members.map((m) => ({ ...m, isHost: m.id === f.userId }));
      if (this.room) this.room = { ...this.room, hostId: f.userId };
      this.#syncYou();
      this.emit('change', 'members');
      this.emit('change', 'room');
      this.emit('hostChanged', f);
    });
    on('room', (f) => {
      this.room = { ...this.room, ...f.room };
      this.emit('change', 'room');
    });
    on('chat', (f) => {
      this.chat = [...this.chat, f].slice(-CHAT_KEEP);
      this.emit('chat', f);
      this.emit('change', 'chat');
    });
    on('reaction', (f) => this.emit('reaction', f));
    on('roomClosed', (f) => this.emit('roomClosed', f));
    on('error', (f) => this.emit('error', f));
    on('clock', () => this.emit('change', 'clock'));
    this.cleanups.push(onCalibration(() => this.emit('change', 'engine')));
    // Only one player makes sound: the room pauses yours, and yours (if you press play) holds the room.
    this.cleanups.push(player.on('state', (snap) => {
      if (snap.playing && this.playback?.playing && !this.engine.held) this.engine.setHeld(true);
    }));
    this.cleanups.push(store.subscribe(() => {
      if (!this.guest && !store.user()) this.leave();
    }));
    this.#exposeDebugHook();
    this.socket.connect();
  }

  // ---------- frames ----------

  #welcome(f) {
    this.you = f.you;
    this.room = f.room;
    this.roomId = f.room?.id ?? this.roomId;
    this.members = f.members || [];
    // `queue` is { items, seq } like the queue frame (an array is accepted too).
    this.queue = Array.isArray(f.queue) ? f.queue : (f.queue?.items ?? []);
    this.chat = (f.recentChat || []).slice(-CHAT_KEEP);
    // A new connection: its frames start afresh.
    this.seq.queue = typeof f.queue?.seq === 'number' ? f.queue.seq : -Infinity;
    this.seq.playback = -Infinity;
    this.readyInFlight = false;
    this.#syncYou();
    this.#playback(f.playback, true);
    this.#preloadNext();
    this.emit('change', 'room');
    this.emit('change', 'members');
    this.emit('change', 'queue');
    this.emit('change', 'chat');
    this.emit('welcome', f);
  }

  #playback(pb, force = false) {
    if (!pb) return;
    if (!force && typeof pb.seq === 'number' && pb.seq < this.seq.playback) return;
    if (typeof pb.seq === 'number') this.seq.playback = pb.seq;
    // A new current item resets everyone's ready flag (big rooms send no list for it).
    if (!force && pb.itemId !== this.playback?.itemId) this.members = this.members.map((m) => ({ ...m, ready: false }));
    this.playback = pb;
    // The room is about to sound here: your own player stops.
    if (pb.playing && !this.engine.held && player.snapshot().playing) player.pause();
    this.engine.setPlayback(pb);
    this.#sendReady();
    this.emit('change', 'playback');
  }

  #syncYou() {
    if (!this.you) return;
    const me = this.members.find((m) => m.id === this.you.id);
    if (me) this.you = { ...this.you, ...me };
  }

  /**
   * Tells the room this track is buffered here, whenever the room's list shows this member not
   * ready for a track that is loaded (a new track resets everyone); one `ready` at a time.
   */
  #sendReady() {
    const pb = this.playback;
    if (!pb?.trackId || this.status !== 'live' || this.readyInFlight || !this.engine.isLoaded(pb.trackId)) return;
    const me = this.members.find((m) => m.id === this.you?.id);
    if (me?.ready) return;
    this.readyInFlight = true;
    this.socket.send('ready', { trackId: pb.trackId, ready: true })
      .catch(() => {}) // no longer the current track: the next playback frame says what is
      .finally(() => {
        this.readyInFlight = false;
      });
  }

  #preloadNext() {
    const index = this.queue.findIndex((item) => item.itemId === this.playback?.itemId);
    const next = this.queue[index + 1];
    // Decoded audio is large: look ahead only for tracks under ten minutes.
    if (next?.track && (next.track.durationMs || 0) < 10 * 60_000) this.engine.preload(next.track);
  }

  #ended() {
    this.#teardown();
    this.emit('closed', { code: this.closeCode, message: this.message });
  }

  // ---------- for the views ----------


  /** Sends a room command; resolves on ack, rejects with the server's message. */
  command(type, fields = {}) {
    return this.socket.send(type, fields);
  }

  get clock() {
    return this.socket.clock;
  }

  /** May this member play, pause, skip and edit the queue? */
  get mayControl() {
    return Boolean(this.you && (this.you.isHost || this.room?.controlMode === 'EVERYONE'));
  }

  get isHost() {
    return Boolean(this.you?.isHost);
  }

  /** May change settings and close the room: owner, host or an admin. */
  get mayManage() {
    if (!this.you || this.you.guest) return false;
    return this.you.isHost || this.room?.ownerId === this.you.id || Boolean(store.user()?.isAdmin);
  }

  /** Where the shared track is now, per the server's clock (ms), or null. */
  serverPosition() {
    const pb = this.playback;
    if (!pb?.trackId) return null;
    let pos = Math.max(pb.positionMs, positionAt(pb, this.clock.toServer(localNow()))); // a start still ahead shows its position
    if (pb.track?.durationMs) pos = Math.min(pos, pb.track.durationMs);
    return Math.max(0, pos);
  }

  currentItem() {
    return this.queue.find((item) => item.itemId === this.playback?.itemId) ?? null;
  }

  /** Hands the sound back to the room after your own player took it. */
  backToRoom() {
    player.pause();
    this.engine.setHeld(false);
  }

  /** Leaves cleanly. */
  leave() {
    if (this.left) return;
    this.left = true;
    this.socket.leave();
    this.#teardown();
  }

  #teardown() {
    if (this.tornDown) return;
    this.tornDown = true;
    this.engine.destroy();
    this.cleanups.forEach((fn) => fn());
    this.cleanups = [];
    if (window.__soundroomRoom?.session === this) delete window.__soundroomRoom;
    if (session === this) {
      session = null;
      announce();
    }
  }

  #exposeDebugHook() {
    // For the browser tests (and the curious): compare two devices' output of the same sample.
    const self = this;
    window.__soundroomRoom = {
      session: self,
      outputTimeOfPosition: (ms) => self.engine.outputTimeOfPosition(ms),
      position: () => self.engine.position(),
      state: () => ({ status: self.status, ...self.engine.state(), seq: self.seq.playback, bestRttMs: self.clock.bestRtt,
        latestRttMs: self.clock.latestRtt, driftPpm: self.clock.driftPpm, samples: self.clock.samples.length }),
      offset: () => self.clock.offsetAt(localNow()),
      rtt: () => self.clock.latestRtt,
      now: localNow,
    };
  }
}

async function accountToken() {
  if (store.accessTokenStale()) await refreshSession().catch(() => {});
  const token = store.accessToken();
  if (!token) throw new Error(t('socket.signedOut'));
  return token;
}
