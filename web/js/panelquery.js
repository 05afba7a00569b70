// Running a panel's PromQL targets over a time range: used by the dashboard grid and the
// panel editor's preview, so both ask the server the same way.
import { api } from './api.js';
import { panelKind, toSeries } from './panels.js';
import { parseDuration, stepFor, substitute } from './time.js';

/** The targets that are queried: those with an expression that are not hidden. */
export const activeTargets = (panel) => (panel.targets || []).filter((t) => t.expr && !t.hide);

/**
 * Queries every active target of `panel` over `{start, end}` (ms) with a step that fits
 * `widthPx`, after `$var` substitution. Resolves to the fields a panel state keeps:
 * `{series, queries, start, end, stepMs, error, loading}`; a failed query becomes `error`.
 */
export async function queryPanel(panel, { start, end }, vars, widthPx) {
  const targets = activeTargets(panel);
  if (!panelKind(panel) || panel.type === 'text' || !targets.length) {
    return { series: [], queries: [], start, end, stepMs: 0, error: null, loading: false };
  }
  const width = Math.max(50, (widthPx || 600) - 70);
  const minStep = parseDuration(String(panel.interval || '').replace(/^>/, '')) || 1000;
  const stepMs = stepFor(start, end, width, minStep);
  const queries = targets.map((t) => substitute(t.expr, vars, { stepMs, rangeMs: end - start }));
  try {
    const results = await Promise.all(queries.map((q) => api.queryRange(q, start, end, stepMs).then((data) => ({ data }))));
    return { series: toSeries(results, targets), queries, start, end, stepMs, error: null, loading: false };
  } catch (e) {
    return { series: [], queries, start, end, stepMs, error: e.message, loading: false };
  }
}
