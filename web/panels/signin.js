/* Token sign-in: the token is checked with GET /v1/me, then kept in this tab only. */
'use strict';
SG17.panel({
  id: 'signin', title: 'Sign in', public: true,
  render: async (main, { api, h }) => {
    const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', size: 72,
                               placeholder: 'sg17_…', 'aria-label': 'API token' });
    const msg = h('p', { id: 'signin-msg', 'data-test': 'signin-msg' });
    const form = h('form', { id: 'signin-form' },
      h('label', { for: 'token' }, 'API token'), ' ', input, ' ',
      h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const t = input.value.trim();
      const r = await api('/v1/me', { token: t });
      if (r.status !== 200) {
        msg.className = 'problem';
        msg.textContent = r.status === 401 ? 'That token is unknown or revoked.' : `Sign-in failed (HTTP ${r.status}).`;
        return;
      }
      SG17.setToken(t);
      const next = new URLSearchParams(location.search).get('next') || 'index.html';
      location.href = /^[a-z0-9-]+\.html$/.test(next) ? next : 'index.html';
    });
    main.append(
      h('p', {}, 'Paste an API token made with ', h('code', {}, 'sg17d token create --role ROLE'),
        ' (make run keeps the admin token in ', h('code', {}, 'var/admin.token'),
        '). It stays in this browser tab only (sessionStorage) and is sent as a Bearer token.'),
      form, msg);
  },
});
