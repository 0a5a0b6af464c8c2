import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import type { Organization } from '../../src/domain/organization/organization.js';
import { seedReseller } from '../support/organizations.js';
import { outboxMails } from '../support/mail.js';
import { alteredToken } from '../support/tamper.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const NORTHWIND = '22222222-2222-4222-8222-222222222222';
const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};

/** Waits for a mail to `to` whose text matches, in the outbox of `dataDir`. */
async function mailIn(dataDir: string, to: string, match: RegExp): Promise<string> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const found = outboxMails(dataDir).find((mail) => mail.to === to && match.test(mail.text));
    if (found) return found.text;
  }
  throw new Error(`no mail to ${to} matching ${match}`);
}

describe('Provider journey', () => {
  let app: RunningAssistant;
  let connector: FakeConnector;
  let now = new Date('2026-11-24T09:00:00Z');
  let tenantCounter = 0;

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant({ REVIEWER_IDS: 'aad-operator-reviewer' }, { clock: { now: () => now } });
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });
  beforeEach(() => {
    now = new Date(now.getTime() + 60_000);
  });

  const mailTo = (to: string, match: RegExp) => mailIn(app.dataDir, to, match);
  const user = (id: string, extra: Partial<{ tenantId: string; aadObjectId: string; channelId: string; locale: string }> = {}) =>
    new Chat(app.baseUrl, { id, name: id, serviceUrl: connector.serviceUrl, ...extra });
  /** Contoso's approvers: Teams users of Contoso's tenant whose object ids the provider record lists. */
  const approvers = () => ['provider-approver-contoso', 'provider-approver-contoso-2'].map((id) => user(id, { aadObjectId: id, tenantId: CONTOSO, channelId: 'msteams' }));

  /** An enrolled reseller organization with its first admin agent (enrollment itself is tested in enrollment.test.ts). */
  async function reseller(name: string): Promise<{ admin: Chat; tenantId: string }> {
    const tenantId = `aaaaaaaa-0000-4000-8000-${String(++tenantCounter).padStart(12, '0')}`;
    const admin = user(`29:${name}`, { tenantId, aadObjectId: `aad-${name}`, channelId: 'msteams' });
    await seedReseller(app, { tenantId, name, admin: { userId: `aad-${name}`, name: `29:${name}` } });
    return { admin, tenantId };
  }

  async function requestAndApprove(admin: Chat): Promise<string> {
    for (const a of approvers()) await a.say('help');
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    const [anna] = approvers();
    const request = lastCard(await anna.say('requests'));
    const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;
    await anna.submit('provider.approve', { linkId });
    return linkId;
  }

  it('searches the directory by country and keyword, a page at a time', async () => {
    const chat = user('u-directory');
    const all = lastCard(await chat.say('find a provider'));
    expect(textOf(all)).to.include('4 providers found');
    const italy = lastCard(await chat.submit('provider.find', { country: 'IT', keyword: '' }));
    expect(textOf(italy)).to.include('Contoso Distribution Europe').and.include('Adatum Italia Distribuzione').and.not.include('Northwind');
    const keyword = lastCard(await chat.submit('provider.find', { country: 'IT', keyword: 'dynamics' }));
    expect(textOf(keyword)).to.include('1 provider found,').and.include('Contoso');
    expect(actionTitles(keyword)).to.include('Request to connect');
    const none = lastCard(await chat.submit('provider.find', { country: 'JP', keyword: '' }));
    expect(textOf(none)).to.include('No provider matches');
    const paged = lastCard(await chat.submit('provider.find', { page: '2' }));
    expect(textOf(paged)).to.include('page 1 of 1');
  });

  it('tells a provider asking for the reseller lists what providers see instead, in their language', async () => {
    const [anna] = approvers();
    for (const command of ['customers', 'providers', 'invite customer']) {
      const answer = textsOf(await anna.say(command)).join(' ');
      expect(answer, command).to.include('You are signed in for Contoso Distribution Europe, an indirect provider').and.include('“resellers”').and.not.include('“enroll”');
    }
    const italian = user('provider-approver-contoso', { aadObjectId: 'provider-approver-contoso', tenantId: CONTOSO, channelId: 'msteams', locale: 'it-IT' });
    expect(textsOf(await italian.say('clienti')).join(' ')).to.include('un provider indiretto').and.include('Visualizza clienti');
  });

  it('tells the reseller\'s primary contact and the provider\'s contact address by e-mail, each in their language', async () => {
    const tenantId = `aaaaaaaa-0000-4000-8000-${String(++tenantCounter).padStart(12, '0')}`;
    await seedReseller(app, { tenantId, name: 'Mailed Reseller S.r.l.', admin: { userId: 'aad-mailed', name: 'Mara' }, primaryContact: { name: 'Mara Neri', email: 'mara@mailed.example', locale: 'it' } });
    const admin = user('29:mailed', { tenantId, aadObjectId: 'aad-mailed', channelId: 'msteams' });
    const linkId = await requestAndApprove(admin);
    expect(await mailTo('mara@mailed.example', /ha approvato la richiesta di collegamento di Mailed Reseller/)).to.include('Buongiorno Mara Neri,');
    await admin.submit('provider.authorize', { linkId, consent: 'true' });
    expect(await mailTo('mara@mailed.example', /ha autorizzato Contoso Distribution Europe come suo provider indiretto/)).to.include('Mailed Reseller S.r.l.');
    expect(await mailTo('partners@contoso-distribution.example', /Mailed Reseller S\.r\.l\. ha autorizzato|Mailed Reseller S\.r\.l\. authorized/)).to.include('Contoso Distribution Europe');
    await admin.submit('provider.end.confirm', { linkId });
    expect(await mailTo('mara@mailed.example', /è stata terminata il/)).to.include('Contoso Distribution Europe');
    expect(await mailTo('partners@contoso-distribution.example', /ended on|terminata il/)).to.include('Mailed Reseller');
  });

  it('never leaves a missed consent card as a dead end: Indirect providers and a second Request to connect lead back to it', async () => {
    const { admin } = await reseller('missed-card');
    for (const a of approvers()) await a.say('help');
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    // While the provider has not decided, the list shows the request and a second request says where it stands.
    const waiting = lastCard(await admin.say('providers'));
    expect(textOf(waiting)).to.include('Request sent on').and.include('waiting for the decision of Contoso Distribution Europe');
    expect(actionTitles(waiting)).to.not.include('Authorize indirect provider');
    expect(textsOf(await admin.submit('provider.request', { providerTenantId: CONTOSO })).join(' ')).to.include('still waiting for their decision');
    const [anna] = approvers();
    const request = lastCard(await anna.say('requests'));
    await anna.submit('provider.approve', { linkId: request.actions.find((a: Card) => a.title === 'Approve').data.linkId });
    // The proactive consent card was missed: the list offers it, and so does Request to connect.
    const listed = lastCard(await admin.say('providers'));
    expect(textOf(listed)).to.include('Contoso Distribution Europe approved: waiting for your authorization');
    const button = listed.body.flatMap((b: Card) => b.items ?? []).flatMap((i: Card) => i.actions ?? []).find((a: Card) => a.title === 'Authorize indirect provider');
    const consent = lastCard(await admin.submit(button.verb ?? button.data.verb, button.data));
    expect(textOf(consent)).to.include('Authorize indirect provider').and.include('administrator access');
    expect(textOf(lastCard(await admin.submit('provider.request', { providerTenantId: CONTOSO })))).to.include('Authorize indirect provider');
    await admin.submit('provider.authorize', { linkId: button.data.linkId, consent: 'true' });
    const after = lastCard(await admin.say('providers'));
    expect(textOf(after)).to.include('Since').and.not.include('waiting for your authorization');
    expect(actionTitles(after)).to.include('View customers');
  });

  it('sends a request to connect to the approvers, who decide once; others are refused', async () => {
    const { admin } = await reseller('litware');
    const [anna, marco] = approvers();
    await anna.say('help');
    await marco.say('help');
    const sent = textsOf(await admin.submit('provider.request', { providerTenantId: CONTOSO }));
    expect(sent.join()).to.include('was sent to Contoso Distribution Europe');
    const posted = await connector.waitFor((r) => r.activity.recipient?.id === 'provider-approver-contoso' && /litware/i.test(JSON.stringify(r.activity)));
    const card = posted.activity.attachments[0].content;
    expect(actionTitles(card)).to.include.members(['Approve', 'Decline']);
    const linkId = card.actions.find((a: Card) => a.title === 'Approve').data.linkId;

    expect(textsOf(await admin.submit('provider.request', { providerTenantId: CONTOSO })).join()).to.include('still waiting for their decision');

    const intruder = user('provider-approver-northwind', { aadObjectId: 'provider-approver-northwind', tenantId: NORTHWIND, channelId: 'msteams' });
    expect(textsOf(await intruder.submit('provider.approve', { linkId })).join()).to.include('Only someone with the Approver or Provider admin role in Contoso Distribution Europe');

    const [a, b] = await Promise.all([anna.submit('provider.approve', { linkId }), marco.submit('provider.decline', { linkId, reason: 'Outside our region' })]);
    const refused = [a, b].filter((r) => textsOf(r).some((t) => t.includes('already decided by')));
    expect(refused).to.have.length(1);
    await connector.waitFor((r) => r.method === 'PUT' && /(Approved|Declined) by/.test(JSON.stringify(r.activity)));
  });

  it('authorizes only with the box ticked and the Admin agent role; then both lists show it', async () => {
    const { admin, tenantId } = await reseller('tailspin');
    const linkId = await requestAndApprove(admin);
    const consentPost = await connector.waitFor((r) => r.activity.recipient?.id === '29:tailspin' && /Authorize indirect provider/.test(JSON.stringify(r.activity)));
    const consent = consentPost.activity.attachments[0].content;
    expect(textOf(consent)).to.include('submit orders and add subscriptions').and.include('administrator access');
    expect(inputsOf(consent).consent.type).to.equal('Input.Toggle');

    const unticked = lastCard(await admin.submit('provider.authorize', { linkId, consent: 'false' }));
    expect(textOf(unticked)).to.include('Tick the box');
    expect(textOf(lastCard(await admin.say('providers')))).to.include('approved: waiting for your authorization').and.not.include('Since');

    const colleague = user('29:tailspin-sales', { tenantId, aadObjectId: 'aad-tailspin-sales', channelId: 'msteams' });
    await colleague.say('users');
    const colleagueRefused = await colleague.submit('provider.authorize', { linkId, consent: 'true' });
    expect([...textsOf(colleagueRefused), ...cardsOf(colleagueRefused).map(textOf)].join()).to.include('This needs the Admin agent role in');

    const done = await admin.submit('provider.authorize', { linkId, consent: 'true' });
    expect(textsOf(done).join()).to.include('is now on your Indirect providers list');
    const list = lastCard(done);
    expect(textOf(list)).to.include('Indirect providers').and.include('Contoso Distribution Europe');
    expect(actionTitles(list)).to.include.members(['View customers', 'History', 'End relationship']);

    const [anna] = approvers();
    const resellers = lastCard(await anna.say('resellers'));
    expect(textOf(resellers)).to.include('tailspin');
    const searched = lastCard(await anna.submit('provider.resellers', { search: 'no-such-reseller' }));
    expect(textOf(searched)).to.not.include('tailspin');
    await connector.waitFor((r) => r.activity.recipient?.id === 'provider-approver-contoso' && /authorized Contoso/.test(JSON.stringify(r.activity)));

    expect(textsOf(await admin.submit('provider.request', { providerTenantId: CONTOSO })).join()).to.include('already your indirect provider');
    const customers = lastCard(await admin.submit('provider.customers', { linkId }));
    expect(textOf(customers)).to.include('No customers are shared yet');
  });

  it('ends a relationship after confirmation; both sides are told and neither list shows it; history keeps it', async () => {
    const { admin } = await reseller('wingtip');
    const linkId = await requestAndApprove(admin);
    await admin.submit('provider.authorize', { linkId, consent: 'true' });
    const confirm = lastCard(await admin.submit('provider.end', { linkId }));
    expect(actionTitles(confirm)).to.include.members(['Yes, end the relationship', 'No, keep it']);
    expect(textsOf(await admin.submit('provider.end.confirm', { linkId })).join()).to.include('has ended');
    expect(textOf(lastCard(await admin.say('providers')))).to.not.include('Contoso');
    const [anna] = approvers();
    expect(textOf(lastCard(await anna.say('resellers')))).to.not.include('wingtip');
    await connector.waitFor((r) => r.activity.recipient?.id === 'provider-approver-contoso' && /Relationship ended/.test(JSON.stringify(r.activity)));
    const history = textOf(lastCard(await admin.submit('provider.history', { linkId })));
    for (const event of ['Request to connect', 'Request approved', 'Indirect provider authorized', 'Relationship ended']) expect(history).to.include(event);
    expect(textOf(lastCard(await admin.say('history')))).to.include('Relationship ended');
    // Another reseller cannot read this relationship by replaying its id.
    const { admin: other } = await reseller('stranger');
    expect(textsOf(await other.submit('provider.history', { linkId })).join()).to.include('your organization is neither');
  });

  it('invites a reseller with a signed, expiring, single-use link', async () => {
    const { admin } = await reseller('fourthcoffee');
    const [anna] = approvers();
    const form = lastCard(await anna.say('invite reseller'));
    expect(Object.keys(inputsOf(form))).to.include.members(['email', 'partnerId']);
    const bad = lastCard(await anna.submit('provider.invite', { email: 'not-an-email' }));
    expect(textOf(bad)).to.include('not a valid e-mail address');
    const draft = lastCard(await anna.submit('provider.invite', { email: 'partners@fourthcoffee.example' }));
    const body = textOf(draft);
    const link = /(http:\/\/\S+\/providers\/invitations\/\S+)/.exec(body)![1];
    expect(actionTitles(draft)).to.include('Open in e-mail');
    const path = new URL(link).pathname;

    const page = await fetch(`${app.baseUrl}${path}`);
    expect(page.status, await page.clone().text()).to.equal(200);
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    const html = await page.text();
    expect(html).to.include('Contoso Distribution Europe');
    const code = /accept invitation ([0-9a-f-]{36})/.exec(html)![1];
    expect(html).to.include(`href="/#say=${encodeURIComponent(`accept invitation ${code}`)}"`);

    const tampered = await fetch(`${app.baseUrl}${alteredToken(path)}`);
    expect(tampered.status).to.equal(404);

    const consent = lastCard(await admin.say(`accept invitation ${code}`));
    expect(textOf(consent)).to.include('administrator access');
    const linkId = consent.actions.find((a: Card) => a.title === 'Authorize indirect provider').data.linkId;
    await admin.submit('provider.authorize', { linkId, consent: 'true' });
    // The trail names who sent the invitation (the provider's approver) and who opened and authorized it.
    const history = textOf(lastCard(await admin.submit('provider.history', { linkId })));
    expect(history).to.include('Invitation sent (provider-approver-contoso)').and.include('Invitation opened by the reseller (29:fourthcoffee)');
    expect(history).to.include('Indirect provider authorized (29:fourthcoffee)').and.not.include('Invitation sent (29:fourthcoffee)');
    // Each entry names the organization its person acted for: the sender for the provider, the Admin agent for the reseller.
    const stored = JSON.parse((await app.assistant.storage.namespace('provider-links').get(linkId))!).value as { history: { what: string; org?: string }[] };
    const orgOf = (what: string) => stored.history.find((e) => e.what === what)?.org;
    const resellerTenant = linkId.split('|')[1];
    expect([orgOf('invited'), orgOf('invitationOpened'), orgOf('authorized')]).to.deep.equal([CONTOSO, resellerTenant, resellerTenant]);
    expect((await fetch(`${app.baseUrl}${path}`)).status).to.equal(410);
    expect(textsOf(await admin.say(`accept invitation ${code}`)).join()).to.include('already used');

    // An expired link: the clock moves past the 30 days.
    const expiring = lastCard(await anna.submit('provider.invite', { email: 'later@reseller.example' }));
    const expiringPath = new URL(/(http:\/\/\S+\/providers\/invitations\/\S+)/.exec(textOf(expiring))![1]).pathname;
    now = new Date(now.getTime() + 31 * 86_400_000);
    const expired = await fetch(`${app.baseUrl}${expiringPath}`, { headers: { 'accept-language': 'it' } });
    expect(expired.status).to.equal(410);
    expect(await expired.text()).to.include('scaduto');
  });

  it('retries a notification when Teams throttles (429)', async () => {
    const { admin } = await reseller('proseware');
    const [anna] = approvers();
    await anna.say('help');
    connector.throttleNext = 2;
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    await connector.waitFor((r) => r.activity.recipient?.id === 'provider-approver-contoso' && /proseware/.test(JSON.stringify(r.activity)), 8000);
    expect(connector.throttleNext).to.equal(0);
  });

  it('sends the authorization card straight to the admin agents of a reseller invited by a known MPN ID', async () => {
    const organizations = new CasRecordStore<Organization>(app.assistant.storage.namespace('organizations'));
    await organizations.compareAndSet('bbbbbbbb-0000-4000-8000-000000000001', 0, {
      tenantId: 'bbbbbbbb-0000-4000-8000-000000000001',
      name: 'Known Reseller S.p.A.',
      kind: 'reseller',
      partnerId: '7654321',
      country: 'IT',
      members: [{ userId: 'aad-known', name: 'Known Admin', roles: ['adminAgent'], addedAt: now.toISOString() }],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      history: [],
    });
    const known = user('29:known', { aadObjectId: 'aad-known', tenantId: 'bbbbbbbb-0000-4000-8000-000000000001', channelId: 'msteams' });
    await known.say('help');
    const [anna] = approvers();
    const draft = lastCard(await anna.submit('provider.invite', { email: 'admin@known.example', partnerId: '7654321' }));
    expect(textOf(draft)).to.include('I also sent its Admin agents the authorization card');
    const posted = await connector.waitFor((r) => r.activity.recipient?.id === '29:known' && /Authorize indirect provider/.test(JSON.stringify(r.activity)));
    const linkId = posted.activity.attachments[0].content.actions[0].data.linkId;
    expect(textsOf(await known.submit('provider.authorize', { linkId, consent: 'true' })).join()).to.include('is now on your Indirect providers list');
  });

  it('speaks Italian to Italian users, with the guide’s terms', async () => {
    const chat = user('u-it', { locale: 'it-IT' });
    const card = lastCard(await chat.say('trova un provider'));
    expect(textOf(card)).to.include('Trova un provider indiretto');
    expect(actionTitles(card)).to.include('Richiedi collegamento');
  });
  it('registers a provider only after an operator reviewer approves it; names are unique, ignoring case and accents', async () => {
    const tenantId = 'bbbbbbbb-0000-4000-8000-0000000000aa';
    const registrant = user('29:prov-registrant', { aadObjectId: 'aad-prov-registrant', tenantId, channelId: 'msteams' });
    const reviewer = user('29:operator', { aadObjectId: 'aad-operator-reviewer', tenantId: 'ffffffff-0000-4000-8000-000000000001', channelId: 'msteams' });
    await reviewer.say('help');
    const fields = { partnerId: '1234567', countries: 'IT', services: 'Azure', support: '24/7', contactEmail: 'partners@litware-distribution.example' };
    const taken = await registrant.submit('provider.register', { ...fields, name: 'CONTOSO distribution éurope' });
    expect([...textsOf(taken), ...cardsOf(taken).map(textOf)].join()).to.include('Another provider is already registered');
    const sent = await registrant.submit('provider.register', { ...fields, name: 'Litware Distribution', approverIds: 'provider-approver-contoso' });
    expect(textsOf(sent).join()).to.include('sent to the team that runs this assistant');
    // Pending: not in the directory, and the registrant is not a provider yet.
    expect(textOf(lastCard(await registrant.submit('provider.find', { country: 'IT', keyword: 'Litware' })))).to.include('No provider matches');
    expect(textsOf(await registrant.say('requests')).join()).to.include('This is for indirect providers');
    // The reviewer gets the card; another organization's user cannot decide it.
    const posted = await connector.waitFor((r) => r.activity.recipient?.id === '29:operator' && JSON.stringify(r.activity).includes('Litware Distribution'));
    expect(actionTitles(posted.activity.attachments[0].content)).to.include.members(['Approve', 'Decline']);
    expect(textsOf(await registrant.submit('provider.registration.approve', { tenantId })).join()).to.include('This needs the Reviewer role');
    const decided = await reviewer.submit('provider.registration.approve', { tenantId });
    expect(cardsOf(decided).map(textOf).join()).to.include('Approved by');
    expect(textsOf(await reviewer.submit('provider.registration.decline', { tenantId })).join()).to.include('already decided');
    await connector.waitFor((r) => r.activity.recipient?.id === '29:prov-registrant' && /Registration approved/.test(JSON.stringify(r.activity)));
    expect(textOf(lastCard(await registrant.submit('provider.find', { country: 'IT', keyword: 'Litware' })))).to.include('Litware Distribution');
    // The typed approver id listed nobody: the registrant alone approves.
    const stored = JSON.parse((await app.assistant.storage.namespace('providers').get(tenantId))!).value;
    expect(stored.approverIds).to.deep.equal(['aad-prov-registrant']);
  });

  describe('approvers', () => {
    /** Anna Weber, Contoso's provider admin (and approver), as the shipped seed and demo persona have her. */
    const ANNA = 'a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a';
    const contosoUser = (aadObjectId: string, name: string, locale = 'en-US') =>
      new Chat(app.baseUrl, { id: `29:${aadObjectId}`, name, aadObjectId, tenantId: CONTOSO, channelId: 'msteams', locale, serviceUrl: connector.serviceUrl });
    const anna = (locale?: string) => contosoUser(ANNA, 'Anna Weber', locale);
    const stored = async () => JSON.parse((await app.assistant.storage.namespace('providers').get(CONTOSO))!).value;
    const everything = (activities: Activity[]) => [...textsOf(activities), ...cardsOf(activities).map(textOf)].join('\n');
    /** The row of a person on the approvers card: its update button's title and the ids of its toggles. */
    const rowOf = (card: Card, name: string) => {
      const row = card.body.find((b: Card) => b.type === 'Container' && textOf(b).split('\n')[0] === name);
      if (!row) throw new Error(`no row for ${name} on: ${textOf(card)}`);
      const index = row.items.find((i: Card) => i.type === 'Input.Toggle').id.split('_')[1];
      return { index, text: textOf(row), update: `Update roles of ${name}`, inputs: (approver: boolean, admin: boolean) => ({ [`approver_${index}`]: String(approver), [`providerAdmin_${index}`]: String(admin) }) };
    };

    it('lets the provider admin make a verified member an approver, who gets the next request card; once removed, their click on it is refused', async () => {
      const paul = contosoUser('aad-contoso-paul', 'Paul Contoso');
      // Paul is a user of Contoso's tenant with no role: told which role is needed and who holds it.
      expect(textsOf(await paul.say('approvers')).join()).to.include('This needs the Provider admin role in Contoso Distribution Europe').and.include('Anna Weber');
      const card = lastCard(await anna().say('approvers'));
      expect(textOf(card)).to.include('Approvers and provider admins').and.include('Anna Weber');
      const row = rowOf(card, 'Paul Contoso');
      expect(row.text).to.include('No role');
      const inputs = Object.values(inputsOf(card)).filter((i) => i.id.endsWith(`_${row.index}`));
      expect(inputs.map((i) => [i.type, i.label, i.title])).to.deep.equal([
        ['Input.Toggle', 'Roles of Paul Contoso', 'Approver'],
        ['Input.Toggle', 'Roles of Paul Contoso', 'Provider admin'],
      ]);

      const updated = lastCard(await anna().click(card, row.update, row.inputs(true, false)));
      expect(textOf(updated)).to.include('Roles of Paul Contoso updated: Approver.');
      expect(rowOf(updated, 'Paul Contoso').text).to.include('Approver');
      expect((await stored()).approverIds).to.include('aad-contoso-paul');

      const { admin } = await reseller('adventureworks');
      await admin.submit('provider.request', { providerTenantId: CONTOSO });
      const posted = await connector.waitFor((r) => r.activity.recipient?.id === '29:aad-contoso-paul' && /adventureworks/.test(JSON.stringify(r.activity)));
      const request = posted.activity.attachments[0].content;
      const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;

      const removed = lastCard(await anna().click(updated, row.update, row.inputs(false, false)));
      expect(textOf(removed)).to.include('Roles of Paul Contoso updated: No role.');
      expect(everything(await paul.submit('provider.approve', { linkId }))).to.include('This needs the Approver or Provider admin role in Contoso Distribution Europe');
      expect(everything(await paul.submit('provider.request.refresh', { linkId }))).to.include('Only the approvers of this provider');
      expect(JSON.parse((await app.assistant.storage.namespace('provider-links').get(linkId))!).value.status).to.equal('requested');
      expect((await stored()).history.map((h: { what: string; byName: string }) => `${h.what}:${h.byName}`)).to.deep.equal(['rolesChanged:Anna Weber', 'rolesChanged:Anna Weber']);
    });

    it('keeps a provider admin, and gives no role to an id nobody was seen with', async () => {
      const before = await stored();
      const card = lastCard(await anna().say('approvers'));
      const self = rowOf(card, 'Anna Weber');
      const last = lastCard(await anna().click(card, self.update, self.inputs(true, false)));
      expect(textOf(last)).to.include('At least one provider admin must remain');
      const typed = await anna().submit('provider.approvers.setRoles', { userId: 'aad-typed-by-hand', index: '0', approver_0: 'true' });
      expect(everything(typed)).to.include('not a verified member of your provider’s tenant');
      expect(await stored()).to.deep.equal(before);
    });

    it('offers Approvers on the Indirect resellers list to provider admins only; an approver is told the role needed', async () => {
      const resellers = lastCard(await anna().say('resellers'));
      const opened = lastCard(await anna().click(resellers, 'Approvers'));
      expect(textOf(opened)).to.include('Approvers and provider admins');
      const [approver] = approvers();
      expect(actionTitles(lastCard(await approver.say('resellers')))).to.not.include('Approvers');
      expect(textsOf(await approver.say('approvers')).join()).to.include('This needs the Provider admin role in Contoso Distribution Europe');
    });

    it('shows names as plain text, and speaks Italian', async () => {
      const mallory = contosoUser('aad-contoso-mallory', '**Mallory** [click](https://attacker.example)');
      await mallory.say('requests');
      const card = lastCard(await anna('it-IT').say('approvatori'));
      expect(textOf(card)).to.include('Approvatori e amministratori del provider').and.include('Nessun ruolo');
      expect(JSON.stringify(card)).to.include('\\\\*\\\\*Mallory\\\\*\\\\*').and.not.include('"**Mallory**');
      expect(actionTitles(card)).to.include('Aggiorna i ruoli di **Mallory** [click](https://attacker.example)');
    });
  });
});
