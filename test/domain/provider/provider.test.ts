import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import { authorize, decideRequest, endRelationship, invite, linkId, providerNamedBy, requestConnection, type ProviderLink } from '../../../src/domain/provider/provider-link.js';
import { decideRegistration, paginate, Provider, PROVIDER_LIMITS, registerProvider, searchDirectory } from '../../../src/domain/provider/provider.js';
import { ensureProviderMember, providerPeople, setProviderRoles, type ProviderRole } from '../../../src/domain/provider/provider-members.js';
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
  it('names in its key the provider it is addressed to, and a key it did not make names none', () => {
    expect(providerNamedBy(linkId('11111111-1111-4111-8111-111111111111', 'r'))).to.equal('11111111-1111-4111-8111-111111111111');
    expect(requested().id).to.equal(linkId('p', 'r'));
    for (const hostile of ['', '|r', 'no separator', '|']) expect(providerNamedBy(hostile), JSON.stringify(hostile)).to.equal(undefined);
  });

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

describe('Provider approvers and admins', () => {
  const anna: Actor = { userId: 'anna', name: 'Anna', tenantId: 'p' };
  const paul: Actor = { userId: 'paul', name: 'Paul', tenantId: 'p' };
  /** Anna admin and approver, Bruno an approver not seen yet; Paul and Rita verified members with no role. */
  const contoso = (): Provider => {
    let p: Provider = {
      tenantId: 'p', name: 'Contoso', partnerId: '12345', countries: ['IT'], services: [], support: '', contactEmail: 'a@b.example',
      approverIds: ['bruno', 'anna'], admins: [{ userId: 'anna', name: 'Anna' }], createdAt: '',
    };
    p = ensureProviderMember(p, paul, T0);
    return ensureProviderMember(p, { userId: 'rita', name: 'Rita' }, T0);
  };
  const set = (p: Provider, actor: Actor, target: string, roles: ProviderRole[]) => setProviderRoles(p, actor, target, roles, T0);
  const cases: [string, () => Result<Provider>, string | undefined, { approverIds?: string[]; admins?: string[] }?][] = [
    ['a provider admin makes a verified member an approver', () => set(contoso(), anna, 'paul', ['approver']), undefined, { approverIds: ['bruno', 'anna', 'paul'], admins: ['anna'] }],
    ['a provider admin makes a verified member a provider admin too', () => set(contoso(), anna, 'paul', ['approver', 'providerAdmin']), undefined, { approverIds: ['bruno', 'anna', 'paul'], admins: ['anna', 'paul'] }],
    ['a provider admin removes an approver not seen yet', () => set(contoso(), anna, 'bruno', []), undefined, { approverIds: ['anna'], admins: ['anna'] }],
    ['a provider admin gives up a role while another holder remains', () => set(value(set(contoso(), anna, 'paul', ['approver', 'providerAdmin'])), anna, 'anna', []), undefined, { approverIds: ['bruno', 'paul'], admins: ['paul'] }],
    ['a member with no role cannot change roles', () => set(contoso(), paul, 'paul', ['approver', 'providerAdmin']), 'PROVIDER.NOT_ADMIN'],
    ['an approver who is not a provider admin cannot change roles', () => set(value(set(contoso(), anna, 'paul', ['approver'])), paul, 'rita', ['approver']), 'PROVIDER.NOT_ADMIN'],
    ['a user nobody saw with the tenant (a typed id) gets no role', () => set(contoso(), anna, 'typed-guid', ['approver']), 'PROVIDER.UNKNOWN_MEMBER'],
    ['an approver not seen yet gains no role', () => set(contoso(), anna, 'bruno', ['approver', 'providerAdmin']), 'PROVIDER.UNVERIFIED_MEMBER'],
    ['only provider roles are given', () => set(contoso(), anna, 'paul', ['adminAgent' as ProviderRole]), 'PROVIDER.ROLE_NOT_GRANTABLE'],
    ['the last provider admin cannot be removed', () => set(contoso(), anna, 'anna', ['approver']), 'PROVIDER.LAST_ADMIN'],
    ['the last approver cannot be removed', () => set(value(set(contoso(), anna, 'bruno', [])), anna, 'anna', ['providerAdmin']), 'PROVIDER.LAST_APPROVER'],
  ];
  for (const [name, run, code, expected] of cases) {
    it(name, () => {
      const result = run();
      expect(result.ok ? undefined : result.error.code).to.equal(code);
      if (result.ok && expected) {
        expect(result.value.approverIds).to.deep.equal(expected.approverIds);
        expect((result.value.admins ?? []).map((a) => a.userId)).to.deep.equal(expected.admins);
      }
      if (!result.ok) expect(result.error.messageKey).to.match(/^provider\.errors\./);
    });
  }

  it('keeps who changed whose roles, and when, in a bounded history', () => {
    let p = contoso();
    for (let i = 0; i < PROVIDER_LIMITS.history + 5; i++) p = value(set(p, anna, 'paul', i % 2 ? [] : ['approver']));
    expect(p.history).to.have.length(PROVIDER_LIMITS.history);
    expect(p.history!.at(-1)).to.deep.include({ by: 'anna', byName: 'Anna', what: 'rolesChanged', at: T0.toISOString() });
    expect(Provider.safeParse(p).success).to.equal(true);
  });

  it('changes nothing when the roles are the ones held', () => {
    const p = contoso();
    expect(value(set(p, anna, 'paul', []))).to.equal(p);
  });

  it('records a member once, the registrant and admins counting already, and no more than the limit', () => {
    const p = contoso();
    expect(ensureProviderMember(p, paul, T0)).to.equal(p);
    expect(ensureProviderMember(p, anna, T0)).to.equal(p);
    let full = p;
    for (let i = 0; full.members!.length < PROVIDER_LIMITS.members; i++) full = ensureProviderMember(full, { userId: `u${i}`, name: `U${i}` }, T0);
    expect(ensureProviderMember(full, { userId: 'late', name: 'Late' }, T0)).to.equal(full);
    expect(Provider.safeParse(full).success).to.equal(true);
  });

  it('lists admins, then verified members in the order seen, then approvers not seen yet', () => {
    expect(providerPeople(contoso()).map((m) => `${m.userId}:${m.roles.join('+') || '-'}:${m.verified}`)).to.deep.equal([
      'anna:approver+providerAdmin:true',
      'paul:-:true',
      'rita:-:true',
      'bruno:approver:false',
    ]);
  });
});
