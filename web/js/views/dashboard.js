// One dashboard: time picker, template variables, the panel grid, auto refresh and live mode,
// and editing: the whole JSON, or one panel at a time in the panel editor.
import { api } from '../api.js';
import { escapeHTML, seriesName } from '../format.js';
import { panelKind, renderPanel, toSeries } from '../panels.js';
import { activeTargets, queryPanel } from '../panelquery.js';
import { duplicatePanel, newPanel, withPanel, withoutPanel } from '../panelmodel.js';
import { QUICK_RANGES, parseDuration, parseTime, substitute } from '../time.js';
import { loadVariables, renderVariables } from '../vars.js';
import { LiveFeed } from '../live.js';
import { openPanelEditor } from './paneleditor.js';

const REFRESH = ['off', '5s', '10s', '30s', '1m', '5m'];

export async function renderDashboard(root, uid) {
  let { dashboard: model, meta } = await api.dashboard(uid);
  const params = new URLSearchParams(location.search);
  const time = { from: params.get('from') || model.time?.from || 'now-1h', to: params.get('to') || model.time?.to || 'now' };
  let refresh = params.get('refresh') || model.refresh || 'off';
  let live = params.get('live') === '1';
  let timer = null, feed = null, closed = false, frame = 0, states = [];

  root.innerHTML = `
    <div class="toolbar">
      <h1>${escapeHTML(model.title)}</h1>
      <span class="tag">${escapeHTML(meta.source)}</span>
      <span class="spacer"></span>
      <label>Range <select id="range" aria-label="Time range">${QUICK_RANGES.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}<option value="custom">Custom…</option></select></label>
      <input id="from" size="16" aria-label="From (now-6h or a date)">
      <input id="to" size="16" aria-label="To (now or a date)">
      <button id="apply" type="button">Apply</button>
      <label>Refresh <select id="refresh" aria-label="Auto refresh">${REFRESH.map((r) => `<option>${r}</option>`).join('')}</select></label>
      <button id="live" type="button" aria-pressed="${live}">Live</button>
      <button id="addpanel" type="button">Add panel</button>
      <button id="edit" type="button">Edit JSON</button>
    </div>
    <div id="unsaved" class="toolbar" hidden><span>Unsaved panel changes.</span><button id="savedash" type="button">Save dashboard</button><button id="discard" type="button">Discard</button><span id="unsavedMsg" role="status"></span></div>
    <div class="vars"></div>
    <div id="editor" hidden>
      <textarea class="code" rows="18" aria-label="Dashboard JSON"></textarea>
      <div class="toolbar"><button id="save" type="button">Save</button><button id="cancel" type="button">Cancel</button><span id="saveMsg"></span></div>
    </div>
    <p class="unsupported-list muted"></p>
    <div class="grid"></div>`;
  const $ = (sel) => root.querySelector(sel);
  const grid = $('.grid');

  const vars = await loadVariables(model.templating?.list || [], params);
  renderVariables($('.vars'), vars, () => { syncURL(); reload(); });

  /** (Re)builds the grid from `model.panels`, in grid order. */
  function buildGrid() {
    const panels = (model.panels || []).slice().sort((a, b) => (a.gridPos?.y ?? 0) - (b.gridPos?.y ?? 0) || (a.gridPos?.x ?? 0) - (b.gridPos?.x ?? 0));
    const unsupported = panels.filter((p) => !panelKind(p));
    $('.unsupported-list').textContent = unsupported.length
      ? `Not rendered (unsupported panel types): ${unsupported.map((p) => `"${p.title || '(untitled)'}" (${p.type})`).join(', ')}` : '';
    grid.innerHTML = '';
    states = panels.map((panel) => {
      const el = document.createElement('section');
      el.className = `panel ${panel.type === 'row' ? 'row' : ''}`;
      const g = panel.gridPos || { x: 0, y: 0, w: 12, h: 8 };
      el.style.gridColumn = `${(g.x ?? 0) + 1} / span ${Math.min(24, g.w ?? 12)}`;
      el.style.gridRow = `${(g.y ?? 0) + 1} / span ${g.h ?? 8}`;
      el.setAttribute('aria-label', panel.title || panel.type);
      const title = substitute(panel.title || '', vars);
      el.innerHTML = `<header><h2 title="${escapeHTML(panel.title || '')}">${escapeHTML(title)}</h2>${panel.type === 'row' ? ''
        : `<button type="button" class="panel-edit" aria-label="Edit panel ${escapeHTML(title || panel.type)}">Edit</button>`}</header>${panel.type === 'row' ? '' : '<div class="body"></div><div class="legend"></div>'}`;
      el.querySelector('.panel-edit')?.addEventListener('click', (e) => editPanel(panel, e.currentTarget));
      grid.appendChild(el);
      return { panel, el, body: el.querySelector('.body'), legend: el.querySelector('.legend'), series: [], hidden: new Set(), loading: true, drawn: false };
    }).filter((s) => s.body);
    window.petrel.panels = states;
    window.petrel.dashboardDrawnMs = null;
  }
  buildGrid();

  function range() {
    const now = Date.now();
    const start = parseTime(time.from, now), end = parseTime(time.to, now);
    return start != null && end != null && end > start ? { start, end } : { start: now - 3600e3, end: now };
  }

  function syncURL() {
    const p = new URLSearchParams({ from: time.from, to: time.to });
    if (refresh !== 'off') p.set('refresh', refresh);
    if (live) p.set('live', '1');
    for (const v of vars) for (const val of [].concat(v.current)) p.append(`var-${v.name}`, val);
    history.replaceState(null, '', `${location.pathname}?${p}`);
  }

  function syncControls() {
    const quick = time.to === 'now' && QUICK_RANGES.some(([v]) => v === time.from);
    $('#range').value = quick ? time.from : 'custom';
    $('#from').value = time.from;
    $('#to').value = time.to;
    $('#refresh').value = REFRESH.includes(refresh) ? refresh : 'off';
    $('#live').setAttribute('aria-pressed', String(live));
  }

  function draw(state) {
    state.series.forEach((s) => { s.name = seriesName(s.metric, s.legendFormat); });
    renderPanel(state.body, state.panel, state, { onZoom: (a, b) => { time.from = new Date(a).toISOString(); time.to = new Date(b).toISOString(); live = false; apply(); } });
    state.drawn = true;
    const show = ['timeseries', 'graph'].includes(state.panel.type) && state.panel.options?.legend?.showLegend !== false && state.panel.legend?.show !== false;
    state.legend.innerHTML = show ? state.series.slice(0, 50).map((s, i) => `<button type="button" data-i="${i}" class="${state.hidden.has(s.name) ? 'off' : ''}"><i style="background:${s.color}"></i>${escapeHTML(s.name)}</button>`).join('') : '';
    state.legend.onclick = (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      const name = state.series[Number(b.dataset.i)].name;
      if (state.hidden.has(name)) state.hidden.delete(name); else state.hidden.add(name);
      draw(state);
    };
  }

  async function load(state, r) {
    Object.assign(state, await queryPanel(state.panel, r, vars, state.body.clientWidth));
    draw(state);
  }

  async function reload() {
    const r = range();
    await Promise.all(states.map((s) => load(s, r)));
    // Since navigation start, so a full page load counts from the request for the page.
    if (window.petrel.dashboardDrawnMs == null) window.petrel.dashboardDrawnMs = performance.now();
    if (live) startLive();
  }

  function startLive() {
    if (feed) feed.close();
    const queries = states.flatMap((s, si) => (s.queries || []).map((q, qi) => ({ q, si, qi })));
    if (!queries.length) return;
    feed = new LiveFeed(queries.map((x) => x.q), (t, results) => {
      const span = time.from.startsWith('now-') ? Date.now() - parseTime(time.from) : 3600e3;
      results.forEach((r, i) => {
        const { si, qi } = queries[i];
        const state = states[si];
        state.start = t - span; state.end = t;
        for (const sample of r.data?.result || []) appendLive(state, qi, sample, t);
      });
      if (!frame) frame = requestAnimationFrame(() => {
        frame = 0;
        for (const s of states) if (s.queries?.length) draw(s);
        window.petrel.lastLiveDraw = Date.now();
      });
    });
  }

  function appendLive(state, qi, sample, t) {
    const key = JSON.stringify(sample.metric);
    let s = state.series.find((x) => x.target === qi && JSON.stringify(x.metric) === key);
    const v = parseFloat(sample.value[1]);
    if (!s) {
      s = toSeries([{ data: { result: [{ metric: sample.metric, values: [] }] } }], [])[0];
      Object.assign(s, { target: qi, legendFormat: activeTargets(state.panel)[qi]?.legendFormat, color: ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a'][state.series.length % 4] });
      state.series.push(s);
    }
    const n = s.ts.length;
    // Keep at most one point per step: a live point within a step of the previous replaces it.
    const replace = n > 1 && s.live && t - s.ts[n - 2] < state.stepMs;
    const size = replace ? n : n + 1;
    const ts = new Float64Array(size), vs = new Float64Array(size);
    ts.set(s.ts.subarray(0, replace ? n - 1 : n)); vs.set(s.vs.subarray(0, replace ? n - 1 : n));
    ts[size - 1] = t; vs[size - 1] = v;
    let from = 0;
    while (from < size - 1 && ts[from] < state.start) from++;
    s.ts = ts.subarray(from); s.vs = vs.subarray(from); s.live = true;
    state.error = null; state.loading = false;
  }

  function schedule() {
    clearInterval(timer);
    timer = null;
    const ms = refresh === 'off' ? 0 : parseDuration(refresh) || 0;
    if (ms > 0 && !live) timer = setInterval(() => { if (!closed) reload(); }, ms);
  }

  function apply() {
    if (!live && feed) { feed.close(); feed = null; }
    syncControls(); syncURL(); schedule(); reload();
  }

  $('#range').onchange = (e) => { if (e.target.value !== 'custom') { time.from = e.target.value; time.to = 'now'; apply(); } else $('#from').focus(); };
  $('#apply').onclick = () => {
    if (parseTime($('#from').value) == null || parseTime($('#to').value) == null) { alert('From and To take now, now-6h, or a date such as 2026-01-02T10:00:00Z'); return; }
    time.from = $('#from').value; time.to = $('#to').value; apply();
  };
  $('#refresh').onchange = (e) => { refresh = e.target.value; apply(); };
  $('#live').onclick = () => {
    live = !live;
    if (live && !time.from.startsWith('now-')) { time.from = 'now-15m'; time.to = 'now'; }
    apply();
  };
  $('#edit').onclick = () => { $('#editor').hidden = false; $('#editor textarea').value = JSON.stringify(model, null, 2); $('#editor textarea').focus(); };
  $('#cancel').onclick = () => { $('#editor').hidden = true; };
  $('#save').onclick = async () => {
    try {
      const edited = JSON.parse($('#editor textarea').value);
      await api.saveDashboard(uid, edited);
      $('#saveMsg').textContent = 'Saved.';
      location.reload();
    } catch (e) { $('#saveMsg').textContent = `Not saved: ${e.message}`; $('#saveMsg').className = 'error'; }
  };
  /** Shows `next` as the dashboard; `dirty` when it differs from the saved file. */
  function show(next, dirty) {
    model = next;
    $('#unsaved').hidden = !dirty;
    $('#unsavedMsg').textContent = '';
    buildGrid();
    reload();
  }

  async function save(next) {
    const answer = await api.saveDashboard(uid, next);
    meta = { ...meta, source: 'saved' };
    $('.toolbar .tag').textContent = meta.source;
    show(next, false);
    return answer;
  }

  /** Opens the panel editor for `panel` (a new one when it is not in the model yet). */
  function editPanel(panel, opener) {
    let focusPanel = panel;
    // The grid is rebuilt on a change, so focus goes back to the edited panel's new Edit button.
    const focusBack = () => (opener.isConnected ? opener : states.find((s) => s.panel === focusPanel)?.el.querySelector('.panel-edit') || $('#addpanel'));
    const change = (next, edited, dirty) => { focusPanel = edited; return dirty ? show(next, true) : save(next); };
    openPanelEditor(panel, {
      vars, range, opener: { focus: () => focusBack().focus() }, isNew: !(model.panels || []).includes(panel),
      onApply: (edited) => change(withPanel(model, panel, edited), edited, true),
      onSave: (edited) => change(withPanel(model, panel, edited), edited, false),
      onDuplicate: (edited) => {
        const copy = duplicatePanel(model, edited);
        change(withPanel(withPanel(model, panel, edited), null, copy), copy, true);
      },
      onRemove: () => change(withoutPanel(model, panel), null, true),
    });
  }

  $('#addpanel').onclick = (e) => editPanel(newPanel(model), e.currentTarget);
  $('#savedash').onclick = async () => {
    try { await save(model); $('#unsavedMsg').textContent = 'Saved.'; } catch (e) { $('#unsavedMsg').textContent = `Not saved: ${e.message}`; $('#unsavedMsg').className = 'error'; }
  };
  $('#discard').onclick = () => location.reload();
  const onResize = () => { for (const s of states) if (s.drawn) draw(s); };
  window.addEventListener('resize', onResize);
  syncControls();
  schedule();
  await reload();
  return () => { closed = true; clearInterval(timer); if (feed) feed.close(); window.removeEventListener('resize', onResize); };
}
