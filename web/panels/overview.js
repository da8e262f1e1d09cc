/* Overview: the daemon's health and one summary card per service the token may read. */
'use strict';
SG17.panel({
  id: 'overview', title: 'sg17 overview',
  render: async (main, { api, h, problem, me }) => {
    const [health, version] = await Promise.all([api('/healthz'), api('/version')]);
    main.append(h('p', { 'data-test': 'health' },
      `sg17d ${version.body.version} (schema ${version.body.schema}): database ${health.body.status}. `,
      `Signed in as ${me.principal}, role ${me.role}.`));
    const cards = h('div', { class: 'cards' });
    main.append(cards);
    /* One entry per service; add yours here (docs/DASHBOARD.md). */
    const services = [
      { title: 'SIDF', href: 'sidf.html', path: '/sidf/v1/stats',
        summary: (d) => `${d.total.ok} de-concealed, ${d.total.failed} failed, ${d.keys.length} keys` },
      { title: 'Consultation (Circular 268)', href: 'consult.html', path: '/v1/consult/circulars/268/tally',
        summary: (d) => `${d.administrations.length} replies; ` +
          d.drafts.map((x) => `${x.draft}: ${x.decision}`).join('; ') },
      { title: 'Vehicle misbehaviour', href: 'vehicle.html', path: '/mbr/v1/summary',
        summary: (d) => `${d.totals.alerts} alerts in ${d.totals.reports} signed reports from ` +
          `${d.totals.vehicles} vehicle(s); ${d.totals.detectors} detector(s)` },
      { title: 'Threat intelligence', href: 'intel.html', path: '/intel/v1/summary?hours=24&top=1',
        summary: (d) => `${d.values.active} active indicator values; ${d.sightings.total} sightings of ` +
          `${d.sightings.values_sighted} value(s)` },
      { title: 'Quantum readiness', href: 'assess.html', path: '/v1/assess/report',
        summary: (d) => Object.entries(d.summary).map(([k, v]) => `${v} ${k}`).join(', ') },
    ];
    for (const svc of services) {
      const r = await api(svc.path);
      cards.append(h('div', { class: 'card wide', 'data-test': 'card-' + svc.href.replace('.html', '') },
        h('h2', {}, h('a', { href: svc.href }, svc.title)),
        r.status === 200 ? h('p', {}, svc.summary(r.body))
                         : problem(r, r.status === 403 ? 'not for this role' : 'unavailable')));
    }
  },
});
