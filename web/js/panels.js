// Panel renderers for the Grafana panel types Petrel supports: time series
// (also `graph`), stat (also `singlestat`), gauge, bar gauge, table, heatmap, text.
import { drawTimeSeries, nearestIndex, sizeCanvas, stackSeries } from './chart.js';
import { PALETTE, escapeHTML, formatTime, formatValue, thresholdColor } from './format.js';

const KINDS = { timeseries: 'timeseries', graph: 'timeseries', stat: 'stat', singlestat: 'stat', gauge: 'gauge',
  bargauge: 'bargauge', table: 'table', 'table-old': 'table', heatmap: 'heatmap', text: 'text', row: 'row' };

/** The renderer a Grafana panel type maps to, or null when unsupported. */
export function panelKind(panel) { return KINDS[panel.type] || null; }

function themeColors() {
  const css = getComputedStyle(document.documentElement);
  return { muted: css.getPropertyValue('--muted').trim(), grid: css.getPropertyValue('--grid').trim(), fg: css.getPropertyValue('--fg').trim() };
}

/** Display options from the panel's `fieldConfig` (new model) or older top-level fields. */
export function panelOptions(panel) {
  const d = panel.fieldConfig?.defaults || {};
  const custom = d.custom || {};
  const yaxis = panel.yaxes?.[0] || {};
  const stacking = custom.stacking?.mode;
  return {
    unit: d.unit || yaxis.format || panel.format || 'short',
    decimals: d.decimals ?? panel.decimals ?? undefined,
    min: d.min ?? (yaxis.min != null ? Number(yaxis.min) : undefined),
    max: d.max ?? (yaxis.max != null ? Number(yaxis.max) : undefined),
    thresholds: d.thresholds || (panel.thresholds && typeof panel.thresholds === 'string'
      ? { mode: 'absolute', steps: [{ color: 'green', value: null }, ...panel.thresholds.split(',').map((v, i) => ({ color: ['orange', 'red'][i] || 'red', value: Number(v) }))] }
      : undefined),
    thresholdStyle: custom.thresholdsStyle?.mode || 'off',
    stack: (stacking && stacking !== 'none') || panel.stack === true,
    percent: stacking === 'percent' || panel.percentage === true,
    fill: custom.fillOpacity != null ? custom.fillOpacity / 100 : panel.fill ? panel.fill / 10 : 0,
    lineWidth: custom.lineWidth ?? panel.linewidth ?? 1,
    calc: panel.options?.reduceOptions?.calcs?.[0] || panel.valueName || 'lastNotNull',
  };
}

/** Prometheus matrix results of every target, as drawable series with colours. */
export function toSeries(results, targets = []) {
  const out = [];
  results.forEach((r, ti) => {
    for (const s of r?.data?.result || []) {
      const n = s.values?.length || (s.value ? 1 : 0);
      const ts = new Float64Array(n), vs = new Float64Array(n);
      const pts = s.values || (s.value ? [s.value] : []);
      for (let i = 0; i < n; i++) { ts[i] = pts[i][0] * 1000; vs[i] = parseFloat(pts[i][1]); }
      out.push({ metric: s.metric, target: ti, legendFormat: targets[ti]?.legendFormat, ts, vs });
    }
  });
  out.forEach((s, i) => { s.color = PALETTE[i % PALETTE.length]; });
  return out;
}

function reduce(s, calc) {
  const vals = Array.from(s.vs).filter((v) => !Number.isNaN(v));
  if (!vals.length) return NaN;
  switch (calc) {
    case 'mean': case 'avg': return vals.reduce((a, b) => a + b, 0) / vals.length;
    case 'max': return Math.max(...vals);
    case 'min': return Math.min(...vals);
    case 'sum': case 'total': return vals.reduce((a, b) => a + b, 0);
    case 'first': case 'firstNotNull': return vals[0];
    case 'count': return vals.length;
    default: return vals[vals.length - 1];
  }
}

function message(body, cls, text) {
  body.innerHTML = `<div class="${cls}">${escapeHTML(text)}</div>`;
}

/**
 * Draws `panel` into its body element from `state` ({series, start, end, stepMs, error}).
 * `hooks.onZoom(start, end)` is called after a drag on a time series.
 */
export function renderPanel(body, panel, state, hooks = {}) {
  const kind = panelKind(panel);
  if (!kind) return message(body, 'unsupported', `Unsupported panel type "${panel.type}"`);
  if (kind === 'text') {
    body.innerHTML = `<div class="scroll" style="padding:8px;white-space:pre-wrap">${escapeHTML(panel.options?.content ?? panel.content ?? '')}</div>`;
    return;
  }
  if (state.error) return message(body, 'nodata error', state.error);
  const series = (state.series || []).filter((s) => !state.hidden?.has(s.name));
  if (!series.length || series.every((s) => !s.ts.length)) return message(body, 'nodata', state.loading ? 'Loading…' : 'No data');
  const opts = panelOptions(panel);
  ({ timeseries: drawTimeSeriesPanel, stat: drawStat, gauge: drawGauge, bargauge: drawBarGauge, table: drawTable, heatmap: drawHeatmap })[kind](body, panel, state, series, opts, hooks);
}

function canvasIn(body, cls = 'main') {
  let c = body.querySelector(`canvas.${cls}`);
  if (!c) {
    body.querySelector('.nodata, .unsupported, .scroll')?.remove();
    c = document.createElement('canvas');
    c.className = cls;
    body.appendChild(c);
  }
  return c;
}

function drawTimeSeriesPanel(body, panel, state, series, opts, hooks) {
  const canvas = canvasIn(body);
  const w = body.clientWidth, h = body.clientHeight;
  const ctx = sizeCanvas(canvas, w, h);
  const drawn = opts.stack ? stackSeries(series, opts.percent) : series;
  const t0 = performance.now();
  const geo = drawTimeSeries(ctx, w, h, drawn, { ...opts, start: state.start, end: state.end, stepMs: state.stepMs, theme: themeColors() });
  state.drawMs = performance.now() - t0;
  const overlay = canvasIn(body, 'overlay');
  const octx = sizeCanvas(overlay, w, h);
  let tip = body.querySelector('.tooltip');
  if (!tip) { tip = document.createElement('div'); tip.className = 'tooltip'; tip.hidden = true; body.appendChild(tip); }
  let dragFrom = null;
  overlay.onpointerdown = (e) => { dragFrom = e.offsetX; overlay.setPointerCapture(e.pointerId); };
  overlay.onpointerleave = () => { octx.clearRect(0, 0, w, h); tip.hidden = true; };
  // The crosshair at x (CSS px): a line, a dot per series and their values in a tooltip.
  const showAt = (x) => {
    octx.clearRect(0, 0, w, h);
    if (x < geo.plot.left || x > geo.plot.left + geo.plot.width) { tip.hidden = true; return; }
    octx.strokeStyle = themeColors().muted;
    if (dragFrom != null) {
      octx.fillStyle = 'rgba(120,140,200,0.2)';
      octx.fillRect(Math.min(dragFrom, x), geo.plot.top, Math.abs(x - dragFrom), geo.plot.height);
    }
    octx.beginPath(); octx.moveTo(x + 0.5, geo.plot.top); octx.lineTo(x + 0.5, geo.plot.top + geo.plot.height); octx.stroke();
    const t = geo.tOf(x);
    const rows = drawn.slice(0, 12).map((s) => {
      const i = nearestIndex(s.ts, t);
      if (i < 0) return '';
      octx.fillStyle = s.color;
      octx.beginPath(); octx.arc(geo.xOf(s.ts[i]), geo.yOf(s.vs[i]), 3, 0, 7); octx.fill();
      const raw = opts.stack ? series[drawn.indexOf(s)].vs[i] : s.vs[i];
      return `<div><i style="display:inline-block;width:8px;height:8px;background:${s.color}"></i> ${escapeHTML(s.name)}: <b>${escapeHTML(formatValue(raw, opts.unit, opts.decimals))}</b></div>`;
    }).join('');
    tip.innerHTML = `<div>${escapeHTML(formatTime(t, 0))}</div>${rows}`;
    tip.hidden = false;
    tip.style.left = `${Math.min(x + 12, Math.max(0, w - tip.offsetWidth - 4))}px`;
    tip.style.top = '4px';
  };
  overlay.onpointermove = (e) => showAt(e.offsetX);
  // Keyboard: focus the chart, move the crosshair with the arrow keys, Escape hides it.
  let keyX = null;
  overlay.tabIndex = 0;
  overlay.setAttribute('role', 'img');
  overlay.setAttribute('aria-label', `${panel.title || 'Time series'}: ${series.length} series. Arrow keys move the crosshair.`);
  overlay.onkeydown = (e) => {
    const stepPx = geo.plot.width / 50;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      keyX = keyX ?? geo.plot.left + geo.plot.width;
      keyX = Math.max(geo.plot.left, Math.min(geo.plot.left + geo.plot.width, keyX + (e.key === 'ArrowLeft' ? -stepPx : stepPx)));
      showAt(keyX);
    } else if (e.key === 'Escape') { keyX = null; octx.clearRect(0, 0, w, h); tip.hidden = true; }
  };
  overlay.onblur = () => { keyX = null; octx.clearRect(0, 0, w, h); tip.hidden = true; };
  overlay.onpointerup = (e) => {
    if (dragFrom != null && Math.abs(e.offsetX - dragFrom) > 5 && hooks.onZoom) {
      const a = geo.tOf(Math.min(dragFrom, e.offsetX)), b = geo.tOf(Math.max(dragFrom, e.offsetX));
      dragFrom = null;
      hooks.onZoom(Math.round(a), Math.round(b));
      return;
    }
    dragFrom = null;
  };
}

function statText(body, text, colorCss, size) {
  let el = body.querySelector('.stat');
  if (!el) { el = document.createElement('div'); el.className = 'stat'; body.appendChild(el); }
  el.textContent = text;
  el.style.color = colorCss;
  el.style.fontSize = `${size}px`;
}

function drawStat(body, panel, state, series, opts) {
  const s = series[0];
  const v = reduce(s, opts.calc);
  const c = thresholdColor(v, opts.thresholds, opts.min ?? 0, opts.max ?? 100);
  const canvas = canvasIn(body);
  const w = body.clientWidth, h = body.clientHeight;
  const ctx = sizeCanvas(canvas, w, h);
  ctx.clearRect(0, 0, w, h);
  if ((panel.options?.graphMode ?? 'area') !== 'none' && s.ts.length > 1) {
    let lo = Infinity, hi = -Infinity;
    for (const x of s.vs) if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    ctx.beginPath();
    for (let i = 0; i < s.ts.length; i++) {
      const x = ((s.ts[i] - state.start) / (state.end - state.start)) * w;
      const y = h - 4 - ((s.vs[i] - lo) / ((hi - lo) || 1)) * (h * 0.4);
      if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    }
    ctx.strokeStyle = c; ctx.globalAlpha = 0.5; ctx.stroke(); ctx.globalAlpha = 1;
  }
  statText(body, formatValue(v, opts.unit, opts.decimals), c, Math.max(14, Math.min(h * 0.4, w / 6)));
}

function drawGauge(body, panel, state, series, opts) {
  const v = reduce(series[0], opts.calc);
  const min = opts.min ?? 0, max = opts.max ?? 100;
  const canvas = canvasIn(body);
  const w = body.clientWidth, h = body.clientHeight;
  const ctx = sizeCanvas(canvas, w, h);
  ctx.clearRect(0, 0, w, h);
  const r = Math.max(10, Math.min(w / 2, h * 0.85) - 10), cx = w / 2, cy = h * 0.5 + r * 0.45;
  const a0 = Math.PI * 0.8, a1 = Math.PI * 2.2;
  const frac = Math.max(0, Math.min(1, (v - min) / ((max - min) || 1)));
  ctx.lineWidth = Math.max(6, r * 0.18);
  ctx.strokeStyle = themeColors().grid;
  ctx.beginPath(); ctx.arc(cx, cy, r, a0, a1); ctx.stroke();
  ctx.strokeStyle = thresholdColor(v, opts.thresholds, min, max);
  ctx.beginPath(); ctx.arc(cx, cy, r, a0, a0 + (a1 - a0) * frac); ctx.stroke();
  statText(body, formatValue(v, opts.unit, opts.decimals), thresholdColor(v, opts.thresholds, min, max), Math.max(12, r * 0.35));
}

function drawBarGauge(body, panel, state, series, opts) {
  const min = opts.min ?? 0;
  const values = series.map((s) => reduce(s, opts.calc));
  const max = opts.max ?? Math.max(...values.filter(Number.isFinite), 1);
  const canvas = canvasIn(body);
  const w = body.clientWidth, h = body.clientHeight;
  const ctx = sizeCanvas(canvas, w, h);
  ctx.clearRect(0, 0, w, h);
  const rowH = Math.max(12, Math.min(40, (h - 8) / series.length));
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  series.forEach((s, i) => {
    const y = 4 + i * rowH;
    if (y + rowH > h + 1) return;
    const frac = Math.max(0, Math.min(1, (values[i] - min) / ((max - min) || 1)));
    const labelW = Math.min(160, w * 0.35), valueW = 70, barW = Math.max(1, w - labelW - valueW - 12);
    ctx.fillStyle = themeColors().fg; ctx.textAlign = 'left';
    ctx.fillText(s.name.slice(0, 28), 4, y + rowH / 2);
    ctx.fillStyle = themeColors().grid; ctx.fillRect(labelW, y + 2, barW, rowH - 4);
    ctx.fillStyle = thresholdColor(values[i], opts.thresholds, min, max); ctx.fillRect(labelW, y + 2, barW * frac, rowH - 4);
    ctx.fillStyle = themeColors().fg; ctx.textAlign = 'right';
    ctx.fillText(formatValue(values[i], opts.unit, opts.decimals), w - 4, y + rowH / 2);
  });
}

function drawTable(body, panel, state, series, opts) {
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].sort();
  const rows = series.map((s) => `<tr>${keys.map((k) => `<td>${escapeHTML(s.metric[k] ?? '')}</td>`).join('')}<td style="color:${thresholdColor(reduce(s, 'last'), opts.thresholds)}">${escapeHTML(formatValue(reduce(s, 'last'), opts.unit, opts.decimals))}</td></tr>`).join('');
  body.innerHTML = `<div class="scroll"><table class="data"><thead><tr>${keys.map((k) => `<th scope="col">${escapeHTML(k)}</th>`).join('')}<th scope="col">Value</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Prometheus histogram buckets (`le`), de-accumulated, as colour cells per time column. */
function drawHeatmap(body, panel, state, series, opts) {
  const byLe = series.filter((s) => s.metric.le != null).sort((a, b) => parseFloat(a.metric.le) - parseFloat(b.metric.le));
  const rows = byLe.length ? byLe : series;
  const canvas = canvasIn(body);
  const w = body.clientWidth, h = body.clientHeight;
  const ctx = sizeCanvas(canvas, w, h);
  ctx.clearRect(0, 0, w, h);
  const left = 56, bottom = 18, plotW = w - left - 4, plotH = h - bottom - 4;
  const ts = rows[0].ts;
  const cells = rows.map((s, r) => Float64Array.from(s.vs, (v, i) => (byLe.length && r > 0 ? v - (rows[r - 1].vs[i] || 0) : v)));
  let hi = 0;
  for (const row of cells) for (const v of row) if (v > hi) hi = v;
  const cw = plotW / Math.max(1, ts.length), ch = plotH / rows.length;
  for (let r = 0; r < rows.length; r++) for (let i = 0; i < ts.length; i++) {
    const v = cells[r][i];
    if (!(v > 0)) continue;
    ctx.fillStyle = `hsl(${30 + 200 * (1 - v / (hi || 1))}, 80%, 50%)`;
    ctx.fillRect(left + i * cw, 4 + plotH - (r + 1) * ch, Math.ceil(cw), Math.ceil(ch));
  }
  ctx.fillStyle = themeColors().muted;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  const every = Math.ceil(rows.length / Math.max(1, plotH / 14));
  rows.forEach((s, r) => { if (r % every === 0) ctx.fillText(byLe.length ? formatValue(parseFloat(s.metric.le), opts.unit) : s.name.slice(0, 8), left - 4, 4 + plotH - (r + 0.5) * ch); });
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const t of [state.start, (state.start + state.end) / 2, state.end]) ctx.fillText(formatTime(t, state.end - state.start), left + ((t - state.start) / (state.end - state.start)) * plotW, h - bottom + 3);
}
