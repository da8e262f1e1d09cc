/* Consultation tally (TSB Circular 268, WTSA Res. 1 §9.4) per draft Recommendation. */
'use strict';
SG17.panel({
  id: 'consult', title: 'Consultation tally',
  render: async (main, { api, h, bars, table, problem }) => {
    const q = new URLSearchParams(location.search);
    const n = /^[0-9]{1,7}$/.test(q.get('circular') || '') ? q.get('circular') : '268';
    const form = h('form', { method: 'get' }, h('label', { for: 'circular' }, 'Circular '),
      h('input', { id: 'circular', name: 'circular', value: n, size: 6, inputmode: 'numeric' }), ' ',
      h('button', { type: 'submit' }, 'Show'));
    main.append(form);
    const r = await api(`/v1/consult/circulars/${n}/tally`);
    if (r.status !== 200) { main.append(problem(r, `Circular ${n}`)); return; }
    const t = r.body;
    main.append(
      h('p', {}, `Circular ${t.circular}, replies due ${t.deadline}; `,
        h('span', { 'data-test': 'consult-replies' }, t.administrations.length),
        ' administration(s) replied. Rule: ', t.rule,
        typeof t.refusals === 'number'
          ? h('span', {}, ' Refused submissions recorded: ', h('b', { 'data-test': 'consult-refusals' }, t.refusals), '.')
          : ''),
      table(['draft', 'title', 'replies', 'authorize', 'with comments', 'not authorize', 'share', 'decision'],
        t.drafts.map((d) => h('tr', { 'data-test': `consult-draft-${d.draft}` },
          h('td', {}, d.draft, h('br'), h('small', {}, d.provisional)),
          h('td', {}, d.title),
          h('td', { class: 'n', 'data-test': `consult-${d.draft}-received` }, d.received),
          h('td', { class: 'n' }, d.authorize_no_comments),
          h('td', { class: 'n' }, d.authorize_with_comments),
          h('td', { class: 'n', 'data-test': `consult-${d.draft}-not` }, d.not_authorize),
          h('td', { class: 'n' }, d.share),
          h('td', { class: d.approved ? 'ok' : 'warn', 'data-test': `consult-${d.draft}-decision` }, d.decision))),
        { id: 'consult-table' }),
      h('h2', {}, 'Support per draft'),
      bars(t.drafts.map((d) => ({ label: d.draft, value: d.support, cls: d.approved ? 'ok' : 'warn' })),
           { label: 'support per draft' }));
  },
});
