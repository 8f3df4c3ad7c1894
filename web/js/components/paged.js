// Relay connections, one page at a time: a "Load more" button that also presses itself when
// it scrolls into view, a first-load spinner, an empty state and a retry on failure.
import { h } from '../dom.js';

/**
 * load(after) resolves to { nodes, hasNextPage, endCursor, totalCount }; render(nodes, page)
 * appends them wherever the caller keeps its items. Returns { el, start, stop } where el is
 * the status line to place after the items.
 */
export function pager({ load, render, empty = () => null, onError }) {
  const more = h('button', { type: 'button', class: 'btn btn-outline btn-sm', 'data-testid': 'load-more', hidden: true }, 'Load more');
  const spinner = h('div', { class: 'spinner', role: 'status', 'aria-label': 'Loading' });
  const message = h('p', { class: 'pager-message muted', hidden: true });
  const el = h('div', { class: 'pager' }, spinner, message, more);
  let cursor = null;
  let loading = false;
  let done = false;
  let first = true;

  async function next() {
    if (loading || done) return;
    loading = true;
    message.hidden = true;
    more.setAttribute('aria-busy', 'true');
    try {
      const result = await load(cursor);
      cursor = result.endCursor;
      done = !result.hasNextPage;
      render(result.nodes, result);
      if (first && result.nodes.length === 0) {
        const note = empty();
        if (note) el.replaceChildren(note);
      }
      first = false;
    } catch (err) {
      if (err?.name !== 'ApiError') console.error(err);
      onError?.(err);
      message.textContent = err?.name === 'ApiError' ? err.message : 'Something went wrong.';
      message.hidden = false;
      more.textContent = 'Try again';
    } finally {
      loading = false;
      more.removeAttribute('aria-busy');
      spinner.hidden = true;
      more.hidden = done && message.hidden;
      if (message.hidden) more.textContent = 'Load more';
    }
    // A short page may leave the button on screen, where the observer will not fire again.
    if (!done && message.hidden) requestAnimationFrame(() => nearView() && next());
  }

  const nearView = () => more.isConnected && !more.hidden && more.getBoundingClientRect().top < window.innerHeight + 600;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) next();
  }, { rootMargin: '600px 0px' });
  more.addEventListener('click', next);
  observer.observe(more);

  return { el, start: next, stop: () => observer.disconnect() };
}
