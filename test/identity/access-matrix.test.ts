import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { ACCESS } from '../../src/domain/access.js';
import { ENROLLMENT_VERBS } from '../../src/bot/enrollment.feature.js';
import { PROVIDER_VERBS } from '../../src/bot/provider.feature.js';
import { COLLEAGUE_VERBS } from '../../src/bot/colleague.feature.js';
import { CUSTOMER_VERBS } from '../../src/bot/customer.feature.js';
import { MENU_VERBS } from '../../src/bot/main-menu.feature.js';
import { AUDIT_VERBS } from '../../src/bot/audit.feature.js';
import { translate } from '../../src/i18n/catalog.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { seedReseller } from '../support/organizations.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const RESELLER = 'abababab-0000-4000-8000-000000000001';
const OTHER = 'abababab-0000-4000-8000-000000000002';
const OPERATOR = 'abababab-0000-4000-8000-0000000000ff';
const PORTAL_SECRET = 'portal-shared-secret-of-at-least-32-chars';

/** Who calls: every kind of caller the access table must tell apart. */
type Caller =
  | 'anonymous'
  | 'spoofer'
  | 'webSpoofer'
  | 'outsider'
  | 'member'
  | 'sales'
  | 'admin'
  | 'providerMember'
  | 'approver'
  | 'providerAdmin'
  | 'reviewer';
const CALLERS: readonly Caller[] = ['anonymous', 'spoofer', 'webSpoofer', 'outsider', 'member', 'sales', 'admin', 'providerMember', 'approver', 'providerAdmin', 'reviewer'];

/** Everyone with a proven identity (the applicant's own steps need nothing more). */
const PROVEN: readonly Caller[] = ['outsider', 'member', 'sales', 'admin', 'providerMember', 'approver', 'providerAdmin', 'reviewer'];
const AGENTS: readonly Caller[] = ['sales', 'admin'];
/** Contoso's approver (approver only) and Anna Weber, its provider admin (and approver). */
const DESK: readonly Caller[] = ['approver', 'providerAdmin'];

/** The texts an access refusal starts with, in English: any of them means "refused for who you are". */
const REFUSALS = [
  'access.signIn',
  'access.noOrganization',
  'access.noProvider',
  'access.providerNotReseller',
  'access.operatorRoleNeeded',
  'access.roleNeeded',
  'access.roleNeededNobody',
  'access.otherOrganization',
  'provider.errors.notParty',
  'provider.errors.notApprover',
  'enrollmentUi.errors.notReviewer',
  'common.errors.notSignedIn',
  'customer.errors.notYours',
  'colleague.errors.noOrganization',
].map((key) => translate('en', key).split('{')[0].slice(0, 40));

/**
 * The matrix of issue #9: every command and card verb, called by every kind of caller, over
 * /api/messages and over the built-in Direct Line, with replayed payloads and spoofed identity
 * fields. A caller the table does not allow gets a refusal and changes no record; a caller it
 * allows is never refused for who they are.
 */
describe('Access matrix: every command and card verb, every kind of caller', function () {
  this.timeout(120_000);
  let app: RunningAssistant;
  let ids: { linkId: string; applicationId: string; invitationId: string };

  const teams = (id: string, tenantId: string, name = id) => new Chat(app.baseUrl, { id: `29:${id}`, aadObjectId: id, name, tenantId, channelId: 'msteams' });
  /** A client that claims someone else's identity in every field a client controls, on a channel that proves nothing. */
  const spoofer = () => {
    const chat = new Chat(app.baseUrl, { id: 'aad-admin', name: 'Marco Rossi', aadObjectId: 'aad-admin', tenantId: RESELLER, channelId: 'webchat' });
    return chat;
  };

  const chats = (): Record<Exclude<Caller, 'webSpoofer'>, Chat> => ({
    anonymous: new Chat(app.baseUrl, { id: 'stranger', name: 'Stranger' }),
    spoofer: spoofer(),
    outsider: teams('aad-outsider', OTHER, 'Olga Outsider'),
    member: teams('aad-member', RESELLER, 'Nina Member'),
    sales: teams('aad-sales', RESELLER, 'Sara Sales'),
    admin: teams('aad-admin', RESELLER, 'Marco Rossi'),
    providerMember: teams('aad-contoso-member', CONTOSO, 'Paul Contoso'),
    approver: teams('provider-approver-contoso', CONTOSO, 'Pia Approver'),
    providerAdmin: teams('a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a', CONTOSO, 'Anna Weber'),
    reviewer: teams('aad-reviewer', OPERATOR, 'Luca Reviewer'),
  });

  /** Every record the journeys keep, as text, to prove a refused call changed nothing. */
  async function snapshot(): Promise<string> {
    const parts: string[] = [];
    for (const ns of ['organizations', 'providers', 'provider-links', 'reseller-invitations', 'customer-invitations', 'customers', 'enrollments', 'applicants']) {
      const entries: string[] = [];
      for await (const [key, value] of app.assistant.storage.namespace(ns).entries()) entries.push(`${key}=${value}`);
      parts.push(`${ns}:${entries.sort().join('|')}`);
    }
    return parts.join('\n');
  }

  before(async () => {
    app = await startAssistant({ REVIEWER_IDS: 'aad-reviewer', EMBED_JWT_SECRET: PORTAL_SECRET, PAGE_RATE_PER_SECOND: '1000', PAGE_RATE_BURST: '1000' });
    const c = chats();
    // Two enrolled resellers, a sales agent and a member with no role.
    await seedReseller(app, { tenantId: RESELLER, name: 'Demo Reseller S.r.l.', admin: { userId: 'aad-admin', name: 'Marco Rossi' } });
    await seedReseller(app, { tenantId: OTHER, name: 'Other Reseller Ltd', admin: { userId: 'aad-outsider', name: 'Olga Outsider' } });
    await c.sales.say('status');
    await c.member.say('status');
    await c.approver.say('help');
    // A user of Contoso's tenant is its member (with no role) from their first provider-side command on.
    await c.providerMember.say('requests');
    await c.providerAdmin.say('help');
    await c.reviewer.say('help');
    const users = lastCard(await c.admin.say('users'));
    const index = users.body.find((b: Card) => b.type === 'Container' && textOf(b).includes('Sara Sales')).items.find((i: Card) => i.type === 'Input.Toggle').id.split('_')[1];
    await c.admin.submit('enrollment.users.setRoles', { userId: 'aad-sales', index, [`salesAgent_${index}`]: 'true' });
    // A request to connect, a customer invitation, and an application under review.
    await c.admin.submit('provider.request', { providerTenantId: CONTOSO });
    const request = lastCard(await c.approver.say('requests'));
    const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;
    const draft = lastCard(await c.admin.submit('customer.draft', { companyName: 'Litware', adminEmail: 'admin@litware.example' }));
    const invitationId = JSON.stringify(draft).match(/"invitationId":"([^"]+)"/)![1];
    // Litware accepts, so the reseller has a customer record to open.
    const body = String(inputsOf(draft).body.value);
    await c.admin.submit('customer.done', { invitationId, subject: 'Invitation', body });
    const link = /(http:\/\/\S+\/invitations\/\S+)/.exec(body)![1];
    const accepted = await fetch(`${app.baseUrl}${new URL(link).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'Lena', email: 'admin@litware.example', company: 'yes' }).toString(),
    });
    expect(accepted.status).to.equal(200);
    const applicant = teams('aad-applicant', 'abababab-0000-4000-8000-000000000003', 'Ada Applicant');
    await applicant.say('enroll');
    await applicant.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    const applicationId = await applicationIdOf();
    ids = { linkId, applicationId, invitationId };
  });
  after(async () => {
    await app?.stop();
  });

  async function applicationIdOf(): Promise<string> {
    for await (const [key] of app.assistant.storage.namespace('applicants').entries()) if (key.includes('aad-applicant')) {
      const raw = await app.assistant.storage.namespace('applicants').get(key);
      return JSON.parse(raw!).value.applicationId;
    }
    throw new Error('no application');
  }

  /** One row per verb and command: how to call it and who may. `own` verbs act on the caller's own application. */
  const rows = (): { name: string; send: (chat: Chat) => Promise<Activity[]>; allowed: readonly Caller[] | 'anyone' }[] => {
    const verb = (name: string, data: Record<string, unknown> = {}) => (chat: Chat) => chat.submit(name, data);
    const say = (text: string) => (chat: Chat) => chat.say(text);
    const E = ENROLLMENT_VERBS;
    const P = PROVIDER_VERBS;
    const C = CUSTOMER_VERBS;
    const { linkId, applicationId, invitationId } = ids;
    return [
      // Anyone, signed in or not: the menu and the public directory.
      { name: MENU_VERBS.help, send: verb(MENU_VERBS.help), allowed: 'anyone' },
      { name: MENU_VERBS.welcome, send: verb(MENU_VERBS.welcome), allowed: 'anyone' },
      { name: P.find, send: verb(P.find, { country: 'IT' }), allowed: 'anyone' },
      { name: 'find a provider', send: say('find a provider'), allowed: 'anyone' },
      // The caller's own application: any proven user.
      ...[E.start, E.alreadyEnrolled, E.supportContact, E.checklist, E.saveForLater, E.tenant, E.mpnSignIn, E.mpnSelect, E.signInAgain, E.legal, E.edit, E.enrollNow, E.verify, E.resend, E.status, E.reopen].map((name) => ({
        name,
        send: verb(name, { answer: 'no', country: 'IT', tenantId: OTHER, globalAdmin: 'true', section: 'legal', code: '123456' }),
        allowed: PROVEN,
      })),
      { name: 'enroll', send: say('enroll'), allowed: PROVEN },
      { name: 'status', send: say('status'), allowed: PROVEN },
      // Operator reviewers.
      { name: E.approve, send: verb(E.approve, { applicationId }), allowed: ['reviewer'] },
      { name: E.reject, send: verb(E.reject, { applicationId, reason: 'no' }), allowed: ['reviewer'] },
      { name: E.refreshReview, send: verb(E.refreshReview, { applicationId }), allowed: ['reviewer'] },
      { name: 'reviews', send: say('reviews'), allowed: ['reviewer'] },
      { name: E.reviews, send: verb(E.reviews), allowed: ['reviewer'] },
      { name: P.approveRegistration, send: verb(P.approveRegistration, { tenantId: CONTOSO }), allowed: ['reviewer'] },
      { name: P.declineRegistration, send: verb(P.declineRegistration, { tenantId: CONTOSO, reason: 'no' }), allowed: ['reviewer'] },
      // Account settings > User management: Admin agents.
      // (The outsider is the Admin agent of another organization: allowed there, never here.)
      { name: E.users, send: verb(E.users), allowed: ['admin', 'outsider'] },
      { name: 'users', send: say('users'), allowed: ['admin', 'outsider'] },
      { name: E.setRoles, send: verb(E.setRoles, { userId: 'aad-member', index: '9', adminAgent_9: 'false', salesAgent_9: 'false' }), allowed: ['admin', 'outsider'] },
      ...[COLLEAGUE_VERBS.form, COLLEAGUE_VERBS.invitations].map((name) => ({ name, send: verb(name), allowed: ['admin', 'outsider'] as Caller[] })),
      { name: COLLEAGUE_VERBS.invite, send: verb(COLLEAGUE_VERBS.invite, { email: 'colleague@reseller.example', role: 'adminAgent' }), allowed: ['admin', 'outsider'] },
      { name: COLLEAGUE_VERBS.revoke, send: verb(COLLEAGUE_VERBS.revoke, { invitationId: '00000000-0000-0000-0000-000000000000' }), allowed: ['admin', 'outsider'] },
      { name: 'invite colleague', send: say('invite colleague'), allowed: ['admin', 'outsider'] },
      { name: 'colleague invitations', send: say('colleague invitations'), allowed: ['admin', 'outsider'] },
      // Joining with an invitation's code: anyone of an enrolled organization's tenant may try (the code decides).
      { name: 'join', send: say('join 00000000-0000-0000-0000-000000000000'), allowed: ['admin', 'outsider', 'sales', 'member'] },
      // Reseller side.
      { name: P.request, send: verb(P.request, { providerTenantId: CONTOSO }), allowed: [...AGENTS, 'outsider'] },
      { name: P.providers, send: verb(P.providers), allowed: [...AGENTS, 'outsider'] },
      { name: 'providers', send: say('providers'), allowed: [...AGENTS, 'outsider'] },
      { name: P.authorize, send: verb(P.authorize, { linkId, consent: 'true' }), allowed: ['admin'] },
      // The consent card of a relationship waiting for authorization: the reseller's agents (only an Admin agent can then authorize).
      { name: P.consent, send: verb(P.consent, { linkId }), allowed: AGENTS },
      { name: 'accept invitation', send: say('accept invitation 00000000-0000-0000-0000-000000000000'), allowed: ['admin', 'outsider'] },
      { name: P.customers, send: verb(P.customers, { linkId }), allowed: [...AGENTS, ...DESK] },
      { name: P.history, send: verb(P.history, { linkId }), allowed: [...AGENTS, ...DESK] },
      { name: 'history', send: say('history'), allowed: [...AGENTS, ...DESK, 'outsider'] },
      // Either side's admin: the reseller's Admin agent or the provider's Provider admin.
      { name: P.end, send: verb(P.end, { linkId }), allowed: ['admin', 'providerAdmin'] },
      { name: P.confirmEnd, send: verb(P.confirmEnd, { linkId }), allowed: ['admin', 'providerAdmin'] },
      // Provider side.
      { name: P.approve, send: verb(P.approve, { linkId }), allowed: DESK },
      { name: P.decline, send: verb(P.decline, { linkId, reason: 'no' }), allowed: DESK },
      { name: P.refreshRequest, send: verb(P.refreshRequest, { linkId }), allowed: DESK },
      { name: 'requests', send: say('requests'), allowed: DESK },
      { name: P.requests, send: verb(P.requests), allowed: DESK },
      { name: P.resellers, send: verb(P.resellers), allowed: DESK },
      { name: 'resellers', send: say('resellers'), allowed: DESK },
      { name: P.invite, send: verb(P.invite, { email: 'r@reseller.example' }), allowed: DESK },
      { name: 'invite reseller', send: say('invite reseller'), allowed: DESK },
      // Choosing approvers: provider admins only (the approver, a member with no role, and others are refused).
      { name: P.approvers, send: verb(P.approvers), allowed: ['providerAdmin'] },
      { name: 'approvers', send: say('approvers'), allowed: ['providerAdmin'] },
      { name: P.setApproverRoles, send: verb(P.setApproverRoles, { userId: 'provider-approver-contoso', index: '0', approver_0: 'true' }), allowed: ['providerAdmin'] },
      { name: P.register, send: verb(P.register, { name: 'Spoofed Distribution', partnerId: '123456', countries: 'IT', contactEmail: 'x@x.example' }), allowed: PROVEN },
      // Customers: the reseller's agents.
      ...[C.inviteForm, C.invitations, C.list].map((name) => ({ name, send: verb(name), allowed: [...AGENTS, 'outsider'] as Caller[] })),
      { name: C.draft, send: verb(C.draft, { companyName: 'Fabrikam', adminEmail: 'admin@fabrikam.example' }), allowed: [...AGENTS, 'outsider'] },
      { name: C.done, send: verb(C.done, { invitationId, subject: 's', body: 'b' }), allowed: AGENTS },
      { name: C.resend, send: verb(C.resend, { invitationId }), allowed: AGENTS },
      { name: C.revoke, send: verb(C.revoke, { invitationId }), allowed: AGENTS },
      { name: C.open, send: verb(C.open, { customerId: `${RESELLER}|litware.example` }), allowed: AGENTS },
      // Asking a customer to add the provider: Admin agents (the provider here is not authorized, so even they get a reason, not the draft).
      { name: C.addProvider, send: verb(C.addProvider, { customerId: `${RESELLER}|litware.example`, providerLinkId: linkId }), allowed: ['admin'] },
      { name: 'customers', send: say('customers'), allowed: [...AGENTS, 'outsider'] },
      { name: 'invitations', send: say('invitations'), allowed: [...AGENTS, 'outsider'] },
      { name: 'invite customer', send: say('invite customer'), allowed: [...AGENTS, 'outsider'] },
      // The audit trail's export: a reseller's Admin agents (the outsider in its own organization) and a provider's provider admins.
      { name: AUDIT_VERBS.export, send: verb(AUDIT_VERBS.export), allowed: ['admin', 'outsider', 'providerAdmin'] },
      { name: 'export audit', send: say('export audit'), allowed: ['admin', 'outsider', 'providerAdmin'] },
      { name: 'esporta registro', send: say('esporta registro'), allowed: ['admin', 'outsider', 'providerAdmin'] },
    ];
  };

  it('has a row for every card verb of every feature, and the access table has one role rule per action', () => {
    const covered = new Set(rows().map((r) => r.name));
    const verbs = [ENROLLMENT_VERBS, PROVIDER_VERBS, CUSTOMER_VERBS, COLLEAGUE_VERBS, MENU_VERBS, AUDIT_VERBS].flatMap((v) => Object.values(v));
    expect(verbs.filter((v) => !covered.has(v))).to.deep.equal([]);
    for (const rule of Object.values(ACCESS)) expect(rule.roles === 'member' || rule.roles.length > 0).to.equal(true);
  });

  it('over /api/messages: refuses every caller the table does not allow (changing nothing) and never refuses one it allows', async () => {
    const unexpected: string[] = [];
    for (const row of rows()) {
      const c = chats();
      const order = [...CALLERS.filter((k) => k !== 'webSpoofer')].sort((a, b) => Number(allows(row.allowed, a)) - Number(allows(row.allowed, b)));
      for (const caller of order) {
        const before = await snapshot();
        const replies = await row.send(c[caller]);
        const refused = isRefusal(replies);
        if (allows(row.allowed, caller)) {
          if (refused) unexpected.push(`${row.name} refused ${caller}: ${visible(replies).slice(0, 160)}`);
        } else {
          if (!refused) unexpected.push(`${row.name} let ${caller} through: ${visible(replies).slice(0, 160)}`);
          if ((await snapshot()) !== before) unexpected.push(`${row.name} by ${caller} changed stored records`);
        }
      }
    }
    expect(unexpected).to.deep.equal([]);
  });

  it('tells an approver and a member with no role that choosing approvers needs the Provider admin role, and who holds it', async () => {
    const c = chats();
    for (const caller of [c.approver, c.providerMember]) {
      for (const replies of [await caller.say('approvers'), await caller.submit(PROVIDER_VERBS.setApproverRoles, { userId: 'aad-contoso-member', index: '0', approver_0: 'true' })]) {
        expect(visible(replies)).to.include('This needs the Provider admin role in Contoso Distribution Europe').and.include('Anna Weber');
      }
    }
  });

  it('over the built-in Direct Line: a signed-in portal user with no proven tenant, spoofing tenant and user fields, gets nothing', async () => {
    const jwt = (claims: object) => {
      const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${head}.${body}.${createHmac('sha256', PORTAL_SECRET).update(`${head}.${body}`).digest('base64url')}`;
    };
    const issued = await fetch(`${app.baseUrl}/api/directline/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userToken: jwt({ sub: 'mallory', name: 'Mallory', exp: Math.floor(Date.now() / 1000) + 300, tid: RESELLER }) }),
    });
    expect(issued.status).to.equal(200);
    const { token } = (await issued.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = (await (await fetch(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: auth })).json()) as { conversationId: string };
    const base = `${app.baseUrl}/v3/directline/conversations/${started.conversationId}/activities`;
    let watermark = 0;
    let sent = 0;
    const send = async (activity: Record<string, unknown>): Promise<Activity[]> => {
      const spoofed = {
        ...activity,
        from: { id: '29:aad-admin', aadObjectId: 'aad-admin', name: 'Marco Rossi' },
        conversation: { id: started.conversationId, tenantId: RESELLER },
        channelData: { tenant: { id: RESELLER }, clientActivityID: `spoof-${++sent}` },
        channelId: 'msteams',
      };
      const posted = await fetch(base, { method: 'POST', headers: auth, body: JSON.stringify(spoofed) });
      expect(posted.status).to.equal(200);
      const deadline = Date.now() + 5000;
      for (;;) {
        const page = (await (await fetch(`${base}?watermark=${watermark}`, { headers: auth })).json()) as { activities: Activity[]; watermark: string };
        const replies = page.activities.filter((a) => a.from?.role === 'bot');
        if (replies.length || Date.now() > deadline) {
          watermark = Number(page.watermark);
          if (replies.length) return replies;
          throw new Error(`no answer to ${JSON.stringify(activity)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await new Promise((r) => setTimeout(r, 300));
    watermark = Number(((await (await fetch(base, { headers: auth })).json()) as { watermark: string }).watermark);
    const unexpected: string[] = [];
    const through = new Chat(app.baseUrl, { id: 'unused' });
    for (const row of rows()) {
      if (row.allowed === 'anyone' || row.name.startsWith('enrollment.') || ['enroll', 'status', P_REGISTER].includes(row.name)) continue;
      const before = await snapshot();
      // Replay the row's payload through Direct Line instead of /api/messages.
      let captured: Record<string, unknown> | undefined;
      through.post = async (partial: Activity) => {
        captured = partial;
        return [];
      };
      await row.send(through);
      const replies = await send(captured!);
      if (!isRefusal(replies)) unexpected.push(`${row.name} let the web spoofer through: ${visible(replies).slice(0, 160)}`);
      if ((await snapshot()) !== before) unexpected.push(`${row.name} by the web spoofer changed stored records`);
    }
    expect(unexpected).to.deep.equal([]);
  });
});

const P_REGISTER = PROVIDER_VERBS.register;

function allows(allowed: readonly Caller[] | 'anyone', caller: Caller): boolean {
  return allowed === 'anyone' || allowed.includes(caller);
}

function visible(replies: Activity[]): string {
  return [...textsOf(replies), ...cardsOf(replies).map(textOf)].join(' | ');
}

function isRefusal(replies: Activity[]): boolean {
  const text = visible(replies);
  return REFUSALS.some((start) => text.includes(start));
}

function lastCard(activities: Activity[]): Card {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
}
