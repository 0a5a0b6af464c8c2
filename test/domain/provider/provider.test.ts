import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import { authorize, decideRequest, endRelationship, invite, requestConnection, type ProviderLink } from '../../../src/domain/provider/provider-link.js';
import { decideRegistration, paginate, registerProvider, searchDirectory, type Provider } from '../../../src/domain/provider/provider.js';
import type { Result } from '../../../src/domain/result.js';

const T0 = new Date('2026-11-24T09:00:00Z');
const giulia: Actor = { userId: 'u-giulia', name: 'Giulia' };
const anna: Actor = { userId: 'p-anna', name: 'Anna' };
const parties = { providerTenantId: 'p', providerName: 'Contoso Distribution', resellerId: 'r', resellerName: 'Litware' };
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};
const requested = () => value(requestConnection(undefined, parties, giulia, T0));
const approved = () => value(decideRequest(requested(), 'approved', anna, T0));
const authorized = () => value(authorize(approved(), true, true, giulia, T0));

describe('ProviderLink', () => {
  const cases: [string, () => Result<ProviderLink>, string | undefined][] = [
    ['a request while one is pending is refused', () => requestConnection(requested(), parties, giulia, T0), 'LINK.ALREADY_OPEN'],
    ['a request while the relationship is active is refused', () => requestConnection(authorized(), parties, giulia, T0), 'LINK.ALREADY_OPEN'],
    ['a request after a decline is allowed', () => requestConnection(value(decideRequest(requested(), 'declined', anna, T0)), parties, giulia, T0), undefined],
    ['a request after the end is allowed', () => requestConnection(value(endRelationship(authorized(), giulia, T0)), parties, giulia, T0), undefined],
    ['a second decision is refused with who decided', () => decideRequest(approved(), 'declined', anna, T0), 'LINK.ALREADY_DECIDED'],
    ['authorizing needs the consent box', () => authorize(approved(), false, true, giulia, T0), 'LINK.CONSENT_REQUIRED'],
    ['authorizing needs the Admin agent role', () => authorize(approved(), true, false, giulia, T0), 'LINK.NOT_ADMIN_AGENT'],
    ['approval alone is not authorization: a pending request cannot be authorized', () => authorize(requested(), true, true, giulia, T0), 'LINK.NOT_AUTHORIZABLE'],
    ['an approved request is authorized with consent by an admin agent', () => authorize(approved(), true, true, giulia, T0), undefined],
    ['only an active relationship can end', () => endRelationship(approved(), giulia, T0), 'LINK.NOT_ACTIVE'],
    ['an invitation cannot replace an active relationship', () => invite(authorized(), parties, { id: 'i', email: 'a@b.c', expiresAt: T0.toISOString() }, anna, T0), 'LINK.ALREADY_OPEN'],
  ];
  for (const [name, run, code] of cases) {
    it(name, () => {
      const result = run();
      expect(result.ok ? undefined : result.error.code).to.equal(code);
    });
  }

  it('checks the invitation: expired and used ones are refused', () => {
    const invited = value(invite(undefined, parties, { id: 'inv-1', email: 'a@b.c', expiresAt: new Date(T0.getTime() + 1000).toISOString() }, anna, T0));
    const late = authorize(invited, true, true, giulia, new Date(T0.getTime() + 1000), 'inv-1');
    expect(!late.ok && late.error.code).to.equal('LINK.INVITATION_EXPIRED');
    const used = value(authorize(invited, true, true, giulia, T0, 'inv-1'));
    expect(used.invitation?.usedAt).to.equal(T0.toISOString());
    const other = authorize(invited, true, true, giulia, T0, 'inv-2');
    expect(!other.ok && other.error.code).to.equal('LINK.INVITATION_INVALID');
  });

  it('keeps every transition in its history', () => {
    const ended = value(endRelationship(authorized(), anna, T0));
    expect(ended.history.map((h) => `${h.what}:${h.byName}`)).to.deep.equal(['requested:Giulia', 'approved:Anna', 'authorized:Giulia', 'ended:Anna']);
  });
});

describe('Provider directory', () => {
  const provider = (name: string, countries: string[], services: string[]): Provider => ({
    tenantId: name, name, partnerId: '12345', countries, services, support: '', contactEmail: 'a@b.example', approverIds: ['x'], createdAt: '',
  });
  const all = [provider('Zeta', ['IT'], ['Azure']), provider('Alpha', ['IT', 'DE'], ['Microsoft 365']), provider('Beta', ['US'], ['Azure', 'Security'])];
  const cases: [object, string[]][] = [
    [{}, ['Alpha', 'Beta', 'Zeta']],
    [{ country: 'it' }, ['Alpha', 'Zeta']],
    [{ keyword: 'azure' }, ['Beta', 'Zeta']],
    [{ country: 'US', keyword: 'security azure' }, ['Beta']],
    [{ country: 'FR' }, []],
  ];
  for (const [query, names] of cases) {
    it(`finds ${JSON.stringify(names)} for ${JSON.stringify(query)}`, () => {
      expect(searchDirectory(all, query).map((p) => p.name)).to.deep.equal(names);
    });
  }
  it('pages, clamping out-of-range pages', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    expect(paginate(items, 3, 5)).to.deep.equal({ items: [10, 11], page: 3, pages: 3, total: 12 });
    expect(paginate(items, 9, 5).page).to.equal(3);
    expect(paginate([], 1, 5)).to.deep.equal({ items: [], page: 1, pages: 1, total: 0 });
  });
  it('registers a provider pending review, its registrant the only approver and admin (typed ids list nobody), refusing bad fields', () => {
    const ok = registerProvider({ name: 'P', partnerId: '123456', countries: 'it, de', contactEmail: 'p@p.example', approverIds: 'a, b' }, 't', { userId: 'me', name: 'Me' }, T0);
    expect(ok.ok && ok.value).to.deep.include({ countries: ['IT', 'DE'], approverIds: ['me'], admins: [{ userId: 'me', name: 'Me' }], status: 'pending' });
    expect(searchDirectory([ok.ok ? ok.value : (undefined as never)], {})).to.deep.equal([]);
    const reviewer = { userId: 'luca', name: 'Luca' };
    const approved = decideRegistration(ok.ok ? ok.value : (undefined as never), 'approved', reviewer, T0);
    expect(approved.ok && approved.value.status).to.equal('approved');
    const again = decideRegistration(approved.ok ? approved.value : (undefined as never), 'declined', reviewer, T0);
    expect(!again.ok && again.error.code).to.equal('PROVIDER.REGISTRATION_DECIDED');
    const bad = registerProvider({ name: '', partnerId: 'x', countries: 'ZZ', contactEmail: 'no' }, 't', { userId: 'me', name: 'Me' }, T0);
    expect(!bad.ok && bad.error.fields?.map((f) => f.field)).to.deep.equal(['name', 'partnerId', 'countries', 'contactEmail']);
  });
});
