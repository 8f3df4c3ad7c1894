// English: the reference catalogue. Every key here must exist in ru.js too (tests/e2e/i18n.test.mjs).
// Keys are grouped by area: `area.what`. The player's strings live in player.en.js.
import player from './player.en.js';

export default {
  ...player,
  'error.generic': 'Something went wrong. Please try again.',
};
