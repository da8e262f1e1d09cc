/*
 * sg17 dashboard core: token sign-in (kept in sessionStorage), API calls with
 * the bearer token, the navigation bar, DOM and SVG helpers. Plain browser
 * JavaScript, nothing to build. Every panel page loads this file and one
 * panels/<id>.js that calls SG17.panel({...}). See docs/DASHBOARD.md.
 */
'use strict';

const SG17 = (() => {
  /* Navigation: one line per page. Add a panel here (docs/DASHBOARD.md). */
  const NAV = [
    { href: 'index.html', title: 'Overview' },
    { href: 'sidf.html', title: 'SIDF' },
    { href: 'consult.html', title: 'Consultation' },
    { href: 'assess.html', title: 'Quantum readiness' },
    { href: 'update.html', title: 'Firmware' },
    { href: 'vehicle.html', title: 'Vehicles' },
    { href: 'intel.html', title: 'Threat intel' },
  ];
  const KEY = 'sg17.token';

  const token = () => sessionStorage.getItem(KEY) || '';
  const setToken = (t) => (t ? sessionStorage.setItem(KEY, t) : sessionStorage.removeItem(KEY));

  /* h('td', {class: 'n', 'data-test': 'x'}, 'text', child...) */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }

  /* Horizontal bar chart: rows [{label, value, cls}] -> <svg>. */
  function bars(rows, opts = {}) {
    const w = opts.width || 480, rowH = 22, labelW = opts.labelWidth || 120;
    const max = Math.max(1, ...rows.map((r) => r.value));
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${w} ${rows.length * rowH + 4}`,
                           width: w, height: rows.length * rowH + 4, role: 'img',
                           'aria-label': opts.label || 'chart' });
    rows.forEach((r, i) => {
      const y = i * rowH + 2, bw = Math.round(((w - labelW - 50) * r.value) / max);
      svg.append(s('text', { x: labelW - 6, y: y + 15, 'text-anchor': 'end', class: 'lbl' }, r.label));
      svg.append(s('rect', { x: labelW, y: y + 3, width: Math.max(bw, r.value ? 2 : 0), height: rowH - 6,
                             class: 'bar ' + (r.cls || '') }));
      svg.append(s('text', { x: labelW + bw + 6, y: y + 15, class: 'val' }, r.value));
    });
    return svg;
  }

  /* fetch with the token; resolves to {status, body (parsed JSON or text)}. */
  async function api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {});
    const t = opts.token !== undefined ? opts.token : token();
    if (t) headers.Authorization = 'Bearer ' + t;
    const r = await fetch(path, Object.assign({}, opts, { headers, cache: 'no-store' }));
    const type = r.headers.get('Content-Type') || '';
    const body = type.startsWith('application/json') ? await r.json().catch(() => null) : await r.text();
    return { status: r.status, body };
  }

  /* A failed API call as a visible message. */
  function problem(res, what) {
    let why = res.body && res.body.reason ? res.body.reason : `HTTP ${res.status}`;
    if (res.status === 401) why = 'sign in with a token first';
    return h('p', { class: 'problem', 'data-test': 'problem', 'data-status': res.status },
             `${what}: ${why}`);
  }

  function table(head, rows, attrs) {
    return h('table', attrs || {},
      h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
      h('tbody', {}, rows));
  }

  let me = null;
  async function whoami() {
    if (!token()) return null;
    const r = await api('/v1/me');
    return r.status === 200 ? r.body : null;
  }

  function header(active) {
    const nav = h('nav', {}, NAV.map((n) =>
      h('a', { href: n.href, class: n.href === active ? 'active' : '' }, n.title)));
    const who = h('span', { id: 'who', 'data-test': 'who' });
    if (me) {
      who.append(`${me.principal} (${me.role}) `,
        h('button', { type: 'button', id: 'signout', onclick: () => { setToken(''); location.href = 'signin.html'; } },
          'Sign out'));
    } else {
      who.append(h('a', { href: 'signin.html?next=' + encodeURIComponent(active) }, 'Sign in'));
    }
    return h('header', {}, h('span', { class: 'brand' }, 'sg17'), nav, who);
  }

  /*
   * Register and render the page's panel:
   *   SG17.panel({id, title, render: async (main, ctx) => ...})
   * render gets the <main> element and {api, h, s, bars, table, problem, me}.
   */
  async function panel(p) {
    const page = location.pathname.split('/').pop() || 'index.html';
    me = await whoami();
    document.title = `${p.title} · sg17`;
    const main = h('main', { id: 'panel-' + p.id, 'data-panel': p.id }, h('h1', {}, p.title));
    document.body.replaceChildren(header(page), main);
    if (!me && !p.public) {
      main.append(h('p', { class: 'problem', 'data-test': 'signin-needed' },
        'This page needs an API token: ', h('a', { href: 'signin.html?next=' + encodeURIComponent(page) }, 'sign in'), '.'));
      main.setAttribute('data-ready', '1');
      return;
    }
    try {
      await p.render(main, { api, h, s, bars, table, problem, me });
    } catch (e) {
      main.append(h('p', { class: 'problem', 'data-test': 'problem' }, 'error: ' + e.message));
    }
    main.setAttribute('data-ready', '1'); /* tests wait for this */
  }

  return { panel, api, h, s, bars, table, problem, token, setToken, NAV };
})();
