// The panel editor: a modal dialog with a form over one panel's title, type, queries, unit,
// min/max, thresholds and drawing options, and a live preview of the edited panel.
// Apply hands the edited panel back to the dashboard; Save also writes the dashboard file;
// Cancel (or Escape) discards. The dashboard view decides what Apply, Save, Duplicate and
// Remove do with the model (panelmodel.js).
import { COLOR_NAMES, UNITS, color, escapeHTML, seriesName } from '../format.js';
import { CALCS, PANEL_TYPES, STACKING, THRESHOLD_STYLES, applyDraft, readPanel } from '../panelmodel.js';
import { queryPanel } from '../panelquery.js';
import { renderPanel } from '../panels.js';
import { substitute } from '../time.js';

const PREVIEW_DELAY_MS = 400;
let uniq = 0;

const options = (values, current, label = (v) => v) =>
  [...new Set([...values, current])].filter((v) => v != null).map((v) => `<option value="${escapeHTML(v)}"${v === current ? ' selected' : ''}>${escapeHTML(label(v))}</option>`).join('');
const field = (id, text, control) => `<label for="${id}">${text}</label>${control}`;
const numText = (v) => (v == null ? '' : String(v));
const num = (v) => (v === '' || v == null || Number.isNaN(Number(v)) ? null : Number(v));

/**
 * Opens the editor for `panel`. `ctx` gives the dashboard's `vars` and `range()` for the
 * preview, `isNew` (the panel is not in the dashboard yet) and the actions:
 * `onApply(edited)`, `onSave(edited)` (a promise; a rejection is shown in the editor),
 * `onDuplicate(edited)`, `onRemove()`. Focus returns to `ctx.opener` when the editor closes.
 */
export function openPanelEditor(panel, ctx) {
  const before = readPanel(panel);
  const draft = structuredClone(before);
  const id = `pe${++uniq}`;
  const dialog = document.createElement('dialog');
  dialog.className = 'paneledit';
  dialog.setAttribute('aria-labelledby', `${id}-heading`);
  dialog.innerHTML = `
    <form novalidate>
      <h2 id="${id}-heading">${ctx.isNew ? 'New panel' : 'Edit panel'}</h2>
      <section class="pe-preview panel" aria-label="Preview"><h2></h2><div class="body"></div></section>
      <div class="pe-fields">
        <fieldset><legend>Panel</legend><div class="pe-grid">
          ${field(`${id}-title`, 'Title', `<input id="${id}-title" name="title" value="${escapeHTML(draft.title)}">`)}
          ${field(`${id}-type`, 'Type', `<select id="${id}-type" name="type">${options(PANEL_TYPES, draft.type)}</select>`)}
        </div></fieldset>
        <fieldset><legend>Queries (PromQL)</legend><div class="pe-targets"></div>
          <button type="button" class="pe-add-target">Add query</button></fieldset>
        <fieldset><legend>Standard options</legend><div class="pe-grid">
          ${field(`${id}-unit`, 'Unit', `<select id="${id}-unit" name="unit">${options(UNITS.map(([u]) => u), draft.unit, (u) => UNITS.find(([x]) => x === u)?.[1] || u)}</select>`)}
          ${field(`${id}-decimals`, 'Decimals', `<input id="${id}-decimals" name="decimals" type="number" min="0" max="10" placeholder="auto" value="${numText(draft.decimals)}">`)}
          ${field(`${id}-min`, 'Min', `<input id="${id}-min" name="min" type="number" step="any" placeholder="auto" value="${numText(draft.min)}">`)}
          ${field(`${id}-max`, 'Max', `<input id="${id}-max" name="max" type="number" step="any" placeholder="auto" value="${numText(draft.max)}">`)}
        </div></fieldset>
        <fieldset><legend>Thresholds</legend>
          <div class="pe-grid">${field(`${id}-tmode`, 'Mode', `<select id="${id}-tmode" name="thresholdsMode">${options(['absolute', 'percentage'], draft.thresholdsMode)}</select>`)}</div>
          <div class="pe-steps"></div>
          <button type="button" class="pe-add-step">Add threshold</button>
          <datalist id="${id}-colors">${COLOR_NAMES.map((c) => `<option value="${c}">`).join('')}</datalist></fieldset>
        <fieldset class="pe-for-timeseries"><legend>Graph style</legend><div class="pe-grid">
          ${field(`${id}-stacking`, 'Stack series', `<select id="${id}-stacking" name="stacking">${options(STACKING, draft.stacking)}</select>`)}
          ${field(`${id}-fill`, 'Fill opacity (%)', `<input id="${id}-fill" name="fillOpacity" type="number" min="0" max="100" value="${draft.fillOpacity}">`)}
          ${field(`${id}-lw`, 'Line width', `<input id="${id}-lw" name="lineWidth" type="number" min="0" max="10" value="${draft.lineWidth}">`)}
          ${field(`${id}-tstyle`, 'Show thresholds', `<select id="${id}-tstyle" name="thresholdsStyle">${options(THRESHOLD_STYLES, draft.thresholdsStyle)}</select>`)}
        </div></fieldset>
        <fieldset class="pe-for-value"><legend>Value</legend><div class="pe-grid">
          ${field(`${id}-calc`, 'Calculation', `<select id="${id}-calc" name="calc">${options(CALCS, draft.calc)}</select>`)}
        </div></fieldset>
      </div>
      <div class="toolbar pe-actions">
        <p class="pe-error error" role="alert"></p>
        <button type="button" class="pe-apply">Apply</button>
        <button type="button" class="pe-save">Save</button>
        <button type="button" class="pe-cancel">Cancel</button>
        <span class="spacer"></span>
        ${ctx.isNew ? '' : '<button type="button" class="pe-duplicate">Duplicate</button><button type="button" class="pe-remove">Remove panel</button>'}
        <span class="pe-confirm" role="group" aria-label="Confirm removal" hidden>Remove this panel?
          <button type="button" class="pe-remove-yes">Remove</button><button type="button" class="pe-remove-no">Keep</button></span>
      </div>
    </form>`;
  const $ = (sel) => dialog.querySelector(sel);
  const form = $('form');
  const errorEl = $('.pe-error');
  const preview = { body: $('.pe-preview .body'), title: $('.pe-preview h2'), state: { hidden: new Set(), series: [], loading: true }, seq: 0, timer: 0 };

  function renderTargets() {
    $('.pe-targets').innerHTML = draft.targets.map((t, i) => `
      <div class="pe-target" data-i="${i}">
        ${field(`${id}-expr${i}`, `Query ${i + 1}`, `<textarea id="${id}-expr${i}" class="code pe-expr" rows="2" spellcheck="false">${escapeHTML(t.expr)}</textarea>`)}
        ${field(`${id}-legend${i}`, 'Legend', `<input id="${id}-legend${i}" class="pe-legend" placeholder="{{label}}" value="${escapeHTML(t.legendFormat)}">`)}
        <button type="button" class="pe-remove-target" aria-label="Remove query ${i + 1}">Remove</button>
      </div>`).join('') || '<p class="muted">No queries.</p>';
  }

  function renderSteps() {
    $('.pe-steps').innerHTML = draft.steps.map((s, i) => `
      <div class="pe-step" data-i="${i}">
        <i class="swatch" style="background:${escapeHTML(color(s.color))}"></i>
        <input class="pe-color" list="${id}-colors" aria-label="Threshold ${i + 1} colour" value="${escapeHTML(s.color)}">
        ${i === 0 ? '<span class="muted">Base</span>' : `<input class="pe-value" type="number" step="any" aria-label="Threshold ${i + 1} value" value="${numText(s.value)}">
        <button type="button" class="pe-remove-step" aria-label="Remove threshold ${i + 1}">Remove</button>`}
      </div>`).join('');
  }

  /** Reads the form into `draft`. */
  function readForm() {
    const v = (name) => form.elements[name].value;
    Object.assign(draft, {
      title: v('title'), type: v('type'), unit: v('unit'), decimals: num(v('decimals')), min: num(v('min')), max: num(v('max')),
      thresholdsMode: v('thresholdsMode'), stacking: v('stacking'), fillOpacity: num(v('fillOpacity')) ?? 0,
      lineWidth: num(v('lineWidth')) ?? 1, thresholdsStyle: v('thresholdsStyle'), calc: v('calc'),
    });
    draft.targets = [...dialog.querySelectorAll('.pe-target')].map((el) => ({
      ...draft.targets[Number(el.dataset.i)], expr: el.querySelector('.pe-expr').value, legendFormat: el.querySelector('.pe-legend').value,
    }));
    draft.steps = [...dialog.querySelectorAll('.pe-step')].map((el, i) => ({
      color: el.querySelector('.pe-color').value.trim(), value: i === 0 ? null : num(el.querySelector('.pe-value').value),
    }));
  }

  const edited = () => { readForm(); return applyDraft(panel, before, draft); };

  function showSections() {
    $('.pe-for-timeseries').hidden = !['timeseries', 'graph'].includes(draft.type);
    $('.pe-for-value').hidden = !['stat', 'singlestat', 'gauge', 'bargauge'].includes(draft.type);
  }

  /** Queries and draws the edited panel; a query error is shown in the editor. */
  async function refreshPreview() {
    const p = edited();
    const seq = ++preview.seq;
    preview.title.textContent = substitute(p.title || '', ctx.vars);
    const result = await queryPanel(p, ctx.range(), ctx.vars, preview.body.clientWidth);
    if (seq !== preview.seq || !dialog.open) return;
    result.series.forEach((s) => { s.name = seriesName(s.metric, s.legendFormat); });
    Object.assign(preview.state, result);
    preview.body.innerHTML = '';
    renderPanel(preview.body, p, preview.state);
    showError(result.error ? `Query error: ${result.error}` : '');
    window.petrel.panelEditor = { previewed: seq, queries: result.queries, series: result.series.length, error: result.error };
  }

  function schedulePreview() {
    clearTimeout(preview.timer);
    preview.timer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  }

  function showError(text) { errorEl.textContent = text; }

  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('input', (e) => {
    if (e.target.classList.contains('pe-color')) e.target.previousElementSibling.style.background = color(e.target.value.trim());
    if (e.target.name === 'title') preview.title.textContent = substitute(e.target.value, ctx.vars);
    schedulePreview();
  });
  form.addEventListener('change', () => { readForm(); showSections(); schedulePreview(); });
  form.addEventListener('click', async (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    const row = (sel) => Number(b.closest(sel).dataset.i);
    if (b.matches('.pe-add-target, .pe-remove-target')) {
      readForm();
      if (b.matches('.pe-add-target')) draft.targets.push({ source: null, expr: '', legendFormat: '' });
      else draft.targets.splice(row('.pe-target'), 1);
      renderTargets();
      const exprs = dialog.querySelectorAll('.pe-expr');
      (b.matches('.pe-add-target') ? exprs[exprs.length - 1] : $('.pe-add-target'))?.focus();
      schedulePreview();
    } else if (b.matches('.pe-add-step, .pe-remove-step')) {
      readForm();
      if (b.matches('.pe-add-step')) {
        const last = draft.steps[draft.steps.length - 1];
        draft.steps.push({ color: 'red', value: (last?.value ?? 0) + 10 });
      } else draft.steps.splice(row('.pe-step'), 1);
      renderSteps();
      (b.matches('.pe-add-step') ? [...dialog.querySelectorAll('.pe-value')].pop() : $('.pe-add-step'))?.focus();
      schedulePreview();
    } else if (b.matches('.pe-apply')) {
      ctx.onApply(edited());
      close();
    } else if (b.matches('.pe-save')) {
      showError('');
      b.disabled = true;
      try {
        await ctx.onSave(edited());
        close();
      } catch (err) {
        showError(`Not saved: ${err.message}`);
      } finally { b.disabled = false; }
    } else if (b.matches('.pe-cancel')) {
      close();
    } else if (b.matches('.pe-duplicate')) {
      ctx.onDuplicate(edited());
      close();
    } else if (b.matches('.pe-remove')) {
      $('.pe-confirm').hidden = false;
      $('.pe-remove-no').focus();
    } else if (b.matches('.pe-remove-no')) {
      $('.pe-confirm').hidden = true;
      $('.pe-remove').focus();
    } else if (b.matches('.pe-remove-yes')) {
      ctx.onRemove();
      close();
    }
  });

  function close() {
    clearTimeout(preview.timer);
    if (dialog.open) dialog.close();
  }
  dialog.addEventListener('close', () => {
    dialog.remove();
    window.petrel.panelEditor = null;
    ctx.opener?.focus();
  });

  renderTargets();
  renderSteps();
  showSections();
  document.body.appendChild(dialog);
  dialog.showModal();
  const title = form.elements.title;
  title.focus();
  title.setSelectionRange(title.value.length, title.value.length);
  refreshPreview();
  return dialog;
}
