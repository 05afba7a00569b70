// Time ranges (relative `now-6h` and absolute), query steps and template variables.

const UNIT_MS = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3, M: 30 * 86400e3, y: 365 * 86400e3 };

/** Milliseconds for `now`, `now-6h`, an ISO date or epoch milliseconds; null when unreadable. */
export function parseTime(text, now = Date.now()) {
  const t = String(text ?? '').trim();
  if (t === 'now') return now;
  const rel = /^now-(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)$/.exec(t);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  if (/^\d{12,}$/.test(t)) return Number(t);
  const abs = Date.parse(t);
  return Number.isNaN(abs) ? null : abs;
}

/** Milliseconds in a Prometheus duration such as `5m` or `1h30m`; null when unreadable. */
export function parseDuration(text) {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  let total = 0, used = 0, m;
  while ((m = re.exec(text))) { total += Number(m[1]) * UNIT_MS[m[2]]; used += m[0].length; }
  return used === String(text).length && used > 0 ? total : null;
}

/** A Prometheus duration for `ms` (`90s`, `5m`, `250ms`). */
export function formatDuration(ms) {
  ms = Math.max(1, Math.round(ms));
  for (const [u, f] of [['d', 86400e3], ['h', 3600e3], ['m', 60e3], ['s', 1e3]]) if (ms % f === 0) return `${ms / f}${u}`;
  return `${ms}ms`;
}

export const QUICK_RANGES = [
  ['now-5m', 'Last 5 minutes'], ['now-15m', 'Last 15 minutes'], ['now-30m', 'Last 30 minutes'], ['now-1h', 'Last 1 hour'], ['now-6h', 'Last 6 hours'],
  ['now-24h', 'Last 24 hours'], ['now-7d', 'Last 7 days'],
];

/** The query step: no more points than pixels, never finer than the scrape interval. */
export function stepFor(startMs, endMs, widthPx, minStepMs = 1000) {
  const raw = Math.ceil((endMs - startMs) / Math.max(1, widthPx));
  return Math.max(minStepMs, Math.ceil(raw / 1000) * 1000);
}

function regexEscape(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** The text a variable stands for in a query: one value, or `(a|b)` for several. */
export function variableText(v) {
  const values = Array.isArray(v.current) ? v.current : [v.current];
  if (values.includes('$__all')) {
    if (v.allValue) return v.allValue;
    return `(${v.options.filter((o) => o !== '$__all').map(regexEscape).join('|')})`;
  }
  if (values.length > 1) return `(${values.map(regexEscape).join('|')})`;
  return values[0] ?? '';
}

/**
 * Replaces `$var`, `${var}`, `${var:format}` and `[[var]]`, plus `$__interval`, `$__rate_interval`,
 * `$__range` and friends, in `text`.
 */
export function substitute(text, vars, { stepMs = 15e3, rangeMs = 3600e3, scrapeMs = 15e3 } = {}) {
  const builtins = {
    __interval: formatDuration(stepMs), __interval_ms: String(stepMs),
    __rate_interval: formatDuration(Math.max(stepMs + scrapeMs, 4 * scrapeMs)),
    __range: formatDuration(rangeMs), __range_s: String(Math.round(rangeMs / 1000)), __range_ms: String(rangeMs),
  };
  const lookup = (name) => {
    if (name in builtins) return builtins[name];
    const v = vars.find((x) => x.name === name);
    return v ? variableText(v) : null;
  };
  return String(text ?? '').replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (all, a, b, c) => {
    const r = lookup(a || b || c);
    return r == null ? all : r;
  });
}
