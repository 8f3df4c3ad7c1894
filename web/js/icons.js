// Stroke icons on a 24×24 grid, drawn for Soundroom.
import { svgIcon } from './dom.js';

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
};

export function icon(name, className) {
  return svgIcon(PATHS[name], className);
}
