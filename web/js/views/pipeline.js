// The pipeline: sources → topics → transforms → sinks as a left-to-right graph with live
// events/s, errors and lag per component (GET /api/v1/pipeline every 2 s), a table of every
// component with its last error, and "Reload config" (POST /api/v1/pipeline/reload).
import { api } from '../api.js';
import { escapeHTML, formatValue } from '../format.js';
import { graphShape, layoutPipeline } from '../pipelinegraph.js';

const POLL_MS = 2000;
const rate = (v) => `${formatValue(v ?? 0, 'short')}/s`;
const count = (v) => formatValue(v ?? 0, 'short');
const when = (ms) => (ms ? new Date(ms).toLocaleTimeString() : '–');

export async function renderPipeline(root) {
  root.innerHTML = `
    <div class="toolbar"><h1>Pipeline</h1><span id="file" class="muted"></span><span class="spacer"></span>
      <span id="updated" class="muted" aria-live="off"></span>
      <button id="reload" type="button">Reload config</button></div>
    <div id="reloadResult" aria-live="polite"></div>
    <div id="content" class="muted">Loading…</div>`;
  const $ = (s) => root.querySelector(s);
  const hook = (window.petrel.pipeline = { polls: 0, components: 0, data: null, reload: null });
  let shape = null, closed = false, timer = null, selected = null, links = [];
  const resize = new ResizeObserver(() => drawLinks());

  async function load() {
    let data;
    try {
      data = await api.pipeline();
    } catch (e) {
      shape = null;
      $('#content').className = '';
      $('#content').innerHTML = e.status === 404
        ? '<p role="status">The pipeline API is not available in this build.</p>'
        : `<p class="error" role="status">Could not read the pipeline: ${escapeHTML(e.message)}</p>`;
      return;
    }
    if (closed) return;
    hook.data = data;
    hook.polls++;
    hook.components = (data.components || []).length;
    $('#file').textContent = data.file ? `${data.file} · loaded ${when(data.reloadedAt)}` : '';
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    render(data);
  }

  function render(data) {
    const layout = layoutPipeline(data);
    const next = graphShape(layout);
    if (next !== shape) {
      const focused = document.activeElement?.closest?.('.pnode')?.dataset.key;
      build(layout, data);
      shape = next;
      if (focused) root.querySelector(`.pnode[data-key="${CSS.escape(focused)}"]`)?.focus();
    } else {
      for (const node of layout.nodes.values()) {
        const el = root.querySelector(`.pnode[data-key="${CSS.escape(node.key)}"]`);
        if (el) fillNode(el, node);
      }
      $('#components tbody').innerHTML = tableRows(data);
    }
    labelLinks(layout);
    drawLinks();
  }

  function build(layout, data) {
    const content = $('#content');
    content.className = '';
    if (!layout.nodes.size) {
      content.innerHTML = '<p role="status">The pipeline is empty: petrel.yaml has no sources or sinks.</p>';
      return;
    }
    content.innerHTML = `
      <div class="pgraph" role="group" aria-label="Pipeline graph" style="--cols:${layout.columns.length}">
        <svg class="plinks" aria-hidden="true"><defs><marker id="parrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker></defs></svg>
        ${layout.columns.map((col) => `
          <section class="pcol" aria-label="${escapeHTML(col.title)}">
            <h2>${escapeHTML(col.title)}</h2>
            ${col.nodes.map((n) => `<article class="pnode ${n.kind}" tabindex="0" data-key="${escapeHTML(n.key)}"></article>`).join('')}
          </section>`).join('')}
      </div>
      <h2>Components</h2>
      <div class="scroll-x"><table class="data" id="components"><thead><tr><th>Component</th><th>Kind</th><th>Type</th><th>State</th>
        <th>Inputs</th><th>Topic</th><th>In/s</th><th>Out/s</th><th>Events in</th><th>Events out</th><th>Bytes out</th>
        <th>Errors</th><th>Dropped</th><th>Lag</th><th>Started</th><th>Last error</th></tr></thead>
        <tbody>${tableRows(data)}</tbody></table></div>`;
    for (const node of layout.nodes.values()) fillNode(root.querySelector(`.pnode[data-key="${CSS.escape(node.key)}"]`), node);
    resize.disconnect();
    resize.observe(root.querySelector('.pgraph'));
  }

  /** Writes a node's text; the element stays, so focus and selection survive a poll. */
  function fillNode(el, node) {
    if (node.topic) {
      const t = node.topic;
      el.setAttribute('aria-label', `Topic ${t.name}: ${t.partitions ?? '?'} partitions, end offset ${t.endOffset ?? '?'}, ${t.sizeBytes != null ? formatValue(t.sizeBytes, 'bytes') : 'size unknown'}`);
      el.innerHTML = `<header><strong>${escapeHTML(t.name)}</strong><span class="tag">topic</span></header>
        <div class="pstats"><span>${t.partitions ?? '–'} partition${t.partitions === 1 ? '' : 's'}</span>
        <span>offset ${count(t.endOffset)}</span><span>${t.sizeBytes != null ? formatValue(t.sizeBytes, 'bytes') : ''}</span></div>`;
      return;
    }
    const c = node.component;
    const bad = c.state !== 'running' && c.state !== 'finished';
    el.classList.toggle('failed', bad || !!c.lastError);
    el.classList.toggle('selected', selected === node.key);
    el.setAttribute('aria-label', `${c.kind} ${c.id}, type ${c.type}, ${c.state}: ${rate(c.eventsInPerSec)} in, ${rate(c.eventsOutPerSec)} out, ${c.errors ?? 0} errors, lag ${c.lag ?? 0}${c.lastError ? `, last error: ${c.lastError}` : ''}`);
    el.innerHTML = `<header><strong>${escapeHTML(c.id)}</strong><span class="tag">${escapeHTML(c.type)}</span>
        <span class="pstate ${escapeHTML(c.state)}">${escapeHTML(c.state)}</span></header>
      <div class="pstats">
        ${c.kind !== 'source' ? `<span title="events in per second">in <b data-rate="in">${rate(c.eventsInPerSec)}</b></span>` : ''}
        ${c.kind !== 'sink' ? `<span title="events out per second">out <b data-rate="out">${rate(c.eventsOutPerSec)}</b></span>` : ''}
        <span class="${c.errors ? 'perr' : ''}">errors ${count(c.errors)}</span>
        ${c.dropped ? `<span class="perr">dropped ${count(c.dropped)}</span>` : ''}
        ${c.kind !== 'source' ? `<span>lag ${count(c.lag)}</span>` : ''}
      </div>
      <div class="pio">${c.inputs?.length ? `reads ${escapeHTML(c.inputs.join(', '))}` : ''}${c.inputs?.length && c.topic ? ' · ' : ''}${c.topic ? `writes topic ${escapeHTML(c.topic)}` : ''}</div>
      ${c.lastError ? `<p class="error plast" title="${escapeHTML(c.lastError)}">${escapeHTML(c.lastError)}</p>` : ''}`;
  }

  function tableRows(data) {
    const td = (v) => `<td>${escapeHTML(v ?? '')}</td>`;
    return (data.components || []).map((c) => `<tr data-key="c:${escapeHTML(c.id)}"${selected === `c:${c.id}` ? ' class="selected"' : ''}>
      <th scope="row">${escapeHTML(c.id)}</th>${td(c.kind)}${td(c.type)}${td(c.state)}${td((c.inputs || []).join(', '))}${td(c.topic)}
      ${td(rate(c.eventsInPerSec))}${td(rate(c.eventsOutPerSec))}${td(count(c.eventsIn))}${td(count(c.eventsOut))}
      ${td(formatValue(c.bytesOut ?? 0, 'bytes'))}${td(c.errors ?? 0)}${td(c.dropped ?? 0)}${td(c.lag ?? 0)}${td(when(c.startedAt))}
      <td class="error">${escapeHTML(c.lastError ?? '')}</td></tr>`).join('')
      || '<tr><td colspan="16" class="muted">No components</td></tr>';
  }

  /** Link labels: the topic a reader takes, or the rate a writer puts into its topic. */
  function labelLinks(layout) {
    for (const l of layout.links) {
      const from = layout.nodes.get(l.from);
      l.label = from.kind === 'topic' ? l.topic : rate(from.component?.eventsOutPerSec);
    }
    links = layout.links;
  }

  /** Draws the links as curves between node edges; on a narrow screen the columns stack and the SVG is hidden. */
  function drawLinks() {
    const graph = root.querySelector('.pgraph');
    const svg = graph?.querySelector('svg');
    if (!svg) return;
    const box = graph.getBoundingClientRect();
    // Coordinates inside the graph's scrolled content, so links stay put when it scrolls sideways.
    const dx = graph.scrollLeft - box.left, dy = graph.scrollTop - box.top;
    svg.setAttribute('width', graph.scrollWidth);
    svg.setAttribute('height', graph.clientHeight);
    const defs = svg.querySelector('defs').outerHTML;
    const parts = [];
    for (const l of links) {
      const a = graph.querySelector(`.pnode[data-key="${CSS.escape(l.from)}"]`)?.getBoundingClientRect();
      const b = graph.querySelector(`.pnode[data-key="${CSS.escape(l.to)}"]`)?.getBoundingClientRect();
      if (!a || !b || b.left <= a.right) continue;
      const x1 = a.right + dx, y1 = a.top + a.height / 2 + dy;
      const x2 = b.left + dx, y2 = b.top + b.height / 2 + dy;
      const mx = (x1 + x2) / 2;
      parts.push(`<path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}" marker-end="url(#parrow)"><title>${escapeHTML(l.topic ?? '')}</title></path>`);
      if (l.label) parts.push(`<text x="${mx}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${escapeHTML(l.label)}</text>`);
    }
    svg.innerHTML = defs + parts.join('');
  }

  async function reload() {
    const out = $('#reloadResult');
    const button = $('#reload');
    button.disabled = true;
    out.innerHTML = '<p class="muted">Reloading…</p>';
    try {
      const changes = await api.reloadPipeline();
      hook.reload = { ok: true, changes };
      out.innerHTML = `<div class="report"><p>Reloaded${changes.file ? ` ${escapeHTML(changes.file)}` : ''}.</p>${changeList(changes)}</div>`;
      await load();
    } catch (e) {
      const problems = problemList(e.body);
      hook.reload = { ok: false, error: e.message, problems };
      const why = problems.length ? '' : `: ${escapeHTML(e.message)}`;
      out.innerHTML = `<div class="report"><p class="error">The configuration was not applied${why}. The running pipeline is unchanged.</p>${problems.length ? `<ul class="error">${problems.map((p) => `<li>${escapeHTML(p)}</li>`).join('')}</ul>` : ''}</div>`;
    } finally {
      button.disabled = false;
    }
  }

  $('#reload').onclick = reload;
  $('#content').addEventListener('click', (e) => select(e.target.closest('.pnode')));
  $('#content').addEventListener('keydown', (e) => {
    const node = e.target.closest?.('.pnode');
    if (!node) return;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(node); }
    if (['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(e.key)) { e.preventDefault(); moveFocus(node, e.key); }
  });

  /** Marks a component and its table row (Enter on a focused node does the same). */
  function select(node) {
    if (!node) return;
    selected = selected === node.dataset.key ? null : node.dataset.key;
    for (const el of root.querySelectorAll('.pnode, #components tr')) el.classList.toggle('selected', el.dataset.key === selected);
    root.querySelector(`#components tr[data-key="${CSS.escape(node.dataset.key)}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  /** Arrow keys walk the graph: up/down within a column, left/right to the neighbouring column. */
  function moveFocus(node, key) {
    const col = node.closest('.pcol');
    const list = [...col.querySelectorAll('.pnode')];
    const i = list.indexOf(node);
    let target = null;
    if (key === 'ArrowDown') target = list[i + 1];
    else if (key === 'ArrowUp') target = list[i - 1];
    else {
      const next = key === 'ArrowRight' ? col.nextElementSibling : col.previousElementSibling;
      const nodes = next?.classList.contains('pcol') ? [...next.querySelectorAll('.pnode')] : [];
      target = nodes[Math.min(i, nodes.length - 1)];
    }
    target?.focus();
  }

  await load();
  timer = setInterval(load, POLL_MS);
  return () => { closed = true; clearInterval(timer); resize.disconnect(); };
}

/** What a reload changed, one line per kind of change. */
function changeList(c) {
  const rows = [['Started', c.started], ['Restarted', c.restarted], ['Stopped', c.stopped], ['Unchanged', c.unchanged]]
    .filter(([, ids]) => ids?.length)
    .map(([name, ids]) => `<li>${name}: ${ids.map(escapeHTML).join(', ')}</li>`);
  const failed = Object.entries(c.failed || {}).map(([id, why]) => `<li class="error">Failed: ${escapeHTML(id)}: ${escapeHTML(why)}</li>`);
  return rows.length || failed.length ? `<ul>${rows.join('')}${failed.join('')}</ul>` : '<p class="muted">Nothing changed.</p>';
}

/** The validation problems of a refused reload, whatever list the answer carries them in. */
function problemList(body) {
  const list = body?.errors || body?.data?.errors || body?.problems || body?.data?.problems || [];
  return (Array.isArray(list) ? list : [list]).map((p) => (typeof p === 'string' ? p
    : [p.file, p.key, p.message ?? p.error].filter((x) => x != null && x !== '').join(': ')));
}
