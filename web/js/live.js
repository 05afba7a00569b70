// Live mode: one server-sent event stream per dashboard that re-evaluates its queries
// every 250 ms on the server (GET /api/v1/live).

export class LiveFeed {
  /** Opens the stream; `onUpdate(timeMs, results)` gets one result per query, in order. */
  constructor(queries, onUpdate) {
    const p = new URLSearchParams();
    for (const q of queries.slice(0, 32)) p.append('query', q);
    p.set('interval', '250ms');
    this.source = new EventSource(`/api/v1/live?${p}`);
    this.source.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      window.petrel.lastLiveEvent = msg;
      onUpdate(msg.t, msg.results);
    };
  }

  close() { this.source.close(); }
}
