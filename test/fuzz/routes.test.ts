import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { localDirectLine } from '../support/directline.js';
import { projectRoot } from '../../src/paths.js';
import type { RunningAssistant } from '../support/assistant.js';
import { snapshot } from '../support/records.js';
import { body, FUZZ_RUNS, FUZZ_SIGNING_KEY, HANG_MS, query, raw, segment, startFuzzTarget } from './fuzz-support.js';
import { JoseSignedLinks, signingKey } from '../../src/security/signed-links.js';

/** Every route the server declares, read from the code: `server.get/post/put/del/patch('<path>'` under src/http. */
function declaredRoutes(): { method: string; path: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) files.push(full);
    }
  };
  walk(join(projectRoot, 'src', 'http'));
  const routes: { method: string; path: string }[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/server\.(get|post|put|del|patch)\(\s*'([^']+)'/g)) {
      routes.push({ method: m[1] === 'del' ? 'DELETE' : m[1].toUpperCase(), path: m[2] });
    }
  }
  return routes;
}

describe('Fuzz: every HTTP route', function () {
  this.timeout(Math.max(60_000, FUZZ_RUNS * 100));
  let app: RunningAssistant;
  let validToken: string;
  let conversationId: string;
  const routes = declaredRoutes();
  const figures = { cases: 0, byStatus: new Map<number, number>(), slowestMs: 0 };

  before(async () => {
    app = await startFuzzTarget();
    const channel = localDirectLine(new JoseSignedLinks({ current: signingKey(FUZZ_SIGNING_KEY), previous: [] }));
    ({ token: validToken, conversationId } = await channel.issue({ userId: 'fuzz-user', name: 'Fuzz', proof: 'portal' }));
    const started = await raw(app.baseUrl, { method: 'POST', path: '/v3/directline/conversations', headers: { authorization: `Bearer ${validToken}` } });
    expect(started.status).to.equal(201);
    // Let the welcome turn finish before records are compared.
    await new Promise((r) => setTimeout(r, 300));
  });
  after(async () => {
    await app.stop();
    console.log(`      (${figures.cases} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...figures.byStatus].sort()))}; slowest ${figures.slowestMs} ms)`);
  });

  it('finds the routes in the code', () => {
    expect(routes.length).to.be.greaterThan(20);
    expect(routes).to.deep.include({ method: 'POST', path: '/api/messages' });
  });

  it('answers any path parameters, query, headers and body with a status below 500, within 5 s, and a refusal changes no record', async () => {
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
      fc.constantFrom(`Bearer ${validToken}`, `Bearer ${validToken.slice(0, -2)}xx`, 'Basic YTpi', 'Bearer', 'Bearer a.b.c'),
    );
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      useConversation: fc.boolean(),
      query,
      authorization,
      body,
      persona: fc.option(fc.constantFrom('persona-reseller-admin', 'nobody', ''), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.route.path.replace(/:[A-Za-z]+/g, () => (r.useConversation && i++ === 0 ? encodeURIComponent(conversationId) : r.params[i++ % 3])) + r.query;
        // A valid token on a route that hands an activity to the bot would run a turn: that target has its own suite.
        const runsBot = r.route.method === 'POST' && /activities$/.test(r.route.path) && r.authorization === `Bearer ${validToken}`;
        const headers: Record<string, string> = {};
        if (r.authorization && !runsBot) headers.authorization = r.authorization;
        if (r.body.type) headers['content-type'] = r.body.type;
        if (r.persona !== undefined) headers['x-demo-persona'] = r.persona;
        const records = await snapshot(app.assistant.storage);
        const res = await raw(app.baseUrl, { method: r.route.method, path, headers, body: r.body.body });
        figures.cases++;
        figures.byStatus.set(res.status, (figures.byStatus.get(res.status) ?? 0) + 1);
        figures.slowestMs = Math.max(figures.slowestMs, res.ms);
        expect(res.status, `${r.route.method} ${path} → ${res.status} ${res.text.slice(0, 200)}`).to.be.below(500);
        expect(res.ms).to.be.below(HANG_MS);
        if (res.status >= 400) expect(await snapshot(app.assistant.storage), `${r.route.method} ${path} changed records`).to.deep.equal(records);
      }),
      { numRuns: FUZZ_RUNS * 2 },
    );
    expect((await raw(app.baseUrl, { method: 'GET', path: '/healthz' })).status).to.equal(200);
  });
});
