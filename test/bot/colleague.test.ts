import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { persona, signedInAs } from '../support/demo-sign-in.js';
import { FakeConnector } from '../support/fake-connector.js';
import { seedReseller } from '../support/organizations.js';
import { outboxMails } from '../support/mail.js';

const RESELLER = 'dddddddd-0000-4000-8000-000000000001';
const OTHER = 'dddddddd-0000-4000-8000-000000000002';
const DEMO = persona('Marco Rossi').tid;
const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};
const linkIn = (text: string) => /(http:\/\/\S+\/colleagues\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)/.exec(text)![1];
const codeIn = (html: string) => /<code>(?:join|unisciti) ([0-9a-f-]{36})<\/code>/.exec(html)![1];

/** The newest mail of the outbox: to whom, its subject and its text. */
const latestMail = (dataDir: string) => outboxMails(dataDir).at(-1)!;

describe('Inviting colleagues (Account settings > User management)', function () {
  this.timeout(60_000);
  let app: RunningAssistant;
  let connector: FakeConnector;

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant({ PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000' });
    await seedReseller(app, { tenantId: RESELLER, name: 'Litware Reseller', admin: { userId: 'aad-marta', name: 'Marta Admin' } });
    await seedReseller(app, { tenantId: OTHER, name: 'Other Reseller', admin: { userId: 'aad-olga', name: 'Olga Other' } });
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });

  const teams = (id: string, tenantId: string, name: string, locale = 'en-US') =>
    new Chat(app.baseUrl, { id: `29:${id}`, aadObjectId: id, name, tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl, locale });
  const page = (url: string, init?: RequestInit) => fetch(`${app.baseUrl}${new URL(url).pathname}`, init);

  async function invite(admin: Chat, email: string, role: string): Promise<{ card: Card; link: string }> {
    const card = lastCard(await admin.submit('colleague.invite', { email, role }));
    return { card, link: linkIn(textOf(card)) };
  }

  it('lets an Admin agent invite a colleague from User management: the e-mail carries the link, the card lists it as pending', async () => {
    const marta = teams('aad-marta', RESELLER, 'Marta Admin');
    const users = lastCard(await marta.say('users'));
    expect(actionTitles(users)).to.include.members(['Invite a colleague', 'Pending invitations']);
    const form = lastCard(await marta.submit('colleague.form'));
    expect(textOf(form)).to.include('Invite a colleague').and.include('Litware Reseller');
    const role = form.body.find((b: Card) => b.id === 'role');
    expect(role.label).to.equal('Role to grant');
    expect(role.choices.map((c: Card) => c.title)).to.deep.equal(['Admin agent', 'Sales agent', 'No role for now (an Admin agent can grant one later in User management)']);

    const { card, link } = await invite(marta, 'Piero@Litware.example', 'salesAgent');
    expect(textOf(card)).to.include('Pending invitations').and.include('I sent the invitation to piero@litware.example').and.include('Role: Sales agent');
    expect(actionTitles(card)).to.include('Revoke: piero@litware.example');
    const mail = latestMail(app.dataDir);
    expect(mail.to).to.equal('piero@litware.example');
    expect(mail.subject).to.include('Marta Admin invites you to Litware Reseller');
    expect(mail.text).to.include(link);
  });

  it('keeps what was typed and names the field when the e-mail address is wrong', async () => {
    const marta = teams('aad-marta', RESELLER, 'Marta Admin');
    const form = lastCard(await marta.submit('colleague.invite', { email: 'not-an-address', role: 'adminAgent' }));
    expect(textOf(form)).to.include("Colleague's work e-mail address");
    expect(form.body.find((b: Card) => b.id === 'email').value).to.equal('not-an-address');
    expect(form.body.find((b: Card) => b.id === 'role').value).to.equal('adminAgent');
  });

  it('refuses colleagues who are not Admin agents, naming the role and who holds it', async () => {
    const nina = teams('aad-nina', RESELLER, 'Nina Member');
    await nina.say('status');
    for (const replies of [await nina.submit('colleague.invite', { email: 'x@litware.example', role: 'adminAgent' }), await nina.say('invite colleague')]) {
      expect(textsOf(replies).join(' ')).to.include('Admin agent').and.include('Marta Admin');
    }
  });

  it('lets a colleague of the tenant join in Teams with the code of the page, with the role, and tells the inviter', async () => {
    const marta = teams('aad-marta', RESELLER, 'Marta Admin');
    await marta.say('help');
    const { link } = await invite(marta, 'teo@litware.example', 'salesAgent');
    const html = await (await page(link)).text();
    expect(html).to.include('Marta Admin invites you to join Litware Reseller').and.include('Sales agent');
    const code = codeIn(html);

    const olga = teams('aad-olga', OTHER, 'Olga Other');
    expect(textsOf(await olga.say(`join ${code}`)).join(' ')).to.include('does not exist');
    const stranger = teams('aad-stranger', 'dddddddd-0000-4000-8000-0000000000ff', 'Stan');
    expect(textsOf(await stranger.say(`join ${code}`)).join(' ')).to.include('does not belong to an organization enrolled here');
    const teo = teams('aad-teo', RESELLER, 'Teo Colleague');
    expect(textsOf(await teo.say('customers')).join(' ')).to.include('needs the Admin agent or Sales agent role');
    expect(textsOf(await teo.say(`join ${code}`)).join(' ')).to.include('Welcome to Litware Reseller').and.include('Sales agent');
    expect(textOf(lastCard(await teo.say('customers')))).to.not.include('needs the');
    await connector.waitFor((r) => r.activity.recipient?.id === '29:aad-marta' && /Teo Colleague accepted your invitation/.test(JSON.stringify(r.activity)));

    const ugo = teams('aad-ugo', RESELLER, 'Ugo Late');
    expect(textsOf(await ugo.say(`join ${code}`)).join(' ')).to.include('already been used');
    expect((await page(link)).status).to.equal(410);
  });

  it('revokes a pending invitation: the link and the code stop working', async () => {
    const marta = teams('aad-marta', RESELLER, 'Marta Admin');
    const { link, card } = await invite(marta, 'vera@litware.example', 'adminAgent');
    const code = codeIn(await (await page(link)).text());
    const revokeButton = [...JSON.stringify(card).matchAll(/"invitationId":"([^"]+)"/g)].map((m) => m[1]).find((id) => id === code);
    expect(revokeButton).to.equal(code);
    const revoked = lastCard(await marta.submit('colleague.revoke', { invitationId: code }));
    expect(textOf(revoked)).to.include('The invitation to vera@litware.example is revoked');
    expect(textOf(revoked)).to.not.include('Revoke: vera@litware.example');
    expect((await page(link)).status).to.equal(410);
    const vera = teams('aad-vera', RESELLER, 'Vera');
    expect(textsOf(await vera.say(`join ${code}`)).join(' ')).to.include('was revoked');
  });

  it('refuses a tampered link with a page, not an error', async () => {
    const marta = teams('aad-marta', RESELLER, 'Marta Admin');
    const { link } = await invite(marta, 'wanda@litware.example', 'none');
    const tampered = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    const res = await page(tampered);
    expect(res.status).to.equal(404);
    expect(await res.text()).to.include('does not exist or was changed');
  });

  describe('on the web, signing in through the embedded OpenID provider', () => {
    it('asks to sign in, refuses an account of another tenant, and lets the colleague of the tenant join', async () => {
      const marco = teams(persona('Marco Rossi').oid, DEMO, 'Marco Rossi', 'it-IT');
      const { link } = await invite(marco, 'paolo@demo-reseller.example', 'salesAgent');
      expect(latestMail(app.dataDir).subject).to.include('Marco Rossi ti invita in Demo Reseller S.r.l.');
      const path = new URL(link).pathname;

      const anonymous = await page(link, { headers: { 'accept-language': 'en' } });
      const html = await anonymous.text();
      expect(anonymous.status).to.equal(200);
      expect(html).to.include('Sign in to accept').and.include(`/auth/signin?returnTo=${encodeURIComponent(path)}`);
      const notSignedIn = await page(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(notSignedIn.status).to.equal(401);

      const anna = await signedInAs(app.baseUrl, 'Anna Weber');
      expect(await (await anna.request(path)).text()).to.include('That account belongs to another organization');
      const refused = await anna.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(refused.status).to.equal(403);
      expect(await refused.text()).to.include('you are signed in with an account of another organization');

      const paolo = await signedInAs(app.baseUrl, 'Paolo Neri');
      const ready = await (await paolo.request(path)).text();
      expect(ready).to.include('You are signed in as Paolo Neri').and.include('<button type="submit">Join Demo Reseller S.r.l.</button>');
      const forged = await paolo.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: '' });
      expect(forged.status).to.equal(403);
      const joined = await paolo.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(joined.status).to.equal(200);
      expect(await joined.text()).to.include('You joined Demo Reseller S.r.l. with this role: Sales agent');
      // Opening the link again shows the same answer to the same person, and a used link to anyone else.
      expect(await (await paolo.request(path)).text()).to.include('You joined Demo Reseller S.r.l.');
      expect((await anna.request(path)).status).to.equal(410);

      const users = lastCard(await marco.say('users'));
      expect(textOf(users)).to.include('Paolo Neri');
    });
  });
});
