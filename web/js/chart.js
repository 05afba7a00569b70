// Canvas 2D time-series drawing with min/max decimation per pixel column, so
// 100,000 points cost one pass over the data and a few thousand line segments.
import { formatValue, formatTime, thresholdLevels } from './format.js';

const PAD = { left: 64, right: 10, top: 8, bottom: 22 };

/** Prepares a canvas for CSS size `w`×`h` at the device pixel ratio; returns its 2D context. */
export function sizeCanvas(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

const TIME_STEPS = [1e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3, 604800e3];

/** Stacks series that share timestamps (Prometheus range results do): returns cumulative copies. */
export function stackSeries(series, percent = false) {
  const sums = new Map();
  const out = series.map((s) => {
    const vs = new Float64Array(s.vs.length);
    for (let i = 0; i < s.ts.length; i++) {
      const base = sums.get(s.ts[i]) || 0;
      const v = Number.isNaN(s.vs[i]) ? 0 : s.vs[i];
      vs[i] = base + v;
      sums.set(s.ts[i], base + v);
    }
    return { ...s, vs, base: null };
  });
  if (percent) for (const s of out) for (let i = 0; i < s.ts.length; i++) s.vs[i] = (100 * s.vs[i]) / (sums.get(s.ts[i]) || 1);
  return out;
}

/** The y range over all visible series, widened to include 0 for filled or stacked charts. */
function yRange(series, opts) {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (let i = 0; i < s.vs.length; i++) {
    const v = s.vs[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (opts.fill || opts.stack) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  if (opts.min != null) lo = opts.min;
  if (opts.max != null) hi = opts.max;
  if (hi === lo) { hi += Math.abs(hi) * 0.1 || 1; lo -= Math.abs(lo) * 0.1 || 0; }
  return [lo, hi];
}

/**
 * Draws series `[{ts: Float64Array, vs: Float64Array, color}]` over [start, end] into `ctx`
 * (CSS pixels `w`×`h`). Returns the geometry needed for hover and zoom.
 */
export function drawTimeSeries(ctx, w, h, series, opts) {
  const { start, end, unit, fill = 0, lineWidth = 1, theme = {} } = opts;
  ctx.clearRect(0, 0, w, h);
  const plotW = Math.max(1, w - PAD.left - PAD.right), plotH = Math.max(1, h - PAD.top - PAD.bottom);
  const [lo, hi] = yRange(series, opts);
  const xOf = (t) => PAD.left + ((t - start) / (end - start || 1)) * plotW;
  const yOf = (v) => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH;
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  // Axes and grid.
  ctx.fillStyle = theme.muted || '#667085';
  ctx.strokeStyle = theme.grid || '#e7e9ee';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const ys = niceStep(hi - lo, Math.max(2, Math.floor(plotH / 40)));
  ctx.beginPath();
  for (let v = Math.ceil(lo / ys) * ys; v <= hi + ys * 1e-9; v += ys) {
    const y = Math.round(yOf(v)) + 0.5;
    ctx.moveTo(PAD.left, y); ctx.lineTo(PAD.left + plotW, y);
    ctx.fillText(formatValue(Math.abs(v) < ys * 1e-9 ? 0 : v, unit), PAD.left - 6, y);
  }
  const range = end - start;
  const ts = TIME_STEPS.find((s) => (plotW / (range / s)) >= 80) || 2592000e3;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const tz = new Date().getTimezoneOffset() * 60e3;
  for (let t = Math.ceil((start - tz) / ts) * ts + tz; t <= end; t += ts) {
    const x = Math.round(xOf(t)) + 0.5;
    ctx.moveTo(x, PAD.top); ctx.lineTo(x, PAD.top + plotH);
    ctx.fillText(formatTime(t, range), x, PAD.top + plotH + 5);
  }
  ctx.stroke();
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top, plotW, plotH);
  ctx.clip();
  // Threshold areas and lines.
  if (opts.thresholds && opts.thresholdStyle && opts.thresholdStyle !== 'off') {
    const levels = thresholdLevels(opts.thresholds, lo, hi);
    for (let i = 0; i < levels.length; i++) {
      const y = yOf(levels[i].value);
      if (opts.thresholdStyle.includes('area')) {
        const top = i + 1 < levels.length ? yOf(levels[i + 1].value) : PAD.top;
        ctx.globalAlpha = 0.12; ctx.fillStyle = levels[i].color;
        ctx.fillRect(PAD.left, top, plotW, y - top); ctx.globalAlpha = 1;
      }
      if (opts.thresholdStyle.includes('line') || opts.thresholdStyle === 'dashed') {
        ctx.setLineDash(opts.thresholdStyle.includes('dash') ? [6, 4] : []);
        ctx.strokeStyle = levels[i].color;
        ctx.beginPath(); ctx.moveTo(PAD.left, y); ctx.lineTo(PAD.left + plotW, y); ctx.stroke();
        ctx.setLineDash([]);
      }
    }
  }
  // Series, decimated: per pixel column keep first, min, max and last.
  const baseY = yOf(Math.max(lo, Math.min(0, hi)));
  for (let si = series.length - 1; si >= 0; si--) {
    const s = series[si];
    const n = s.ts.length;
    if (!n) continue;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = lineWidth;
    const path = new Path2D();
    let col = -1, cMin = 0, cMax = 0, cLast = 0, started = false, firstX = 0, lastX = 0;
    const flush = () => {
      if (col < 0) return;
      path.lineTo(col, cMin); path.lineTo(col, cMax); path.lineTo(col, cLast);
    };
    const gap = (opts.stepMs || 0) * 2.5;
    // xOf/yOf inlined: this loop runs once per point.
    const xs = plotW / (end - start || 1), ys = plotH / (hi - lo), top = PAD.top, left = PAD.left;
    let prevT = -Infinity;
    const T = s.ts, V = s.vs;
    for (let i = 0; i < n; i++) {
      const v = V[i];
      if (v !== v) continue;
      const t = T[i];
      const x = Math.round(left + (t - start) * xs), y = top + (hi - v) * ys;
      if (!started || (gap && t - prevT > gap)) {
        flush(); col = -1;
        path.moveTo(x, y); started = true;
        if (firstX === 0) firstX = x;
      }
      prevT = t;
      if (x !== col) { flush(); col = x; cMin = cMax = cLast = y; path.lineTo(x, y); } else {
        if (y < cMin) cMin = y; else if (y > cMax) cMax = y;
        cLast = y;
      }
      lastX = x;
    }
    flush();
    ctx.stroke(path);
    if (fill > 0) {
      const area = new Path2D(path);
      area.lineTo(lastX, baseY); area.lineTo(firstX, baseY); area.closePath();
      ctx.globalAlpha = fill;
      ctx.fillStyle = s.color;
      ctx.fill(area);
      ctx.globalAlpha = 1;
    }
  }
  ctx.restore();
  return { xOf, yOf, plot: { left: PAD.left, top: PAD.top, width: plotW, height: plotH }, tOf: (x) => start + ((x - PAD.left) / plotW) * (end - start) };
}

/** Index of the sample nearest to `t` in sorted `ts` (binary search). */
export function nearestIndex(ts, t) {
  let lo = 0, hi = ts.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (ts[mid] < t) lo = mid + 1; else hi = mid; }
  return lo > 0 && Math.abs(ts[lo - 1] - t) < Math.abs(ts[lo] - t) ? lo - 1 : lo;
}
