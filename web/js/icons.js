// Stroke icons on a 24×24 grid, drawn for Soundroom.
import { svgIcon } from './dom.js';

const CIRCLE = 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z';
const HEART = 'M12 20.5s-8-4.8-8-10.6A4.4 4.4 0 0 1 8.4 5.5c1.5 0 2.8.7 3.6 1.9.8-1.2 2.1-1.9 3.6-1.9A4.4 4.4 0 0 1 20 9.9c0 5.8-8 10.6-8 10.6z';
const SPEAKER = 'M4 9.5h3.5L12 5.5v13l-4.5-4H4z';
const PERSON = ['M10 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M3 20.5a7 7 0 0 1 14 0'];

const PATHS = {
  home: ['M3.5 10.5 12 3.5l8.5 7V20a1 1 0 0 1-1 1H15v-6H9v6H4.5a1 1 0 0 1-1-1z'],
  library: ['M5 4v16', 'M9.5 4v16', 'M14 5.5l4.5 14.5'],
  playlists: ['M4 6h11', 'M4 11h11', 'M4 16h6', 'M18.5 18V6.5l3-1', 'M18.5 18a2.5 2.5 0 1 1-2.5-2.5h2.5'],
  rooms: ['M4 16v-4a8 8 0 0 1 16 0v4', 'M4 15h3.5v6H5a1 1 0 0 1-1-1z', 'M20 15h-3.5v6H19a1 1 0 0 0 1-1z'],
  profile: ['M12 12.5a4.25 4.25 0 1 0 0-8.5 4.25 4.25 0 0 0 0 8.5z', 'M4 21a8 8 0 0 1 16 0'],
  signout: ['M9.5 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h3.5', 'M15.5 8l4 4-4 4', 'M19.5 12H9.5'],
  shield: ['M12 3l8 3v6c0 4.6-3.4 8.2-8 9-4.6-.8-8-4.4-8-9V6z', 'M8.5 12l2.5 2.5 4.5-5'],
  key: ['M14.5 9.5a5 5 0 1 1-1.4-3.5', 'M13.1 6 21 6v3.5', 'M17.5 6v3', 'M9.5 14.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z'],
  note: ['M9 18V5.5l11-2.5v13', 'M9 18a3 3 0 1 1-3-3h3', 'M20 16a3 3 0 1 1-3-3h3'],
  devices: ['M3 5.5A1.5 1.5 0 0 1 4.5 4h15A1.5 1.5 0 0 1 21 5.5V15H3z', 'M1.5 19h21', 'M9 15v4', 'M15 15v4'],
  camera: ['M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z', 'M12 17a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z'],
  arrowLeft: ['M19 12H5', 'M11 6l-6 6 6 6'],
  play: ['M7.5 4.8v14.4a.8.8 0 0 0 1.2.7l11.5-7.2a.8.8 0 0 0 0-1.4L8.7 4.1a.8.8 0 0 0-1.2.7z'],
  pause: ['M6.5 4.5h3.5v15H6.5z', 'M14 4.5h3.5v15H14z'],
  next: ['M5 5.2v13.6a.7.7 0 0 0 1.1.6l9.4-6.8a.7.7 0 0 0 0-1.2L6.1 4.6a.7.7 0 0 0-1.1.6z', 'M18.5 5v14'],
  prev: ['M19 5.2v13.6a.7.7 0 0 1-1.1.6l-9.4-6.8a.7.7 0 0 1 0-1.2l9.4-6.8a.7.7 0 0 1 1.1.6z', 'M5.5 5v14'],
  heart: [HEART],
  heartFilled: [HEART],
  more: ['M5 12h.01', 'M12 12h.01', 'M19 12h.01'],
  grip: ['M9 6h.01', 'M15 6h.01', 'M9 12h.01', 'M15 12h.01', 'M9 18h.01', 'M15 18h.01'],
  plus: ['M12 5v14', 'M5 12h14'],
  search: ['M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z', 'M20 20l-4.8-4.8'],
  queue: ['M4 6h12', 'M4 11h12', 'M4 16h7', 'M15 14v6l5-3z'],
  addToList: ['M4 6h12', 'M4 11h12', 'M4 16h7', 'M18 13v7', 'M14.5 16.5h7'],
  volume: [SPEAKER, 'M15.5 9a4 4 0 0 1 0 6', 'M18 6.5a7.5 7.5 0 0 1 0 11'],
  volumeMute: [SPEAKER, 'M16 9.5l5 5', 'M21 9.5l-5 5'],
  repeat: ['M17 3.5l3 3-3 3', 'M4 11.5v-1a4 4 0 0 1 4-4h12', 'M7 20.5l-3-3 3-3', 'M20 12.5v1a4 4 0 0 1-4 4H4'],
  repeatOne: ['M17 3.5l3 3-3 3', 'M4 11.5v-1a4 4 0 0 1 4-4h12', 'M7 20.5l-3-3 3-3', 'M20 12.5v1a4 4 0 0 1-4 4H4', 'M11 10.8l1.3-.8v5'],
  shuffle: ['M16 3.5h4.5V8', 'M4 20.5 20.5 4', 'M20.5 16v4.5H16', 'M14.5 14.5l6 6', 'M4 3.5l5 5'],
  upload: ['M12 15.5V4', 'M7 9l5-5 5 5', 'M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15'],
  server: ['M4 4.5h16v6H4z', 'M4 13.5h16v6H4z', 'M7.5 7.5h.01', 'M7.5 16.5h.01'],
  trash: ['M4 7h16', 'M9.5 7V4.5h5V7', 'M6.5 7l1 13h9l1-13', 'M10 11v5.5', 'M14 11v5.5'],
  edit: ['M4 20h4L19 9l-4-4L4 16z', 'M13.5 6.5l4 4'],
  chevronUp: ['M6 15l6-6 6 6'],
  chevronDown: ['M6 9l6 6 6-6'],
  chevronLeft: ['M15 6l-6 6 6 6'],
  chevronRight: ['M9 6l6 6-6 6'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  clock: [CIRCLE, 'M12 7v5l3 2'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  copy: ['M9 9h10.5v11H9z', 'M15 9V4.5H4.5V15H9'],
  refresh: ['M20 11a8 8 0 0 0-14.5-4.5L4 8', 'M4 3.5V8h4.5', 'M4 13a8 8 0 0 0 14.5 4.5L20 16', 'M20 20.5V16h-4.5'],
  album: [CIRCLE, 'M12 14.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z'],
  artist: ['M12 14a3.5 3.5 0 0 0 3.5-3.5v-4a3.5 3.5 0 0 0-7 0v4A3.5 3.5 0 0 0 12 14z', 'M5.5 10.5a6.5 6.5 0 0 0 13 0', 'M12 17v4'],
  tag: ['M3.5 12.5V4.5a1 1 0 0 1 1-1h8l8 8-9 9z', 'M8 8h.01'],
  link: ['M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1', 'M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'],
  lock: ['M6 11h12v9.5H6z', 'M8.5 11V8a3.5 3.5 0 0 1 7 0v3'],
  globe: [CIRCLE, 'M3 12h18', 'M12 3c2.5 2.6 3.5 5.6 3.5 9s-1 6.4-3.5 9c-2.5-2.6-3.5-5.6-3.5-9s1-6.4 3.5-9z'],
  users: ['M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z', 'M2.5 20a6.5 6.5 0 0 1 13 0', 'M16 4.3a3.5 3.5 0 0 1 0 6.4', 'M18.5 14.2A6.5 6.5 0 0 1 21.5 20'],
  ticket: ['M3.5 8.5V6h17v2.5a2.5 2.5 0 0 0 0 5V18h-17v-4.5a2.5 2.5 0 0 0 0-5z', 'M14.5 6v2', 'M14.5 11v2', 'M14.5 16v2'],
  bell: ['M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z', 'M10 21a2.2 2.2 0 0 0 4 0'],
  userPlus: [...PERSON, 'M19 8v6', 'M16 11h6'],
  userMinus: [...PERSON, 'M16 11h6'],
  block: [CIRCLE, 'M5.6 5.6l12.8 12.8'],
  alert: ['M12 3.5 2.5 20h19z', 'M12 10v4.5', 'M12 17.5h.01'],
};

// Drawn solid rather than outlined.
const SOLID = new Set(['play', 'pause', 'next', 'prev', 'heartFilled']);
// Dots: zero-length strokes that the round caps turn into circles.
const DOTS = new Set(['more', 'grip']);

export function icon(name, className = 'icon') {
  const extra = SOLID.has(name) ? ' icon-solid' : DOTS.has(name) ? ' icon-dots' : '';
  return svgIcon(PATHS[name], className + extra);
}
