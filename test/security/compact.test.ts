import { expect } from 'chai';
import { isCanonicalBase64url, parseCompact } from '../../src/security/compact.js';
import { TokenRefused } from '../../src/security/token-errors.js';
import { craft } from '../support/token-kit.js';

describe('Compact token check', () => {
  // One byte 0xfb encodes as "-w"; "-x" to "-_" decode to the same byte with other padding bits.
  const cases: [string, string, boolean][] = [
    ['a canonical part', '-w', true],
    ['a trailing "="', '-w=', false],
    ['a trailing "=="', '-w==', false],
    ['a "~" inside', '-w~', false],
    ['another spelling of the last character', '-x', false],
    ['standard base64 "+" and "/"', '+/', false],
    ['whitespace', '-w ', false],
    ['an impossible length', 'abcde', false],
    ['an empty part', '', false],
  ];
  for (const [name, part, canonical] of cases) {
    it(`${canonical ? 'accepts' : 'refuses'} ${name}`, () => {
      expect(isCanonicalBase64url(part)).to.equal(canonical);
    });
  }

  const refused: [string, string, string][] = [
    ['a header that is JSON null', craft(null, { sub: 'a' }, () => 'c2ln'), 'header is not a JSON object'],
    ['a header that is an array', craft([1], { sub: 'a' }, () => 'c2ln'), 'header is not a JSON object'],
    ['a header that is not JSON', `${Buffer.from('{nope').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`, 'header is not JSON'],
    ['a payload that is a string', craft({ alg: 'HS256' }, '"hello"', () => 'c2ln'), 'payload is not a JSON object'],
    ['two parts', 'eyJhIjoxfQ.eyJhIjoxfQ', 'not a compact JWT'],
    ['four parts', 'eyJhIjoxfQ.eyJhIjoxfQ.c2ln.c2ln', 'not a compact JWT'],
    ['an empty signature (alg none style)', craft({ alg: 'none' }, { sub: 'a' }), 'not canonical base64url'],
    ['a padded signature', `${craft({ alg: 'HS256' }, { sub: 'a' }, () => 'c2ln')}==`, 'not canonical base64url'],
    ['an endless token', `${'a'.repeat(20_000)}.b.c`, 'token too long'],
  ];
  for (const [name, token, reason] of refused) {
    it(`refuses ${name}: "${reason}"`, () => {
      expect(() => parseCompact(token)).to.throw(TokenRefused).with.property('reason', reason);
    });
  }

  it('reads the header and payload of a well-formed token', () => {
    expect(parseCompact(craft({ alg: 'HS256', kid: 'k' }, { sub: 'a' }, () => 'c2ln'))).to.deep.equal({ header: { alg: 'HS256', kid: 'k' }, payload: { sub: 'a' } });
  });
});
