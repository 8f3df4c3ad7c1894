// Soundroom's offline GraphQL IDE: an editor, a response pane, a schema explorer and
// subscriptions over /graphql/ws. No dependencies, nothing from the network but this server.
// Server text only ever reaches the page through textContent / text nodes.

const $ = (id) => document.getElementById(id);
const el = {
  query: $('query'), variables: $('variables'), headers: $('headers'),
  run: $('run'), stop: $('stop'), op: $('op'), opWrap: $('op-wrap'),
  status: $('status'), result: $('result'),
  authToggle: $('auth-toggle'), auth: $('auth'), authEmail: $('auth-email'), authPassword: $('auth-password'),
  authCode: $('auth-code'), authCodeWrap: $('auth-code-wrap'), authSubmit: $('auth-submit'),
  authForget: $('auth-forget'), authMsg: $('auth-msg'),
  schemaBody: $('schema-body'), schemaSearch: $('schema-search'), schemaBack: $('schema-back'), schemaHome: $('schema-home'),
};

const QUERY_KEY = 'soundroom.ide.query'; // the document survives a reload of this tab only; headers (tokens) are never stored
const EXAMPLE = `# Ctrl/Cmd+Enter runs. Browse the schema to see what else there is.
{
  serverInfo {
    name
    version
    registration
    authProviders { name displayName }
  }
}
`;

/** Builds an element. Strings become text nodes; `on*` attributes become listeners. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null && c !== false) node.append(c);
  return node;
}

/* ---------- editors ---------- */

function insertText(area, text) {
  area.focus();
  // execCommand keeps the browser's undo history; setRangeText is the fallback.
  if (!document.execCommand?.('insertText', false, text)) {
    area.setRangeText(text, area.selectionStart, area.selectionEnd, 'end');
    area.dispatchEvent(new Event('input'));
  }
}

let tabEscapes = false; // after Esc, Tab moves focus instead of indenting
for (const area of document.querySelectorAll('textarea.code')) {
  area.addEventListener('focus', () => { tabEscapes = false; });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { tabEscapes = true; return; }
    if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !tabEscapes) {
      e.preventDefault();
      insertText(area, '  ');
    } else if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      const lineStart = area.value.lastIndexOf('\n', area.selectionStart - 1) + 1;
      const indent = /^[ \t]*/.exec(area.value.slice(lineStart))[0];
      const opens = /[{([]\s*$/.test(area.value.slice(lineStart, area.selectionStart));
      e.preventDefault();
      insertText(area, '\n' + indent + (opens ? '  ' : ''));
    }
    if (e.key !== 'Escape') tabEscapes = false;
  });
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !el.auth.contains(e.target)) {
    e.preventDefault();
    run();
  }
});

// Variables / Headers tabs.
const tabs = [[$('tab-variables'), el.variables], [$('tab-headers'), el.headers]];
function selectTab(which) {
  for (const [tab, panel] of tabs) {
    const on = panel === which;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
  }
}
for (const [tab, panel] of tabs) {
  tab.addEventListener('click', () => selectTab(panel));
  tab.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const other = tabs.find(([t]) => t !== tab);
    selectTab(other[1]);
    other[0].focus();
  });
}

/* ---------- operations in the document ---------- */

/** Top-level operations, found by a brace-depth scan with strings and comments blanked. */
function operations(doc) {
  const src = doc.replace(/"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|#[^\n]*/g, (m) => (m[0] === '#' ? '' : '""'));
  const ops = [];
  let depth = 0;
  let pending = false; // a keyword was seen and its selection set has not opened yet
  for (const m of src.matchAll(/[{(]|[})]|\b(query|mutation|subscription|fragment)\b\s*([_A-Za-z]\w*)?/g)) {
    if (m[0] === '{' || m[0] === '(') {
      if (depth === 0 && m[0] === '{' && !pending) ops.push({ type: 'query', name: null });
      if (m[0] === '{') pending = false;
      depth++;
    } else if (m[0] === '}' || m[0] === ')') {
      depth = Math.max(0, depth - 1);
    } else if (depth === 0) {
      pending = true;
      if (m[1] !== 'fragment') ops.push({ type: m[1], name: m[2] || null });
    }
  }
  return ops;
}

function refreshOperations() {
  const ops = operations(el.query.value);
  const named = ops.filter((o) => o.name);
  const keep = el.op.value;
  el.opWrap.hidden = ops.length < 2;
  el.op.replaceChildren(...named.map((o) => h('option', { value: o.name }, `${o.name} (${o.type})`)));
  if (named.some((o) => o.name === keep)) el.op.value = keep;
  return ops;
}

function currentOperation() {
  const ops = refreshOperations();
  if (ops.length < 2) return { type: ops[0]?.type ?? 'query', name: undefined };
  return ops.find((o) => o.name === el.op.value) ?? { type: 'query', name: undefined };
}

let saveTimer;
function saveQuery() {
  clearTimeout(saveTimer);
  try { sessionStorage.setItem(QUERY_KEY, el.query.value); } catch { /* private mode */ }
}
el.query.addEventListener('input', () => {
  refreshOperations();
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveQuery, 300);
});
addEventListener('pagehide', saveQuery);

/* ---------- variables and headers ---------- */

function readVariables() {
  const text = el.variables.value.trim();
  if (!text) return undefined;
  let value;
  try { value = JSON.parse(text); } catch (e) { throw new Error(`Variables are not valid JSON: ${e.message}`); }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('Variables must be a JSON object');
  }
  return value;
}

/** `Name: value` lines (or a JSON object). */
function readHeaders() {
  const text = el.headers.value.trim();
  if (text.startsWith('{')) {
    try { return JSON.parse(text); } catch (e) { throw new Error(`Headers are not valid JSON: ${e.message}`); }
  }
  const out = {};
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^([!#$%&'*+.^_`|~\w-]+)\s*:\s*(.*)$/.exec(t);
    if (!m) throw new Error(`Headers line ${i + 1} is not "Name: value"`);
    out[m[1]] = m[2];
  }
  return out;
}

function bearerToken(headers) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
  const m = key && /^bearer\s+(\S+)/i.exec(String(headers[key]));
  return m ? m[1] : null;
}

function setToken(token) {
  const lines = el.headers.value.split('\n').filter((l) => l.trim() && !/^\s*authorization\s*:/i.test(l));
  if (token) lines.unshift(`Authorization: Bearer ${token}`);
  el.headers.value = lines.join('\n');
}

/* ---------- running ---------- */

const JSON_TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Pretty JSON as text nodes and colour spans. */
function jsonNodes(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const frag = document.createDocumentFragment();
  if (text.length > 400_000) { frag.append(text); return frag; }
  let last = 0;
  for (const m of text.matchAll(JSON_TOKEN)) {
    frag.append(text.slice(last, m.index));
    const kind = m[1] ? (m[2] ? 'key' : 'str') : m[0] === 'null' ? 'null' : /^[tf]/.test(m[0]) ? 'bool' : 'num';
    frag.append(h('span', { class: `j-${kind}` }, m[2] ? m[1] : m[0]), m[2] ?? '');
    last = m.index + m[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}

function showStatus(text, kind = '') {
  el.status.textContent = text;
  el.status.dataset.kind = kind;
}

function showError(message) {
  el.result.replaceChildren(h('span', { class: 'error' }, message));
  showStatus('Not sent', 'error');
}

let inflight = null;
let sub = null; // the running subscription: { ws, id, count }

function setRunning(running) {
  el.run.setAttribute('aria-busy', String(running && !sub));
  el.stop.hidden = !sub;
}

/** POSTs a GraphQL request; resolves to { status, statusText, ms, body } (body is text if not JSON). */
async function post(payload, headers = {}, signal) {
  const started = performance.now();
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(payload),
    signal,
  });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* shown as text */ }
  return { status: res.status, statusText: res.statusText, ms: Math.round(performance.now() - started), body };
}

async function run() {
  let variables, headers;
  try {
    variables = readVariables();
    headers = readHeaders();
  } catch (e) {
    return showError(e.message);
  }
  const op = currentOperation();
  const payload = { query: el.query.value, variables, operationName: op.name };
  stopSubscription(true);
  inflight?.abort();
  // Stacked panes: bring the response into view.
  if (matchMedia('(max-width: 720px)').matches) {
    el.result.parentElement.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }
  if (op.type === 'subscription') return subscribe(payload, bearerToken(headers));

  const controller = (inflight = new AbortController());
  setRunning(true);
  showStatus('Running…');
  try {
    const r = await post(payload, headers, controller.signal);
    const failed = r.status >= 400 || (typeof r.body === 'object' && r.body?.errors?.length);
    showStatus(`${r.status} ${r.statusText || ''} · ${r.ms} ms`.replace('  ', ' '), failed ? 'error' : 'ok');
    el.result.replaceChildren(jsonNodes(r.body));
  } catch (e) {
    if (e.name === 'AbortError') return;
    showStatus('Network error', 'error');
    el.result.replaceChildren(h('span', { class: 'error' }, `Could not reach the server: ${e.message}`));
  } finally {
    if (inflight === controller) { inflight = null; setRunning(false); }
  }
}

function appendEvent(label, payload) {
  const time = new Date().toLocaleTimeString();
  el.result.append(h('span', { class: 'event' }, `── ${label} · ${time} ──\n`));
  if (payload !== undefined) el.result.append(jsonNodes(payload), '\n');
  el.result.scrollTop = el.result.scrollHeight;
}

const events = (n) => `${n} event${n === 1 ? '' : 's'}`;

function subscribe(payload, token) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/graphql/ws`, 'graphql-transport-ws');
  const current = (sub = { ws, id: '1', count: 0 });
  const send = (msg) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg));
  el.result.replaceChildren();
  setRunning(true);
  showStatus('Connecting…');
  ws.onopen = () => send({ type: 'connection_init', payload: token ? { token } : {} });
  ws.onmessage = (event) => {
    let msg;
    try { msg = JSON.parse(event.data); } catch { return; }
    if (msg.type === 'connection_ack') {
      send({ id: current.id, type: 'subscribe', payload });
      showStatus('Subscribed · waiting for events', 'ok');
    } else if (msg.type === 'ping') {
      send({ type: 'pong' });
    } else if (msg.type === 'next' && msg.id === current.id) {
      current.count += 1;
      current.errors ||= Boolean(msg.payload?.errors);
      appendEvent(`next #${current.count}`, msg.payload);
      showStatus(`Subscribed · ${events(current.count)}`, msg.payload?.errors ? 'error' : 'ok');
    } else if (msg.type === 'error' && msg.id === current.id) {
      appendEvent('error', msg.payload);
      finish(current, 'Subscription failed', 'error');
    } else if (msg.type === 'complete' && msg.id === current.id) {
      appendEvent('complete');
      finish(current, `Completed · ${events(current.count)}`, current.errors ? 'error' : '');
    }
  };
  ws.onclose = (event) => {
    if (sub !== current) return;
    const why = `Connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
    appendEvent(why);
    finish(current, why, event.code === 1000 ? '' : 'error');
  };
}

function finish(s, status, kind) {
  if (sub !== s) return;
  sub = null;
  if (s.ws.readyState <= WebSocket.OPEN) s.ws.close(1000);
  setRunning(false);
  showStatus(status, kind);
}

/** Sends `complete` and closes; `quiet` when a new run replaces it. */
function stopSubscription(quiet = false) {
  const s = sub;
  if (!s) return;
  if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ id: s.id, type: 'complete' }));
  if (!quiet) appendEvent('stopped');
  finish(s, `Stopped · ${events(s.count)}`);
}

el.run.addEventListener('click', run);
el.stop.addEventListener('click', () => stopSubscription());
el.op.addEventListener('change', () => el.query.focus());

/* ---------- sign in ---------- */

const LOGIN = 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ __typename '
  + '... on AuthPayload { accessToken } ... on TwoFactorChallenge { challengeToken } } }';
const VERIFY = 'mutation($c:String!,$code:String!){ verifyTwoFactor(challengeToken:$c,code:$code){ accessToken } }';
let challenge = null;

function authMessage(text, kind = '') {
  el.authMsg.textContent = text;
  el.authMsg.dataset.kind = kind;
}

function setChallenge(token) {
  challenge = token;
  el.authCodeWrap.hidden = !token;
  el.authCode.required = Boolean(token);
  for (const input of [el.authEmail, el.authPassword]) input.disabled = Boolean(token);
  el.authSubmit.textContent = token ? 'Verify' : 'Sign in';
  el.authForget.textContent = token ? 'Cancel' : 'Forget token';
  if (token) { el.authCode.value = ''; el.authCode.focus(); }
}

el.authToggle.addEventListener('click', () => {
  const open = el.auth.hidden;
  el.auth.hidden = !open;
  el.authToggle.setAttribute('aria-expanded', String(open));
  if (open) (challenge ? el.authCode : el.authEmail).focus();
});

el.authForget.addEventListener('click', () => {
  if (challenge) {
    setChallenge(null);
    return authMessage('Sign-in cancelled.');
  }
  setToken(null);
  authMessage('Token removed from the headers.');
});

el.auth.addEventListener('submit', async (e) => {
  e.preventDefault();
  el.authSubmit.setAttribute('aria-busy', 'true');
  authMessage('');
  try {
    const r = challenge
      ? await post({ query: VERIFY, variables: { c: challenge, code: el.authCode.value.trim() } })
      : await post({ query: LOGIN, variables: { e: el.authEmail.value.trim(), p: el.authPassword.value } });
    const data = typeof r.body === 'object' ? r.body : {};
    if (data.errors?.length || !data.data) throw new Error(data.errors?.[0]?.message || `HTTP ${r.status}`);
    const result = challenge ? data.data.verifyTwoFactor : data.data.login;
    if (result.__typename === 'TwoFactorChallenge') {
      setChallenge(result.challengeToken);
      return authMessage('Enter the code from your authenticator app (or a recovery code).');
    }
    setToken(result.accessToken);
    setChallenge(null);
    el.authPassword.value = '';
    selectTab(el.headers);
    authMessage('Signed in: the token is in the Headers tab (this page only; it is not saved).', 'ok');
  } catch (err) {
    authMessage(err.message, 'error');
  } finally {
    el.authSubmit.removeAttribute('aria-busy');
  }
});

/* ---------- schema explorer ---------- */

const TYPE_REF = 'kind name ofType { '.repeat(8) + 'kind name' + ' }'.repeat(8);
const INTROSPECTION = `query IntrospectionQuery {
  __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType } }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { ${TYPE_REF} }`;

const schema = { types: new Map(), roots: [], history: [] };

async function loadSchema() {
  el.schemaBody.replaceChildren(h('p', { class: 'muted' }, 'Loading the schema…'));
  try {
    const r = await post({ query: INTROSPECTION, operationName: 'IntrospectionQuery' });
    const s = r.body?.data?.__schema;
    if (!s) throw new Error(r.body?.errors?.[0]?.message || `HTTP ${r.status}`);
    schema.types = new Map(s.types.map((t) => [t.name, t]));
    schema.roots = [['Query', s.queryType], ['Mutation', s.mutationType], ['Subscription', s.subscriptionType]]
      .filter(([, t]) => t)
      .map(([label, t]) => ({ label, name: t.name }));
    renderSchema();
  } catch (e) {
    el.schemaBody.replaceChildren(
      h('p', { class: 'error' }, `Could not load the schema: ${e.message}`),
      h('button', { class: 'btn btn-outline btn-sm', type: 'button', onclick: loadSchema }, 'Retry'),
    );
  }
}

function openType(name, field) {
  schema.history.push(name);
  el.schemaSearch.value = '';
  renderSchema(field);
  el.schemaBody.scrollTop = 0;
  if (field) $(`field-${field}`)?.scrollIntoView({ block: 'center' });
}

function typeLink(name) {
  return h('button', { class: 'type-link', type: 'button', onclick: () => openType(name) }, name);
}

/** `[Track!]!` with the named type clickable. */
function typeRef(ref) {
  if (ref.kind === 'NON_NULL') return h('span', {}, typeRef(ref.ofType), '!');
  if (ref.kind === 'LIST') return h('span', {}, '[', typeRef(ref.ofType), ']');
  return typeLink(ref.name);
}

const firstLine = (text) => (text || '').split('\n')[0];

function renderSchema(highlight) {
  const current = schema.history.at(-1);
  const term = el.schemaSearch.value.trim().toLowerCase();
  el.schemaBack.hidden = !current || Boolean(term);
  el.schemaHome.hidden = !current || Boolean(term);
  el.schemaBody.replaceChildren(...(current && !term ? typeView(current, highlight) : typeList(term)));
}

const kindLabel = (t) => t.kind.toLowerCase().replace('_', ' ');
const join = (items, sep) => items.flatMap((item, i) => (i ? [sep, item] : [item]));

function typeItem(name, label) {
  const t = schema.types.get(name);
  return h('li', {},
    typeLink(name),
    h('span', { class: 'kind' }, label ?? kindLabel(t)),
    t.description ? h('span', { class: 'desc line' }, firstLine(t.description)) : null);
}

function fieldHit(type, f) {
  return h('li', {},
    h('button', { class: 'type-link', type: 'button', onclick: () => openType(type, f.name) }, `${type}.${f.name}`),
    f.description ? h('span', { class: 'desc line' }, firstLine(f.description)) : null);
}

/** Roots first, then every type (introspection types last); or, with a term, matching types and fields. */
function typeList(term) {
  const names = [...schema.types.keys()]
    .sort((a, b) => a.startsWith('__') - b.startsWith('__') || a.localeCompare(b));
  const list = (items) => h('ul', { class: 'type-list' }, items);
  if (!term) {
    const roots = new Set(schema.roots.map((r) => r.name));
    return [
      h('h3', {}, 'Root types'), list(schema.roots.map((r) => typeItem(r.name, r.label.toLowerCase()))),
      h('h3', {}, 'All types'), list(names.filter((n) => !roots.has(n)).map((n) => typeItem(n))),
    ];
  }
  const types = names.filter((n) => n.toLowerCase().includes(term));
  const fields = [];
  for (const name of names.filter((n) => !n.startsWith('__'))) {
    const t = schema.types.get(name);
    for (const f of t.fields ?? t.inputFields ?? []) {
      if (f.name.toLowerCase().includes(term)) fields.push(fieldHit(name, f));
    }
  }
  if (!types.length && !fields.length) return [h('p', { class: 'muted' }, 'Nothing matches.')];
  return [
    h('h3', {}, `Types (${types.length})`), list(types.map((n) => typeItem(n))),
    h('h3', {}, `Fields (${fields.length})`), list(fields.slice(0, 200)),
  ];
}

function deprecation(item) {
  if (!item.isDeprecated) return null;
  return h('p', { class: 'deprecated' }, item.deprecationReason ? `Deprecated: ${item.deprecationReason}` : 'Deprecated');
}

function argument(a) {
  return h('span', { class: 'arg' },
    h('span', { class: 'arg-name' }, a.name), ': ', typeRef(a.type),
    a.defaultValue != null ? ` = ${a.defaultValue}` : '');
}

/** `name(arg: Type = default, …): Type`, its description, argument notes and deprecation. */
function fieldItem(f, highlight) {
  const args = f.args ?? [];
  const multiline = args.length > 1; // one argument per line
  const sig = h('div', { class: 'sig' }, h('span', { class: 'field-name' }, f.name));
  if (args.length) {
    const list = join(args.map(argument), multiline ? '' : ', ');
    sig.append('(', h('span', { class: multiline ? 'args multiline' : 'args' }, list), ')');
  }
  sig.append(': ', typeRef(f.type), f.defaultValue != null ? ` = ${f.defaultValue}` : '');
  const argDocs = args.filter((a) => a.description)
    .map((a) => h('li', {}, h('span', { class: 'arg-name' }, a.name), ` — ${a.description}`));
  return h('li', { id: `field-${f.name}`, class: f.name === highlight ? 'field highlight' : 'field' },
    sig,
    f.description ? h('p', { class: 'desc' }, f.description) : null,
    argDocs.length ? h('ul', { class: 'arg-docs' }, argDocs) : null,
    deprecation(f));
}

function enumItem(v) {
  return h('li', { class: 'field' },
    h('div', { class: 'sig' }, h('span', { class: 'field-name' }, v.name)),
    v.description ? h('p', { class: 'desc' }, v.description) : null,
    deprecation(v));
}

function typeView(name, highlight) {
  const t = schema.types.get(name);
  if (!t) return [h('p', { class: 'error' }, `Unknown type ${name}`)];
  const root = schema.roots.find((r) => r.name === name);
  const out = [h('h3', { class: 'type-title' }, t.name,
    h('span', { class: 'kind' }, root ? `${root.label.toLowerCase()} root` : kindLabel(t)))];
  if (t.description) out.push(h('p', { class: 'desc' }, t.description));
  if (t.interfaces?.length) out.push(h('p', { class: 'meta' }, 'Implements ', join(t.interfaces.map(typeRef), ', ')));
  const section = (title, items) => items?.length && out.push(h('h4', {}, title), h('ul', { class: 'fields' }, items));
  section('Fields', t.fields?.map((f) => fieldItem(f, highlight)));
  section('Input fields', t.inputFields?.map((f) => fieldItem(f, highlight)));
  section('Values', t.enumValues?.map(enumItem));
  section(t.kind === 'UNION' ? 'Members' : 'Implemented by',
    t.possibleTypes?.map((p) => h('li', { class: 'field' }, typeRef(p))));
  return out;
}

el.schemaSearch.addEventListener('input', () => renderSchema());
el.schemaBack.addEventListener('click', () => { schema.history.pop(); renderSchema(); });
el.schemaHome.addEventListener('click', () => { schema.history = []; renderSchema(); });

/* ---------- start ---------- */

let saved = null;
try { saved = sessionStorage.getItem(QUERY_KEY); } catch { /* private mode */ }
el.query.value = saved?.trim() ? saved : EXAMPLE;
refreshOperations();
el.run.disabled = false;
loadSchema();
