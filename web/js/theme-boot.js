// Loaded as a classic, blocking script in <head> (the CSP forbids inline ones) so the page's
// first paint already has the right theme: the saved choice (light/dark), else the system's.
// theme.js keeps it current afterwards. Kept tiny and dependency-free on purpose.
(function () {
  var choice = null;
  try {
    choice = localStorage.getItem('soundroom.theme');
  } catch (e) {
    /* storage refused: follow the system */
  }
  var light = choice === 'light' || (choice !== 'dark' && window.matchMedia && matchMedia('(prefers-color-scheme: light)').matches);
  document.documentElement.setAttribute('data-theme', light ? 'light' : 'dark');
})();
