import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { seedReseller } from '../support/organizations.js';
import { outboxMails } from '../support/mail.js';
import { alteredToken } from '../support/tamper.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};
const linkIn = (text: string) => /(http:\/\/\S+\/invitations\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)/.exec(text)![1];

describe('Customer journey', () => {
  let app: RunningAssistant;
  let connector: FakeConnector;
  let now = new Date('2026-11-24T09:00:00Z');
  let counter = 0;

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant({ PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000' }, { clock: { now: () => now } });
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });

  const user = (id: string, extra: Record<string, string> = {}) => new Chat(app.baseUrl, { id, name: id, serviceUrl: connector.serviceUrl, ...extra });
  const page = (url: string, init?: RequestInit) => fetch(`${app.baseUrl}${new URL(url).pathname}`, init);
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  async function reseller(name: string): Promise<Chat> {
    const tenantId = `cccccccc-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
    const admin = user(`29:${name}`, { tenantId, aadObjectId: `aad-${name}`, channelId: 'msteams' });
    await seedReseller(app, { tenantId, name, admin: { userId: `aad-${name}`, name: `29:${name}` } });
    return admin;
  }

  async function withContoso(admin: Chat): Promise<string> {
    const approver = user('provider-approver-contoso', { aadObjectId: 'provider-approver-contoso', tenantId: CONTOSO, channelId: 'msteams' });
    await approver.say('help');
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    const request = lastCard(await approver.say('requests'));
    const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;
    await approver.submit('provider.approve', { linkId });
    await admin.submit('provider.authorize', { linkId, consent: 'true' });
    return linkId;
  }

  async function invite(admin: Chat, fields: Record<string, string>): Promise<{ draft: Card; link: string; invitationId: string }> {
    const draft = lastCard(await admin.submit('customer.draft', fields));
    const link = linkIn(inputsOf(draft).body.value);
    return { draft, link, invitationId: draft.actions.find((a: Card) => a.title === 'Done').data.invitationId };
  }

  it('refuses a two-tier invitation without an active provider relationship', async () => {
    const admin = await reseller('no-provider');
    const replies = await admin.submit('customer.draft', { companyName: 'Litware', adminEmail: 'admin@litware.example', providerLinkId: `${CONTOSO}|nobody` });
    expect(textsOf(replies).join()).to.include('only while the relationship with the provider is active');
  });

  it('requests a reseller relationship: the link must stay in the e-mail, and the customer accepts once', async () => {
    const admin = await reseller('requester');
    const form1 = lastCard(await admin.say('invite customer'));
    expect(textOf(form1)).to.include('Request a reseller relationship');
    const { draft, link, invitationId } = await invite(admin, { companyName: 'Litware Inc.', adminEmail: 'admin@litware.example' });
    expect(textOf(draft)).to.include('Review the draft e-mail');
    expect(actionTitles(draft)).to.include.members(['Done', 'Open in e-mail']);
    const body = inputsOf(draft).body.value as string;

    const lost = lastCard(await admin.submit('customer.done', { invitationId, subject: 'Hi', body: body.replace(link, 'see our website') }));
    expect(textOf(lost)).to.include('personalized link is missing or was changed');
    const altered = lastCard(await admin.submit('customer.done', { invitationId, subject: 'Hi', body: body.replace(link, `${link}x`) }));
    expect(textOf(altered)).to.include('personalized link is missing or was changed');
    const edited = `Dear Litware team,\n\nplease accept: ${link}.\n\nThanks`;
    expect(textsOf(await admin.submit('customer.done', { invitationId, subject: 'Our CSP invitation', body: edited })).join()).to.include('recorded as sent');

    const shown = await page(link, { headers: { 'accept-language': 'it-IT,it;q=0.9,en;q=0.5' } });
    expect(shown.status).to.equal(200);
    expect(shown.headers.get('content-security-policy')).to.include("default-src 'none'");
    expect(shown.headers.get('x-frame-options')).to.equal('DENY');
    expect(shown.headers.get('referrer-policy')).to.equal('no-referrer');
    const html = await shown.text();
    expect(html).to.include('chiede di diventare il rivenditore').and.include('<form method="post"').and.not.include('<script').and.not.include('In produzione');

    const unconfirmed = await page(link, form({ name: 'Lena', email: 'admin@litware.example' }));
    expect(unconfirmed.status).to.equal(400);
    expect(await unconfirmed.text()).to.include('I confirm that I am a global administrator');

    const [first, second] = await Promise.all([
      page(link, form({ name: 'Lena', email: 'admin@litware.example', company: 'yes' })),
      page(link, form({ name: 'Lena', email: 'admin@litware.example', company: 'yes' })),
    ]);
    expect([first.status, second.status].sort()).to.deep.equal([200, 410]);

    const list = lastCard(await admin.say('customers'));
    expect(textOf(list)).to.include('Litware Inc.').and.include('No indirect provider');
    // One Open button per row (no second, row-wide action that screen readers would announce again).
    const row = list.body.find((b: Card) => b.type === 'Container');
    expect(row.selectAction).to.equal(undefined);
    const customerId = row.items.find((b: Card) => b.type === 'ActionSet').actions.find((a: Card) => a.title === 'Open').data.customerId;
    const record = lastCard(await admin.submit('customer.open', { customerId }));
    expect(textOf(record).match(/reseller relationship, since/g)).to.have.length(1);
    expect(actionTitles(record)).to.include('Microsoft 365 admin center');
    await connector.waitFor((r) => r.activity.recipient?.id === '29:requester' && /accepted the invitation/.test(JSON.stringify(r.activity)));

    // Another organization cannot open this customer by replaying its id.
    const other = await reseller('snooper');
    expect(textsOf(await other.submit('customer.open', { customerId })).join()).to.include('does not belong to your organization');
    expect(textOf(lastCard(await other.say('customers')))).to.not.include('Litware');
  });

  it('invites new customers with the provider: two relationships, shared on both sides, and the provider may order', async () => {
    const admin = await reseller('twotier');
    const linkId = await withContoso(admin);
    const providers = lastCard(await admin.say('providers'));
    expect(actionTitles(providers)).to.include('Invite new customers');
    const formCard = lastCard(await admin.submit('customer.inviteForm', { providerLinkId: linkId, providerName: 'Contoso Distribution Europe' }));
    expect(textOf(formCard)).to.include('Invite new customers').and.include('at the same time');

    const noRoles = lastCard(await admin.submit('customer.draft', { companyName: 'Adventure Works', adminEmail: 'it@adventure.example', providerLinkId: linkId, delegated: 'true', roles: '', durationDays: '900' }));
    expect(textOf(noRoles)).to.include('choose at least one of the listed roles').and.include('from 1 to 730');

    const { link, invitationId, draft } = await invite(admin, {
      companyName: 'Adventure Works', adminEmail: 'it@adventure.example', providerLinkId: linkId, delegated: 'true', roles: 'User Administrator,Directory Readers', durationDays: '180',
    });
    expect(inputsOf(draft).body.value).to.include('Contoso Distribution Europe').and.include('Directory Readers, User Administrator');
    await admin.submit('customer.done', { invitationId, subject: inputsOf(draft).subject.value, body: inputsOf(draft).body.value });
    const html = await (await page(link)).text();
    expect(html).to.include('Contoso Distribution Europe').and.include('can also submit orders').and.include('180 days');
    expect((await page(link, form({ name: 'Ada', email: 'it@adventure.example', company: 'yes' }))).status).to.equal(200);

    const record = textOf(lastCard(await admin.submit('customer.open', { customerId: `${linkId.split('|')[1]}|adventure.example` })));
    expect(record).to.include('reseller relationship').and.include('indirect provider relationship').and.include('Contoso Distribution Europe can submit orders');
    expect(textOf(lastCard(await admin.submit('provider.customers', { linkId })))).to.include('Adventure Works');
    const approver = user('provider-approver-contoso', { aadObjectId: 'provider-approver-contoso', tenantId: CONTOSO, channelId: 'msteams' });
    expect(textOf(lastCard(await approver.submit('provider.customers', { linkId })))).to.include('Adventure Works');
    await connector.waitFor((r) => r.activity.recipient?.id === 'provider-approver-contoso' && /Adventure Works accepted/.test(JSON.stringify(r.activity)));

    // A reseller-only customer of the same reseller: the provider has no relationship, so it cannot order.
    const solo = await invite(admin, { companyName: 'Solo Ltd', adminEmail: 'admin@solo.example' });
    await admin.submit('customer.done', { invitationId: solo.invitationId, subject: 'Hi', body: `Accept: ${solo.link}` });
    await page(solo.link, form({ name: 'S', email: 'admin@solo.example', company: 'yes' }));
    const soloId = `${linkId.split('|')[1]}|solo.example`;
    const soloCard = lastCard(await admin.submit('customer.open', { customerId: soloId }));
    expect(textOf(soloCard)).to.include('Contoso Distribution Europe cannot submit orders');

    // From the record, the Admin agent asks Solo Ltd to add Contoso: the same link rules, and acceptance adds only the provider.
    const add = soloCard.body.flatMap((b: Card) => b.actions ?? []).find((a: Card) => a.title === 'Add Contoso Distribution Europe as indirect provider');
    const addDraft = lastCard(await admin.submit(add.verb, add.data));
    const body = inputsOf(addDraft).body.value as string;
    expect(body).to.include('You already work with').and.include('Contoso Distribution Europe');
    expect(inputsOf(addDraft).subject.value).to.be.a('string');
    const addLink = linkIn(body);
    const addId = addDraft.actions.find((a: Card) => a.title === 'Done').data.invitationId;
    const lost = lastCard(await admin.submit('customer.done', { invitationId: addId, subject: 'Hi', body: 'no link here' }));
    expect(textOf(lost)).to.include('link');
    await admin.submit('customer.done', { invitationId: addId, subject: 'Hi', body });
    const addPage = await (await page(addLink)).text();
    expect(addPage).to.include('Solo Ltd already works with').and.include('can also submit orders');
    expect((await page(addLink, form({ name: 'S', email: 'admin@solo.example', company: 'yes' }))).status).to.equal(200);
    const after = lastCard(await admin.submit('customer.open', { customerId: soloId }));
    expect(textOf(after)).to.include('Contoso Distribution Europe can submit orders').and.include('indirect provider relationship');
    expect(JSON.stringify(after)).to.not.include('customer.addProvider');
    expect(textOf(lastCard(await admin.submit('provider.customers', { linkId })))).to.include('Solo Ltd');
    // Asking again once the provider is there gets the reason.
    expect(textsOf(await admin.submit('customer.addProvider', { customerId: soloId, providerLinkId: linkId })).join(' ')).to.include('already has a reseller relationship with Solo Ltd');
  });

  it('resends with a new link that replaces the old one, and revokes', async () => {
    const admin = await reseller('resender');
    const first = await invite(admin, { companyName: 'Fabrikam Retail', adminEmail: 'admin@fabrikam-retail.example' });
    // Open in e-mail carries the text as edited, after Done and after Resend.
    const mailtoOf = (card: Card) => card.actions.find((a: Card) => a.type === 'Action.OpenUrl').url as string;
    const doneCard = lastCard(await admin.submit('customer.done', { invitationId: first.invitationId, subject: 'Hi', body: `Accept: ${first.link}` }));
    expect(decodeURIComponent(mailtoOf(doneCard))).to.include(`Accept: ${first.link}`);
    const pending = lastCard(await admin.say('invitations'));
    expect(textOf(pending)).to.include('Fabrikam Retail');
    expect(actionTitles(pending)).to.include.members(['Resend', 'Revoke']);

    const resent = await admin.submit('customer.resend', { invitationId: first.invitationId });
    expect(textsOf(resent).join()).to.include('the old one no longer works');
    const newLink = linkIn(textOf(lastCard(resent)));
    expect(newLink).to.not.equal(first.link);
    expect(decodeURIComponent(mailtoOf(lastCard(resent)))).to.include(`Accept: ${newLink}`);
    expect((await page(first.link)).status).to.equal(404);
    expect((await page(newLink)).status).to.equal(200);

    await admin.submit('customer.revoke', { invitationId: first.invitationId });
    const revoked = await page(newLink);
    expect(revoked.status).to.equal(410);
    expect(await revoked.text()).to.include('withdrawn');
    expect((await page(newLink, form({ name: 'X', email: 'admin@fabrikam-retail.example', company: 'yes' }))).status).to.equal(410);
  });

  it('mails the reseller\'s primary contact when a customer accepts', async () => {
    const tenantId = `cccccccc-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
    await seedReseller(app, { tenantId, name: 'Mailing Reseller Ltd', admin: { userId: 'aad-mailing', name: 'Max' }, primaryContact: { name: 'Max Power', email: 'max@mailing.example', locale: 'en' } });
    const admin = user('29:mailing', { tenantId, aadObjectId: 'aad-mailing', channelId: 'msteams' });
    const { link, invitationId } = await invite(admin, { companyName: 'Wingtip Toys', adminEmail: 'admin@wingtip.example' });
    await admin.submit('customer.done', { invitationId, subject: 'Hi', body: link });
    expect((await page(link, form({ name: 'Wanda', email: 'admin@wingtip.example', company: 'yes' }))).status).to.equal(200);
    let mail: string | undefined;
    for (const deadline = Date.now() + 5000; !mail && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      mail = outboxMails(app.dataDir).find((m) => m.to === 'max@mailing.example')?.text;
    }
    expect(mail).to.include('Hello Max Power,').and.include('Wingtip Toys accepted the invitation on').and.include('reseller relationship with Wingtip Toys.');
  });

  it('refuses tampered and expired links with a clear page', async () => {
    const admin = await reseller('expiry');
    const { link, invitationId } = await invite(admin, { companyName: 'Tailwind', adminEmail: 'admin@tailwind.example' });
    await admin.submit('customer.done', { invitationId, subject: 'Hi', body: link });
    const tampered = await page(alteredToken(link));
    expect(tampered.status).to.equal(404);
    expect(await tampered.text()).to.include('not valid');
    now = new Date(now.getTime() + 31 * 86_400_000);
    const expired = await page(link);
    expect(expired.status).to.equal(410);
    expect(await expired.text()).to.include('expired');
    // The list says the link expired (no expiry in the past shown as pending), and Resend renews it.
    const listed = textOf(lastCard(await admin.say('invitations')));
    expect(listed).to.include('Tailwind').and.include('the link expired on').and.not.include(', expires ');
    const renewed = linkIn(textOf(lastCard(await admin.submit('customer.resend', { invitationId }))));
    expect((await page(renewed)).status).to.equal(200);
  });

  it('rate-limits the acceptance page per client address', async () => {
    const limited = await startAssistant({ PAGE_RATE_BURST: '3', PAGE_RATE_PER_SECOND: '0.1' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.baseUrl}/invitations/not-a-token`)).status);
      expect(statuses.slice(0, 3)).to.deep.equal([404, 404, 404]);
      expect(statuses.slice(3)).to.deep.equal([429, 429]);
      expect((await fetch(`${limited.baseUrl}/healthz`)).status).to.equal(200);
    } finally {
      await limited.stop();
    }
  });
});
