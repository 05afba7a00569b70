// The panel editor's model: a panel's editable settings as a flat draft, and the changes
// written back into a copy of the Grafana panel JSON touching only the keys that were edited,
// so every field the editor does not know survives a save. Also adding, duplicating and
// removing panels in a dashboard model. Pure functions over plain objects.
import { panelOptions } from './panels.js';

/** The panel types the editor offers (those the renderers draw). */
export const PANEL_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap'];
/** `fieldConfig.defaults.custom.stacking.mode` values. */
export const STACKING = ['none', 'normal', 'percent'];
/** `fieldConfig.defaults.custom.thresholdsStyle.mode` values the time series draws. */
export const THRESHOLD_STYLES = ['off', 'line', 'area', 'line+area', 'dashed'];
/** `options.reduceOptions.calcs[0]` values the stat, gauge and bar gauge reduce with. */
export const CALCS = ['lastNotNull', 'last', 'mean', 'max', 'min', 'sum', 'first', 'count'];

const num = (v) => (v == null || v === '' || Number.isNaN(Number(v)) ? null : Number(v));

/** The editable settings of `panel` as a draft the form edits (values as the renderers read them). */
export function readPanel(panel) {
  const o = panelOptions(panel);
  const thresholds = o.thresholds || { mode: 'absolute', steps: [{ color: 'green', value: null }] };
  return {
    title: panel.title || '',
    type: panel.type || 'timeseries',
    targets: (panel.targets || []).map((t, i) => ({ source: i, expr: t.expr || '', legendFormat: t.legendFormat || '' })),
    unit: o.unit,
    decimals: o.decimals ?? null,
    min: o.min ?? null,
    max: o.max ?? null,
    thresholdsMode: thresholds.mode === 'percentage' ? 'percentage' : 'absolute',
    steps: (thresholds.steps || []).map((s) => ({ color: s.color, value: s.value ?? null })),
    stacking: o.percent ? 'percent' : o.stack ? 'normal' : 'none',
    fillOpacity: Math.round(o.fill * 100),
    lineWidth: o.lineWidth,
    thresholdsStyle: o.thresholdStyle,
    calc: o.calc,
  };
}

/** Sets `obj[path…] = value`, creating objects on the way; `null` deletes the key. */
function setIn(obj, path, value) {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (o[k] == null || typeof o[k] !== 'object') o[k] = {};
    o = o[k];
  }
  if (value == null) delete o[path[path.length - 1]]; else o[path[path.length - 1]] = value;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The targets after editing: kept targets are the original objects with `expr`/`legendFormat` updated. */
function editedTargets(original, draft) {
  const used = new Set(original.map((t) => t.refId));
  return draft.map((d) => {
    const t = d.source != null && original[d.source] ? structuredClone(original[d.source]) : { refId: [...REF_IDS].find((r) => !used.has(r)) || `Q${used.size}` };
    used.add(t.refId);
    t.expr = d.expr;
    if (d.legendFormat) t.legendFormat = d.legendFormat; else delete t.legendFormat;
    return t;
  });
}

/**
 * A copy of `panel` with the settings of `draft` that differ from `before` (the draft as
 * read) written into Grafana's keys; everything else is left exactly as it was.
 */
export function applyDraft(panel, before, draft) {
  const p = structuredClone(panel);
  const changed = (k) => !same(before[k], draft[k]);
  const d = ['fieldConfig', 'defaults'];
  if (changed('title')) p.title = draft.title;
  if (changed('type')) p.type = draft.type;
  if (changed('targets')) p.targets = editedTargets(panel.targets || [], draft.targets);
  if (changed('unit')) setIn(p, [...d, 'unit'], draft.unit || null);
  if (changed('decimals')) setIn(p, [...d, 'decimals'], num(draft.decimals));
  if (changed('min')) setIn(p, [...d, 'min'], num(draft.min));
  if (changed('max')) setIn(p, [...d, 'max'], num(draft.max));
  if (changed('thresholdsMode') || changed('steps')) {
    const steps = draft.steps.map((s, i) => ({ color: s.color || 'green', value: i === 0 ? null : num(s.value) }));
    setIn(p, [...d, 'thresholds'], { mode: draft.thresholdsMode, steps });
  }
  if (changed('stacking')) {
    const stacking = p.fieldConfig?.defaults?.custom?.stacking || {};
    setIn(p, [...d, 'custom', 'stacking'], { ...stacking, mode: draft.stacking, group: stacking.group || 'A' });
    // Older graph panels stack with top-level flags, which the renderer also reads.
    if ('stack' in p) p.stack = draft.stacking !== 'none';
    if ('percentage' in p) p.percentage = draft.stacking === 'percent';
  }
  if (changed('fillOpacity')) setIn(p, [...d, 'custom', 'fillOpacity'], num(draft.fillOpacity));
  if (changed('lineWidth')) setIn(p, [...d, 'custom', 'lineWidth'], num(draft.lineWidth));
  if (changed('thresholdsStyle')) setIn(p, [...d, 'custom', 'thresholdsStyle', 'mode'], draft.thresholdsStyle);
  if (changed('calc')) setIn(p, ['options', 'reduceOptions', 'calcs'], [draft.calc]);
  return p;
}

/** The grid row below every panel of `panels`. */
export function bottomOf(panels) {
  return Math.max(0, ...(panels || []).map((p) => (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 8)));
}

/** A panel id not used in `panels`. */
export function nextId(panels) {
  return Math.max(0, ...(panels || []).map((p) => (Number.isFinite(p.id) ? p.id : 0))) + 1;
}

/** A new time series panel for `model`, placed full width below the last panel. */
export function newPanel(model) {
  return {
    id: nextId(model.panels),
    type: 'timeseries',
    title: 'New panel',
    gridPos: { x: 0, y: bottomOf(model.panels), w: 12, h: 8 },
    targets: [{ refId: 'A', expr: '' }],
    fieldConfig: { defaults: {}, overrides: [] },
    options: {},
  };
}

/** A copy of `panel` with a new id, placed below the last panel of `model`. */
export function duplicatePanel(model, panel) {
  const copy = structuredClone(panel);
  copy.id = nextId(model.panels);
  copy.gridPos = { ...(panel.gridPos || { x: 0, w: 12, h: 8 }), y: bottomOf(model.panels) };
  return copy;
}

/** `model` with `panel` replaced by `edited` (or appended when it is not there). */
export function withPanel(model, panel, edited) {
  const panels = (model.panels || []).slice();
  const i = panels.indexOf(panel);
  if (i >= 0) panels[i] = edited; else panels.push(edited);
  return { ...model, panels };
}

/** `model` without `panel`. */
export function withoutPanel(model, panel) {
  return { ...model, panels: (model.panels || []).filter((p) => p !== panel) };
}
