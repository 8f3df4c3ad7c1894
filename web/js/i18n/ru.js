// Русский каталог: те же ключи, что в en.js.
import player from './player.ru.js';

export default {
  ...player,
  'error.generic': 'Что-то пошло не так. Попробуйте ещё раз.',
};
