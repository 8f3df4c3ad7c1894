// A tiny element builder. Text always goes in through text nodes, never HTML parsing,
// so user data cannot become markup.

/**
 * h('button', { class: 'btn', 'data-testid': 'submit', onclick: fn }, 'Save')
 * Props: `on*` functions become listeners, `true` sets a boolean attribute, null/false/undefined
 * are skipped, anything else is an attribute. Children: nodes, strings, arrays, or nothing.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...flatten(children));
  return el;
}

function flatten(children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false);
}

const SVG = 'http://www.w3.org/2000/svg';

/** An inline stroke icon from path data; decorative, so hidden from assistive tech. */
export function svgIcon(paths, className = 'icon') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  for (const d of [].concat(paths)) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** Replaces an element's children. */
export function mount(parent, ...children) {
  parent.replaceChildren(...flatten(children));
}
