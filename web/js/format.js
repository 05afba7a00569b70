// Value formatting for Grafana unit ids, threshold colours and time labels.

const SI = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
const SHORT = [[1e12, ' Tri'], [1e9, ' Bil'], [1e6, ' Mil'], [1e3, 'K']];
const IEC = [[2 ** 50, ' PiB'], [2 ** 40, ' TiB'], [2 ** 30, ' GiB'], [2 ** 20, ' MiB'], [2 ** 10, ' KiB']];

function fixed(v, decimals) {
  if (decimals != null) return v.toFixed(decimals);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  if (a >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(2).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function scaled(v, table, base, decimals) {
  const a = Math.abs(v);
  for (const [f, s] of table) if (a >= f) return fixed(v / f, decimals) + s;
  return fixed(v, decimals) + base;
}

function duration(seconds, decimals) {
  const a = Math.abs(seconds);
  if (a === 0) return '0 s';
  if (a < 1e-6) return fixed(seconds * 1e9, decimals) + ' ns';
  if (a < 1e-3) return fixed(seconds * 1e6, decimals) + ' µs';
  if (a < 1) return fixed(seconds * 1e3, decimals) + ' ms';
  if (a < 60) return fixed(seconds, decimals) + ' s';
  if (a < 3600) return fixed(seconds / 60, decimals) + ' min';
  if (a < 86400) return fixed(seconds / 3600, decimals) + ' hour';
  return fixed(seconds / 86400, decimals) + ' day';
}

/** The Grafana unit ids `formatValue` knows, with a label each (for the panel editor). */
export const UNITS = [['short', 'Short (K, Mil, Bil)'], ['none', 'None'], ['percent', 'Percent (0-100)'], ['percentunit', 'Percent (0.0-1.0)'],
  ['bytes', 'Bytes (IEC)'], ['decbytes', 'Bytes (SI)'], ['kbytes', 'Kibibytes'], ['mbytes', 'Mebibytes'], ['bits', 'Bits (IEC)'],
  ['decbits', 'Bits (SI)'], ['bps', 'Bits/s'], ['Bps', 'Bytes/s'], ['binBps', 'Bytes/s (IEC)'], ['s', 'Seconds'], ['ms', 'Milliseconds'],
  ['µs', 'Microseconds'], ['ns', 'Nanoseconds'], ['dtdurations', 'Duration'], ['reqps', 'Requests/s'], ['rps', 'Reads/s'],
  ['wps', 'Writes/s'], ['iops', 'I/O ops/s'], ['ops', 'Operations/s'], ['hertz', 'Hertz'], ['celsius', 'Celsius (°C)']];

/** Formats `v` in the Grafana unit `unit` (e.g. bytes, percent, s, reqps). */
export function formatValue(v, unit = 'short', decimals) {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'none': return fixed(v, decimals);
    case 'percent': return fixed(v, decimals) + '%';
    case 'percentunit': return fixed(v * 100, decimals) + '%';
    case 'bytes': return scaled(v, IEC, ' B', decimals);
    case 'kbytes': return scaled(v * 1024, IEC, ' B', decimals);
    case 'mbytes': return scaled(v * 2 ** 20, IEC, ' B', decimals);
    case 'decbytes': return scaled(v, SI.map(([f, s]) => [f, ' ' + s.toUpperCase() + 'B']), ' B', decimals);
    case 'bits': return scaled(v, IEC.map(([f, s]) => [f, s.replace('B', 'b')]), ' b', decimals);
    case 'decbits': return scaled(v, SI.map(([f, s]) => [f, ' ' + s + 'b']), ' b', decimals);
    case 'bps': return scaled(v, SI.map(([f, s]) => [f, ' ' + s + 'b/s']), ' b/s', decimals);
    case 'Bps': return scaled(v, SI.map(([f, s]) => [f, ' ' + s + 'B/s']), ' B/s', decimals);
    case 'binBps': return scaled(v, IEC.map(([f, s]) => [f, s + '/s']), ' B/s', decimals);
    case 's': case 'dtdurations': return duration(v, decimals);
    case 'ms': return duration(v / 1e3, decimals);
    case 'µs': case 'us': return duration(v / 1e6, decimals);
    case 'ns': return duration(v / 1e9, decimals);
    case 'reqps': return scaled(v, SI, ' req/s', decimals);
    case 'rps': return scaled(v, SI, ' rd/s', decimals);
    case 'wps': return scaled(v, SI, ' wr/s', decimals);
    case 'iops': return scaled(v, SI, ' io/s', decimals);
    case 'ops': return scaled(v, SI, ' ops/s', decimals);
    case 'hertz': return scaled(v, SI, ' Hz', decimals);
    case 'celsius': return fixed(v, decimals) + ' °C';
    default:
      if (unit && unit.startsWith('suffix:')) return fixed(v, decimals) + unit.slice(7);
      return scaled(v, SHORT, '', decimals);
  }
}

const NAMED = {
  green: '#73bf69', red: '#f2495c', yellow: '#fade2a', orange: '#ff9830', blue: '#5794f2', purple: '#b877d9',
  'dark-green': '#37872d', 'dark-red': '#c4162a', 'dark-yellow': '#e0b400', 'dark-orange': '#fa6400', 'dark-blue': '#1f60c4',
  'semi-dark-green': '#56a64b', 'semi-dark-red': '#e02f44', 'semi-dark-yellow': '#f2cc0c', 'semi-dark-orange': '#ff780a',
  'light-green': '#96d98d', 'light-red': '#ff7383', 'light-yellow': '#ffee52', 'light-orange': '#ffb357', 'light-blue': '#8ab8ff',
  text: '#8e95a3', transparent: 'rgba(0,0,0,0)',
};

/** The Grafana colour names `color` knows. */
export const COLOR_NAMES = Object.keys(NAMED);

/** A CSS colour for a Grafana colour name, hex or rgb() string. */
export function color(name) { return NAMED[name] || name || NAMED.green; }

export const PALETTE = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#705da0', '#37872d', '#fade2a', '#447ebc', '#c15c17'];

/** The threshold step colour for `v` (absolute, or percentage of min..max). */
export function thresholdColor(v, thresholds, min = 0, max = 100) {
  const steps = thresholds?.steps || [{ color: 'green', value: null }];
  const x = thresholds?.mode === 'percentage' ? ((v - min) / ((max - min) || 1)) * 100 : v;
  let c = steps[0]?.color;
  for (const s of steps) if (s.value == null || x >= s.value) c = s.color;
  return color(c);
}

/** Threshold steps as absolute values (for lines on time series). */
export function thresholdLevels(thresholds, min, max) {
  return (thresholds?.steps || []).filter((s) => s.value != null).map((s) => ({
    value: thresholds.mode === 'percentage' ? min + (s.value / 100) * (max - min) : s.value, color: color(s.color),
  }));
}

const pad = (n) => String(n).padStart(2, '0');

/** A time label whose detail fits the visible range. */
export function formatTime(ms, rangeMs) {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (rangeMs <= 5 * 60e3) return `${hm}:${pad(d.getSeconds())}`;
  if (rangeMs <= 86400e3) return hm;
  return `${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${hm}`;
}

export function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** `name{a="b"}` for a Prometheus metric object. */
export function seriesName(metric, legendFormat) {
  if (legendFormat && legendFormat !== '__auto') {
    return legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '');
  }
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(', ');
  return labels ? `${name}{${labels}}` : name || '{}';
}
