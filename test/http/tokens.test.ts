import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';
import { pino } from 'pino';
import type { CasStore } from '../../src/storage/cas-store.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { rotateKeyring } from '../../src/storage/signing-key.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { craft, deadUrl, hs256, inSeconds, KeyServer, rs256 } from '../support/token-kit.js';
import { demoDirectLineToken } from '../support/demo-sign-in.js';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
const TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SERVICE_URL = 'http://127.0.0.1:1/';

/** A logger that keeps its lines, so a test can count them and look for stacks. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

/** Runs `work` with console output recorded (the SDK writes stacks there) and returns what was written. */
async function consoleDuring(work: () => Promise<void>): Promise<string[]> {
  const written: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn };
  for (const name of ['log', 'error', 'warn'] as const) console[name] = (...args: unknown[]) => void written.push(args.map(String).join(' '));
  try {
    await work();
  } finally {
    Object.assign(console, saved);
  }
  return written;
}

async function keysIn(store: CasStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of store.entries()) keys.push(key);
  return keys.sort();
}

const tokenRequest = (app: RunningAssistant, body: object) =>
  fetch(`${app.baseUrl}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const dashboard = (app: RunningAssistant, token: string) => fetch(`${app.baseUrl}/api/tab/dashboard?locale=en`, { headers: { authorization: `Bearer ${token}` } });

describe('Token failures on the HTTP endpoints: 401 with a reason, 503 with Retry-After, never a 500', () => {
  const keys = new KeyServer('k1');
  before(async () => {
    await keys.start();
  });
  after(async () => keys.stop());

  describe('/api/directline/token with the portal’s keys', () => {
    let app: RunningAssistant;
    let down: RunningAssistant;
    const logs = capturedLog();
    const claims = (more: object = {}) => ({ sub: 'bob', name: 'Bob', exp: inSeconds(300), ...more });
    before(async () => {
      app = await startAssistant({ EMBED_JWKS_URL: keys.jwksUrl });
      down = await startAssistant({ EMBED_JWKS_URL: await deadUrl() }, { log: logs.log });
    });
    after(async () => {
      await app.stop();
      await down.stop();
    });

    it('issues a Direct Line token for a valid portal token', async () => {
      const res = await tokenRequest(app, { userToken: rs256(keys.privateKey, claims()) });
      expect(res.status).to.equal(200);
      expect((await res.json()).user).to.deep.equal({ id: 'web:bob', name: 'Bob' });
    });

    const refused: [string, () => string, string][] = [
      ['a header that is JSON null', () => craft(null, claims(), () => 'AAAA'), 'header is not a JSON object'],
      ['a header that is not JSON', () => `bm90IGpzb24.${rs256(keys.privateKey, claims()).split('.').slice(1).join('.')}`, 'header is not JSON'],
      ['alg none', () => craft({ alg: 'none', kid: 'k1' }, claims(), () => 'AAAA'), 'algorithm not allowed'],
      ['HS256 signed with the public key', () => hs256(JSON.stringify(keys.keyPair.publicKey.export({ format: 'jwk' })), claims(), { kid: 'k1' }), 'algorithm not allowed'],
      ['an expired token', () => rs256(keys.privateKey, claims({ exp: inSeconds(-60) })), 'expired'],
      ['an unknown kid', () => rs256(keys.privateKey, claims(), 'k9'), 'unknown signing key'],
      ['a padded signature', () => `${rs256(keys.privateKey, claims())}==`, 'not canonical base64url'],
    ];
    for (const [name, token, reason] of refused) {
      it(`refuses ${name} with 401 "${reason}"`, async () => {
        const res = await tokenRequest(app, { userToken: token() });
        expect(res.status).to.equal(401);
        expect(await res.json()).to.deep.equal({ code: 'Unauthorized', message: `The userToken was refused: ${reason}.` });
      });
    }

    it('answers 503 with Retry-After when the portal’s keys cannot be fetched; one log line, no stack, no token', async () => {
      const before = logs.lines.length;
      let res!: Response;
      const printed = await consoleDuring(async () => {
        res = await tokenRequest(down, { userToken: rs256(keys.privateKey, claims()) });
      });
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('30');
      const body = await res.json();
      expect(body.code).to.equal('ServiceUnavailable');
      expect(body).to.not.have.property('token');
      const lines = logs.lines.slice(before).filter((l) => /userToken/.test(String(l.msg)));
      expect(lines).to.have.length(1);
      expect(JSON.stringify(lines)).to.not.include('    at ');
      expect(printed).to.deep.equal([]);
    });
  });

  describe('/api/tab/dashboard', () => {
    let app: RunningAssistant;
    let down: RunningAssistant;
    const good = (more: object = {}) => ({ aud: CLIENT_ID, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, tid: TENANT, oid: 'aad-tab-user', name: 'Tab User', exp: inSeconds(600), ...more });
    before(async () => {
      app = await startAssistant({ SSO_CLIENT_ID: CLIENT_ID, SSO_JWKS_URL: keys.jwksUrl });
      down = await startAssistant({ SSO_CLIENT_ID: CLIENT_ID, SSO_JWKS_URL: await deadUrl() });
    });
    after(async () => {
      await app.stop();
      await down.stop();
    });

    it('refuses a header that is JSON null with 401', async () => {
      const res = await dashboard(app, craft(null, good(), () => 'AAAA'));
      expect(res.status).to.equal(401);
      expect((await res.json()).message).to.equal('The SSO token was refused: header is not a JSON object.');
    });

    it('refuses a valid token of a tenant with no organization here (and not listed) with 403', async () => {
      const res = await dashboard(app, rs256(keys.privateKey, good()));
      expect(res.status).to.equal(403);
      expect((await res.json()).code).to.equal('Forbidden');
    });

    it('lets in the users of an organization enrolled here', async () => {
      // The demo organization is seeded on a laptop; any enrolled organization counts the same.
      const tenant = '5d3c8a71-2e4f-4b6a-9c1d-7f8e9a0b1c2d';
      expect(await new CasRecordStore(app.assistant.storage.namespace('organizations')).get(tenant)).to.not.equal(undefined);
      const res = await dashboard(app, rs256(keys.privateKey, good({ tid: tenant, iss: `https://login.microsoftonline.com/${tenant}/v2.0` })));
      expect(res.status).to.equal(200);
      expect((await res.json()).title).to.equal('Hello, Tab User');
    });

    it('answers 503 with Retry-After when the SSO keys cannot be fetched', async () => {
      const res = await dashboard(down, rs256(keys.privateKey, good()));
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('30');
    });
  });
  describe('/api/messages with an app id (Bot Framework tokens against a local OpenID metadata stand-in)', () => {
    let app: RunningAssistant;
    let down: RunningAssistant;
    const logs = capturedLog();
    const downLogs = capturedLog();
    const botEnv = (metadataUrl: string) => ({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-used-by-these-tests', BOT_OPENID_METADATA_URL: metadataUrl, BOT_EMULATOR_OPENID_METADATA_URL: metadataUrl });
    const claims = (more: object = {}) => ({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, exp: inSeconds(600), nbf: inSeconds(-10), ...more });
    const activity = (more: object = {}) => ({
      type: 'message',
      id: `a-${Math.random()}`,
      channelId: 'msteams',
      serviceUrl: SERVICE_URL,
      deliveryMode: 'expectReplies',
      text: 'help',
      locale: 'en-US',
      from: { id: 'u-bf', name: 'BF User' },
      recipient: { id: APP_ID },
      conversation: { id: 'c-bf' },
      ...more,
    });
    const send = (target: RunningAssistant, authorization: string | undefined, body: object = activity()) =>
      fetch(`${target.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });

    before(async () => {
      app = await startAssistant(botEnv(keys.metadataUrl), { log: logs.log });
      down = await startAssistant(botEnv(await deadUrl('/.well-known/openid-configuration')), { log: downLogs.log });
    });
    after(async () => {
      await app.stop();
      await down.stop();
    });

    it('runs the turn for a valid channel token: 200 with the replies', async () => {
      const res = await send(app, `Bearer ${rs256(keys.privateKey, claims())}`);
      expect(res.status).to.equal(200);
      expect((await res.json()).activities).to.have.length.greaterThan(0);
    });

    const forger = new KeyServer('k1');
    const refused: [string, () => string | undefined, string][] = [
      ['no Authorization header', () => undefined, 'no Bearer token'],
      ['an unsigned token (alg none)', () => `Bearer ${craft({ alg: 'none', kid: 'k1' }, claims(), () => 'AAAA')}`, 'algorithm not allowed'],
      ['a forged token (another key, same kid)', () => `Bearer ${rs256(forger.privateKey, claims())}`, 'bad signature'],
      ['an expired token (beyond the five minutes’ tolerance)', () => `Bearer ${rs256(keys.privateKey, claims({ exp: inSeconds(-600) }))}`, 'expired'],
      ['a token for another bot', () => `Bearer ${rs256(keys.privateKey, claims({ aud: 'another-app-id' }))}`, 'wrong "aud"'],
      ['an HS256 token', () => `Bearer ${hs256('any-secret-at-all-of-32-characters!!', claims(), { kid: 'k1' })}`, 'algorithm not allowed'],
      ['a header that is JSON null', () => `Bearer ${craft(null, claims(), () => 'AAAA')}`, 'header is not a JSON object'],
      ['a token for another serviceUrl', () => `Bearer ${rs256(keys.privateKey, claims({ serviceurl: 'https://elsewhere.example/' }))}`, 'the serviceUrl is not the one in the token'],
      ['an issuer nobody trusts', () => `Bearer ${rs256(keys.privateKey, claims({ iss: 'https://evil.example/' }))}`, 'wrong issuer'],
    ];
    for (const [name, authorization, reason] of refused) {
      it(`refuses ${name} with 401 "${reason}": one log line, nothing on the console, no state changed`, async () => {
        const state = await keysIn(app.assistant.storage.namespace('botstate'));
        const before = logs.lines.length;
        let res!: Response;
        const printed = await consoleDuring(async () => {
          res = await send(app, authorization(), activity({ conversation: { id: `c-refused-${Math.random()}` } }));
        });
        expect(res.status).to.equal(401);
        expect(await res.json()).to.deep.equal({ code: 'Unauthorized', message: `The Bot Framework token was refused: ${reason}.` });
        expect(logs.lines.slice(before).filter((l) => /Bot Framework token/.test(String(l.msg)))).to.have.length(1);
        expect(printed).to.deep.equal([]);
        expect(await keysIn(app.assistant.storage.namespace('botstate'))).to.deep.equal(state);
      });
    }

    it('answers 503 with Retry-After when the OpenID metadata is unreachable: one log line, no stack, nothing processed', async () => {
      const state = await keysIn(down.assistant.storage.namespace('botstate'));
      const before = downLogs.lines.length;
      let res!: Response;
      const printed = await consoleDuring(async () => {
        res = await send(down, `Bearer ${rs256(keys.privateKey, claims())}`);
      });
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('30');
      expect((await res.json()).code).to.equal('ServiceUnavailable');
      const lines = downLogs.lines.slice(before).filter((l) => /Bot Framework token/.test(String(l.msg)));
      expect(lines).to.have.length(1);
      expect(JSON.stringify(lines)).to.not.include('    at ');
      expect(printed).to.deep.equal([]);
      expect(await keysIn(down.assistant.storage.namespace('botstate'))).to.deep.equal(state);
    });
  });
  describe('key rotation across a restart', () => {
    it('keeps a token signed before the rotation working; new tokens carry the new kid', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'csp-rotation-'));
      try {
        const first = await startAssistant({}, {}, { dataDir, keepData: true });
        const old = (await demoDirectLineToken(first.baseUrl, 'persona-reseller-admin')).json;
        await first.stop();
        rotateKeyring(dataDir);
        const second = await startAssistant({}, {}, { dataDir, keepData: true });
        try {
          const opened = await fetch(`${second.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${old.token}` } });
          expect(opened.status, 'the old token still opens its conversation').to.equal(201);
          const fresh = (await demoDirectLineToken(second.baseUrl, 'persona-reseller-admin')).json;
          expect(decodeProtectedHeader(fresh.token).kid).to.not.equal(decodeProtectedHeader(old.token).kid);
          const tampered = `${old.token.slice(0, -1)}${old.token.endsWith('A') ? 'B' : 'A'}`;
          expect((await fetch(`${second.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${tampered}` } })).status).to.equal(403);
        } finally {
          await second.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
