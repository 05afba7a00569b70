// The pipeline graph. The pipeline and its admin API are not part of Petrel yet; this view
// says so plainly instead of failing.
export async function renderPipeline(root) {
  root.innerHTML = `<div class="toolbar"><h1>Pipeline</h1></div>
    <p role="status">The pipeline API is not available yet. When Petrel's pipeline (sources, transforms, sinks)
    lands, this page shows its graph with live events/s, errors and lag per component.</p>
    <p class="muted">Meanwhile the <a href="/dashboards/petrel">Petrel dashboard</a> shows ingest rates, topic throughput and consumer lag.</p>`;
}
