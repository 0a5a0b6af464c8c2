import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { applyAcceptance, type Customer, type CustomerInvitation } from '../../src/domain/customer/customer.js';
import { startEnrollment, type EnrollmentApplication } from '../../src/domain/enrollment/enrollment.js';
import { linkId } from '../../src/domain/provider/provider-link.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import type { RunningAssistant } from './assistant.js';
import { Chat } from './chat.js';
import { seedReseller } from './organizations.js';

/** Contoso Distribution Europe, a shipped provider whose approvers include the demo persona Anna Weber. */
export const CONTOSO = '11111111-1111-4111-8111-111111111111';
const NORTHWIND = '22222222-2222-4222-8222-222222222222';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Who the pipeline is seeded for: a reseller's Admin agent, one approver of Contoso, and where proactive cards go. */
export interface PipelineCast {
  readonly reseller: { readonly tenantId: string; readonly adminId: string; readonly adminName: string };
  readonly approverId: string;
  readonly serviceUrl: string;
  /** Moves the assistant's clock: `ms` before the real time (0 puts it back). */
  readonly travel: (msAgo: number) => void;
}

/** The figures `seedPipeline` leaves, as the dashboard should count them. */
export const SEEDED = {
  provider: { relationships: [3, 1, 1, 1], requestsByAge: [1, 1, 1], sharedLastTwoMonths: [1, 1] },
  reseller: { providers: [1, 0, 1, 0], invitations: [1, 1, 2], customersLastTwoMonths: [1, 2] },
  reviews: [1, 1, 0],
} as const;

/**
 * A pipeline seeded through the real journeys over HTTP (requests to connect made days apart,
 * approvals, a decline, an authorization, an ending) and, for customers, invitations and
 * applications under review, through records as those journeys leave them.
 */
export async function seedPipeline(app: RunningAssistant, cast: PipelineCast): Promise<void> {
  const user = (id: string, tenantId: string) => new Chat(app.baseUrl, { id, name: id, aadObjectId: id, tenantId, channelId: 'msteams', serviceUrl: cast.serviceUrl });
  const approver = user(cast.approverId, CONTOSO);
  await approver.say('help');
  const said = async (chat: Chat, verb: string, data: Record<string, unknown>, expected: RegExp) => {
    const answer = JSON.stringify(await chat.submit(verb, data));
    expect(answer, `${verb} ${JSON.stringify(data)}`).to.match(expected);
  };
  const reseller = async (name: string, tenantId: string) => {
    await seedReseller(app, { tenantId, name, admin: { userId: `aad-${name}`, name } });
    return user(`aad-${name}`, tenantId);
  };
  const others = ['Alpine Cloud', 'Brightline IT', 'Cobalt Systems', 'Delta Networks', 'Echo Digital', 'Foxtrot Data'];
  const [alpine, brightline, cobalt, delta, echo, foxtrot] = await Promise.all(
    others.map((name, i) => reseller(name, `bbbbbbbb-0000-4000-8000-${String(i + 1).padStart(12, '0')}`)),
  );
  const request = (chat: Chat) => said(chat, 'provider.request', { providerTenantId: CONTOSO }, /was sent to Contoso/);
  const idOf = (chat: Chat) => linkId(CONTOSO, chat.user.tenantId!);

  // Requests waiting for the provider: five days, two days and one hour old.
  cast.travel(5 * DAY);
  await request(alpine);
  cast.travel(2 * DAY);
  await request(brightline);
  cast.travel(HOUR);
  await request(cobalt);
  // Approved and waiting for the reseller's authorization; declined (not counted); authorized then ended.
  cast.travel(3 * HOUR);
  await request(delta);
  await said(approver, 'provider.approve', { linkId: idOf(delta) }, /Approved by/);
  await request(foxtrot);
  await said(approver, 'provider.decline', { linkId: idOf(foxtrot), reason: 'Outside our region' }, /Declined by/);
  await request(echo);
  await said(approver, 'provider.approve', { linkId: idOf(echo) }, /Approved by/);
  await said(echo, 'provider.authorize', { linkId: idOf(echo), consent: 'true' }, /Indirect providers list/);
  await said(echo, 'provider.end.confirm', { linkId: idOf(echo) }, /has ended/);
  // The reseller of the cast: Contoso authorized, Northwind requested.
  const main = user(cast.reseller.adminId, cast.reseller.tenantId);
  await request(main);
  await said(approver, 'provider.approve', { linkId: idOf(main) }, /Approved by/);
  await said(main, 'provider.authorize', { linkId: idOf(main), consent: 'true' }, /Indirect providers list/);
  await said(main, 'provider.request', { providerTenantId: NORTHWIND }, /was sent to Northwind/);
  cast.travel(0);

  await seedCustomers(app, cast.reseller);
  await seedReviews(app);
}

async function seedCustomers(app: RunningAssistant, reseller: PipelineCast['reseller']): Promise<void> {
  const invitations = new CasRecordStore<CustomerInvitation>(app.assistant.storage.namespace('customer-invitations'));
  const customers = new CasRecordStore<Customer>(app.assistant.storage.namespace('customers'));
  const now = new Date();
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
  const longAgo = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 8, 15));
  const later = new Date(now.getTime() + 10 * DAY).toISOString();
  const earlier = new Date(now.getTime() - DAY).toISOString();
  const invitation = (companyName: string, status: CustomerInvitation['status'], expiresAt: string, twoTier: boolean): CustomerInvitation => ({
    id: randomUUID(),
    linkId: randomUUID(),
    resellerId: reseller.tenantId,
    resellerName: 'Reseller',
    ...(twoTier ? { providerTenantId: CONTOSO, providerName: 'Contoso Distribution Europe' } : {}),
    companyName,
    adminEmail: `admin@${companyName.toLowerCase().replace(/\W+/g, '')}.example`,
    status,
    subject: 'Invitation',
    body: 'Invitation',
    expiresAt,
    sentAt: earlier,
    history: [],
  });
  const open = [
    invitation('Waiting Co', 'sent', later, true),
    invitation('Lapsed Co', 'sent', earlier, false),
    invitation('Accepted Co', 'accepted', later, true),
    invitation('Revoked Co', 'revoked', later, false),
    invitation('Draft Co', 'drafted', later, false),
  ];
  for (const inv of open) expect(await invitations.compareAndSet(inv.id, 0, inv)).to.not.equal(undefined);
  // Customers as acceptance leaves them: two this month (one two-tier), one last month (two-tier), one eight months ago.
  const accepted: [string, Date, boolean][] = [
    ['Northbay Foods', thisMonth, true],
    ['Riverside Clinic', thisMonth, false],
    ['Hilltop Legal', lastMonth, true],
    ['Old Harbour', longAgo, true],
  ];
  for (const [name, at, twoTier] of accepted) {
    const inv = invitation(name, 'accepted', later, twoTier);
    const id = `${reseller.tenantId}|${name}`;
    expect(await customers.compareAndSet(id, 0, applyAcceptance(undefined, inv, id, at))).to.not.equal(undefined);
  }
}

async function seedReviews(app: RunningAssistant): Promise<void> {
  const applications = new CasRecordStore<EnrollmentApplication>(app.assistant.storage.namespace('enrollments'));
  const now = Date.now();
  for (const [name, ago] of [['Papaya Partners', 5 * HOUR], ['Quartz Solutions', 2 * DAY]] as const) {
    const id = randomUUID();
    const started = startEnrollment({ id, actor: { userId: `aad-${id}`, name }, now: new Date(now - ago - HOUR) });
    const app_: EnrollmentApplication = { ...started, status: 'underReview', submittedAt: new Date(now - ago).toISOString() };
    expect(await applications.compareAndSet(id, 0, app_)).to.not.equal(undefined);
  }
}
