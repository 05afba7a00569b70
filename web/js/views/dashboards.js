// The dashboard list, with import of Grafana dashboard JSON and its report.
import { api } from '../api.js';
import { escapeHTML } from '../format.js';

export async function renderDashboardList(root) {
  const data = await api.dashboards();
  root.innerHTML = `
    <div class="toolbar"><h1>Dashboards</h1></div>
    <ul class="list" aria-label="Dashboards">${data.dashboards.map((d) => `
      <li><a href="${escapeHTML(d.url)}">${escapeHTML(d.title)}</a>
        <span class="tag">${escapeHTML(d.source)}</span>${d.tags.map((t) => `<span class="tag">${escapeHTML(t)}</span>`).join('')}
        ${d.source === 'saved' ? `<button type="button" data-delete="${escapeHTML(d.uid)}" aria-label="Delete ${escapeHTML(d.title)}">Delete</button>` : ''}</li>`).join('')}
    </ul>
    ${data.problems.length ? `<p class="error">Files that could not be loaded:\n${data.problems.map((p) => `${escapeHTML(p.file)}: ${escapeHTML(p.error)}`).join('\n')}</p>` : ''}
    <h2>Import a Grafana dashboard</h2>
    <p class="muted">Paste dashboard JSON as exported from Grafana (Share → Export), or choose a file.</p>
    <input type="file" id="file" accept=".json,application/json" aria-label="Dashboard JSON file">
    <textarea id="json" class="code" rows="8" aria-label="Dashboard JSON"></textarea>
    <div class="toolbar"><button id="import" type="button">Import</button></div>
    <div id="report" aria-live="polite"></div>`;
  const $ = (s) => root.querySelector(s);
  $('#file').onchange = async (e) => { $('#json').value = await e.target.files[0].text(); };
  $('#import').onclick = async () => {
    try {
      const r = await api.importDashboard($('#json').value);
      $('#report').innerHTML = `<div class="report"><p>Imported <a href="${escapeHTML(r.url)}">${escapeHTML(r.title)}</a>: ${r.panels} panels${r.replaced ? ' (replaced the saved copy)' : ''}.</p>
        ${r.unsupported.length ? `<p>Not rendered:</p><ul class="unsupported">${r.unsupported.map((u) => `<li>${escapeHTML(u.title)} (${escapeHTML(u.type)}): ${escapeHTML(u.reason)}</li>`).join('')}</ul>` : '<p>Every panel is supported.</p>'}</div>`;
    } catch (e) {
      $('#report').innerHTML = `<p class="error">Import failed: ${escapeHTML(e.message)}</p>`;
    }
  };
  root.querySelector('.list').onclick = async (e) => {
    const uid = e.target.dataset?.delete;
    if (!uid || !confirm(`Delete the saved dashboard ${uid}?`)) return;
    await api.deleteDashboard(uid);
    renderDashboardList(root);
  };
}
