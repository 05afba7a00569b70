// The broker: topics, partitions, offsets and sizes, consumer groups and their lag
// (GET /api/v1/broker/topics, /topics/{name}, /groups, /groups/{id}), refreshed every 5 s.
import { api } from '../api.js';
import { escapeHTML, formatValue } from '../format.js';

const cell = (v) => `<td>${escapeHTML(v ?? '')}</td>`;

export async function renderBroker(root) {
  root.innerHTML = '<div class="toolbar"><h1>Broker</h1><span class="spacer"></span><button id="reload" type="button">Reload</button></div><div id="content" class="muted">Loading…</div>';
  const content = root.querySelector('#content');
  async function load() {
    let topics, groups;
    try {
      [topics, groups] = await Promise.all([api.get('/api/v1/broker/topics'), api.get('/api/v1/broker/groups')]);
    } catch (e) {
      content.innerHTML = e.status === 404
        ? '<p role="status">The broker admin API is not available in this build yet.</p>'
        : `<p class="error">${escapeHTML(e.message)}</p>`;
      return;
    }
    const topicList = topics.topics || topics;
    const groupList = groups.groups || groups;
    const details = await Promise.all(topicList.map((t) => api.get(`/api/v1/broker/topics/${encodeURIComponent(t.name ?? t)}`).catch(() => t)));
    const groupDetails = await Promise.all(groupList.map((g) => api.get(`/api/v1/broker/groups/${encodeURIComponent(g.group ?? g.groupId ?? g.id ?? g)}`).catch(() => g)));
    content.className = '';
    content.innerHTML = `<h2>Topics</h2>
      <div class="scroll-x"><table class="data"><thead><tr><th>Topic</th><th>Partition</th><th>Start offset</th><th>End offset</th><th>Messages</th><th>Size</th></tr></thead><tbody>
      ${details.flatMap((t) => (t.partitions || [{}]).map((p) => `<tr>${cell(t.name)}${cell(p.partition ?? p.id)}${cell(p.logStartOffset ?? p.startOffset)}${cell(p.logEndOffset ?? p.endOffset ?? p.highWatermark)}${cell(p.messages)}${cell(p.sizeBytes != null ? formatValue(p.sizeBytes, 'bytes') : '')}</tr>`)).join('')}
      </tbody></table></div>
      <h2>Consumer groups</h2>
      <div class="scroll-x"><table class="data"><thead><tr><th>Group</th><th>State</th><th>Members</th><th>Topic</th><th>Partition</th><th>Committed</th><th>End offset</th><th>Lag</th></tr></thead><tbody>
      ${groupDetails.flatMap((g) => (g.offsets?.length ? g.offsets : [{}]).map((o) => `<tr>${cell(g.group ?? g.groupId ?? g.id)}${cell(g.state)}${cell(Array.isArray(g.members) ? g.members.length : g.members)}${cell(o.topic)}${cell(o.partition)}${cell(o.committedOffset ?? o.offset)}${cell(o.endOffset)}${cell(o.lag)}</tr>`)).join('') || '<tr><td colspan="8" class="muted">No consumer groups</td></tr>'}
      </tbody></table></div>`;
  }
  root.querySelector('#reload').onclick = load;
  await load();
  const timer = setInterval(() => { if (!content.querySelector('[role=status]')) load(); }, 5000);
  return () => clearInterval(timer);
}
