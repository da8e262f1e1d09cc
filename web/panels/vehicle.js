/*
 * Vehicle misbehaviour (X.1376): signed misbehaviour reports received by sg17d,
 * alerts per vehicle and per detector, and SVG timelines drawn here from the
 * API's data: GET /mbr/v1/summary (all vehicles, alerts per minute of arrival)
 * and, for ?vehicle=V, GET /mbr/v1/reports?vehicle=V (each alert at its own
 * capture time, one lane per detector).
 */
'use strict';
SG17.panel({
  id: 'vehicle', title: 'Vehicle misbehaviour',
  render: async (main, { api, h, s, bars, table, problem }) => {
    const q = new URLSearchParams(location.search);
    const vehicle = /^[A-Za-z0-9._-]{1,63}$/.test(q.get('vehicle') || '') ? q.get('vehicle') : '';
    const r = await api('/mbr/v1/summary');
    if (r.status !== 200) { main.append(problem(r, 'Misbehaviour reports')); return; }
    const d = r.body;
    const detectors = d.detectors.map((x) => x.detector);
    const cls = (det) => 'd' + (Math.max(0, detectors.indexOf(det)) % 8);
    const perVehicle = {};
    for (const x of d.by_vehicle_detector) (perVehicle[x.vehicle] ||= []).push(`${x.detector} ${x.alerts}`);
    const when = (t) => new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

    main.append(
      h('p', {}, 'Signed misbehaviour reports (sg17-mbr-1, ML-DSA-65) verified and stored by sg17d ',
        '(POST /mbr/v1/reports).'),
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('b', { 'data-test': 'mbr-reports' }, d.totals.reports), ' reports'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'mbr-alerts' }, d.totals.alerts), ' alerts'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'mbr-vehicles' }, d.totals.vehicles), ' vehicles'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'mbr-detectors' }, d.totals.detectors), ' detectors')));
    if (!d.totals.reports) {
      main.append(h('p', { 'data-test': 'mbr-empty' }, 'No report received yet (sg17 vehicle report sign, then POST /mbr/v1/reports).'));
      return;
    }
    main.append(
      h('h2', {}, 'Alerts per vehicle'),
      table(['vehicle', 'reports', 'alerts', 'per detector', 'last report received'],
        d.vehicles.map((v) => h('tr', { 'data-test': `mbr-vehicle-${v.vehicle}` },
          h('td', {}, h('a', { href: `vehicle.html?vehicle=${encodeURIComponent(v.vehicle)}` }, v.vehicle)),
          h('td', { class: 'n', 'data-test': `mbr-${v.vehicle}-reports` }, v.reports),
          h('td', { class: 'n', 'data-test': `mbr-${v.vehicle}-alerts` }, v.alerts),
          h('td', {}, (perVehicle[v.vehicle] || []).join(', ')),
          h('td', {}, when(v.last_received)))),
        { id: 'mbr-vehicles-table' }),
      h('h2', {}, 'Alerts per detector'),
      bars(d.detectors.map((x) => ({ label: x.detector, value: x.alerts, cls: 'bad' })),
           { label: 'alerts per detector', labelWidth: 160 }),
      h('h2', {}, `Timeline: alerts per ${d.bucket_seconds} s of arrival, per vehicle`),
      timeline(d, s, cls, when),
      legend(detectors, h, cls));
    if (d.truncated) main.append(h('p', { class: 'problem' }, 'The summary was truncated (too many rows).'));
    if (vehicle) await detail(main, vehicle, { api, h, s, table, problem }, cls, detectors);
  },
});

/* One lane per vehicle, x = time bucket of arrival, a dot per (bucket, vehicle, detector). */
function timeline(d, s, cls, when) {
  const lanes = d.vehicles.slice(0, 24).map((v) => v.vehicle);
  const rows = d.timeline.filter((x) => lanes.includes(x.vehicle));
  const W = 900, L = 130, R = 20, laneH = 28, top = 10, axis = 34;
  const H = top + lanes.length * laneH + axis;
  const t0 = Math.min(...rows.map((x) => x.t)), t1 = Math.max(...rows.map((x) => x.t)) + d.bucket_seconds;
  const x = (t) => L + ((W - L - R) * (t - t0)) / Math.max(1, t1 - t0);
  const svg = s('svg', { class: 'chart timeline', viewBox: `0 0 ${W} ${H}`, width: W, height: H,
                         role: 'img', 'aria-label': 'alerts over time per vehicle', 'data-test': 'mbr-timeline' });
  lanes.forEach((v, i) => {
    const y = top + i * laneH + laneH / 2;
    svg.append(s('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'lane' }),
               s('text', { x: L - 8, y: y + 4, 'text-anchor': 'end', class: 'lbl' }, v));
  });
  const ay = top + lanes.length * laneH + 6;
  svg.append(s('line', { x1: L, x2: W - R, y1: ay, y2: ay, class: 'axis' }));
  for (let k = 0; k <= 4; k++) {
    const t = t0 + ((t1 - t0) * k) / 4;
    svg.append(s('text', { x: x(t), y: ay + 18, 'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle',
                           class: 'lbl' }, when(Math.round(t)).slice(11, 19)));
  }
  /* Detectors of one bucket side by side, so none hides another. */
  const per = {};
  for (const row of rows) {
    const key = `${row.t}/${row.vehicle}`;
    const k = (per[key] = (per[key] || 0) + 1) - 1;
    const y = top + lanes.indexOf(row.vehicle) * laneH + laneH / 2;
    const c = s('circle', { cx: x(row.t + d.bucket_seconds / 2) + k * 7, cy: y,
                            r: Math.min(11, 3 + 2 * Math.sqrt(row.alerts)), class: 'dot ' + cls(row.detector),
                            'data-test': 'mbr-dot', 'data-vehicle': row.vehicle, 'data-detector': row.detector,
                            'data-alerts': row.alerts },
                s('title', {}, `${row.vehicle}: ${row.alerts} ${row.detector} alert(s), ${when(row.t)}`));
    svg.append(c);
  }
  return svg;
}

function legend(detectors, h, cls) {
  return h('p', { class: 'legend' }, detectors.map((det) =>
    h('span', { class: 'key ' + cls(det) }, det)));
}

/* One vehicle: each alert of its latest reports at its capture time, one lane per detector. */
async function detail(main, vehicle, { api, h, s, table, problem }, cls) {
  main.append(h('h2', { id: 'mbr-detail' }, `Vehicle ${vehicle}: alerts at their capture time`));
  const r = await api(`/mbr/v1/reports?vehicle=${encodeURIComponent(vehicle)}&limit=100`);
  if (r.status !== 200) { main.append(problem(r, `Reports of ${vehicle}`)); return; }
  const alerts = [];
  for (const rep of r.body.reports)
    for (const a of rep.report.report.alerts || [])
      alerts.push({ report: rep.id, reporter: rep.reporter, t: Number(a.time), det: String(a.detector || '?'), a });
  const times = alerts.map((a) => a.t).filter(Number.isFinite);
  main.append(h('p', {}, h('b', { 'data-test': 'mbr-detail-alerts' }, alerts.length), ` alert(s) in `,
    h('b', { 'data-test': 'mbr-detail-reports' }, r.body.reports.length), ' report(s)',
    r.body.truncated ? ' (the latest 100 reports)' : '', '.'));
  if (!times.length) return;
  const dets = [...new Set(alerts.map((a) => a.det))].sort();
  const W = 900, L = 160, R = 20, laneH = 26, top = 10, axis = 30;
  const H = top + dets.length * laneH + axis;
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = (t) => L + ((W - L - R) * (t - t0)) / Math.max(1e-9, t1 - t0);
  const svg = s('svg', { class: 'chart timeline', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
                         'aria-label': `alerts of ${vehicle} over capture time`, 'data-test': 'mbr-detail-timeline' });
  dets.forEach((det, i) => {
    const y = top + i * laneH + laneH / 2;
    svg.append(s('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'lane' }),
               s('text', { x: L - 8, y: y + 4, 'text-anchor': 'end', class: 'lbl' }, det));
  });
  const ay = top + dets.length * laneH + 6;
  svg.append(s('line', { x1: L, x2: W - R, y1: ay, y2: ay, class: 'axis' }),
             s('text', { x: L, y: ay + 18, class: 'lbl' }, `${t0.toFixed(3)} s`),
             s('text', { x: W - R, y: ay + 18, 'text-anchor': 'end', class: 'lbl' }, `${t1.toFixed(3)} s (capture time)`));
  for (const a of alerts) {
    if (!Number.isFinite(a.t)) continue;
    svg.append(s('circle', { cx: x(a.t), cy: top + dets.indexOf(a.det) * laneH + laneH / 2, r: 4,
                             class: 'dot ' + cls(a.det), 'data-test': 'mbr-detail-dot' },
      s('title', {}, `${a.det} at ${a.t} s, id ${a.a.id ?? '-'}, frame ${a.a.frame ?? '-'} (report ${a.report} by ${a.reporter})`)));
  }
  main.append(svg, table(['capture time (s)', 'detector', 'id', 'frame', 'report', 'reporter'],
    alerts.slice(0, 50).map((a) => h('tr', {},
      h('td', { class: 'n' }, a.t), h('td', {}, a.det), h('td', {}, a.a.id ?? ''),
      h('td', { class: 'n' }, a.a.frame ?? ''), h('td', { class: 'n' }, a.report), h('td', {}, a.reporter)))),
    alerts.length > 50 ? h('p', {}, `... and ${alerts.length - 50} more.`) : '');
}
