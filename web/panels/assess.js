/* Quantum-readiness report of the configured inventory (GET /v1/assess/report). */
'use strict';
SG17.panel({
  id: 'assess', title: 'Quantum readiness',
  render: async (main, { api, h, bars, table, problem }) => {
    const r = await api('/v1/assess/report');
    if (r.status !== 200) { main.append(problem(r, 'Assessment report')); return; }
    const d = r.body;
    const order = ['broken', 'weak', 'unknown', 'reduced', 'resistant', 'protocol'];
    const cls = { broken: 'bad', weak: 'bad', unknown: 'warn', reduced: 'warn', resistant: 'ok', protocol: 'info' };
    const items = d.items.slice().sort((a, b) =>
      (a.priority < 0 ? 99 : a.priority) - (b.priority < 0 ? 99 : b.priority) || a.id.localeCompare(b.id));
    main.append(
      h('p', { 'data-test': 'assess-system' }, d.system),
      h('p', {}, `${d.items.length} items. X.1811 cl. 7-8: Shor breaks RSA/ECC/DH, Grover halves symmetric keys; `,
        'harvest-now-decrypt-later exposure sets the migration order.'),
      bars(order.filter((v) => v in d.summary).map((v) => ({ label: v, value: d.summary[v], cls: cls[v] })),
           { label: 'items per verdict' }),
      table(['priority', 'item', 'algorithm', 'classical bits', 'quantum bits', 'verdict', 'replacement'],
        items.map((it) => h('tr', { 'data-test': `assess-item-${it.id}` },
          h('td', {}, it.priority_text),
          h('td', {}, it.name, h('br'), h('small', {}, `${it.area} · ${it.use}${it.hndl_exposed ? ' · HNDL' : ''}`)),
          h('td', {}, it.algorithm),
          h('td', { class: 'n' }, it.classical_bits === null ? '–' : it.classical_bits),
          h('td', { class: 'n' }, it.quantum_bits === null ? '–' : it.quantum_bits),
          h('td', { class: cls[it.verdict] || '', 'data-test': `assess-verdict-${it.id}` }, it.verdict),
          h('td', {}, it.replacement))),
        { id: 'assess-table' }));
  },
});
