// The time-series draw benchmark the browser test runs (BENCHMARKS.md): draws `n` points
// on a 1200×400 canvas and reports the median of several runs in milliseconds.
import { drawTimeSeries, sizeCanvas } from './chart.js';

export function benchTimeSeries(n = 100000, runs = 7) {
  const canvas = document.createElement('canvas');
  canvas.style.cssText = 'position:fixed;left:0;top:0;width:1200px;height:400px';
  document.body.appendChild(canvas);
  const ctx = sizeCanvas(canvas, 1200, 400);
  const ts = new Float64Array(n), vs = new Float64Array(n);
  const start = Date.now() - n * 1000;
  let v = 0;
  for (let i = 0; i < n; i++) { ts[i] = start + i * 1000; v += Math.sin(i * 0.37) + (Math.random() - 0.5); vs[i] = v; }
  const series = [{ ts, vs, color: '#73bf69', name: 'walk' }];
  const times = [];
  drawTimeSeries(ctx, 1200, 400, series, { start, end: start + n * 1000, unit: 'short' }); // warm-up, not counted
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    drawTimeSeries(ctx, 1200, 400, series, { start, end: start + n * 1000, unit: 'short' });
    ctx.getImageData(0, 0, 1, 1); // wait for the drawing to be done, not just queued
    times.push(performance.now() - t0);
  }
  canvas.remove();
  times.sort((a, b) => a - b);
  return { points: n, medianMs: times[times.length >> 1], minMs: times[0], maxMs: times[times.length - 1] };
}
