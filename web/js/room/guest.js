// A guest's pass (from joinRoomAsGuest), kept for this tab only (sessionStorage): it survives a
// reload but not closing the tab. A guest sees their room and nothing else of the app.

const KEY = 'soundroom.guestPass';
let memory = null; // if sessionStorage refuses, the pass still works until a reload

/** { token, roomId, name, code } or null. */
export function guestPass() {
  try {
    const pass = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (pass?.token && pass?.roomId) return pass;
  } catch {
    /* fall back to memory */
  }
  return memory;
}

export function setGuestPass(pass) {
  memory = pass;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(pass));
  } catch {
    /* kept in memory only */
  }
}

export function clearGuestPass() {
  memory = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* nothing kept */
  }
}
