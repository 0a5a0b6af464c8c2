import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { MAX_CARD_BYTES } from '../../src/cards/renderer.js';
import { seedDir } from '../../src/paths.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { cardStrings, tagsOf, visibleText, webChatHtml } from '../support/markdown.js';
import { outboxMails } from '../support/mail.js';

type Profile = { partnerId: string; country: string; active: boolean };
const seed = JSON.parse(readFileSync(join(seedDir, 'partner-profiles.json'), 'utf8')) as { signIns: Record<string, Profile[]> };

const EVIL_NAME = 'Evil [Verify your account](https://evil.example/login)';
const EVIL_FIRST = '![pixel](https://evil.example/p.png) Giulia';
const EVIL_CITY = '<img src="https://evil.example/x.png"> Milano https://evil.example';
const EVIL_PROVIDER = '${json(\'x\')} **Trusted** [Contoso](https://evil.example) \u202Etneilc';

const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};

/** Fails when any text that a card renders as markdown turns into a link, an image or other markup. */
function expectInert(card: Card): void {
  for (const { text, markdown, where } of cardStrings(card)) {
    if (markdown) expect(tagsOf(webChatHtml(text)).filter((t) => t !== 'p' && t !== 'br'), `${where}: ${text.slice(0, 160)}`).to.deep.equal([]);
  }
  expect(Buffer.byteLength(JSON.stringify(card))).to.be.below(MAX_CARD_BYTES);
}

/** Everything a card shows through markdown, as a reader sees it. */
const shownText = (card: Card) => cardStrings(card).map((s) => (s.markdown ? visibleText(s.text) : s.text)).join('\n');

describe('User text in conversations', () => {
  let app: RunningAssistant;
  let connector: FakeConnector;
  let tenants = 0;
  const tenant = () => `00000000-0000-4000-8000-${String(Date.now() % 1e6).padStart(6, '0')}${String(++tenants).padStart(6, '0')}`;

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant({ REVIEWER_IDS: 'reviewer-hostile' });
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });

  it('shows a hostile legal name, contact and display name to the reviewer as plain, bounded text', async () => {
    const reviewer = new Chat(app.baseUrl, { id: 'reviewer-hostile', aadObjectId: 'reviewer-hostile', name: 'Anna', tenantId: tenant(), channelId: 'msteams', serviceUrl: connector.serviceUrl });
    await reviewer.say('help');
    // Teams reports whatever display name the directory holds: long, with bidi overrides.
    const longName = `\u202E${'Giulia '.repeat(2000)}`;
    const chat = new Chat(app.baseUrl, { id: '29:hostile', aadObjectId: 'aad-hostile', name: longName, tenantId: tenant(), channelId: 'msteams', serviceUrl: connector.serviceUrl });
    const [userName, profiles] = Object.entries(seed.signIns).find(([, ps]) => ps.some((p) => p.country === 'IT' && p.active))!;
    const profile = profiles.find((p) => p.country === 'IT' && p.active)!;
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await chat.submit('enrollment.checklist');
    await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT' });
    await chat.submit('enrollment.mpnSignIn', { userName });
    await chat.submit('enrollment.mpnSelect', { partnerId: profile.partnerId });
    const summary = lastCard(
      await chat.submit('enrollment.legal', {
        legalName: EVIL_NAME,
        country: 'IT',
        line1: 'Via Roma 1',
        city: EVIL_CITY,
        region: 'MI',
        postalCode: '20121',
        contactFirstName: EVIL_FIRST,
        contactLastName: 'Rossi',
        contactEmail: 'giulia.rossi@contoso-italia.example',
        contactPhone: '+39 02 1234 5678',
        supportEmail: 'support@contoso-italia.example',
        supportPhone: '02 1234 5679',
      }),
    );
    expectInert(summary);
    expect(shownText(summary)).to.include(EVIL_NAME).and.include(EVIL_FIRST).and.include('<img src="https://evil.example/x.png"> Milano https://evil.example');

    // The legal form shows what was typed, as typed (inputs do not render markdown).
    const form = lastCard(await chat.submit('enrollment.edit', { section: 'legal' }));
    expect(inputsOf(form).legalName.value).to.equal(EVIL_NAME);
    await chat.submit('enrollment.legal', { ...Object.fromEntries(Object.entries(inputsOf(form)).map(([k, v]) => [k, v.value ?? ''])), legalName: EVIL_NAME });
    await chat.submit('enrollment.enrollNow');
    const code = /\b(\d{6})\b/.exec(outboxMails(app.dataDir).at(-1)!.text)![1];
    await chat.say(code);

    const posted = await connector.waitFor((r) => r.method === 'POST' && r.activity.recipient?.id === 'reviewer-hostile' && !!r.activity.attachments);
    const review: Card = posted.activity.attachments[0].content;
    expectInert(review);
    const shown = shownText(review);
    expect(shown).to.include(EVIL_NAME).and.include(EVIL_FIRST);
    // The display name is stored cut with an ellipsis, without its bidi override.
    expect(JSON.stringify(review)).to.not.match(/[\u202a-\u202e\u2066-\u2069]/);
    expect(shown).to.match(/(Giulia ){20,}\S*… asks to enroll/);
    expect(shown).to.not.include('Giulia '.repeat(40));
  });

  it('refuses a 100 KB provider name on the registration card, naming the field, and stores nothing', async () => {
    const tenantId = tenant();
    const admin = new Chat(app.baseUrl, { id: '29:prov-admin', aadObjectId: 'aad-prov-admin', name: 'Paolo', tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    const fields = { partnerId: '1234567', countries: 'IT', services: 'Azure', support: '24/7', contactEmail: 'partners@fabrikam.example', approverIds: '' };
    const refused = await admin.submit('provider.register', { ...fields, name: 'Fabrikam '.repeat(12_000) });
    const form = lastCard(refused);
    expectInert(form);
    expect(textOf(form)).to.include('Organization name: at most 200 characters.');
    const directory = lastCard(await admin.submit('provider.find', { country: 'IT', keyword: 'Fabrikam' }));
    expect(textOf(directory)).to.include('No provider matches');

    const services = await admin.submit('provider.register', { ...fields, name: 'Fabrikam', services: `Azure, ${'x'.repeat(101)}` });
    expect(textOf(lastCard(services))).to.include('at most 100 characters');
  });

  it('lists a provider with a hostile name in the directory and in plain replies as typed, never as a link', async () => {
    const tenantId = tenant();
    const admin = new Chat(app.baseUrl, { id: '29:prov-hostile', aadObjectId: 'aad-prov-hostile', name: 'Paola', tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    const done = await admin.submit('provider.register', {
      name: EVIL_PROVIDER,
      partnerId: '7654321',
      countries: 'IT',
      services: '[Azure](https://evil.example), ![x](https://evil.example/x.png)',
      support: '<b>24/7</b> at www.evil.com',
      contactEmail: 'partners@hostile.example',
      approverIds: '',
    });
    // The operator's reviewer approves the registration; then the provider is listed.
    const reviewer = new Chat(app.baseUrl, { id: 'reviewer-hostile', aadObjectId: 'reviewer-hostile', name: 'Anna', tenantId: tenant(), channelId: 'msteams', serviceUrl: connector.serviceUrl });
    await reviewer.submit('provider.registration.approve', { tenantId });
    const reply = done.find((a) => a.type === 'message' && typeof a.text === 'string')!;
    expect(reply.textFormat).to.equal('plain');
    expect(reply.text).to.include("${json('x')} **Trusted** [Contoso](https://evil.example) tneilc");

    const directory = lastCard(await admin.submit('provider.find', { country: 'IT', keyword: 'Trusted' }));
    expectInert(directory);
    expect(shownText(directory)).to.include("${json('x')} **Trusted** [Contoso](https://evil.example) tneilc").and.include('<b>24/7</b> at www.evil.com');
    // The typed search text comes back in its input as typed, and no binding is left for the client.
    expect(inputsOf(directory).keyword.value).to.equal('Trusted');
  });

  it('answers an over-long search with the card naming the field and the limit, not an error', async () => {
    const chat = new Chat(app.baseUrl, { id: 'web-searcher', name: 'Sara', serviceUrl: connector.serviceUrl });
    const directory = lastCard(await chat.submit('provider.find', { country: 'any', keyword: 'k'.repeat(10_000) }));
    expectInert(directory);
    expect(textOf(directory)).to.include('Keyword').and.include('at most 100 characters');
    expect(textOf(directory)).to.not.include('providers found');
    const typed = lastCard(await chat.say(`find a provider ${'[x](https://evil.example) '.repeat(10)}`));
    expectInert(typed);
    expect(textOf(typed)).to.include('at most 100 characters');
  });
});
