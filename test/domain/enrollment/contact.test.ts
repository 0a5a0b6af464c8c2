import { expect } from 'chai';
import { isEmailAddress, isWebmailAddress, normalizePhone } from '../../../src/domain/enrollment/contact.js';
import { isValidPostalCode, normalizePostalCode } from '../../../src/domain/enrollment/countries.js';

describe('Primary contact rules', () => {
  const webmail = ['someone@gmail.com', 'x@googlemail.com', 'a@yahoo.it', 'a@yahoo.co.uk', 'b@ymail.com', 'c@outlook.com', 'd@hotmail.it',
    'e@live.com', 'f@msn.com', 'g@icloud.com', 'h@me.com', 'i@aol.com', 'j@gmx.de', 'k@libero.it', 'l@virgilio.it', 'm@proton.me',
    'n@protonmail.com', 'o@web.de', 'p@orange.fr', 'q@qq.com', 'R@GMAIL.COM'];
  for (const address of webmail) {
    it(`refuses the webmail address ${address}`, () => expect(isWebmailAddress(address)).to.equal(true));
  }
  const own = ['giulia@contoso-italia.example', 'it@fabrikam.com', 'ops@mail.contoso.com', 'a@livecorp.example', 'b@hotmailing.example', 'c@gmail.company.example'];
  for (const address of own) {
    it(`accepts the organization address ${address}`, () => expect(isWebmailAddress(address)).to.equal(false));
  }

  const emails: [string, boolean][] = [
    ['a@b.co', true], ['first.last+tag@contoso.example', true], ['no-at-sign', false], ['a@b', false], ['a@@b.com', false], ['a b@c.com', false],
  ];
  for (const [email, valid] of emails) {
    it(`${valid ? 'accepts' : 'refuses'} ${JSON.stringify(email)} as an e-mail address`, () => expect(isEmailAddress(email)).to.equal(valid));
  }
});

describe('normalizePhone', () => {
  const cases: [string, string, string | undefined][] = [
    ['+39 02 1234 5678', 'IT', '+390212345678'],
    ['02 1234 5678', 'IT', '+390212345678'],
    ['0039 02 1234 5678', 'DE', '+390212345678'],
    ['(425) 555-0100', 'US', '+14255550100'],
    ['1 425 555 0100', 'US', '+14255550100'],
    ['030 123456', 'DE', '+4930123456'],
    ['020 7946 0000', 'GB', '+442079460000'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['+44 (0) 20', 'GB', undefined],
    ['12', 'IT', undefined],
    ['call me', 'IT', undefined],
    ['+39 02 1234 5678 9999 99', 'IT', undefined],
    ['555 0100', 'XX', undefined],
  ];
  for (const [raw, country, expected] of cases) {
    it(`${JSON.stringify(raw)} in ${country} → ${expected ?? 'refused'}`, () => expect(normalizePhone(raw, country)).to.equal(expected));
  }
});

describe('Postal codes by country', () => {
  const cases: [string, string, string, boolean][] = [
    ['US', '98052', '98052', true], ['US', '98052-6399', '98052-6399', true], ['US', '9805', '9805', false],
    ['CA', 'k1a0b1', 'K1A 0B1', true], ['CA', 'K1A 0B', 'K1A 0B', false],
    ['GB', 'sw1a1aa', 'SW1A 1AA', true], ['GB', 'EC1A 1BB', 'EC1A 1BB', true], ['GB', '12345', '12 345', false],
    ['IE', 'd02x285', 'D02 X285', true], ['IE', 'D0 2X285', 'D02 X285', true], ['IE', 'Z99 9999', 'Z99 9999', false],
    ['DE', '10115', '10115', true], ['DE', '1011', '1011', false],
    ['FR', '75001', '75001', true], ['IT', '20121', '20121', true], ['IT', '2012', '2012', false],
    ['ES', '28013', '28013', true], ['ES', '60001', '60001', false],
    ['NL', '1012ab', '1012 AB', true], ['NL', '0123 AB', '0123 AB', false],
    ['BE', '1000', '1000', true], ['AT', '1010', '1010', true], ['CH', '8001', '8001', true],
    ['PL', '00950', '00-950', true], ['PL', '00-95', '00-95', false],
    ['SE', '11455', '114 55', true], ['AU', '2000', '2000', true], ['AU', '200', '200', false],
    ['IN', '110001', '110001', true], ['IN', '010001', '010001', false],
    ['JP', '1000001', '100-0001', true], ['JP', '100-001', '100-001', false],
    ['BR', '01310100', '01310-100', true], ['MX', '06600', '06600', true], ['MX', '0660', '0660', false],
    ['NZ', 'anything 12', 'ANYTHING 12', true], ['NZ', '', '', false],
  ];
  for (const [country, raw, normalized, valid] of cases) {
    it(`${country} ${JSON.stringify(raw)} → ${JSON.stringify(normalized)}, ${valid ? 'valid' : 'refused'}`, () => {
      const n = normalizePostalCode(raw, country);
      expect(n).to.equal(normalized);
      expect(isValidPostalCode(n, country)).to.equal(valid);
    });
  }
});
