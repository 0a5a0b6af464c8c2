import { expect } from 'chai';
import { apiAdapter, FIXTURE } from './harness.js';

const PROVIDER = FIXTURE.provider.tenantId;
type Harness = Awaited<ReturnType<typeof apiAdapter>>;

describe('PartnerCenterApi against the local stand-in', function () {
  this.timeout(20_000);
  let h: Harness;
  const open = async (...args: Parameters<typeof apiAdapter> extends [unknown, unknown, ...infer R] ? R : never) => {
    h = await apiAdapter(FIXTURE, PROVIDER, ...args);
    return h;
  };
  afterEach(async () => h?.done());

  describe('tokens', () => {
    it('uses App+User tokens for the relationships and app-only tokens for the customer list', async () => {
      const { pc, standIn } = await open();
      expect((await pc.indirectResellers(PROVIDER)).kind).to.equal('ok');
      expect((await pc.customersOfReseller(PROVIDER, FIXTURE.resellers[0].tenantId)).kind).to.equal('ok');
      const grants = standIn.tokenRequests.map((r) => r.grant_type);
      expect(grants).to.include('client_credentials');
      expect(grants).to.include('authorization_code');
    });

    it('fetches a new token once after a 401 (expired token) and then succeeds', async () => {
      const { pc, standIn } = await open();
      expect((await pc.indirectResellers(PROVIDER)).kind).to.equal('ok');
      standIn.expireTokens();
      const before = standIn.tokenRequests.length;
      expect((await pc.indirectResellers(PROVIDER)).kind).to.equal('ok');
      expect(standIn.tokenRequests.slice(before).map((r) => r.grant_type)).to.deep.equal(['refresh_token']);
    });

    it('refreshes only once: a second 401 makes the call unavailable, with the reason', async () => {
      const { pc, standIn } = await open();
      standIn.fail('/pc/v1/profiles/mpn', { status: 401 }, { status: 401 }, { status: 401 });
      const result = await pc.checkPartnerId('4851234');
      expect(result).to.deep.include({ kind: 'unavailable' });
      expect(result.kind === 'unavailable' && result.reason).to.match(/refused the token even after a refresh \(401\)/);
      expect(standIn.calls('/pc/v1/profiles/mpn')).to.have.length(2);
    });

    it('is unavailable, saying why, while no provider admin has signed in for App+User calls', async () => {
      const { pc } = await open({}, false);
      const result = await pc.indirectResellers(PROVIDER);
      expect(result.kind).to.equal('unavailable');
      expect(result.kind === 'unavailable' && result.reason).to.match(/no provider admin has signed in/);
    });

    it('reports itself degraded while no provider admin has signed in, though Partner Center answers', async () => {
      const { pc } = await open({}, false);
      const health = await pc.health();
      expect(health).to.include({ adapter: 'api', status: 'degraded' });
      expect(health.reason).to.match(/no provider admin has signed in/);
    });

    it("refuses to keep the sign-in of an account from another tenant", async () => {
      const { tokens, standIn } = await open({}, false);
      const other = await tokens.completeSignIn(standIn.issueCode({ oid: 'x', tid: 'bbbbbbbb-0000-4000-8000-000000000009', name: 'mallory@elsewhere.example' }), 'http://localhost:3978/partner-center/signed-in', 'x');
      expect(other.ok).to.equal(false);
      expect(await tokens.admin()).to.equal(undefined);
    });

    it('refuses to keep the sign-in of another person of the partner tenant than the admin who asked', async () => {
      const { tokens, standIn } = await open({}, false);
      const colleague = await tokens.completeSignIn(standIn.issueCode({ oid: 'colleague-oid', tid: PROVIDER, name: 'colleague@contoso.example' }), 'http://localhost:3978/partner-center/signed-in', 'admin-oid-1');
      expect(colleague.ok).to.equal(false);
      expect(await tokens.admin()).to.equal(undefined);
    });
  });

  describe('answers', () => {
    it('maps 403 to notAllowed with Partner Center’s description', async () => {
      const { pc, standIn } = await open();
      standIn.fail('/pc/v1/relationships', { status: 403, body: { code: 600005, description: 'The user does not have the Admin agent role' } });
      expect(await pc.indirectResellers(PROVIDER)).to.deep.equal({ kind: 'notAllowed', reason: 'The user does not have the Admin agent role' });
    });

    it('answers notAllowed, without calling, for a partner tenant it does not speak for', async () => {
      const { pc, standIn } = await open();
      expect((await pc.indirectResellers('22222222-2222-4222-8222-222222222222')).kind).to.equal('notAllowed');
      expect((await pc.customerRelationshipLink('22222222-2222-4222-8222-222222222222')).kind).to.equal('notAllowed');
      expect(standIn.calls('/pc/')).to.have.length(0);
    });

    it('gives the relationship request link Partner Center issued, as is', async () => {
      const { pc, standIn } = await open();
      expect(await pc.customerRelationshipLink(PROVIDER)).to.deep.equal({ kind: 'ok', value: { source: 'partnerCenter', url: standIn.data.relationshipRequestUrl } });
    });

    it('creates a GDAP relationship with the roles’ template ids, locks it for approval, and gives its admin center link', async () => {
      const { pc, standIn } = await open();
      const result = await pc.gdapInvitation(PROVIDER, { displayName: 'Adventure Works', roles: ['Directory Readers', 'User Administrator'], durationDays: 90, customerTenantId: 'cccccccc-0000-4000-8000-000000000001' });
      if (result.kind !== 'ok' || result.value.source !== 'partnerCenter') throw new Error(JSON.stringify(result));
      const created = standIn.gdap.get(result.value.id!);
      expect(created?.status).to.equal('approvalPending');
      expect(created?.body.duration).to.equal('P90D');
      expect(created?.body.customer).to.deep.equal({ tenantId: 'cccccccc-0000-4000-8000-000000000001' });
      expect(created?.body.accessDetails.unifiedRoles).to.deep.equal([{ roleDefinitionId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' }, { roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1' }]);
      expect(result.value.url).to.equal(`https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${result.value.id}`);
    });

    it('does not create a GDAP relationship for a role it does not offer', async () => {
      const { pc, standIn } = await open();
      expect((await pc.gdapInvitation(PROVIDER, { displayName: 'x', roles: ['Global Administrator'], durationDays: 90 })).kind).to.equal('notAllowed');
      expect(standIn.calls('/graph/')).to.have.length(0);
    });
  });

  describe('throttling and failures', () => {
    it('honours Retry-After on 429 and then succeeds', async () => {
      const { pc, standIn, waits } = await open();
      standIn.fail('/pc/v1/profiles/mpn', { status: 429, retryAfter: '3' });
      expect((await pc.checkPartnerId('4851234')).kind).to.equal('ok');
      expect(waits).to.deep.equal([3000]);
    });

    it('does not wait past its bound: a Retry-After longer than it makes the call unavailable at once', async () => {
      const { pc, standIn, waits } = await open({ maxRetryAfterMs: 10_000 });
      standIn.fail('/pc/v1/profiles/mpn', { status: 429, retryAfter: '120' });
      const result = await pc.checkPartnerId('4851234');
      expect(result.kind === 'unavailable' && result.reason).to.match(/throttled the assistant for 120 s \(429\)/);
      expect(waits).to.deep.equal([]);
      expect(standIn.calls('/pc/v1/profiles/mpn')).to.have.length(1);
    });

    it('retries 5xx with exponential backoff and full jitter, then succeeds', async () => {
      const { pc, standIn, waits } = await open({ backoffMs: 400, random: () => 0.5 });
      standIn.fail('/pc/v1/relationships', { status: 503 }, { status: 500 });
      expect((await pc.indirectResellers(PROVIDER)).kind).to.equal('ok');
      expect(waits).to.deep.equal([200, 400]);
    });

    it('gives up on 5xx after its tries with a clear reason', async () => {
      const { pc, standIn, waits } = await open({ attempts: 3, backoffMs: 100, random: () => 1 });
      standIn.fail('/pc/v1/relationships', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
      const result = await pc.indirectResellers(PROVIDER);
      expect(result).to.deep.equal({ kind: 'unavailable', reason: `${new URL(standIn.url).host} answered 503 after 3 tries` });
      expect(waits).to.deep.equal([100, 200]);
      expect(standIn.calls('/pc/v1/relationships')).to.have.length(3);
    });

    it('keeps every wait of the backoff within its exponential bound', async () => {
      const randoms = [0, 0.999, 0.3];
      const { pc, standIn, waits } = await open({ attempts: 4, backoffMs: 1000, random: () => randoms.shift() ?? 0 });
      standIn.fail('/pc/v1/relationships', { status: 502 }, { status: 502 }, { status: 502 }, { status: 502 });
      await pc.indirectResellers(PROVIDER);
      expect(waits).to.have.length(3);
      waits.forEach((w, i) => expect(w).to.be.within(0, 1000 * 2 ** i));
    });

    it('stops waiting for a slow answer at its time limit', async () => {
      const { pc, standIn } = await open({ timeoutMs: 200, attempts: 2 });
      standIn.fail('/pc/v1/profiles/mpn', { delayMs: 1500 }, { delayMs: 1500 });
      const started = Date.now();
      const result = await pc.checkPartnerId('4851234');
      expect(result).to.deep.equal({ kind: 'unavailable', reason: `${new URL(standIn.url).host} no answer within 200 ms after 2 tries` });
      expect(Date.now() - started).to.be.below(1400);
    });

    it('is unavailable, not failing, when nothing listens at the address', async () => {
      const { pc } = await open({ partnerCenterUrl: 'http://127.0.0.1:9/pc', attempts: 2 });
      const result = await pc.checkPartnerId('4851234');
      expect(result.kind).to.equal('unavailable');
      expect(result.kind === 'unavailable' && result.reason).to.match(/unreachable/);
    });

    it('reports itself degraded when the probe gets no answer', async () => {
      const { pc, standIn } = await open();
      standIn.fail('/pc/v1/customers', { status: 503 });
      expect(await pc.health()).to.include({ adapter: 'api', status: 'degraded' });
    });
  });

  describe('paging', () => {
    it('follows continuation tokens to the last page', async () => {
      const { pc, standIn } = await open();
      standIn.data.relationships = Array.from({ length: 5 }, (_, i) => ({ id: `aaaaaaaa-0000-4000-8000-00000000010${i}`, name: `Reseller ${i}`, relationshipType: 'IsIndirectCloudSolutionProviderOf' as const, state: 'Active' }));
      const result = await pc.indirectResellers(PROVIDER);
      expect(result.kind === 'ok' && result.value.map((r) => r.name)).to.deep.equal(['Reseller 0', 'Reseller 1', 'Reseller 2', 'Reseller 3', 'Reseller 4']);
      const calls = standIn.calls('/pc/v1/relationships');
      expect(calls.map((c) => c.headers['ms-continuationtoken'])).to.deep.equal([undefined, 'page-2', 'page-4']);
    });

    it('pages customers with the size it asks for', async () => {
      const { pc, standIn } = await open({ pageSize: 1 });
      const result = await pc.customersOfReseller(PROVIDER, FIXTURE.resellers[0].tenantId);
      expect(result.kind === 'ok' && result.value.length).to.equal(2);
      expect(standIn.calls('/pc/v1/customers')).to.have.length(2);
    });

    it('fails the whole list, not half of it, when a later page fails', async () => {
      const { pc, standIn } = await open({ attempts: 1 });
      standIn.data.relationships = Array.from({ length: 3 }, (_, i) => ({ id: `r${i}`, name: `R${i}`, relationshipType: 'IsIndirectCloudSolutionProviderOf' as const, state: 'Active' }));
      await pc.indirectResellers(PROVIDER);
      standIn.fail('/pc/v1/relationships', {}, { status: 500 });
      // The first page answers, the second fails.
      expect((await pc.indirectResellers(PROVIDER)).kind).to.equal('unavailable');
    });
  });
});
