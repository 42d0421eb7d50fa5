// A real OpenID Connect provider for the test suite: panva's OpenID Certified `oidc-provider`, in memory, on
// 127.0.0.1 only. tests/oidc_provider.py starts it on a free port with a JSON file naming the clients, the test
// accounts and the assurance levels; it prints "READY <issuer>" once it answers.
//
// The sign-in page is our own plain form (the library's development pages fetch web fonts from outside), and the
// one first-party client is never asked for consent. Signing keys are made afresh at each start: without them the
// library would sign with keys everybody knows.
//
// Pinned to oidc-provider 8.x (with jose 5): 9.x, built for Node 22, fails on Node 18, and the tests must run on the
// Node that Debian 12 ships (18.20). The Makefile's `node` target checks for 18.12 or newer. Upstream fixes only 9.x
// now; this provider only ever runs in tests, on 127.0.0.1. Move to 9.x once every supported Debian ships Node 22.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts; // account id -> { claims..., acr? }

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [Math.random().toString(36).slice(2) + Date.now()] },
  acrValues: config.acr_values || [],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS512'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the test provider?', `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('You have signed out of the test provider', '');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  // The app is the provider's own first-party client: consent to what it asks is given.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('The test provider refused the request', `<p id="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
});
// Why a request was refused, for the test log (stderr).
for (const event of ['server_error', 'grant.error', 'authorization.error', 'userinfo.error', 'end_session.error']) {
  provider.on(event, (ctx, err) => console.error(`${event}: ${err.message} ${err.error_detail || ''} ${err.error_description || ''} ${err.cause?.message || ''} ${err.cause?.cause?.message || ''}`));
}
const handle = provider.callback();

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const form = await readForm(req);
    const id = form.get('login') || '';
    const account = accounts[id];
    if (account) {
      const requested = (details.params.acr_values || '').split(' ').filter(Boolean);
      const acr = account.acr || requested[0];
      const login = acr ? { accountId: id, acr } : { accountId: id };
      return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    }
  }
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(page('Sign in to the test provider', `<form method="post" action="/interaction/${escape(details.uid)}">
<label for="login">Test account</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Sign in</button></form>`));
}

server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.statusCode = 400;
      res.end(page('The test provider refused the request', `<p id="error">${escape(err.message)}</p>`));
    });
  } else {
    handle(req, res);
  }
});

console.log(`READY ${issuer}`);
