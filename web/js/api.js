// Thin wrappers over Petrel's HTTP APIs. Every call resolves to data or throws an Error whose
// message is the server's.

async function call(url, init) {
  const res = await fetch(url, init);
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok || body?.status === 'error') {
    const err = new Error(body?.error || `${res.status} ${res.statusText}`);
    err.status = res.status;
    err.type = body?.errorType;
    err.body = body;
    throw err;
  }
  return body?.data ?? body;
}

const qs = (params) => new URLSearchParams(params).toString();

export const api = {
  queryRange: (query, start, end, step) => call(`/api/v1/query_range?${qs({ query, start: start / 1000, end: end / 1000, step: step / 1000 })}`),
  query: (query, time) => call(`/api/v1/query?${qs(time ? { query, time: time / 1000 } : { query })}`),
  labels: (match) => call(`/api/v1/labels${match ? '?' + qs({ 'match[]': match }) : ''}`),
  labelValues: (name, match) => call(`/api/v1/label/${encodeURIComponent(name)}/values${match ? '?' + qs({ 'match[]': match }) : ''}`),
  dashboards: () => call('/api/v1/dashboards'),
  dashboard: (uid) => call(`/api/v1/dashboards/${encodeURIComponent(uid)}`),
  saveDashboard: (uid, model) => call(`/api/v1/dashboards/${encodeURIComponent(uid)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(model) }),
  deleteDashboard: (uid) => call(`/api/v1/dashboards/${encodeURIComponent(uid)}`, { method: 'DELETE' }),
  importDashboard: (text) => call('/api/v1/dashboards/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text }),
  pipeline: () => call('/api/v1/pipeline'),
  reloadPipeline: () => call('/api/v1/pipeline/reload', { method: 'POST' }),
  get: (url) => call(url),
};
