// Template variables in Grafana's model: query (label_values, query_result), custom,
// interval, constant and textbox; values come from the URL (`var-name=`) or `current`.
import { api } from './api.js';
import { escapeHTML } from './format.js';

/** The option values of one variable definition. */
async function options(def) {
  const q = typeof def.query === 'object' ? def.query?.query : def.query;
  switch (def.type) {
    case 'custom': case 'interval':
      return String(q || '').split(',').map((s) => s.trim()).filter(Boolean);
    case 'constant': case 'textbox':
      return [String(q ?? '')];
    case 'query': {
      let m = /^\s*label_values\(\s*([a-zA-Z_][\w]*)\s*\)\s*$/.exec(q || '');
      if (m) return api.labelValues(m[1]);
      m = /^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][\w]*)\s*\)\s*$/.exec(q || '');
      if (m) return api.labelValues(m[2], m[1]);
      m = /^\s*query_result\((.+)\)\s*$/.exec(q || '');
      if (m) {
        const data = await api.query(m[1]);
        return (data.result || []).map((r) => {
          const { __name__: n = '', ...labels } = r.metric;
          return `${n}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}} ${r.value[1]} ${r.value[0] * 1000}`;
        });
      }
      m = /^\s*metrics\((.*)\)\s*$/.exec(q || '');
      if (m) return (await api.labelValues('__name__')).filter((n) => new RegExp(m[1]).test(n));
      throw new Error(`unsupported variable query: ${q}`);
    }
    default: return [];
  }
}

function applyRegex(values, regex) {
  if (!regex) return values;
  const m = /^\/(.*)\/([gimsuy]*)$/.exec(regex);
  const re = new RegExp(m ? m[1] : regex, m ? m[2].replace('g', '') : '');
  const out = [];
  for (const v of values) {
    const r = re.exec(v);
    if (r) out.push(r[1] ?? v);
  }
  return [...new Set(out)];
}

/** Resolves every variable's options and current value. */
export async function loadVariables(defs, params) {
  const vars = [];
  for (const def of defs) {
    if (def.type === 'datasource' || def.type === 'adhoc') continue;
    const v = { name: def.name, label: def.label || def.name, multi: !!def.multi, includeAll: !!def.includeAll, allValue: def.allValue, hide: def.hide, options: [], error: null };
    try { v.options = applyRegex(await options(def), def.regex); } catch (e) { v.error = e.message; }
    if (def.sort === 1 || def.sort === 3) v.options.sort();
    if (v.includeAll) v.options.unshift('$__all');
    const fromURL = params.getAll(`var-${def.name}`);
    const cur = def.current?.value;
    let current = fromURL.length ? fromURL : (cur != null && cur !== '' ? [].concat(cur).map((x) => (x === '$__all' || x === 'All' ? '$__all' : x)) : []);
    current = current.filter((x) => v.options.includes(x) || def.type === 'textbox' || def.type === 'constant');
    if (!current.length) current = v.options.length ? [v.options[0]] : [''];
    v.current = v.multi ? current : current[0];
    vars.push(v);
  }
  return vars;
}

/** The variable pickers; `onChange` runs after a value changes. */
export function renderVariables(el, vars, onChange) {
  el.innerHTML = '';
  for (const v of vars) {
    if (v.hide === 2) continue;
    const label = document.createElement('label');
    label.innerHTML = `<span>${escapeHTML(v.label)}</span>`;
    const select = document.createElement('select');
    select.multiple = v.multi;
    select.setAttribute('aria-label', `Variable ${v.name}`);
    const current = [].concat(v.current);
    for (const o of v.options) {
      const opt = new Option(o === '$__all' ? 'All' : o, o, false, current.includes(o));
      select.add(opt);
    }
    select.onchange = () => {
      const chosen = [...select.selectedOptions].map((o) => o.value);
      v.current = v.multi ? chosen : chosen[0];
      onChange();
    };
    label.appendChild(select);
    if (v.error) label.insertAdjacentHTML('beforeend', `<span class="error">${escapeHTML(v.error)}</span>`);
    el.appendChild(label);
  }
}
