/* X.1368 fleet updates: one campaign's progress (GET /v1/update/campaigns/NAME). */
'use strict';
SG17.panel({
  id: 'update', title: 'Firmware campaign',
  render: async (main, { api, h, bars, table, problem }) => {
    const q = new URLSearchParams(location.search);
    const name = /^[A-Za-z0-9._-]{1,63}$/.test(q.get('campaign') || '') ? q.get('campaign') : '';
    main.append(h('form', { method: 'get' }, h('label', { for: 'campaign' }, 'Campaign '),
      h('input', { id: 'campaign', name: 'campaign', value: name, size: 24 }), ' ',
      h('button', { type: 'submit' }, 'Show')));
    if (!name) { main.append(h('p', {}, 'Name a campaign (scripts/demo prints the one it ran).')); return; }
    const r = await api(`/v1/update/campaigns/${encodeURIComponent(name)}`);
    if (r.status !== 200) { main.append(problem(r, `Campaign ${name}`)); return; }
    const c = r.body;
    const ids = Object.keys(c.devices).sort();
    const order = ['installed', 'downloading', 'offered', 'pending', 'failed', 'refused'];
    const cls = { installed: 'ok', failed: 'bad', refused: 'bad' };
    const count = {};
    for (const id of ids) count[c.devices[id].status] = (count[c.devices[id].status] || 0) + 1;
    const statuses = Object.keys(count).sort((a, b) =>
      (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99);
    const done = count.installed || 0;
    main.append(
      h('p', {}, `Manifest ${c.manifest.slice(0, 16)}…; `,
        h('b', { 'data-test': 'update-installed' }, done), ` of `,
        h('b', { 'data-test': 'update-devices' }, ids.length), ' devices installed',
        typeof c.percent === 'number' && c.percent < 100 ? ` (staged rollout ${c.percent}%)` : '', '.'),
      bars(statuses.map((s) => ({ label: s, value: count[s], cls: cls[s] || 'warn' })),
           { label: 'devices per status' }),
      table(['device', 'status', 'detail'], ids.map((id) => h('tr', {},
        h('td', {}, id),
        h('td', { class: cls[c.devices[id].status] || 'warn', 'data-test': `update-status-${id}` },
          c.devices[id].status),
        h('td', {}, c.devices[id].detail || ''))), { id: 'update-table' }));
  },
});
