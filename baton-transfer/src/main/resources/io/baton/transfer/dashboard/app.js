// Baton's operator dashboard: plain DOM and SVG, no build step. The API key lives in this tab's
// sessionStorage and goes out as "Authorization: Bearer"; the live event stream, which a browser's
// EventSource cannot send headers on, opens with a short-lived token (POST /v1/event-tokens).
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const state = {
  key: sessionStorage.getItem('baton.key'),
  view: 'calls',
  calls: new Map(), // id -> call resource
  selected: null,
  messages: [],
  selectedSeq: null,
  targets: [],
  events: null,
  ladderTimer: null,
};

// ---- DOM helpers: text always through textContent (SIP URIs come from callers)

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.setAttribute('class', v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel) => document.querySelector(sel);
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const stateSpan = (st) => h('span', { class: 'state state-' + st }, st);

// ---- API

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: 'Bearer ' + state.key }, options.headers || {});
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) {
    logout('Your key is no longer accepted.');
    throw new Error('unauthorized');
  }
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    throw new Error((body && body.detail) || res.status + ' ' + res.statusText);
  }
  return body;
}

// ---- login

async function login(event) {
  event.preventDefault();
  const key = $('#key').value.trim();
  $('#login-error').textContent = '';
  const res = await fetch('/v1/calls?limit=1', { headers: { Authorization: 'Bearer ' + key } });
  if (res.status !== 200) {
    $('#login-error').textContent = res.status === 401 ? 'This key is not known.' : 'Sign-in failed (' + res.status + ').';
    return;
  }
  state.key = key;
  sessionStorage.setItem('baton.key', key);
  start();
}

function logout(message) {
  sessionStorage.removeItem('baton.key');
  state.key = null;
  if (state.events) state.events.close();
  state.events = null;
  clearInterval(state.ladderTimer);
  $('#nav').hidden = true;
  $('#logout').hidden = true;
  $('#who').textContent = '';
  document.querySelectorAll('.view').forEach((v) => (v.hidden = true));
  $('#login-view').hidden = false;
  $('#login-error').textContent = typeof message === 'string' ? message : '';
}

async function start() {
  $('#login-view').hidden = true;
  $('#nav').hidden = false;
  $('#logout').hidden = false;
  try {
    state.targets = (await api('/v1/targets')).items;
  } catch (e) {
    state.targets = [];
  }
  const tenants = [...new Set(state.targets.map((t) => t.tenant))];
  $('#who').textContent = tenants.length === 1 ? 'tenant ' + tenants[0] : 'signed in';
  await loadCalls();
  connectEvents();
  show('calls');
  state.ladderTimer = setInterval(refreshLadder, 1500);
}

function show(view) {
  state.view = view;
  document.querySelectorAll('.view').forEach((v) => (v.hidden = v.id !== view + '-view'));
  document.querySelectorAll('button.tab').forEach((b) => b.classList.toggle('active', b.dataset.view === view));
  if (view === 'transfers') renderTransfers();
  if (view === 'cdrs') loadCdrs();
  if (view === 'savings') loadSavings();
}

// ---- live events

async function connectEvents() {
  if (!state.key) return;
  let token;
  try {
    token = (await api('/v1/event-tokens', { method: 'POST' })).token;
  } catch (e) {
    setTimeout(connectEvents, 3000);
    return;
  }
  const events = new EventSource('/v1/events?access_token=' + encodeURIComponent(token));
  state.events = events;
  events.onopen = () => $('#live').classList.replace('off', 'on');
  events.addEventListener('call.updated', (e) => {
    const call = JSON.parse(e.data);
    state.calls.set(call.id, call);
    renderCalls();
    if (state.selected === call.id) renderDetail();
  });
  events.addEventListener('transfer.updated', (e) => {
    const t = JSON.parse(e.data);
    const call = state.calls.get(t.callId);
    if (call) {
      const i = call.transfers.findIndex((x) => x.id === t.id);
      if (i >= 0) call.transfers[i] = t;
      else call.transfers.push(t);
      refreshCall(t.callId);
    }
    if (state.view === 'transfers') renderTransfers();
  });
  events.onerror = () => {
    // The token was good for one connection only: reconnect with a new one.
    events.close();
    $('#live').classList.replace('on', 'off');
    if (state.events === events) setTimeout(connectEvents, 1000);
  };
}

// ---- calls

async function loadCalls() {
  const list = await api('/v1/calls?limit=100');
  state.calls = new Map(list.items.map((c) => [c.id, c]));
  renderCalls();
}

async function refreshCall(id) {
  try {
    const call = await api('/v1/calls/' + encodeURIComponent(id));
    state.calls.set(id, call);
    renderCalls();
    if (state.selected === id) renderDetail();
  } catch (e) {
    /* gone from the registry */
  }
}

function renderCalls() {
  const body = $('#calls tbody');
  const calls = [...state.calls.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  body.replaceChildren(
    ...calls.map((c) =>
      h(
        'tr',
        { class: 'call' + (c.id === state.selected ? ' selected' : ''), 'data-call': c.id, onclick: () => select(c.id) },
        h('td', {}, c.id),
        h('td', {}, c.did || ''),
        h('td', {}, stateSpan(c.state)),
        h('td', {}, time(c.startedAt))
      )
    )
  );
}

function select(id) {
  state.selected = id;
  state.messages = [];
  state.selectedSeq = null;
  renderCalls();
  renderDetail();
  refreshLadder();
}

function renderDetail() {
  const call = state.calls.get(state.selected);
  const detail = $('#call-detail');
  if (!call) {
    detail.replaceChildren(h('p', { class: 'hint' }, 'Select a call.'));
    return;
  }
  const live = call.state === 'active';
  const typed = $('#transfer-number') ? $('#transfer-number').value : '';
  const chosen = $('#transfer-target') ? $('#transfer-target').value : '';
  const result = $('#transfer-result') ? $('#transfer-result').textContent : '';
  const targetOptions = state.targets
    .filter((t) => !call.tenant || t.tenant === call.tenant)
    .map((t) => h('option', { value: 'target:' + t.name }, t.name + ' (' + t.destination + ')'));
  const form = h(
    'form',
    { class: 'transfer-form', id: 'transfer-form', onsubmit: (e) => transfer(e, call.id) },
    h('label', {}, 'Transfer to ', h('select', { id: 'transfer-target' }, h('option', { value: '' }, 'a number…'), targetOptions)),
    h('input', { id: 'transfer-number', placeholder: '+16465550111 or sip:…', size: 22 }),
    h('button', { type: 'submit', id: 'transfer-button', ...(live ? {} : { disabled: 'disabled' }) }, 'Transfer'),
    h('span', { id: 'transfer-result' })
  );
  detail.replaceChildren(
    h('h2', {}, 'Call ', call.id, ' ', stateSpan(call.state)),
    h('p', {}, 'from ', call.from || '?', ' to ', call.did || call.to || '?', ' · started ', time(call.startedAt)),
    h('h3', {}, 'Path'),
    pathDiagram(call),
    form,
    transferList(call.transfers),
    h('h3', {}, 'SIP ladder'),
    h('div', { id: 'ladder' }, ladderDiagram()),
    h('pre', { id: 'message-text' }, selectedMessageText())
  );
  if (state.shownCall === call.id) {
    $('#transfer-number').value = typed;
    $('#transfer-target').value = chosen;
    $('#transfer-result').textContent = result;
  }
  state.shownCall = call.id;
}

async function transfer(event, callId) {
  event.preventDefault();
  const to = $('#transfer-number').value.trim() || $('#transfer-target').value;
  const result = $('#transfer-result');
  if (!to) {
    result.textContent = 'Choose a target or type a number.';
    return;
  }
  try {
    const t = await api('/v1/calls/' + encodeURIComponent(callId) + '/transfer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to }),
    });
    result.textContent = 'transfer ' + t.id + ' ' + t.state;
    refreshCall(callId);
  } catch (e) {
    result.textContent = e.message;
  }
}

function transferList(transfers) {
  if (!transfers || transfers.length === 0) return h('p', { class: 'hint' }, 'No transfer yet.');
  return h('div', { class: 'transfers' }, transfers.map(transferCard));
}

function transferCard(t) {
  return h(
    'div',
    { class: 'card transfer', 'data-transfer': t.id, 'data-state': t.state },
    h('strong', {}, t.id), ' → ', t.to, ' (', t.destination, ') ', stateSpan(t.state),
    t.sipStatus ? ' · SIP ' + t.sipStatus : '', t.reason ? ' · ' + t.reason : '',
    h('ol', { class: 'history' }, t.history.map((e) => h('li', {}, time(e.at), ' ', stateSpan(e.state), ' — ', e.cause || '')))
  );
}

// ---- the call's path: elements as boxes, legs as lines (released ones dashed and grey)

function pathDiagram(call) {
  const legs = call.legs || [];
  const depth = new Map([['caller', 0]]);
  const rows = new Map([['caller', 0]]);
  const firstTransfer = (call.transfers || []).map((t) => t.createdAt).sort()[0];
  // Depth from the caller; the rows: 0 for the first path, 1 for what transfers opened.
  for (let pass = 0; pass < legs.length + 1; pass++) {
    for (const l of legs) {
      if (depth.has(l.element) && !depth.has(l.peer)) {
        depth.set(l.peer, depth.get(l.element) + 1);
        rows.set(l.peer, firstTransfer && l.startedAt >= firstTransfer ? 1 : 0);
      }
    }
  }
  const W = 170, H = 70, BW = 100, BH = 30;
  const pos = (n) => ({ x: 10 + (depth.get(n) ?? 0) * W, y: 10 + (rows.get(n) ?? 0) * H });
  const nodes = [...depth.keys()];
  const width = 20 + Math.max(...nodes.map((n) => pos(n).x)) + BW;
  const height = 20 + Math.max(...nodes.map((n) => pos(n).y)) + BH + 10;
  const svg = s('svg', { id: 'path', width, height, viewBox: `0 0 ${width} ${height}` });
  for (const l of legs) {
    if (!depth.has(l.element) || !depth.has(l.peer)) continue;
    const a = pos(l.element), b = pos(l.peer);
    const x1 = a.x + BW, y1 = a.y + BH / 2, x2 = b.x, y2 = b.y + BH / 2;
    const label = l.state + (l.carrier ? ' ' + l.carrier : '');
    svg.append(
      s('g', { class: 'leg ' + l.state, 'data-from': l.element, 'data-to': l.peer, 'data-state': l.state },
        s('line', { x1, y1, x2: x2 === x1 ? x2 + 1 : x2, y2 }),
        s('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' }, label))
    );
  }
  for (const n of nodes) {
    const p = pos(n);
    svg.append(s('g', { class: 'node', 'data-node': n }, s('rect', { x: p.x, y: p.y, width: BW, height: BH, rx: 5 }), s('text', { x: p.x + 8, y: p.y + 19 }, n)));
  }
  return svg;
}

// ---- the SIP ladder: one column per element, one arrow per message, oldest on top

async function refreshLadder() {
  const id = state.selected;
  if (!id || state.view !== 'calls') return;
  const call = state.calls.get(id);
  if (call && call.state === 'ended' && state.messages.length > 0 && state.ladderDoneFor === id) return;
  try {
    const list = await api('/v1/calls/' + encodeURIComponent(id) + '/messages');
    if (state.selected !== id) return;
    const grew = list.items.length !== state.messages.length;
    state.messages = list.items;
    if (call && call.state === 'ended') state.ladderDoneFor = id;
    if (grew) {
      const ladder = $('#ladder');
      if (ladder) ladder.replaceChildren(ladderDiagram());
    }
  } catch (e) {
    /* the call is gone; keep what is shown */
  }
}

function ladderDiagram() {
  const msgs = state.messages;
  if (msgs.length === 0) return h('p', { class: 'hint' }, 'No SIP messages captured for this call yet.');
  const columns = [];
  for (const m of msgs) for (const n of [m.fromName, m.toName]) if (!columns.includes(n)) columns.push(n);
  const CW = 150, RH = 26, TOP = 40;
  const x = (n) => 70 + columns.indexOf(n) * CW;
  const width = 140 + (columns.length - 1) * CW + 60;
  const height = TOP + msgs.length * RH + 20;
  const t0 = Date.parse(msgs[0].at);
  const svg = s('svg', { id: 'ladder-svg', width, height, viewBox: `0 0 ${width} ${height}` });
  for (const n of columns) {
    svg.append(s('text', { x: x(n) - 30, y: 20, 'font-weight': 700 }, n));
    svg.append(s('line', { class: 'lifeline', x1: x(n), y1: 28, x2: x(n), y2: height - 5 }));
  }
  msgs.forEach((m, i) => {
    const y = TOP + i * RH;
    const x1 = x(m.fromName), x2 = x(m.toName);
    const dir = x2 >= x1 ? 1 : -1;
    const kind = m.status ? (m.status >= 300 ? 'response error' : 'response') : 'request';
    const label = m.status ? m.status + ' ' + (m.firstLine.split(' ').slice(2).join(' ')) + ' (' + m.method + ')' : m.method;
    const ms = Date.parse(m.at) - t0;
    svg.append(
      s('g', { class: 'msg ' + kind + (m.seq === state.selectedSeq ? ' selected' : ''), 'data-seq': m.seq, onclick: () => pick(m.seq) },
        s('rect', { class: 'hit', x: Math.min(x1, x2), y: y - 14, width: Math.max(Math.abs(x2 - x1), 10), height: RH }),
        s('text', { x: 2, y: y + 4, fill: '#889' }, '+' + (ms / 1000).toFixed(3)),
        s('line', { x1, y1: y + 6, x2: x2 - dir * 6, y2: y + 6 }),
        s('polygon', { points: `${x2},${y + 6} ${x2 - dir * 8},${y + 2} ${x2 - dir * 8},${y + 10}`, fill: m.status >= 300 ? '#b3261e' : m.status ? '#1c7c3c' : '#4b6a9b' }),
        s('text', { x: Math.min(x1, x2) + 8, y: y + 1 }, label))
    );
  });
  return svg;
}

function pick(seq) {
  state.selectedSeq = seq;
  const pre = $('#message-text');
  if (pre) pre.textContent = selectedMessageText();
  document.querySelectorAll('#ladder-svg .msg').forEach((g) => g.classList.toggle('selected', Number(g.dataset.seq) === seq));
}

function selectedMessageText() {
  const m = state.messages.find((x) => x.seq === state.selectedSeq);
  return m ? m.fromName + ' → ' + m.toName + ' (' + m.transport + ', ' + m.at + ')\n\n' + m.text : 'Click a message to see it whole.';
}

// ---- transfers

function renderTransfers() {
  const all = [...state.calls.values()].flatMap((c) => c.transfers || []);
  all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  $('#transfers').replaceChildren(...(all.length ? all.map(transferCard) : [h('p', { class: 'hint' }, 'No transfers among recent calls.')]));
}

// ---- call detail records

async function loadCdrs() {
  const list = await api('/v1/cdrs?limit=200');
  $('#cdrs tbody').replaceChildren(
    ...list.items.map((c) =>
      h(
        'tr',
        { class: 'cdr', 'data-call': c.callId },
        h('td', {}, c.callId),
        h('td', {}, c.did || ''),
        h('td', {}, new Date(c.startedAt).toLocaleString()),
        h('td', {}, c.durationSeconds + ' s'),
        h('td', {}, stateSpan(c.outcome)),
        h('td', {}, h('ul', {}, c.legs.filter((l) => l.path !== 'caller').map((l) =>
          h('li', { class: 'cdr-leg', 'data-path': l.path }, l.element + ' → ' + l.peer + ' ', stateSpan(l.state),
            l.carrier ? ' · ' + l.carrier + ' ' + l.ratePerMinute + '/min · ' + l.billedSeconds + ' s · ' + l.cost : '')))),
        h('td', { class: 'cost' }, c.cost),
        h('td', {}, c.releasedSeconds ? c.releasedSeconds + ' s · ' + c.releasedCost : '')
      )
    )
  );
}

async function downloadCsv() {
  const res = await fetch('/v1/cdrs?format=csv&limit=1000', { headers: { Authorization: 'Bearer ' + state.key } });
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: 'baton-cdrs.csv' });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

// ---- savings

async function loadSavings() {
  const data = await api('/v1/savings');
  $('#savings tbody').replaceChildren(
    ...data.items.map((d) =>
      h('tr', { class: 'day', 'data-day': d.day }, h('td', {}, d.day), h('td', {}, d.calls), h('td', {}, d.transferredCalls),
        h('td', {}, d.releasedMinutes), h('td', {}, d.releasedCost), h('td', {}, d.reroutedCost)))
  );
  $('#savings-chart').replaceChildren(savingsChart(data.items));
}

function savingsChart(days) {
  if (days.length === 0) return h('p', { class: 'hint' }, 'No call records in this period yet.');
  const W = 80, H = 200, LEFT = 60, TOP = 20;
  const max = Math.max(...days.flatMap((d) => [Number(d.releasedCost), Number(d.reroutedCost)]), 1e-6);
  const width = LEFT + days.length * W + 20;
  const svg = s('svg', { id: 'savings-svg', width, height: H + TOP + 60, viewBox: `0 0 ${width} ${H + TOP + 60}` });
  svg.append(s('line', { x1: LEFT, y1: TOP + H, x2: width - 10, y2: TOP + H, stroke: '#445' }));
  svg.append(s('text', { x: 4, y: TOP + 4 }, max.toFixed(4)));
  svg.append(s('text', { x: 4, y: TOP + H }, '0'));
  days.forEach((d, i) => {
    const x = LEFT + 10 + i * W;
    for (const [j, key] of [[0, 'releasedCost'], [1, 'reroutedCost']]) {
      const v = Number(d[key]);
      const bh = Math.max((v / max) * H, v > 0 ? 1 : 0);
      svg.append(s('rect', { class: 'bar ' + (j === 0 ? 'released' : 'rerouted'), 'data-day': d.day, 'data-value': d[key], x: x + j * 24, y: TOP + H - bh, width: 22, height: bh },
        s('title', {}, (j === 0 ? 'released path ' : 'rerouted path ') + d[key] + ' (' + d.releasedMinutes + ' min released)')));
    }
    svg.append(s('text', { x: x - 6, y: TOP + H + 16 }, d.day.slice(5)));
    svg.append(s('text', { x: x - 6, y: TOP + H + 32, class: 'minutes' }, d.releasedMinutes + ' min'));
  });
  return h('div', {}, svg, h('p', { class: 'legend' }, h('span', { class: 'released-key' }, '■ cost of the released paths'), h('span', { class: 'rerouted-key' }, '■ cost of the rerouted paths')));
}

// ---- start

document.addEventListener('DOMContentLoaded', () => {
  $('#login').addEventListener('submit', login);
  $('#logout').addEventListener('click', () => logout());
  $('#csv').addEventListener('click', downloadCsv);
  document.querySelectorAll('button.tab').forEach((b) => b.addEventListener('click', () => show(b.dataset.view)));
  if (state.key) start();
  else logout();
});
