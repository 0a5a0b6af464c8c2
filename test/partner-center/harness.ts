import { join } from 'node:path';
import { expect } from 'chai';
import type { PartnerCenter, PartnerCenterResult } from '../../src/app/partner-center.port.js';
import type { Customer } from '../../src/domain/customer/customer.js';
import type { ProviderLink } from '../../src/domain/provider/provider-link.js';
import { seedDir } from '../../src/paths.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { PartnerCenterApi, type PartnerCenterApiOptions } from '../../src/storage/partner-center-api.js';
import { PartnerCenterTokens } from '../../src/storage/partner-center-tokens.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { ReferencePartnerCenter } from '../../src/storage/reference-partner-center.js';
import { PartnerCenterStandIn, type StandInData } from '../support/partner-center-stand-in.js';

/** The partners and customers both adapters are given, each in its own way. */
export interface Fixture {
  readonly provider: { readonly tenantId: string; readonly name: string };
  readonly resellers: readonly { readonly tenantId: string; readonly name: string; readonly partnerId: string; readonly country: string }[];
  readonly customers: readonly { readonly tenantId: string; readonly domain: string; readonly companyName: string; readonly resellerId: string }[];
}

/** An adapter under the contract, built over the fixture, speaking for one partner tenant. */
export interface Subject {
  readonly pc: PartnerCenter;
  done(): Promise<void>;
}

export const FIXTURE: Fixture = {
  provider: { tenantId: '11111111-1111-4111-8111-111111111111', name: 'Contoso Distribution Europe' },
  resellers: [
    { tenantId: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'Fabrikam Italia S.r.l.', partnerId: '4851234', country: 'IT' },
    { tenantId: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Northwind Traders GmbH', partnerId: '6033101', country: 'DE' },
    { tenantId: 'aaaaaaaa-0000-4000-8000-000000000003', name: 'Wingtip Soluciones S.L.', partnerId: '9201511', country: 'ES' },
  ],
  customers: [
    { tenantId: 'cccccccc-0000-4000-8000-000000000001', domain: 'adventure-works.example', companyName: 'Adventure Works', resellerId: 'aaaaaaaa-0000-4000-8000-000000000001' },
    { tenantId: 'cccccccc-0000-4000-8000-000000000002', domain: 'litware.example', companyName: 'Litware Inc.', resellerId: 'aaaaaaaa-0000-4000-8000-000000000001' },
    { tenantId: 'cccccccc-0000-4000-8000-000000000003', domain: 'proseware.example', companyName: 'Proseware', resellerId: 'aaaaaaaa-0000-4000-8000-000000000002' },
  ],
};

function value<T>(result: PartnerCenterResult<T>): T {
  if (result.kind !== 'ok') throw new Error(`expected data, got ${JSON.stringify(result)}`);
  return result.value;
}

/** The one contract every PartnerCenter adapter keeps: run for the embedded adapter and for the API adapter against the stand-in. */
export function partnerCenterContract(name: string, make: (fixture: Fixture, speaksFor: string) => Promise<Subject>): void {
  describe(`PartnerCenter contract: ${name}`, function () {
    this.timeout(20_000);
    const subjects: Subject[] = [];
    const open = async (speaksFor = FIXTURE.provider.tenantId) => {
      const subject = await make(FIXTURE, speaksFor);
      subjects.push(subject);
      return subject.pc;
    };
    afterEach(async () => {
      for (const s of subjects.splice(0)) await s.done();
    });

    it('checks an active location PartnerID and gives its country/region', async () => {
      const check = value(await (await open()).checkPartnerId('4851234'));
      expect(check).to.include({ partnerId: '4851234', active: true, location: true, country: 'IT' });
      expect(check.organizationName).to.equal('Fabrikam Italia S.r.l.');
    });

    it('answers notFound, code 3000, for a PartnerID Partner Center does not know', async () => {
      expect(await (await open()).checkPartnerId('9999990')).to.deep.equal({ kind: 'notFound', code: '3000' });
    });

    it("lists every one of the provider's Indirect resellers, with PartnerID and country", async () => {
      const resellers = value(await (await open()).indirectResellers(FIXTURE.provider.tenantId));
      expect(resellers.map((r) => r.tenantId).sort()).to.deep.equal(FIXTURE.resellers.map((r) => r.tenantId).sort());
      expect(resellers.find((r) => r.partnerId === '6033101')).to.include({ name: 'Northwind Traders GmbH', country: 'DE', state: 'active', relationshipType: 'IsIndirectCloudSolutionProviderOf' });
    });

    it("lists a reseller's Indirect providers", async () => {
      const reseller = FIXTURE.resellers[0].tenantId;
      const providers = value(await (await open(reseller)).indirectProviders(reseller));
      expect(providers).to.have.length(1);
      expect(providers[0]).to.include({ tenantId: FIXTURE.provider.tenantId, name: FIXTURE.provider.name, relationshipType: 'IsIndirectResellerOf', state: 'active' });
    });

    it('lists the customers a provider shares with one of its resellers, and only those', async () => {
      const customers = value(await (await open()).customersOfReseller(FIXTURE.provider.tenantId, FIXTURE.resellers[0].tenantId));
      expect(customers.map((c) => c.companyName).sort()).to.deep.equal(['Adventure Works', 'Litware Inc.']);
      expect(customers.find((c) => c.domain === 'litware.example')).to.include({ tenantId: 'cccccccc-0000-4000-8000-000000000002', relationshipToPartner: 'reseller' });
    });

    it("lists a customer's partners", async () => {
      const partners = value(await (await open()).partnersOfCustomer('cccccccc-0000-4000-8000-000000000003'));
      expect(partners.map((p) => p.tenantId).sort()).to.deep.equal([FIXTURE.provider.tenantId, FIXTURE.resellers[1].tenantId].sort());
    });

    it('answers notFound for the partners of a customer it does not know', async () => {
      expect((await (await open()).partnersOfCustomer('cccccccc-0000-4000-8000-00000000dead')).kind).to.equal('notFound');
    });

    it('gives where a customer accepts a relationship request: a Partner Center link, or the assistant’s own page', async () => {
      const link = value(await (await open()).customerRelationshipLink(FIXTURE.provider.tenantId));
      if (link.source === 'partnerCenter') expect(link.url).to.match(/^https:\/\//);
      else expect(link).to.deep.equal({ source: 'assistant' });
    });

    it('gives where a customer approves GDAP: the admin center link of a locked relationship, or the assistant’s own page', async () => {
      const link = value(await (await open()).gdapInvitation(FIXTURE.provider.tenantId, { displayName: 'Adventure Works GDAP', roles: ['Directory Readers', 'License Administrator'], durationDays: 180 }));
      if (link.source === 'partnerCenter') expect(link.url).to.equal(`https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${link.id}`);
      else expect(link).to.deep.equal({ source: 'assistant' });
    });

    it('reports itself healthy when Partner Center answers', async () => {
      expect(await (await open()).health()).to.include({ status: 'ok' });
    });
  });
}

/** The embedded adapter: the fixture is the assistant's own ledger. */
export async function reference(fixture: Fixture): Promise<Subject> {
  const backend = KeyvBackend.memory();
  const links = new CasRecordStore<ProviderLink>(backend.namespace('provider-links'));
  const customers = new CasRecordStore<Customer>(backend.namespace('customers'));
  const at = '2026-12-01T09:00:00.000Z';
  for (const r of fixture.resellers) {
    const id = `${fixture.provider.tenantId}|${r.tenantId}`;
    await links.compareAndSet(id, 0, { id, providerTenantId: fixture.provider.tenantId, providerName: fixture.provider.name, resellerId: r.tenantId, resellerName: r.name, resellerPartnerId: r.partnerId, resellerCountry: r.country, status: 'authorized', authorizedAt: at, history: [] });
  }
  for (const c of fixture.customers) {
    const reseller = fixture.resellers.find((r) => r.tenantId === c.resellerId)!;
    const id = `${c.resellerId}|${c.domain}`;
    await customers.compareAndSet(id, 0, {
      id,
      tenantId: c.tenantId,
      companyName: c.companyName,
      domain: c.domain,
      resellerId: c.resellerId,
      relationships: [
        { partnerId: c.resellerId, partnerName: reseller.name, kind: 'reseller', since: at, invitationId: 'i' },
        { partnerId: fixture.provider.tenantId, partnerName: fixture.provider.name, kind: 'provider', since: at, invitationId: 'i' },
      ],
      createdAt: at,
    });
  }
  return { pc: new ReferencePartnerCenter(join(seedDir, 'partner-profiles.json'), { links, customers }), done: () => backend.close() };
}

/** What the stand-in serves for the fixture, as the provider (or the reseller) would see it. */
export function standInData(fixture: Fixture, speaksFor: string): StandInData {
  const asProvider = speaksFor === fixture.provider.tenantId;
  return {
    mpn: {
      '4851234': { partnerName: 'Fabrikam Italia S.r.l.', countryCode: 'IT', status: 'Active', locationType: 'Location' },
      '6033101': { partnerName: 'Northwind Traders GmbH', countryCode: 'DE', status: 'Active', locationType: 'Location' },
    },
    relationships: asProvider
      ? fixture.resellers.map((r) => ({ id: r.tenantId, name: r.name, relationshipType: 'IsIndirectCloudSolutionProviderOf' as const, state: 'Active', mpnId: r.partnerId, location: r.country }))
      : [{ id: fixture.provider.tenantId, name: fixture.provider.name, relationshipType: 'IsIndirectResellerOf' as const, state: 'Active', mpnId: '1200345', location: 'IT' }],
    customers: fixture.customers.map((c) => ({ id: c.tenantId, companyProfile: { tenantId: c.tenantId, domain: c.domain, companyName: c.companyName }, relationshipToPartner: 'reseller', indirectReseller: c.resellerId })),
    customerPartners: Object.fromEntries(
      fixture.customers.map((c) => [
        c.tenantId,
        [
          { id: c.resellerId, name: fixture.resellers.find((r) => r.tenantId === c.resellerId)!.name, relationshipType: 'IsIndirectResellerOf' as const, state: 'Active' },
          { id: fixture.provider.tenantId, name: fixture.provider.name, relationshipType: 'IsIndirectCloudSolutionProviderOf' as const, state: 'Active' },
        ],
      ]),
    ),
    relationshipRequestUrl: 'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=4d7c6f2e-0000-4000-8000-000000000001#/BillingAccounts/partner-invitation',
  };
}

/** The API adapter over a fresh stand-in, with the provider admin signed in, and how the test reaches both. */
export async function apiAdapter(fixture: Fixture, speaksFor: string, options: Partial<PartnerCenterApiOptions> = {}, signIn = true) {
  const standIn = await new PartnerCenterStandIn(speaksFor, standInData(fixture, speaksFor)).start();
  const backend = KeyvBackend.memory();
  const tokens = new PartnerCenterTokens({
    clientId: '5e3f0a42-0000-4000-8000-00000000c11e',
    clientSecret: 'stand-in-secret',
    tenantId: speaksFor,
    authority: 'https://login.microsoftonline.com',
    cache: backend.namespace('partner-center-tokens'),
    networkClient: standIn.networkClient(),
  });
  if (signIn) {
    const signedIn = await tokens.completeSignIn(standIn.issueCode({ oid: 'admin-oid-1', tid: speaksFor, name: 'anna.weber@contoso-distribution.example' }), 'http://localhost:3978/partner-center/signed-in', 'admin-oid-1');
    if (!signedIn.ok) throw new Error(signedIn.reason);
  }
  const waits: number[] = [];
  const pc = new PartnerCenterApi({
    partnerTenantId: speaksFor,
    partnerCenterUrl: `${standIn.url}/pc`,
    graphUrl: `${standIn.url}/graph`,
    tokens,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return {
    pc,
    standIn,
    tokens,
    waits,
    done: async () => {
      await standIn.stop();
      await backend.close();
    },
  };
}

