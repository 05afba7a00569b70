// Explore: a PromQL editor with autocomplete of metric names, label names and values;
// the result as a graph and a table; a bad query's error pointed at its position.
import { api } from '../api.js';
import { escapeHTML } from '../format.js';
import { renderPanel, toSeries } from '../panels.js';
import { QUICK_RANGES, parseTime, stepFor } from '../time.js';

let metricNames = null;

/** What to complete at `pos`: metric names, label names of `metric`, or values of `label`. */
export function completionContext(text, pos) {
  const before = text.slice(0, pos);
  const value = /([a-zA-Z_:][\w:]*)\{[^{}]*?([a-zA-Z_]\w*)\s*(?:=|!=|=~|!~)\s*"([^"]*)$/.exec(before);
  if (value) return { kind: 'value', metric: value[1], label: value[2], prefix: value[3] };
  const label = /([a-zA-Z_:][\w:]*)?\{(?:[^{}]*,)?\s*([a-zA-Z_]\w*)?$/.exec(before);
  const quotes = (before.slice(before.lastIndexOf('{')).match(/"/g) || []).length;
  if (label && quotes % 2 === 0) return { kind: 'label', metric: label[1], prefix: label[2] || '' };
  const word = /([a-zA-Z_:][\w:]*)$/.exec(before);
  return { kind: 'metric', prefix: word ? word[1] : '' };
}

async function suggestions(ctx) {
  if (ctx.kind === 'value') return api.labelValues(ctx.label, ctx.metric);
  if (ctx.kind === 'label') return (await api.labels(ctx.metric)).filter((n) => n !== '__name__');
  if (!ctx.prefix) return [];
  metricNames = metricNames || await api.labelValues('__name__');
  return metricNames;
}

export async function renderExplore(root) {
  const params = new URLSearchParams(location.search);
  root.innerHTML = `
    <div class="toolbar"><h1>Explore</h1><span class="spacer"></span>
      <label>Range <select id="range" aria-label="Time range">${QUICK_RANGES.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select></label>
      <button id="run" type="button">Run query</button></div>
    <div class="editor">
      <textarea id="q" class="code" rows="3" spellcheck="false" aria-label="PromQL query" aria-autocomplete="list" aria-controls="suggest" placeholder="rate(petrel_http_requests_total[5m])  (Ctrl+Enter runs)"></textarea>
      <ul id="suggest" class="suggest" role="listbox" hidden></ul>
    </div>
    <div id="error" class="error" role="alert"></div>
    <div id="caret" class="caret"></div>
    <div class="panel explore-graph"><div class="body"></div><div class="legend"></div></div>
    <div id="table"></div>`;
  const $ = (s) => root.querySelector(s);
  const q = $('#q'), list = $('#suggest');
  q.value = params.get('query') || '';
  $('#range').value = params.get('from') || 'now-1h';
  let items = [], selected = 0, ctx = null, asked = 0;

  function closeList() { list.hidden = true; items = []; q.setAttribute('aria-expanded', 'false'); }
  function showList() {
    list.innerHTML = items.map((s, i) => `<li role="option" id="opt-${i}" aria-selected="${i === selected}">${escapeHTML(s)}</li>`).join('');
    list.hidden = !items.length;
    q.setAttribute('aria-expanded', String(!!items.length));
    if (items.length) q.setAttribute('aria-activedescendant', `opt-${selected}`);
  }
  function accept(i) {
    const pos = q.selectionStart, word = items[i];
    const start = pos - ctx.prefix.length;
    q.value = q.value.slice(0, start) + word + q.value.slice(pos);
    q.selectionStart = q.selectionEnd = start + word.length;
    closeList();
    q.focus();
  }
  async function complete() {
    const mine = ++asked;
    const here = completionContext(q.value, q.selectionStart);
    let found = [];
    try {
      found = (await suggestions(here)).filter((s) => s.startsWith(here.prefix) && s !== here.prefix).slice(0, 50);
    } catch { /* no suggestions */ }
    if (mine !== asked) return; // a later keystroke asked again; its answer wins
    ctx = here;
    items = found;
    selected = 0;
    showList();
  }
  q.addEventListener('input', complete);
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); closeList(); run(); return; }
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); selected = (selected + 1) % items.length; showList(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); selected = (selected - 1 + items.length) % items.length; showList(); }
    else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); accept(selected); }
    else if (e.key === 'Escape') closeList();
  });
  list.addEventListener('mousedown', (e) => { const li = e.target.closest('li'); if (li) { e.preventDefault(); accept(Number(li.id.slice(4))); } });
  q.addEventListener('blur', () => setTimeout(closeList, 150));

  const state = { series: [], hidden: new Set() };
  const body = root.querySelector('.explore-graph .body');
  async function run() {
    const query = q.value.trim();
    $('#error').textContent = ''; $('#caret').textContent = '';
    if (!query) return;
    history.replaceState(null, '', `/explore?${new URLSearchParams({ query, from: $('#range').value })}`);
    const end = Date.now(), start = parseTime($('#range').value, end);
    const stepMs = stepFor(start, end, Math.max(100, body.clientWidth - 70));
    try {
      const [rangeData, instant] = await Promise.all([api.queryRange(query, start, end, stepMs), api.query(query)]);
      Object.assign(state, { series: toSeries([{ data: rangeData }]), start, end, stepMs, error: null });
      state.series.forEach((s) => { s.name = Object.keys(s.metric).length ? JSON.stringify(s.metric) : query; });
      renderPanel(body, { type: 'timeseries' }, state);
      const rows = instant.resultType === 'scalar' || instant.resultType === 'string'
        ? [{ metric: {}, value: instant.result }] : instant.result;
      $('#table').innerHTML = `<table class="data"><thead><tr><th scope="col">Series</th><th scope="col">Value</th></tr></thead><tbody>${rows.map((r) => `<tr><td>${escapeHTML(JSON.stringify(r.metric))}</td><td>${escapeHTML(r.value?.[1] ?? (r.values ? r.values.length + ' points' : ''))}</td></tr>`).join('') || '<tr><td colspan="2" class="muted">Empty result</td></tr>'}</tbody></table>`;
      window.petrel.exploreResult = { series: state.series.length, rows: rows.length };
    } catch (e) {
      $('#error').textContent = e.message;
      const pos = /^(\d+):(\d+):/.exec(e.message);
      if (pos) {
        const line = query.split('\n')[Number(pos[1]) - 1] ?? '';
        $('#caret').textContent = `${line}\n${' '.repeat(Math.max(0, Number(pos[2]) - 1))}^`;
      }
      state.series = [];
      renderPanel(body, { type: 'timeseries' }, { series: [], error: null });
      $('#table').innerHTML = '';
      window.petrel.exploreResult = { error: e.message };
    }
  }
  $('#run').onclick = run;
  $('#range').onchange = run;
  if (q.value) await run();
}
