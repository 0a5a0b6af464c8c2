import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { seedDir } from '../../src/paths.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { outboxMails } from '../support/mail.js';
import { alteredToken } from '../support/tamper.js';

type Profile = { partnerId: string; organizationName: string; country: string; active: boolean };
const seed = JSON.parse(readFileSync(join(seedDir, 'partner-profiles.json'), 'utf8')) as { signIns: Record<string, Profile[]> };

/** A sign-in of the reference data with an active Italian profile, plus its other profiles. */
function italianSignIn(): { userName: string; active: Profile; other: Profile[] } {
  for (const [userName, profiles] of Object.entries(seed.signIns)) {
    const active = profiles.find((p) => p.country === 'IT' && p.active);
    if (active) return { userName, active, other: profiles.filter((p) => p !== active) };
  }
  throw new Error('the reference data has no active Italian profile');
}
function inactiveProfile(): { userName: string; profile: Profile } {
  for (const [userName, profiles] of Object.entries(seed.signIns)) {
    const profile = profiles.find((p) => !p.active);
    if (profile) return { userName, profile };
  }
  throw new Error('the reference data has no inactive profile');
}
function foreignActiveProfile(country: string): { userName: string; profile: Profile } {
  for (const [userName, profiles] of Object.entries(seed.signIns)) {
    const profile = profiles.find((p) => p.active && p.country !== country);
    if (profile) return { userName, profile };
  }
  throw new Error('the reference data has no active profile outside ' + country);
}

const LEGAL = {
  legalName: 'Contoso Italia S.r.l.',
  country: 'IT',
  line1: 'Via Roma 1',
  line2: '',
  city: 'Milano',
  region: 'MI',
  postalCode: '20121',
  contactFirstName: 'Giulia',
  contactLastName: 'Rossi',
  contactEmail: 'giulia.rossi@contoso-italia.example',
  contactPhone: '+39 02 1234 5678',
  supportEmail: 'support@contoso-italia.example',
  supportPhone: '02 1234 5679',
  supportWebsite: 'https://contoso-italia.example/support',
};

const card = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};

/** Waits for a mail to `to` whose text matches, written after the files in `seen`. */
async function mailTo(dataDir: string, to: string, match: RegExp, seen: ReadonlySet<string> = new Set()): Promise<string> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const found = outboxMails(dataDir).find((mail) => !seen.has(mail.file) && mail.to === to && match.test(mail.text));
    if (found) return found.text;
  }
  throw new Error(`no mail to ${to} matching ${match}`);
}

/** Reads the newest verification mail in the outbox (status mails pass it by) and returns its code and link. */
function latestMail(dataDir: string): { code: string; link: string; to: string } {
  const { text, to } = outboxMails(dataDir).reverse().find((mail) => mail.text.includes('/enrollment/verify/'))!;
  return { code: /\b(\d{6})\b/.exec(text)![1], link: /(http:\/\/\S+\/enrollment\/verify\/\S+)/.exec(text)![1], to };
}

describe('Enrollment journey', () => {
  let app: RunningAssistant;
  let connector: FakeConnector;
  const reviewers = ['reviewer-anna', 'reviewer-marco'];

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant({ REVIEWER_IDS: reviewers.join(',') });
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });

  /** A Teams user of a tenant. */
  const teamsUser = (name: string, tenantId: string) =>
    new Chat(app.baseUrl, { id: `29:${name}`, aadObjectId: `aad-${name}`, name, tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl });
  /** An applicant of a tenant of their own, signed in through Teams. */
  const webUser = (name: string, locale = 'en-US') =>
    new Chat(app.baseUrl, { id: `29:${name}`, aadObjectId: `aad-${name}`, name, locale, tenantId: randomTenant(), channelId: 'msteams', serviceUrl: connector.serviceUrl });
  /** One of the operator's reviewers (their object id is in REVIEWER_IDS). */
  const reviewer = (id: string, name = id) =>
    new Chat(app.baseUrl, { id, aadObjectId: id, name, tenantId: OPERATOR_TENANT, channelId: 'msteams', serviceUrl: connector.serviceUrl });

  async function reviewersSayHello(): Promise<Chat[]> {
    const chats = reviewers.map((id) => reviewer(id));
    for (const chat of chats) await chat.say('help');
    return chats;
  }

  /** Drives a web user up to the review step with valid answers. */
  async function throughLegal(chat: Chat, country = 'IT'): Promise<Card> {
    const { userName, active } = italianSignIn();
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await chat.submit('enrollment.checklist');
    await chat.submit('enrollment.tenant', { mode: 'existing', country });
    await chat.submit('enrollment.mpnSignIn', { userName });
    await chat.submit('enrollment.mpnSelect', { partnerId: active.partnerId });
    return card(await chat.submit('enrollment.legal', LEGAL));
  }

  it('walks a new reseller in Teams from "enroll" to approval, each step a card', async () => {
    await reviewersSayHello();
    const tenantId = randomTenant();
    const chat = teamsUser('giulia', tenantId);
    const { userName, active } = italianSignIn();

    let shown = card(await chat.say('enroll'));
    expect(textOf(shown)).to.include('Is your organization already enrolled');
    shown = card(await chat.click(shown, 'No, we are new to CSP'));
    expect(textOf(shown)).to.include('Before you begin');
    expect(actionTitles(shown)).to.include.members(['Continue', 'Save for later']);
    shown = card(await chat.click(shown, 'Continue'));
    // The tenant is the one Teams proved; nothing asks for it or for a "global admin" tick box.
    expect(textOf(shown)).to.include(`You are signed in as giulia, in the tenant ${tenantId}`);
    expect(textOf(shown)).to.include('the reviewer will check it');
    expect(Object.keys(inputsOf(shown))).to.deep.equal(['country']);
    expect(actionTitles(shown)).to.include.members(['Continue with this tenant', 'Create new tenant']);

    // Without a country the same card comes back with the reason.
    shown = card(await chat.click(shown, 'Continue with this tenant', { country: '' }));
    expect(textOf(shown)).to.include('Your Azure AD tenant');
    expect(shown.body.some((b: Card) => b.color === 'Attention')).to.equal(true);

    // A typed tenant id and tick box in a replayed payload change nothing: the proven tenant is recorded.
    shown = card(await chat.click(shown, 'Continue with this tenant', { country: 'IT', tenantId: randomTenant(), globalAdmin: 'true' }));
    expect(textOf(shown)).to.include('Partner Membership Center user name');
    shown = card(await chat.click(shown, 'Sign in', { userName }));
    expect(textOf(shown)).to.include('Select your organization profile');
    expect(JSON.stringify(inputsOf(shown).partnerId.choices)).to.include(active.partnerId);

    shown = card(await chat.click(shown, 'Continue', { partnerId: active.partnerId }));
    expect(textOf(shown)).to.include('Legal business profile');
    expect(inputsOf(shown).country.value).to.equal('IT');

    shown = card(await chat.click(shown, 'Save', LEGAL));
    expect(textOf(shown)).to.include('Review your application');
    expect(textOf(shown)).to.include('+390212345678');
    expect(actionTitles(shown)).to.include.members(['Enroll now', 'Edit: Azure AD tenant', 'Edit: MPN ID', 'Edit: Legal business profile']);

    shown = card(await chat.click(shown, 'Enroll now'));
    expect(textOf(shown)).to.include('Verify the primary contact');
    const mail = latestMail(app.dataDir);
    expect(mail.to).to.equal(LEGAL.contactEmail);

    // A wrong code says how many tries are left; the right code, typed, verifies.
    const wrong = card(await chat.say(mail.code === '000000' ? '111111' : '000000'));
    expect(textOf(wrong)).to.include('4 tries left');
    const verified = await chat.say(mail.code);
    expect(textsOf(verified).join()).to.include('now under review');

    // Both reviewers got the application as a card with Approve and Reject.
    for (const reviewer of reviewers) {
      const posted = await connector.waitFor((r) => r.method === 'POST' && r.activity.recipient?.id === reviewer);
      const review = posted.activity.attachments[0].content;
      expect(textOf(review)).to.include('Contoso Italia S.r.l.');
      expect(actionTitles(review)).to.include.members(['Approve', 'Reject']);
    }

    // The first reviewer approves; the second click, by anyone, is told who decided first.
    const anna = reviewer('reviewer-anna', 'Anna');
    const marco = reviewer('reviewer-marco', 'Marco');
    const applicationId = JSON.parse(JSON.stringify(connector.received.find((r) => r.activity.recipient?.id === 'reviewer-anna')!.activity.attachments[0].content.actions[0].data)).applicationId;
    // The primary contact was told by e-mail that the review started.
    expect(await mailTo(app.dataDir, LEGAL.contactEmail, /is now under review/)).to.include('Hello Giulia Rossi,').and.include('several business days');
    const before = new Set(readdirSync(join(app.dataDir, 'outbox')));
    const approved = await anna.execute('enrollment.review.approve', { applicationId });
    expect(textOf(approved.card!)).to.match(/Approved by Anna/);
    // ... and that it was approved, with the first Admin agent named.
    expect(await mailTo(app.dataDir, LEGAL.contactEmail, /was approved on/, before)).to.include('Contoso Italia S.r.l.').and.include('giulia is its first Admin agent');
    expect(actionTitles(approved.card!)).to.not.include('Approve');
    const late = await marco.submit('enrollment.review.approve', { applicationId });
    expect(textsOf(late).join()).to.include('already decided by Anna');

    // Every posted copy of the review card was updated to the final state.
    await connector.waitFor((r) => r.method === 'PUT' && r.activity.recipient?.id === 'reviewer-marco');
    const updated = connector.received.filter((r) => r.method === 'PUT').map((r) => textOf(r.activity.attachments[0].content));
    expect(updated.every((t) => /Approved by Anna/.test(t))).to.equal(true);

    // The applicant is told, and is the organization's first Admin agent.
    const notice = await connector.waitFor((r) => r.activity.recipient?.id === '29:giulia' && /Approved/.test(JSON.stringify(r.activity)));
    expect(textOf(notice.activity.attachments[0].content)).to.include('You are an Admin agent');
    const status = card(await chat.say('status'));
    expect(textOf(status)).to.include('Status: Approved');
  });

  it('refuses an inactive MPN profile and one from another country, with the reason', async () => {
    const chat = webUser('mpn-rules');
    const inactive = inactiveProfile();
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await chat.submit('enrollment.checklist');
    await chat.submit('enrollment.tenant', { mode: 'existing', country: inactive.profile.country });
    await chat.submit('enrollment.mpnSignIn', { userName: inactive.userName });
    const refused = card(await chat.submit('enrollment.mpnSelect', { partnerId: inactive.profile.partnerId }));
    expect(textOf(refused)).to.include('Select your organization profile');
    expect(refused.body.filter((b: Card) => b.color === 'Attention').map((b: Card) => b.text).join()).to.match(/active/i);

    const foreign = foreignActiveProfile('IT');
    const other = webUser('mpn-country');
    await other.say('enroll');
    await other.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await other.submit('enrollment.checklist');
    await other.submit('enrollment.tenant', { mode: 'existing', country: 'IT' });
    await other.submit('enrollment.mpnSignIn', { userName: foreign.userName });
    const mismatch = card(await other.submit('enrollment.mpnSelect', { partnerId: foreign.profile.partnerId }));
    expect(mismatch.body.filter((b: Card) => b.color === 'Attention').map((b: Card) => b.text).join()).to.match(/Italy|country/i);
  });

  it('shows the legal form again with every problem and what the user typed', async () => {
    const chat = webUser('legal-errors');
    await throughLegal(chat);
    await chat.submit('enrollment.edit', { section: 'legal' });
    const typed = { ...LEGAL, contactEmail: 'giulia@gmail.com', postalCode: '1234', legalName: '' };
    const shown = card(await chat.submit('enrollment.legal', typed));
    const errors = shown.body.filter((b: Card) => b.color === 'Attention').map((b: Card) => b.text).join('\n');
    expect(errors).to.match(/e-mail/i);
    expect(errors).to.match(/postal code/i);
    expect(inputsOf(shown).contactEmail.value).to.equal('giulia@gmail.com');
    expect(inputsOf(shown).postalCode.value).to.equal('1234');
    // Nothing half-valid was stored: the review still shows the earlier, valid answers.
    const fixed = card(await chat.submit('enrollment.legal', LEGAL));
    expect(textOf(fixed)).to.include(LEGAL.contactEmail);
  });

  it('refuses Enroll now before every section is valid, listing what is missing', async () => {
    const chat = webUser('incomplete');
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    const replies = await chat.submit('enrollment.enrollNow');
    const text = [...textsOf(replies), ...cardsOf(replies).map(textOf)].join('\n');
    expect(text).to.include('Azure AD tenant');
    expect(text).to.include('MPN ID');
    expect(text).to.include('Legal business profile');
  });

  it('lets a non-reviewer replaying Approve change nothing', async () => {
    await reviewersSayHello();
    const chat = webUser('replay');
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    await chat.say(latestMail(app.dataDir).code);
    const applicationId = await pendingApplicationId();
    const intruder = webUser('intruder');
    const refused = textsOf(await intruder.submit('enrollment.review.approve', { applicationId }));
    expect(refused.join()).to.include('This needs the Reviewer role');
    expect(textOf(card(await chat.say('status')))).to.include('Status: Under review');
  });

  it('records one decision when two reviewers approve and reject at once', async () => {
    await reviewersSayHello();
    const chat = webUser('race');
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    await chat.say(latestMail(app.dataDir).code);
    const applicationId = await pendingApplicationId();
    const [anna, marco] = reviewers.map((id) => reviewer(id));
    const results = await Promise.all([
      anna.submit('enrollment.review.approve', { applicationId }),
      marco.submit('enrollment.review.reject', { applicationId, reason: 'Address could not be verified' }),
    ]);
    const refusals = results.filter((r) => textsOf(r).some((t) => t.includes('already decided')));
    expect(refusals).to.have.length(1);
    const status = textOf(card(await chat.say('status')));
    expect(/Status: Approved/.test(status) !== /Status: Rejected/.test(status)).to.equal(true);
  });

  it('requires a reason to reject, and lets the applicant edit and resubmit', async () => {
    await reviewersSayHello();
    const chat = webUser('rejected');
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    await chat.say(latestMail(app.dataDir).code);
    const applicationId = await pendingApplicationId();
    const anna = reviewer('reviewer-anna', 'Anna');
    const noReason = card(await anna.submit('enrollment.review.reject', { applicationId, reason: ' ' }));
    expect(actionTitles(noReason)).to.include('Reject');
    expect(noReason.body.some((b: Card) => b.color === 'Attention')).to.equal(true);
    await anna.submit('enrollment.review.reject', { applicationId, reason: 'The legal name does not match the MPN profile' });

    const status = card(await chat.say('status'));
    expect(textOf(status)).to.include('The legal name does not match');
    const reopened = card(await chat.click(status, 'Edit and resubmit'));
    expect(textOf(reopened)).to.include('Review your application');
    const again = card(await chat.click(reopened, 'Enroll now'));
    expect(textOf(again)).to.include('Verify the primary contact');
  });

  it('keeps a wait for typed text to the user it belongs to: in a group chat another member cannot consume or end it', async () => {
    const tenantId = randomTenant();
    const applicant = teamsUser('group-applicant', tenantId);
    await throughLegal(applicant);
    await applicant.submit('enrollment.enrollNow');
    const { code } = latestMail(app.dataDir);
    // A colleague in the same group chat types a command, then a code of their own.
    const colleague = new Chat(app.baseUrl, { id: '29:group-colleague', aadObjectId: 'aad-group-colleague', name: 'Colleague', tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl }, applicant.conversationId);
    await colleague.say('help');
    const theirs = textsOf(await colleague.say(code === '111111' ? '222222' : '111111')).join(' ');
    expect(theirs).to.not.include('That code is not right');
    // The applicant's wait is intact: the code typed as plain text still verifies.
    expect(textsOf(await applicant.say(code)).join(' ')).to.include('e-mail address is verified');
  });

  it('answers a correct Verify in Teams with the status card in place of the code box', async () => {
    const chat = teamsUser('execute-verify', randomTenant());
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    const { code } = latestMail(app.dataDir);
    const { card: replaced, replies } = await chat.execute('enrollment.verify', { code });
    expect(textsOf(replies).join(' ')).to.include('e-mail address is verified');
    expect(textOf(replaced!)).to.include('Status: Under review');
    expect(JSON.stringify(replaced)).to.not.include('Input.Text');
  });

  it('accepts the verification code whenever it is typed while the application waits for it, even after other commands', async () => {
    const chat = teamsUser('code-later', randomTenant());
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    const { code } = latestMail(app.dataDir);
    await chat.say('help');
    await chat.say('find a provider');
    expect(textsOf(await chat.say(code)).join(' ')).to.include('e-mail address is verified');
    // Once verified, six digits are not taken for a code any more.
    expect(textsOf(await chat.say(code)).join(' ')).to.not.include('That code');
  });

  it('locks verification after 5 wrong codes', async () => {
    const chat = webUser('lockout');
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    const { code } = latestMail(app.dataDir);
    const wrong = code === '999999' ? '888888' : '999999';
    for (let i = 0; i < 4; i++) await chat.submit('enrollment.verify', { code: wrong });
    const locked = card(await chat.submit('enrollment.verify', { code: wrong }));
    expect(textOf(locked)).to.include('locked until');
    const stillLocked = card(await chat.submit('enrollment.verify', { code }));
    expect(textOf(stillLocked)).to.include('locked until');
  });

  it('verifies through the e-mail link: the page asks first, works once, refuses tampering', async () => {
    const chat = webUser('link');
    await throughLegal(chat);
    await chat.submit('enrollment.enrollNow');
    const { link } = latestMail(app.dataDir);
    const path = new URL(link).pathname;
    const page = await fetch(`${app.baseUrl}${path}`, { headers: { 'accept-language': 'it-IT,it;q=0.9' } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(page.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
    expect(await page.text()).to.include('Verifica il mio indirizzo e-mail');
    expect(textOf(card(await chat.say('status')))).to.include('Waiting for the primary contact');

    const tampered = await fetch(`${app.baseUrl}${alteredToken(path)}`, { method: 'POST' });
    expect(tampered.status).to.equal(404);
    const done = await fetch(`${app.baseUrl}${path}`, { method: 'POST' });
    expect(done.status).to.equal(200);
    expect(await done.text()).to.include('is verified');
    const again = await fetch(`${app.baseUrl}${path}`, { method: 'POST' });
    expect(again.status).to.equal(410);
    expect(textOf(card(await chat.say('status')))).to.include('Under review');
  });

  it('checks the PartnerID of an organization already enrolled in CSP, then sends it to review like any other', async () => {
    await reviewersSayHello();
    const tenantId = randomTenant();
    const chat = teamsUser('already', tenantId);
    const { active, other } = italianSignIn();
    const inactive = other.find((p) => !p.active)!;
    await chat.say('enroll');
    const form = card(await chat.submit('enrollment.alreadyEnrolled', { answer: 'yes' }));
    expect(textOf(form)).to.include('Customer support contact').and.include('PartnerID');
    const support = { supportEmail: 'help@already.example', supportPhone: '+1 425 555 0100' };
    const bad = card(await chat.submit('enrollment.supportContact', { supportEmail: 'not-an-email', supportPhone: '12', partnerId: '', country: 'IT' }));
    expect(bad.body.filter((b: Card) => b.color === 'Attention').length).to.be.greaterThan(1);
    // Partner Center decides: unknown, inactive and other-country PartnerIDs are refused with the reason.
    const unknown = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: '1', country: 'IT' }));
    expect(textOf(unknown)).to.include('knows no organization with PartnerID 1');
    const notActive = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: inactive.partnerId, country: 'IT' }));
    expect(textOf(notActive)).to.include('is not active');
    const elsewhere = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: active.partnerId, country: 'DE' }));
    expect(textOf(elsewhere)).to.include('Select a profile in the same country/region');
    // A valid PartnerID goes to the reviewers; nothing is approved by saying "yes".
    const sent = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: active.partnerId, country: 'IT' }));
    expect(textOf(sent)).to.include('Status: Under review');
    const posted = await connector.waitFor((r) => r.method === 'POST' && r.activity.recipient?.id === 'reviewer-anna' && JSON.stringify(r.activity).includes('already asks to enroll'));
    const applicationId = posted.activity.attachments[0].content.actions[0].data.applicationId;
    const decision = await reviewer('reviewer-anna', 'Anna').submit('enrollment.review.approve', { applicationId });
    expect([...textsOf(decision), ...cardsOf(decision).map(textOf)].join()).to.include('Approved by Anna');
    const done = card(await chat.say('status'));
    expect(textOf(done)).to.include('Status: Approved').and.include(active.organizationName);

    // A colleague in the same tenant cannot enroll it again: "enroll" shows the organization's status instead.
    const colleague = teamsUser('colleague', tenantId);
    const again = card(await colleague.say('enroll'));
    expect(textOf(again)).to.include('Status: Approved').and.include(active.organizationName).and.not.include('Is your organization already enrolled');
    expect(textOf(card(await chat.say('enroll')))).to.include('Status: Approved');

    // The colleague is told how to get the Admin agent role.
    const colleagueStatus = card(await colleague.say('status'));
    expect(textOf(colleagueStatus)).to.include('You are not in the Admin agent group').and.include('Account settings > User management');

    // The admin agent makes the colleague a sales agent; the colleague cannot change roles.
    await colleague.say('users');
    const users = card(await chat.say('users'));
    const colleagueIndex = users.body.find((b: Card) => b.type === 'Container' && textOf(b).includes('colleague')).items.find((i: Card) => i.type === 'Input.Toggle').id.split('_')[1];
    const updated = card(await chat.submit('enrollment.users.setRoles', { userId: 'aad-colleague', index: colleagueIndex, [`salesAgent_${colleagueIndex}`]: 'true', [`adminAgent_${colleagueIndex}`]: 'false' }));
    expect(textOf(updated)).to.include('Roles of colleague updated');
    const refused = textsOf(await colleague.submit('enrollment.users.setRoles', { userId: 'aad-already', index: '0', adminAgent_0: 'false' }));
    expect(refused.join()).to.include('This needs the Admin agent role').and.include('already');
  });

  it('resumes at the same step with the same answers after a restart', async () => {
    const restartable = await startAssistant({}, {}, { keepData: true });
    const user = { id: '29:restart', aadObjectId: 'aad-restart', name: 'Restart', tenantId: randomTenant(), channelId: 'msteams' };
    const chat = new Chat(restartable.baseUrl, user);
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await chat.submit('enrollment.checklist');
    await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT' });
    expect(textsOf(await chat.say('cancel')).join()).to.include('answers are kept');
    await restartable.stop();

    const again = await startAssistant({}, {}, { dataDir: restartable.dataDir });
    try {
      const resumed = card(await new Chat(again.baseUrl, user).say('enroll'));
      expect(textOf(resumed)).to.include('Partner Membership Center user name');
      await new Chat(again.baseUrl, user).submit('enrollment.signInAgain');
      const status = card(await new Chat(again.baseUrl, user).say('status'));
      expect(textOf(status)).to.include('Azure AD tenant given');
    } finally {
      await again.stop();
    }
  });

  async function pendingApplicationId(): Promise<string> {
    const cards = cardsOf(await reviewer('reviewer-anna', 'Anna').say('reviews'));
    const last = cards[cards.length - 1];
    return last.actions.find((a: Card) => a.title === 'Approve').data.applicationId;
  }
});

const OPERATOR_TENANT = 'ffffffff-0000-4000-8000-000000000001';
let tenantCounter = 0;
function randomTenant(): string {
  tenantCounter++;
  return `00000000-0000-4000-8000-${String(Date.now() % 1e6).padStart(6, '0')}${String(tenantCounter).padStart(6, '0')}`;
}
