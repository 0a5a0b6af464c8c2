import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';
import { JoseSignedLinks, signingKey } from '../../src/security/signed-links.js';
import { loadKeyring, rotateKeyring } from '../../src/storage/signing-key.js';
import { craft, hs256 } from '../support/token-kit.js';

const T0 = new Date('2026-11-24T09:00:00Z');
const KEY = 'a-key-of-enough-length-for-hmac-signing';
const OTHER = 'another-key-of-enough-length-for-hmac';
const links = (current = KEY, previous: string[] = []) => new JoseSignedLinks({ current: signingKey(current), previous: previous.map(signingKey) });
const claims = { id: 'inv-1', kind: 'reseller-invitation', subject: 'p', exp: Math.floor(T0.getTime() / 1000) + 60 };
const outcome = async (signed: JoseSignedLinks, token: string, now = T0, kind = 'reseller-invitation') => {
  const result = await signed.verify(token, kind, now);
  return result.ok ? 'ok' : result.reason;
};

describe('Signed links', () => {
  let token: string;
  before(async () => {
    token = await links().sign(claims);
  });

  it('are compact JWS, HS256, with the key id in the header', () => {
    expect(token.split('.')).to.have.length(3);
    expect(decodeProtectedHeader(token)).to.deep.equal({ alg: 'HS256', kid: signingKey(KEY).kid });
  });

  it('give back the claims of a valid link', async () => {
    expect(await links().verify(token, 'reseller-invitation', T0)).to.deep.equal({ ok: true, claims });
  });

  const cases: [string, () => string, () => JoseSignedLinks, Date, string][] = [
    ['a link signed with a key not on the ring', () => token, () => links(OTHER), T0, 'invalid'],
    ['a tampered payload', () => { const [h, p, s] = token.split('.'); return `${h}.${p.slice(0, -2)}AA.${s}`; }, () => links(), T0, 'invalid'],
    ['a truncated signature', () => token.slice(0, -4), () => links(), T0, 'invalid'],
    ['garbage', () => 'not-a-token', () => links(), T0, 'invalid'],
    ['an expired link', () => token, () => links(), new Date(T0.getTime() + 61_000), 'expired'],
    ['a trailing "=="', () => `${token}==`, () => links(), T0, 'invalid'],
    ['a trailing "~"', () => `${token}~`, () => links(), T0, 'invalid'],
    ['another spelling of the signature’s last character', () => respell(token), () => links(), T0, 'invalid'],
    ['alg none', () => craft({ alg: 'none', kid: signingKey(KEY).kid }, { jti: 'inv-1', kind: 'reseller-invitation', sub: 'p', exp: claims.exp }), () => links(), T0, 'invalid'],
    ['HS512 with the right key', () => craft({ alg: 'HS512', kid: signingKey(KEY).kid }, { jti: 'inv-1', kind: 'reseller-invitation', sub: 'p', exp: claims.exp }, () => 'AAAA'), () => links(), T0, 'invalid'],
    ['a link with no kid', () => hs256(KEY, { jti: 'inv-1', kind: 'reseller-invitation', sub: 'p', exp: claims.exp }), () => links(), T0, 'invalid'],
    ['a header that is JSON null', () => `${Buffer.from('null').toString('base64url')}.${token.split('.')[1]}.${token.split('.')[2]}`, () => links(), T0, 'invalid'],
    ['the old two-part format', () => 'eyJpZCI6Imludi0xIn0.c2lnbmF0dXJl', () => links(), T0, 'invalid'],
  ];
  for (const [name, tok, ring, now, expected] of cases) {
    it(`refuse ${name}`, async () => {
      expect(await outcome(ring(), tok(), now)).to.equal(expected);
    });
  }

  it('refuse a link of another kind, expired or not', async () => {
    expect(await outcome(links(), token, T0, 'customer-invitation')).to.equal('invalid');
    expect(await outcome(links(), token, new Date(T0.getTime() + 61_000), 'customer-invitation')).to.equal('invalid');
  });

  it('keep working after a rotation: old links verify with the retired key, new links carry the new kid', async () => {
    const rotated = links(OTHER, [KEY]);
    expect(await outcome(rotated, token)).to.equal('ok');
    const fresh = await rotated.sign(claims);
    expect(decodeProtectedHeader(fresh).kid).to.equal(signingKey(OTHER).kid).and.not.equal(signingKey(KEY).kid);
    expect(await outcome(rotated, fresh)).to.equal('ok');
    expect(await outcome(links(KEY), fresh), 'the old ring does not know the new key').to.equal('invalid');
    expect(await rotated.signings(claims)).to.deep.equal([fresh, token]);
  });

  it('stop accepting a key once it is dropped from the ring', async () => {
    expect(await outcome(links(OTHER), token)).to.equal('invalid');
  });
});

describe('Signing keyring', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyring-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created once in the data folder, readable by the owner only, and read back the same', () => {
    const first = loadKeyring({}, dir);
    expect(first.previous).to.deep.equal([]);
    expect(first.current.secret).to.have.length.of.at.least(32);
    expect(statSync(join(dir, 'signing-keys.json')).mode & 0o777).to.equal(0o600);
    expect(loadKeyring({}, dir)).to.deep.equal(first);
  });

  it('takes over the single key file of earlier versions', () => {
    writeFileSync(join(dir, 'invitation-signing.key'), `${KEY}\n`);
    expect(loadKeyring({}, dir).current).to.deep.equal(signingKey(KEY));
  });

  it('rotates: a link signed before still verifies after the restart, new links carry the new kid', async () => {
    const before = new JoseSignedLinks(loadKeyring({}, dir));
    const old = await before.sign(claims);
    rotateKeyring(dir, T0);
    const ring = loadKeyring({}, dir);
    const after = new JoseSignedLinks(ring);
    expect(ring.previous.map((k) => k.kid)).to.deep.equal([decodeProtectedHeader(old).kid]);
    expect(await outcome(after, old)).to.equal('ok');
    expect(decodeProtectedHeader(await after.sign(claims)).kid).to.equal(ring.current.kid).and.not.equal(decodeProtectedHeader(old).kid);
    expect(statSync(join(dir, 'signing-keys.json')).mode & 0o777).to.equal(0o600);
  });

  it('drops retired keys once no link they signed can still be valid (91 days)', () => {
    loadKeyring({}, dir, T0);
    rotateKeyring(dir, T0);
    const later = rotateKeyring(dir, new Date(T0.getTime() + 92 * 86_400_000));
    expect(later.previous).to.have.length(1);
    const stored = JSON.parse(readFileSync(join(dir, 'signing-keys.json'), 'utf8')) as { keys: unknown[] };
    expect(stored.keys).to.have.length(2);
  });

  it('uses INVITATION_SIGNING_KEY and INVITATION_PREVIOUS_SIGNING_KEYS when set, and writes no file', () => {
    const ring = loadKeyring({ current: OTHER, previous: [KEY, OTHER] }, dir);
    expect(ring).to.deep.equal({ current: signingKey(OTHER), previous: [signingKey(KEY)] });
    expect(() => statSync(join(dir, 'signing-keys.json'))).to.throw();
  });

  it('refuses to start on a keyring file it cannot read as one', () => {
    writeFileSync(join(dir, 'signing-keys.json'), JSON.stringify({ keys: [{ secret: 'short' }] }));
    expect(() => loadKeyring({}, dir)).to.throw(/not valid/);
  });
});

/** The same token with the signature's last character spelled another way (same bytes, other padding bits). */
function respell(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(s.at(-1)!);
  // A 32-byte HMAC is 43 characters: the last one carries 4 bits, the low 2 are padding.
  const other = alphabet[last ^ 1];
  const variant = `${s.slice(0, -1)}${other}`;
  if (Buffer.from(variant, 'base64url').equals(Buffer.from(s, 'base64url')) === false) throw new Error('not a respelling');
  return `${h}.${p}.${variant}`;
}
