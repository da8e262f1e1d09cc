/* SIDF counters (GET /sidf/v1/stats): de-concealments per protection scheme. */
'use strict';
SG17.panel({
  id: 'sidf', title: 'SIDF: SUCI de-concealment',
  render: async (main, { api, h, bars, table, problem }) => {
    const r = await api('/sidf/v1/stats');
    if (r.status !== 200) { main.append(problem(r, 'SIDF counters')); return; }
    const d = r.body;
    const names = Object.keys(d.schemes);
    const label = { null: 'null (0x0)', A: 'profile A (0x1)', B: 'profile B (0x2)',
                    mlkem768: 'ML-KEM-768 (0xC)', xwing: 'X-Wing (0xD)', other: 'other' };
    main.append(
      h('p', {}, 'Every POST /sidf/v1/deconceal since sg17d started. ',
        '"failed" is a SUCI that does not de-conceal (wrong MAC or unknown key id: ',
        'the SIDF does not tell them apart); "malformed" one it refuses before any key is used.'),
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('b', { 'data-test': 'sidf-total-ok' }, d.total.ok), ' de-concealed'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'sidf-total-failed' }, d.total.failed), ' failed'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'sidf-total-malformed' }, d.total.malformed), ' malformed'),
        h('div', { class: 'card' }, h('b', { 'data-test': 'sidf-keys' }, d.keys.length), ' home-network keys')),
      table(['scheme', 'de-concealed', 'failed', 'malformed'],
        names.map((n) => h('tr', {},
          h('td', {}, label[n] || n),
          h('td', { class: 'n', 'data-test': `sidf-${n}-ok` }, d.schemes[n].ok),
          h('td', { class: 'n', 'data-test': `sidf-${n}-failed` }, d.schemes[n].failed),
          h('td', { class: 'n', 'data-test': `sidf-${n}-malformed` }, d.schemes[n].malformed))),
        { id: 'sidf-table' }),
      h('h2', {}, 'De-concealed per scheme'),
      bars(names.map((n) => ({ label: label[n] || n, value: d.schemes[n].ok,
                               cls: n === 'mlkem768' || n === 'xwing' ? 'pq' : 'classic' })),
           { label: 'de-concealed per scheme', labelWidth: 140 }),
      h('h2', {}, 'Home-network keys'),
      d.keys.length
        ? table(['key id', 'scheme'], d.keys.map((k) => h('tr', {},
            h('td', { class: 'n' }, k.key_id), h('td', { 'data-test': `sidf-key-${k.key_id}` }, k.scheme))))
        : h('p', {}, 'No keys configured ([sidf] key = PATH).'),
      h('p', {}, `Null-scheme SUCIs are ${d.allow_null ? 'accepted' : 'refused'}; `,
        `${d.unparseable} unparseable SUCI(s), ${d.bad_requests} malformed request(s).`));
  },
});
