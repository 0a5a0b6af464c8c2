import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { EmbedIdentity } from '../../src/http/embed-identity.js';
import { SsoVerifier, TenantNotAllowed } from '../../src/http/sso.js';
import { OpenIdKeys, RemoteKeys } from '../../src/security/jwt.js';
import { KeysUnavailable, TokenRefused } from '../../src/security/token-errors.js';
import { craft, deadUrl, hs256, inSeconds, KeyServer, rs256 } from '../support/token-kit.js';

const SECRET = 'portal-shared-secret-of-at-least-32-chars';
const TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const CLIENT = '99999999-8888-4777-8666-555555555555';

/** The refusal a promise ends with: the reason of a TokenRefused, 'unavailable', 'tenant' or 'ok'. */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (error instanceof TokenRefused) return error.reason;
    if (error instanceof KeysUnavailable) return 'unavailable';
    if (error instanceof TenantNotAllowed) return 'tenant';
    throw error;
  }
}

describe('Token verifiers (jose)', () => {
  const keys = new KeyServer('portal');
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  before(async () => {
    await keys.start();
  });
  after(async () => keys.stop());
  beforeEach(() => {
    keys.mode = 'up';
  });

  describe('EmbedIdentity', () => {
    const hs = () => new EmbedIdentity({ sharedSecret: SECRET, issuer: 'https://portal.example', audience: 'csp-assistant' });
    const rs = () => new EmbedIdentity({ jwksUrl: keys.jwksUrl, issuer: 'https://portal.example', audience: 'csp-assistant' });
    const good = (more: object = {}) => ({ sub: 'alice', name: 'Alice', iss: 'https://portal.example', aud: 'csp-assistant', exp: inSeconds(300), ...more });
    const publicJwk = () => JSON.stringify(keys.keyPair.publicKey.export({ format: 'jwk' }));

    const cases: [string, () => EmbedIdentity, () => string, string][] = [
      ['accepts an HS256 token from the portal', hs, () => hs256(SECRET, good()), 'ok'],
      ['accepts an RS256 token from the portal', rs, () => rs256(keys.privateKey, good(), 'portal'), 'ok'],
      ['accepts an aud array that holds the audience', hs, () => hs256(SECRET, good({ aud: ['other', 'csp-assistant'] })), 'ok'],
      ['refuses an aud array without it', hs, () => hs256(SECRET, good({ aud: ['other', 'more'] })), 'wrong "aud"'],
      ['refuses another audience', rs, () => rs256(keys.privateKey, good({ aud: 'another-app' }), 'portal'), 'wrong "aud"'],
      ['refuses another issuer', rs, () => rs256(keys.privateKey, good({ iss: 'https://other.example' }), 'portal'), 'wrong "iss"'],
      ['refuses an expired token', hs, () => hs256(SECRET, good({ exp: inSeconds(-10) })), 'expired'],
      ['refuses a token with no expiry', hs, () => hs256(SECRET, good({ exp: undefined })), 'no "exp" claim'],
      ['refuses a token with no subject', hs, () => hs256(SECRET, good({ sub: undefined })), 'no "sub" claim'],
      ['refuses a bad HS256 signature', hs, () => hs256('another-secret-of-at-least-32-characters', good()), 'bad signature'],
      ['refuses a bad RS256 signature', rs, () => rs256(stranger, good(), 'portal'), 'bad signature'],
      ['refuses an unknown kid', rs, () => rs256(keys.privateKey, good(), 'nobody'), 'unknown signing key'],
      ['refuses alg none', hs, () => craft({ alg: 'none' }, good(), () => 'AAAA'), 'algorithm not allowed'],
      ['refuses RS256 when only a shared secret is configured', hs, () => rs256(keys.privateKey, good(), 'portal'), 'algorithm not allowed'],
      ['refuses HS256 signed with the public key (algorithm confusion)', rs, () => hs256(publicJwk(), good(), { kid: 'portal' }), 'algorithm not allowed'],
      ['refuses a header that is JSON null', hs, () => craft(null, good(), () => 'AAAA'), 'header is not a JSON object'],
      ['refuses a header that is not JSON', hs, () => `bm90IGpzb24.${hs256(SECRET, good()).split('.').slice(1).join('.')}`, 'header is not JSON'],
      ['refuses a padded signature', hs, () => `${hs256(SECRET, good())}=`, 'not canonical base64url'],
      ['refuses a signature with a "~"', hs, () => `${hs256(SECRET, good())}~`, 'not canonical base64url'],
    ];
    for (const [name, verifier, token, expected] of cases) {
      it(`${name}${expected === 'ok' ? '' : `: "${expected}"`}`, async () => {
        expect(await outcome(verifier().verify(token(), new Date()))).to.equal(expected);
      });
    }

    it('names the user the token names', async () => {
      expect(await hs().verify(hs256(SECRET, good()), new Date())).to.deep.equal({ id: 'web:alice', name: 'Alice' });
    });

    it('names no tenant by default, whatever tid the portal puts in its token', async () => {
      expect(await hs().verify(hs256(SECRET, good({ tid: '5D3C8A71-2E4F-4B6A-9C1D-7F8E9A0B1C2D' })), new Date())).to.deep.equal({ id: 'web:alice', name: 'Alice' });
    });

    it('names the tenant only when the operator trusts the portal for that tenant', async () => {
      const trusted = new EmbedIdentity({ sharedSecret: SECRET, issuer: 'https://portal.example', audience: 'csp-assistant', trustedTenants: ['5d3c8a71-2e4f-4b6a-9c1d-7f8e9a0b1c2d'] });
      expect(await trusted.verify(hs256(SECRET, good({ tid: '5D3C8A71-2E4F-4B6A-9C1D-7F8E9A0B1C2D' })), new Date())).to.deep.equal({ id: 'web:alice', name: 'Alice', tenantId: '5d3c8a71-2e4f-4b6a-9c1d-7f8e9a0b1c2d' });
      expect(await trusted.verify(hs256(SECRET, good({ tid: '11111111-1111-4111-8111-111111111111' })), new Date())).to.deep.equal({ id: 'web:alice', name: 'Alice' });
      expect(await trusted.verify(hs256(SECRET, good({ tid: ['5d3c8a71-2e4f-4b6a-9c1d-7f8e9a0b1c2d'] })), new Date())).to.deep.equal({ id: 'web:alice', name: 'Alice' });
    });

    it('says the keys are unavailable, not that the token is bad, when the JWKS is down or slow', async () => {
      const token = rs256(keys.privateKey, good(), 'portal');
      expect(await outcome(new EmbedIdentity({ jwksUrl: await deadUrl() }).verify(token, new Date()))).to.equal('unavailable');
      keys.mode = 'error';
      expect(await outcome(rs().verify(token, new Date()))).to.equal('unavailable');
      keys.mode = 'hang';
      const slow = new EmbedIdentity({ jwksUrl: keys.jwksUrl }, { timeoutMs: 200 });
      const started = Date.now();
      expect(await outcome(slow.verify(token, new Date()))).to.equal('unavailable');
      expect(Date.now() - started).to.be.below(2000);
    });
  });

  describe('RemoteKeys', () => {
    it('fetches the key set at most a couple of times for 20 tokens with an unknown kid', async () => {
      const identity = new EmbedIdentity({ jwksUrl: keys.jwksUrl });
      const before = keys.keyFetches;
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => outcome(identity.verify(rs256(keys.privateKey, { sub: `u${i}`, exp: inSeconds(60) }, `made-up-${i}`), new Date()))));
      for (let i = 10; i < 20; i++) results.push(await outcome(identity.verify(rs256(keys.privateKey, { sub: `u${i}`, exp: inSeconds(60) }, `made-up-${i}`), new Date())));
      expect(results).to.deep.equal(Array(20).fill('unknown signing key'));
      expect(keys.keyFetches - before).to.be.within(1, 2);
    });

    it('refetches for an unknown kid again once the cooldown is over (a rotated key)', async () => {
      const remote = new RemoteKeys(keys.jwksUrl, { cooldownMs: 50 });
      const before = keys.keyFetches;
      await outcome(Promise.resolve(remote.getKey({ alg: 'RS256', kid: 'new-key' }, { payload: '', signature: '' })));
      await new Promise((r) => setTimeout(r, 80));
      await outcome(Promise.resolve(remote.getKey({ alg: 'RS256', kid: 'new-key' }, { payload: '', signature: '' })));
      expect(keys.keyFetches - before).to.equal(2);
    });
  });

  describe('while the keys are down', () => {
    it('fetches once for a burst of requests, then again after the hold', async () => {
      keys.mode = 'error';
      const identity = new EmbedIdentity({ jwksUrl: keys.jwksUrl }, { failureHoldMs: 100 });
      const token = rs256(keys.privateKey, { sub: 'a', exp: inSeconds(60) }, 'portal');
      const before = keys.requests;
      for (let i = 0; i < 10; i++) expect(await outcome(identity.verify(token, new Date()))).to.equal('unavailable');
      expect(keys.requests - before).to.equal(1);
      await new Promise((r) => setTimeout(r, 150));
      keys.mode = 'up';
      expect(await outcome(identity.verify(token, new Date())), 'the keys are back').to.equal('ok');
    });

    it('does the same for OpenID metadata', async () => {
      keys.mode = 'error';
      const metadata = new OpenIdKeys(keys.metadataUrl, { failureHoldMs: 100 });
      const before = keys.requests;
      for (let i = 0; i < 10; i++) expect(await outcome(Promise.resolve(metadata.getKey({ alg: 'RS256', kid: 'portal' }, { payload: '', signature: '' })))).to.equal('unavailable');
      expect(keys.requests - before).to.equal(1);
      await new Promise((r) => setTimeout(r, 150));
      keys.mode = 'up';
      expect(await outcome(Promise.resolve(metadata.getKey({ alg: 'RS256', kid: 'portal' }, { payload: '', signature: '' })))).to.equal('ok');
    });
  });

  describe('SsoVerifier', () => {
    const allowed = new Set([TENANT]);
    const sso = () => new SsoVerifier({ jwksUrl: keys.jwksUrl, audiences: [CLIENT, `api://example/${CLIENT}`], tenantAllowed: async (tid) => allowed.has(tid) });
    const good = (more: object = {}) => ({ aud: CLIENT, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, tid: TENANT, oid: 'oid-1', name: 'Tab User', exp: inSeconds(600), ...more });
    const other = 'bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee';

    const cases: [string, () => string, string][] = [
      ['accepts a token of an allowed tenant', () => rs256(keys.privateKey, good(), 'portal'), 'ok'],
      ['accepts the v1 issuer and an aud array holding the api:// resource', () => rs256(keys.privateKey, good({ iss: `https://sts.windows.net/${TENANT}/`, aud: ['x', `api://example/${CLIENT}`] }), 'portal'), 'ok'],
      ['refuses another tenant’s valid token', () => rs256(keys.privateKey, good({ tid: other, iss: `https://login.microsoftonline.com/${other}/v2.0` }), 'portal'), 'tenant'],
      ['refuses an issuer of another tenant', () => rs256(keys.privateKey, good({ iss: `https://login.microsoftonline.com/${other}/v2.0` }), 'portal'), 'wrong issuer'],
      ['refuses another audience', () => rs256(keys.privateKey, good({ aud: 'api://elsewhere' }), 'portal'), 'wrong "aud"'],
      ['refuses a token without tid', () => rs256(keys.privateKey, good({ tid: undefined }), 'portal'), 'no "tid" claim'],
      ['refuses an expired token', () => rs256(keys.privateKey, good({ exp: inSeconds(-5) }), 'portal'), 'expired'],
      ['refuses HS256', () => hs256(SECRET, good(), { kid: 'portal' }), 'algorithm not allowed'],
      ['refuses a header that is JSON null', () => craft(null, good(), () => 'AAAA'), 'header is not a JSON object'],
    ];
    for (const [name, token, expected] of cases) {
      it(name, async () => {
        expect(await outcome(sso().verify(token()))).to.equal(expected);
      });
    }

    it('gives the user and tenant of a valid token', async () => {
      expect(await sso().verify(rs256(keys.privateKey, good(), 'portal'))).to.deep.equal({ userId: 'oid-1', tenantId: TENANT, name: 'Tab User' });
    });

    it('refuses every token when no client id is configured', async () => {
      const none = new SsoVerifier({ jwksUrl: keys.jwksUrl, audiences: [], tenantAllowed: async () => true });
      expect(await outcome(none.verify(rs256(keys.privateKey, good(), 'portal')))).to.equal('no SSO client id configured');
    });

    describe('a Teams user’s token from the bot’s OAuth connection', () => {
      const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
      const USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509';
      const expected = { tenantId: other, userId: 'oid-1' };
      const ofOther = (more: object = {}) => good({ tid: other, iss: `https://login.microsoftonline.com/${other}/v2.0`, ...more });

      it('proves the global administrator role from wids, for a tenant not served yet (enrolling is how it gets served)', async () => {
        const user = await sso().verifyTeamsUser(rs256(keys.privateKey, ofOther({ wids: [USER_ROLE, GLOBAL_ADMIN] }), 'portal'), expected);
        expect(user).to.deep.equal({ userId: 'oid-1', tenantId: other, name: 'Tab User', globalAdmin: true });
      });

      it('says a user whose wids lack the role is not a global administrator', async () => {
        expect((await sso().verifyTeamsUser(rs256(keys.privateKey, ofOther({ wids: [USER_ROLE] }), 'portal'), expected)).globalAdmin).to.equal(false);
      });

      it('leaves the role unknown when the token carries no wids at all', async () => {
        expect(await sso().verifyTeamsUser(rs256(keys.privateKey, ofOther(), 'portal'), expected)).to.not.have.property('globalAdmin');
      });

      const refused: [string, () => string, string][] = [
        ['refuses a token of another tenant than the conversation’s', () => rs256(keys.privateKey, good({ wids: [GLOBAL_ADMIN] }), 'portal'), 'another tenant'],
        ['refuses a token of another user than the sender', () => rs256(keys.privateKey, ofOther({ oid: 'oid-2', wids: [GLOBAL_ADMIN] }), 'portal'), 'another user'],
        ['refuses wids that are not a list of ids', () => rs256(keys.privateKey, ofOther({ wids: GLOBAL_ADMIN }), 'portal'), 'wrong "wids"'],
        ['still refuses another audience', () => rs256(keys.privateKey, ofOther({ aud: 'api://elsewhere', wids: [GLOBAL_ADMIN] }), 'portal'), 'wrong "aud"'],
        ['still refuses an expired token', () => rs256(keys.privateKey, ofOther({ exp: inSeconds(-5), wids: [GLOBAL_ADMIN] }), 'portal'), 'expired'],
        ['still refuses an issuer of another tenant', () => rs256(keys.privateKey, ofOther({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, wids: [GLOBAL_ADMIN] }), 'portal'), 'wrong issuer'],
      ];
      for (const [name, token, reason] of refused) {
        it(name, async () => {
          expect(await outcome(sso().verifyTeamsUser(token(), expected))).to.equal(reason);
        });
      }
    });
  });
});
