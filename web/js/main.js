// The app shell: client-side routes, navigation, theme, and test hooks.
import { renderDashboard } from './views/dashboard.js';
import { renderDashboardList } from './views/dashboards.js';
import { renderExplore } from './views/explore.js';
import { renderBroker } from './views/broker.js';
import { renderPipeline } from './views/pipeline.js';
import { benchTimeSeries } from './bench.js';

window.petrel = { panels: [], benchTimeSeries };
const view = document.getElementById('view');
let cleanup = null;

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('petrel-theme', theme);
}
applyTheme(localStorage.getItem('petrel-theme') || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
document.getElementById('theme').addEventListener('click', () => {
  applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
  route();
});

/** Shows the view for the current URL. */
async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const path = location.pathname;
  const section = path.split('/')[1] || 'dashboards';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  view.innerHTML = '';
  try {
    if (section === 'dashboards' && path.split('/')[2]) cleanup = await renderDashboard(view, decodeURIComponent(path.split('/')[2]));
    else if (section === 'explore') cleanup = await renderExplore(view);
    else if (section === 'broker') cleanup = await renderBroker(view);
    else if (section === 'pipeline') cleanup = await renderPipeline(view);
    else cleanup = await renderDashboardList(view);
  } catch (e) {
    view.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = e.message;
    view.appendChild(p);
  }
}

/** Navigates without reloading the page. */
export function navigate(url) {
  history.pushState(null, '', url);
  route();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (!a || a.target || e.ctrlKey || e.metaKey || e.shiftKey || a.origin !== location.origin || a.pathname.startsWith('/static/') || a.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', route);
route();
