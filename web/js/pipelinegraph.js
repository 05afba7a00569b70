// The layout of the pipeline graph: which node goes in which column and in what order.
// Pure functions over the /api/v1/pipeline answer, so the view only draws.

const KIND_ORDER = { source: 0, topic: 1, transform: 2, sink: 3 };
const KIND_TITLE = { source: 'Sources', topic: 'Topics', transform: 'Transforms', sink: 'Sinks' };
/** The lowest column each kind may take, so topics nobody in the graph writes still sit after the sources. */
const MIN_LAYER = { source: 0, topic: 1, transform: 2, sink: 3 };

/**
 * Turns the API's components, topics and edges into columns of nodes and the links between them.
 * Nodes are components (`c:<id>`) and topics (`t:<name>`); a component that writes a topic links
 * to it, and each edge links its topic to the reading component (or the two components directly
 * when the edge names no topic). Columns are layers of a longest-path layering, sinks always last.
 */
export function layoutPipeline(data) {
  const nodes = new Map();
  const links = [];
  const seen = new Set();
  const addLink = (from, to, topic) => {
    const key = `${from}>${to}`;
    if (seen.has(key) || !nodes.has(from) || !nodes.has(to)) return;
    seen.add(key);
    links.push({ from, to, topic });
  };
  const topicNode = (name) => {
    const key = `t:${name}`;
    if (!nodes.has(key)) nodes.set(key, { key, kind: 'topic', id: name, topic: { name } });
    return key;
  };
  for (const t of data.topics || []) nodes.set(`t:${t.name}`, { key: `t:${t.name}`, kind: 'topic', id: t.name, topic: t });
  for (const c of data.components || []) {
    const kind = KIND_ORDER[c.kind] != null && c.kind !== 'topic' ? c.kind : 'transform';
    nodes.set(`c:${c.id}`, { key: `c:${c.id}`, kind, id: c.id, component: c });
  }
  for (const c of data.components || []) {
    if (c.topic && c.kind !== 'sink') addLink(`c:${c.id}`, topicNode(c.topic), c.topic);
  }
  for (const e of data.edges || []) {
    if (e.topic) {
      addLink(topicNode(e.topic), `c:${e.to}`, e.topic);
    } else {
      addLink(`c:${e.from}`, `c:${e.to}`, null);
    }
  }
  // An answer without edges: link each reader to the topic its inputs write.
  if (!data.edges) {
    for (const c of data.components || []) {
      for (const input of c.inputs || []) {
        const topic = nodes.get(`c:${input}`)?.component?.topic;
        if (topic) addLink(`t:${topic}`, `c:${c.id}`, topic);
      }
    }
  }

  const layer = assignLayers(nodes, links);
  const columns = [];
  for (const node of nodes.values()) {
    const l = layer.get(node.key);
    (columns[l] ||= []).push(node);
  }
  const dense = columns.filter(Boolean);
  orderColumns(dense, links);
  return {
    columns: dense.map((list) => ({ title: columnTitle(list), nodes: list })),
    links,
    nodes,
  };
}

/** Longest-path layering from the roots, each kind at least its minimum column, sinks in the last one. */
function assignLayers(nodes, links) {
  const layer = new Map();
  for (const n of nodes.values()) layer.set(n.key, MIN_LAYER[n.kind] ?? 0);
  // Relax at most |nodes| times: enough for any acyclic graph, and a cycle cannot loop forever.
  for (let i = 0; i < nodes.size; i++) {
    let changed = false;
    for (const { from, to } of links) {
      const want = layer.get(from) + 1;
      if (layer.get(to) < want) { layer.set(to, want); changed = true; }
    }
    if (!changed) break;
  }
  let last = 0;
  for (const [key, l] of layer) if (nodes.get(key).kind !== 'sink') last = Math.max(last, l);
  for (const n of nodes.values()) if (n.kind === 'sink') layer.set(n.key, Math.max(last + 1, layer.get(n.key)));
  // Squeeze out columns nobody uses.
  const used = [...new Set(layer.values())].sort((a, b) => a - b);
  for (const [key, l] of layer) layer.set(key, used.indexOf(l));
  return layer;
}

/** First column by id, every later one by the mean position of what feeds it (fewer crossings). */
function orderColumns(columns, links) {
  const position = new Map();
  columns.forEach((list, i) => {
    if (i === 0) {
      list.sort((a, b) => a.id.localeCompare(b.id));
    } else {
      const rank = (n) => {
        const feeds = links.filter((l) => l.to === n.key && position.has(l.from)).map((l) => position.get(l.from));
        return feeds.length ? feeds.reduce((a, b) => a + b, 0) / feeds.length : Infinity;
      };
      const ranks = new Map(list.map((n) => [n.key, rank(n)]));
      list.sort((a, b) => ranks.get(a.key) - ranks.get(b.key) || a.id.localeCompare(b.id));
    }
    list.forEach((n, j) => position.set(n.key, j));
  });
}

function columnTitle(list) {
  const kinds = [...new Set(list.map((n) => n.kind))].sort((a, b) => KIND_ORDER[a] - KIND_ORDER[b]);
  return kinds.map((k) => KIND_TITLE[k]).join(' · ');
}

/** A structural fingerprint: the same one means the nodes and links can be updated in place. */
export function graphShape(layout) {
  return JSON.stringify([layout.columns.map((c) => c.nodes.map((n) => n.key)), layout.links.map((l) => `${l.from}>${l.to}`)]);
}
