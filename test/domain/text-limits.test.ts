import { expect } from 'chai';
import { audit, displayName, DISPLAY_NAME_MAX } from '../../src/domain/actor.js';
import { accept, type CustomerInvitation } from '../../src/domain/customer/customer.js';
import { startEnrollment } from '../../src/domain/enrollment/enrollment.js';
import { PROVIDER_LIMITS, registerProvider } from '../../src/domain/provider/provider.js';
import { SEARCH_MAX, searchText } from '../../src/domain/search.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const REGISTRATION = { name: 'Fabrikam', partnerId: '1234567', countries: 'IT', services: 'Azure', support: '24/7', contactEmail: 'p@fabrikam.example', approverIds: '' };

describe('Text limits', () => {
  describe('registerProvider', () => {
    const cases: [string, Record<string, string>, string, number][] = [
      ['a name over 200 characters', { name: 'x'.repeat(PROVIDER_LIMITS.name + 1) }, 'name', PROVIDER_LIMITS.name],
      ['a service over 100 characters', { services: `Azure, ${'x'.repeat(PROVIDER_LIMITS.service + 1)}` }, 'services', PROVIDER_LIMITS.service],
      ['more than 20 services', { services: Array.from({ length: 21 }, (_, i) => `s${i}`).join(',') }, 'services', PROVIDER_LIMITS.services],
      ['support text over 500 characters', { support: 'x'.repeat(PROVIDER_LIMITS.support + 1) }, 'support', PROVIDER_LIMITS.support],
    ];
    for (const [what, change, field, max] of cases) {
      it(`refuses ${what}, naming the field and the limit`, () => {
        const result = registerProvider({ ...REGISTRATION, ...change }, 'tenant', { userId: 'admin', name: 'Admin' }, NOW);
        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.error.fields?.find((f) => f.field === field)?.params).to.deep.equal({ max });
      });
    }

    it('accepts a registration at the limits', () => {
      const result = registerProvider({ ...REGISTRATION, name: 'x'.repeat(PROVIDER_LIMITS.name), support: 'y'.repeat(PROVIDER_LIMITS.support) }, 'tenant', { userId: 'admin', name: 'Admin' }, NOW);
      expect(result.ok).to.equal(true);
    });
  });

  describe('searchText', () => {
    it('takes a search of up to 100 characters, trimmed, and refuses a longer one with the field', () => {
      expect(searchText('keyword', `  ${'k'.repeat(SEARCH_MAX)}  `)).to.deep.equal({ ok: true, value: 'k'.repeat(SEARCH_MAX) });
      const refused = searchText('keyword', 'k'.repeat(SEARCH_MAX + 1));
      expect(refused.ok).to.equal(false);
      if (!refused.ok) expect(refused.error.fields).to.deep.equal([{ field: 'keyword', messageKey: 'enrollment.validation.tooLong', params: { max: SEARCH_MAX } }]);
    });
  });

  describe('display names from the channel', () => {
    const long = 'Giulia '.repeat(100);

    it('are kept whole up to 200 characters and cut with an ellipsis beyond', () => {
      expect(displayName('  Giulia Rossi ')).to.equal('Giulia Rossi');
      const cut = displayName(long);
      expect(cut.length).to.be.at.most(DISPLAY_NAME_MAX);
      expect(cut.endsWith('…')).to.equal(true);
    });

    it('are stored cut in audit entries and applications', () => {
      const actor = { userId: 'u1', name: long };
      expect(audit(actor, 'x', NOW).byName.length).to.be.at.most(DISPLAY_NAME_MAX);
      expect(startEnrollment({ id: 'a1', actor, now: NOW }).applicantName.length).to.be.at.most(DISPLAY_NAME_MAX);
    });

    it('are refused over 200 characters when a customer types one on the acceptance page', () => {
      const inv = { id: 'i', linkId: 'l', status: 'sent', expiresAt: '2026-12-24T09:00:00Z', history: [] } as unknown as CustomerInvitation;
      const result = accept(inv, 'l', { name: long, email: 'a@litware.example', companyConfirmed: true }, 'c', NOW);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.error.fields).to.deep.equal([{ field: 'name', messageKey: 'enrollment.validation.tooLong', params: { max: DISPLAY_NAME_MAX } }]);
    });
  });
});
