import { rmSync } from 'node:fs';
import { expect } from 'chai';
import type { CustomerInvitation } from '../../src/domain/customer/customer.js';
import type { EnrollmentApplication } from '../../src/domain/enrollment/enrollment.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { seedReseller } from '../support/organizations.js';
import { outboxMails } from '../support/mail.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const RESELLER = 'dddddddd-0000-4000-8000-000000000001';
// Thursday 26 November 2026, 09:00 UTC.
const T0 = new Date('2026-11-26T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REMINDER = /still waiting|not verified yet|about to expire|non è ancora verificato|sta per scadere|attende ancora/;

const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};
/** The card's own buttons, without the Action.Submit fallbacks of Teams' Action.Execute. */
const buttons = (card: Card): string[] => (card.actions ?? []).map((a: Card) => a.title);
const linkIn = (text: string) => /(http:\/\/\S+\/invitations\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)/.exec(text)![1];

describe('Reminders and expiry', function () {
  this.timeout(60_000);
  let app: RunningAssistant;
  let connector: FakeConnector;
  let now = T0;
  let dataDir = '';
  // One public address across the restart, as in production: links in stored e-mails keep working.
  const env = { REVIEWER_IDS: 'aad-reviewer', PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000', PUBLIC_BASE_URL: 'http://localhost:3978' };

  const teams = (id: string, tenantId: string, locale = 'en-US') =>
    new Chat(app.baseUrl, { id: `29:${id}`, name: id, aadObjectId: id, tenantId, channelId: 'msteams', locale, serviceUrl: connector.serviceUrl });
  const reminders = (chat: Chat) => connector.cardsTo(chat.conversationId).filter((card) => REMINDER.test(textOf(card)));
  const remindersAll = () => connector.received.flatMap((r) => (r.activity.attachments ?? []).map((a: any) => a.content)).filter((card: Card) => REMINDER.test(textOf(card)));
  const mails = () => outboxMails(dataDir);
  const at = (instant: Date) => {
    now = instant;
  };

  let admin: Chat;
  let approver: Chat;
  let reviewer: Chat;
  let giulia: Chat;
  let invitationId = '';
  let customerLink = '';

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant(env, { clock: { now: () => now } }, { keepData: true });
    dataDir = app.dataDir;

    await seedReseller(app, { tenantId: RESELLER, name: 'Demo Reseller S.r.l.', admin: { userId: 'aad-marco', name: 'Marco Rossi' } });
    admin = teams('aad-marco', RESELLER);
    approver = teams('provider-approver-contoso', CONTOSO);
    reviewer = teams('aad-reviewer', 'eeeeeeee-0000-4000-8000-000000000001');
    giulia = teams('aad-giulia', 'ffffffff-0000-4000-8000-000000000001', 'it-IT');
    for (const chat of [admin, approver, reviewer, giulia]) await chat.say('help');

    // An application waiting for its primary contact's code, and one waiting for review, since T0.
    const applications = new CasRecordStore<EnrollmentApplication>(app.assistant.storage.namespace('enrollments'));
    const application = (id: string, applicant: string, status: 'submitted' | 'underReview', legalName: string, email: string) =>
      ({
        id,
        applicantId: applicant,
        applicantName: applicant,
        status,
        step: 'review',
        legal: {
          legalName,
          address: { country: 'IT', line1: 'Via Roma 1', city: 'Milano', postalCode: '20100' },
          primaryContact: { firstName: 'Giulia', lastName: 'Bianchi', email, phone: '+390212345678' },
          support: { email, phone: '+390212345678' },
        },
        submittedAt: T0.toISOString(),
        history: [{ at: T0.toISOString(), by: applicant, byName: applicant, what: status === 'submitted' ? 'submitted' : 'review' }],
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      }) as EnrollmentApplication;
    await applications.compareAndSet('app-verify', 0, application('app-verify', 'aad-giulia', 'submitted', 'Fabrikam Nuova S.r.l.', 'giulia@fabrikam-nuova.example'));
    await applications.compareAndSet('app-review', 0, application('app-review', 'aad-paolo', 'underReview', 'Tailspin Toys S.p.A.', 'paolo@tailspin.example'));

    // A request to connect, a customer invitation, a colleague invitation and a provider's invitation, all at T0.
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    const draft = lastCard(await admin.submit('customer.draft', { companyName: 'Litware Inc.', adminEmail: 'admin@litware.example' }));
    invitationId = draft.actions.find((a: Card) => a.title === 'Done').data.invitationId;
    customerLink = linkIn(inputsOf(draft).body.value);
    await admin.submit('customer.done', { invitationId, subject: 'Invitation', body: `Please accept: ${customerLink}` });
    await admin.submit('colleague.invite', { email: 'paolo.neri@demo-reseller.example', role: 'salesAgent' });
    await approver.submit('provider.invite', { email: 'partners@fourthcoffee.example' });
    // Let the request cards and other notices of the journeys arrive before counting reminders.
    await connector.waitFor((r) => r.conversationId === approver.conversationId);
  });

  after(async () => {
    await app.stop();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends nothing before anything is due', async () => {
    at(new Date(T0.getTime() + 23 * HOUR));
    expect(await app.assistant.reminders.runOnce()).to.equal(true);
    expect(remindersAll()).to.deep.equal([]);
  });

  it('reminds the applicant, in their language, and mails the primary contact after a day without verification', async () => {
    const mailsBefore = mails().length;
    at(new Date(T0.getTime() + 25 * HOUR));
    await app.assistant.reminders.runOnce();
    const [notice, ...more] = reminders(giulia);
    expect(more).to.deep.equal([]);
    expect(textOf(notice)).to.include('Il tuo indirizzo e-mail non è ancora verificato').and.include('Fabrikam Nuova S.r.l.').and.include('giulia@fabrikam-nuova.example');
    expect(buttons(notice)).to.deep.equal(['La mia domanda']);
    const mail = mails().slice(mailsBefore);
    expect(mail).to.have.length(1);
    expect(mail[0].to).to.equal('giulia@fabrikam-nuova.example');
    expect(mail[0].text).to.include('Invia un nuovo codice').and.include('Fabrikam Nuova S.r.l.');
    // Nobody else yet: one business day has passed for the request and the review.
    expect(remindersAll()).to.have.length(1);
  });

  it('does not count the weekend: the request and the review are not due on Sunday', async () => {
    at(new Date('2026-11-29T20:00:00Z'));
    await app.assistant.reminders.runOnce();
    expect(reminders(approver)).to.deep.equal([]);
    expect(reminders(reviewer)).to.deep.equal([]);
  });

  it('reminds the approvers and the reviewers after two business days, with a button to their list', async () => {
    at(new Date('2026-11-30T09:30:00Z'));
    await app.assistant.reminders.runOnce();
    const [approval, ...moreApprovals] = reminders(approver);
    expect(moreApprovals).to.deep.equal([]);
    expect(textOf(approval)).to.include('A request is still waiting').and.include('Demo Reseller S.r.l.').and.include('Contoso Distribution Europe').and.include('2 business days');
    const list = await approver.click(approval, 'Pending requests');
    expect(textOf(lastCard(list))).to.include('Demo Reseller S.r.l.');
    expect(actionTitles(lastCard(list))).to.include('Approve');

    const [review, ...moreReviews] = reminders(reviewer);
    expect(moreReviews).to.deep.equal([]);
    expect(textOf(review)).to.include('Tailspin Toys S.p.A.').and.include('2 business days');
    const queue = await reviewer.click(review, 'Applications to review');
    expect(cardsOf(queue).map(textOf).join()).to.include('Tailspin Toys S.p.A.');
    expect(reminders(admin)).to.deep.equal([]);
  });

  it('sends nothing again on a second pass, nor after a restart on the same store', async () => {
    const count = remindersAll().length;
    const mailCount = mails().length;
    await app.assistant.reminders.runOnce();
    expect(remindersAll()).to.have.length(count);
    await app.stop();
    expect(app.assistant.reminders.scheduled).to.equal(false);
    app = await startAssistant(env, { clock: { now: () => now } }, { dataDir, keepData: true });
    expect(app.assistant.reminders.scheduled).to.equal(true);
    // The same people in the same conversations, talking to the restarted server.
    [admin, approver, reviewer, giulia] = [admin, approver, reviewer, giulia].map((chat) => new Chat(app.baseUrl, chat.user, chat.conversationId)) as [Chat, Chat, Chat, Chat];
    expect(await app.assistant.reminders.runOnce()).to.equal(true);
    expect(remindersAll()).to.have.length(count);
    expect(mails()).to.have.length(mailCount);
  });

  it('reminds whoever sent an invitation three days before it expires, once', async () => {
    at(new Date(T0.getTime() + 27 * DAY + HOUR));
    await app.assistant.reminders.runOnce();
    const toAdmin = reminders(admin).map(textOf);
    expect(toAdmin).to.have.length(2);
    expect(toAdmin.find((t) => t.includes('Litware Inc.'))).to.include('admin@litware.example').and.include('in 3 days');
    expect(toAdmin.find((t) => t.includes('paolo.neri@demo-reseller.example'))).to.include('Demo Reseller S.r.l.');
    expect(reminders(admin).flatMap(buttons)).to.deep.equal(['Pending invitations', 'Pending invitations']);
    expect(reminders(approver).slice(1).flatMap(buttons)).to.deep.equal(['Indirect resellers']);
    const toApprover = reminders(approver).map(textOf);
    expect(toApprover).to.have.length(2);
    expect(toApprover[1]).to.include('partners@fourthcoffee.example').and.include('Contoso Distribution Europe');

    const count = remindersAll().length;
    await app.assistant.reminders.runOnce();
    expect(remindersAll()).to.have.length(count);
  });

  it('marks a customer invitation past its date expired: the list and the link say so, and Resend renews it', async () => {
    at(new Date(T0.getTime() + 31 * DAY));
    const count = remindersAll().length;
    await app.assistant.reminders.runOnce();
    expect(remindersAll()).to.have.length(count);
    const stored = await new CasRecordStore<CustomerInvitation>(app.assistant.storage.namespace('customer-invitations')).get(invitationId);
    expect(stored?.value.status).to.equal('expired');
    expect(stored?.value.history.at(-1)).to.deep.include({ what: 'expired', by: 'system' });

    const page = (link: string) => fetch(`${app.baseUrl}${new URL(link).pathname}`);
    expect((await page(customerLink)).status).to.equal(410);
    expect(textOf(lastCard(await admin.say('invitations')))).to.include('Litware Inc.').and.include('the link expired on');
    const resent = await admin.submit('customer.resend', { invitationId });
    const renewed = linkIn(textOf(lastCard(resent)));
    expect((await page(renewed)).status).to.equal(200);
  });
});
