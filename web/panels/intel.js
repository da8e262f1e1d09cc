/*
 * Threat intelligence (X.1217): the intel store in sg17d's database
 * (GET /intel/v1/summary, docs/INTEL-STORE.md): active indicator values by
 * type, by FS.11 category and by source, sightings by type, an SVG column
 * chart of sightings per hour, the most sighted values; and a TAXII line
 * (API roots, collections and their objects on the TAXII 2.1 server).
 */
'use strict';
SG17.panel({
  id: 'intel', title: 'Threat intelligence',
  render: async (main, { api, h, s, bars, table, problem }) => {
    const r = await api('/intel/v1/summary?hours=48&top=10');
    if (r.status !== 200) { main.append(problem(r, 'Intel summary')); return; }
    const d = r.body;
    const kv = (o) => Object.entries(o || {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const fs11 = (k) => (k === 'none' ? 'no FS.11 category' : `FS.11 category ${k}`);
    main.append(
      h('p', {}, 'Indicators collected into the intel store (STIX 2.1, MISP feeds, lists) and sightings ',
        'from operator logs (sg17 intel match, POST /intel/v1/sightings). Counts are of active values.'),
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('b', { 'data-test': 'intel-active' }, d.values.active), ' active values'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'intel-expired' }, d.values.expired), ' expired'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'intel-filtered' }, d.values.filtered), ' warninglisted'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'intel-sightings' }, d.sightings.total), ' sightings'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'intel-sighted' }, d.sightings.values_sighted), ' values sighted')),
      h('h2', {}, 'Indicator values by type'),
      kv(d.by_type).length
        ? table(['type', 'active values', 'sightings'], kv(d.by_type).map(([t, n]) => h('tr', {},
            h('td', {}, t), h('td', { class: 'n', 'data-test': `intel-type-${t}` }, n),
            h('td', { class: 'n', 'data-test': `intel-sightings-${t}` }, (d.sightings_by_type || {})[t] || 0))),
            { id: 'intel-types' })
        : h('p', { 'data-test': 'intel-empty' }, 'No active indicator yet (sg17 intel store ingest --db <the daemon\'s database>).'),
      h('h2', {}, 'By FS.11 category (telecom signalling)'),
      bars(kv(d.by_fs11_category).map(([k, n]) => ({ label: fs11(k), value: n, cls: k === 'none' ? 'info' : 'bad' })),
           { label: 'active values by FS.11 category', labelWidth: 170 }),
      h('h2', {}, 'By source'),
      table(['source', 'active values'], kv(d.by_source).map(([src, n]) => h('tr', {},
        h('td', {}, src), h('td', { class: 'n' }, n)))),
      h('h2', {}, `Sightings per hour (last ${d.sightings_by_hour.length} h, by last seen)`),
      hours(d.sightings_by_hour, s),
      h('h2', {}, 'Most sighted'),
      d.top_sighted.length
        ? table(['type', 'value', 'sightings', 'last seen', 'confidence'], d.top_sighted.map((t, i) => h('tr', {},
            h('td', {}, t.type), h('td', { 'data-test': `intel-top-${i}` }, t.value),
            h('td', { class: 'n', 'data-test': `intel-top-${i}-count` }, t.count), h('td', {}, t.last_seen),
            h('td', { class: 'n' }, t.confidence))), { id: 'intel-top' })
        : h('p', {}, 'Nothing sighted yet.'));
    main.append(h('h2', {}, 'TAXII 2.1'), await taxii(api, h));
  },
});

/* Columns per hour; empty hours stay visible as a baseline. */
function hours(rows, s) {
  const W = 900, H = 150, L = 40, B = 24, T = 8;
  const max = Math.max(1, ...rows.map((r) => r.count));
  const bw = (W - L - 10) / Math.max(1, rows.length);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
                         'aria-label': 'sightings per hour', 'data-test': 'intel-hours' });
  svg.append(s('line', { x1: L, x2: W - 10, y1: H - B, y2: H - B, class: 'axis' }),
             s('text', { x: L - 6, y: T + 10, 'text-anchor': 'end', class: 'lbl' }, max),
             s('text', { x: L - 6, y: H - B, 'text-anchor': 'end', class: 'lbl' }, 0));
  rows.forEach((r, i) => {
    const hgt = Math.round(((H - B - T) * r.count) / max);
    svg.append(s('rect', { x: L + i * bw + 1, y: H - B - hgt, width: Math.max(1, bw - 2), height: hgt,
                           class: 'bar warn', 'data-test': 'intel-hour', 'data-count': r.count },
      s('title', {}, `${r.hour}: ${r.count}`)));
  });
  if (rows.length) {
    svg.append(s('text', { x: L, y: H - 6, class: 'lbl' }, rows[0].hour.slice(0, 13) + 'h'),
               s('text', { x: W - 10, y: H - 6, 'text-anchor': 'end', class: 'lbl' },
                 rows[rows.length - 1].hour.slice(0, 13) + 'h UTC'));
  }
  return svg;
}

/* Discovery, then each API root's collections (TAXII media type, parsed here: api() only
 * parses application/json). */
async function taxii(api, h) {
  const accept = { headers: { Accept: 'application/taxii+json;version=2.1' } };
  const get = async (p) => {
    const r = await api(p, accept);
    if (typeof r.body === 'string') { try { r.body = JSON.parse(r.body); } catch (e) { r.body = null; } }
    return r;
  };
  const disc = await get('/taxii2/');
  if (disc.status !== 200 || !disc.body || typeof disc.body !== 'object')
    return h('p', { 'data-test': 'taxii-line' }, `TAXII server: not available (HTTP ${disc.status}).`);
  const roots = (disc.body.api_roots || []).slice(0, 16);
  const parts = [];
  let total = 0, objects = 0, more = false;
  for (const root of roots) {
    const path = new URL(root, location.href).pathname.replace(/\/?$/, '/');
    const c = await get(path + 'collections/');
    const cols = c.status === 200 && c.body && Array.isArray(c.body.collections) ? c.body.collections.slice(0, 32) : [];
    total += cols.length;
    const names = [];
    for (const col of cols) {
      /* Objects: one manifest page of up to 1000 (a collection resource has no count). */
      let n = '?';
      if (col.can_read) {
        const m = await get(`${path}collections/${encodeURIComponent(col.id)}/manifest/?limit=1000`);
        if (m.status === 200 && m.body) {
          const k = Array.isArray(m.body.objects) ? m.body.objects.length : 0;
          objects += k;
          more = more || !!m.body.more;
          n = m.body.more ? `${k}+` : String(k);
        }
      }
      names.push(`${col.title || col.id} (${n} object${n === '1' ? '' : 's'})`);
    }
    parts.push(h('li', {}, h('code', {}, path), `: ${cols.length} collection(s)`,
      names.length ? ' — ' + names.join(', ') : ''));
  }
  return h('div', {},
    h('p', { 'data-test': 'taxii-line' }, `TAXII server "${disc.body.title || ''}": `,
      h('b', { 'data-test': 'taxii-roots' }, roots.length), ' API root(s), ',
      h('b', { 'data-test': 'taxii-collections' }, total), ' collection(s) listed, ',
      h('b', { 'data-test': 'taxii-objects' }, `${objects}${more ? '+' : ''}`),
      ' object(s) readable with this token.'),
    h('ul', {}, parts));
}
