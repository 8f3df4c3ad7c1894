// Relay connections, one page at a time: a "Load more" button that also presses itself when
// it scrolls into view, a first-load spinner, an empty state and a retry on failure.
//
// With `keep: { ctx, key }` a list keeps your place: leaving the page remembers the items loaded
// so far and the scroll position against the history entry, and coming back to that entry
// (Back, Forward) shows the same items at once and scrolls to where you were, instead of
// starting again from the top.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { problem } from '../library-text.js';

const SAVED_ENTRIES = 20;
const saved = new Map(); // `${entry}|${key}` → { nodes, page, cursor, done }
const scrolls = new Map(); // entry → scrollY when it was left

let lastY = 0;
addEventListener('scroll', () => { lastY = window.scrollY; }, { passive: true });

/** This history entry's id (made and stored in history.state on first use). */
function entryId() {
  let id = history.state?.soundroomEntry;
  if (!id) {
    id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    history.replaceState({ ...(history.state ?? {}), soundroomEntry: id }, '', location.href);
  }
  return id;
}

function remember(entry, key, state) {
  saved.set(`${entry}|${key}`, state);
  // Old entries go first; a long session keeps only the latest few lists.
  const entries = [...new Set([...saved.keys()].map((k) => k.split('|')[0]))];
  for (const old of entries.slice(0, Math.max(0, entries.length - SAVED_ENTRIES))) {
    for (const k of [...saved.keys()]) if (k.startsWith(`${old}|`)) saved.delete(k);
    scrolls.delete(old);
  }
}

/**
 * load(after) resolves to { nodes, hasNextPage, endCursor, totalCount }; render(nodes, page)
 * appends them wherever the caller keeps its items. Returns { el, start, stop, nodes, state }
 * where el is the status line to place after the items, nodes() what is loaded so far and
 * state() { cursor, done } for loading the rest elsewhere ("Play all").
 */
export function pager({ load, render, empty = () => null, onError, keep = null }) {
  const more = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'load-more', hidden: true }, t('library.loadMore'));
  const spinner = h('div', { class: 'spinner', role: 'status', 'aria-label': t('library.loading') });
  const message = h('p', { class: 'pager-message muted', hidden: true });
  const el = h('div', { class: 'pager' }, spinner, message, more);
  const all = [];
  let lastPage = null;
  let cursor = null;
  let loading = false;
  let done = false;
  let first = true;
  const entry = keep ? entryId() : null;

  if (keep) {
    keep.ctx.onCleanup(() => {
      if (first) return; // nothing loaded yet: nothing to come back to
      remember(entry, keep.key, { nodes: [...all], page: lastPage, cursor, done });
      scrolls.set(entry, lastY);
    });
  }

  function settle() {
    more.removeAttribute('aria-busy');
    spinner.hidden = true;
    more.hidden = done && message.hidden;
    if (message.hidden) more.textContent = t('library.loadMore');
  }

  async function next() {
    if (loading || done) return;
    loading = true;
    message.hidden = true;
    more.setAttribute('aria-busy', 'true');
    try {
      const result = await load(cursor);
      cursor = result.endCursor;
      done = !result.hasNextPage;
      all.push(...result.nodes);
      lastPage = { ...result, nodes: undefined };
      render(result.nodes, result);
      if (first && result.nodes.length === 0) {
        const note = empty();
        if (note) el.replaceChildren(note);
      }
      first = false;
    } catch (err) {
      onError?.(err);
      message.textContent = problem(err);
      message.hidden = false;
      more.textContent = t('library.tryAgain');
    } finally {
      loading = false;
      settle();
    }
    // A short page may leave the button on screen, where the observer will not fire again.
    if (!done && message.hidden) requestAnimationFrame(() => nearView() && next());
  }

  // Back to a list left earlier: the same items at once, then the same scroll position.
  function restore() {
    const state = saved.get(`${entry}|${keep.key}`);
    if (!state) return false;
    all.push(...state.nodes);
    ({ cursor, done } = state);
    lastPage = state.page;
    first = false;
    render(state.nodes, { ...state.page, nodes: state.nodes });
    if (state.nodes.length === 0) {
      const note = empty();
      if (note) el.replaceChildren(note);
    }
    settle();
    const y = scrolls.get(entry);
    // After the router has mounted the page (and scrolled to the top).
    if (y) requestAnimationFrame(() => requestAnimationFrame(() => window.scrollTo(0, y)));
    return true;
  }

  const nearView = () => more.isConnected && !more.hidden && more.getBoundingClientRect().top < window.innerHeight + 600;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) next();
  }, { rootMargin: '600px 0px' });
  more.addEventListener('click', next);

  return {
    el,
    start() {
      if (keep && restore()) {
        // Observe only once the page is back where it was, so it does not load more at the top.
        requestAnimationFrame(() => requestAnimationFrame(() => observer.observe(more)));
        return Promise.resolve();
      }
      observer.observe(more);
      return next();
    },
    stop: () => observer.disconnect(),
    nodes: () => all,
    state: () => ({ cursor, done }),
  };
}
