import { expect } from 'chai';
import type { TextClassifier } from '../../src/bot/understanding/classifier.port.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, findAction, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { seedReseller } from '../support/organizations.js';

const onlyCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (cards.length !== 1) throw new Error(`expected one card, got ${cards.length}: ${JSON.stringify(textsOf(activities))}`);
  return cards[0];
};

describe('Understanding free text in a conversation', () => {
  let app: RunningAssistant;
  let counter = 0;

  before(async () => {
    app = await startAssistant();
  });
  after(async () => app.stop());

  async function reseller(locale = 'en-US'): Promise<Chat> {
    const n = ++counter;
    const tenantId = `dddddddd-0000-4000-8000-${String(n).padStart(12, '0')}`;
    await seedReseller(app, { tenantId, name: `Reseller ${n}`, admin: { userId: `aad-nlu-${n}`, name: `Admin ${n}` } });
    return new Chat(app.baseUrl, { id: `29:nlu-${n}`, aadObjectId: `aad-nlu-${n}`, tenantId, channelId: 'msteams', locale });
  }
  const anonymous = (locale = 'en-US') => new Chat(app.baseUrl, { id: `u-nlu-${++counter}`, locale });

  it('opens the directory search for "I need a distributor", as "find a provider" does', async () => {
    const card = onlyCard(await anonymous().say('I need a distributor'));
    expect(textOf(card)).to.include('Find an indirect provider');
    expect(textOf(onlyCard(await anonymous().say('find a provider')))).to.include('Find an indirect provider');
  });

  it('reads asking to be put in the directory as registering, not searching it, in both languages', async () => {
    const chat = await reseller();
    expect(textOf(onlyCard(await chat.say('put us in the provider directory')))).to.equal(textOf(onlyCard(await chat.say('register provider'))));
    const italian = await reseller('it-IT');
    expect(textOf(onlyCard(await italian.say("aggiungeteci all'elenco dei distributori")))).to.equal(textOf(onlyCard(await italian.say('registra provider'))));
    expect(textOf(onlyCard(await chat.say('search the provider directory')))).to.include('Find an indirect provider');
  });

  it('fills the directory search with the country and the product of the sentence', async () => {
    const card = onlyCard(await anonymous().say('find a distributor in Germany for Azure'));
    const inputs = inputsOf(card);
    expect(inputs.country.value).to.equal('DE');
    expect(inputs.keyword.value).to.equal('Azure');
    expect(textOf(card)).to.include('Contoso Distribution Europe');
  });

  it('understands Italian with a typing mistake and answers in Italian', async () => {
    const card = onlyCard(await anonymous('it-IT').say('cerco un distributtore in Germania'));
    expect(textOf(card)).to.include('Trova un provider indiretto');
    expect(inputsOf(card).country.value).to.equal('DE');
  });

  it('leads "show me my indirect providers" and "costumers" to the same cards as the commands', async () => {
    const chat = await reseller();
    expect(textOf(onlyCard(await chat.say('show me my indirect providers')))).to.equal(textOf(onlyCard(await chat.say('providers'))));
    expect(textOf(onlyCard(await chat.say('costumers')))).to.equal(textOf(onlyCard(await chat.say('customers'))));
  });

  it('opens the customer invitation form with the company and e-mail filled in, and changes nothing until its button', async () => {
    const chat = await reseller();
    const card = onlyCard(await chat.say('invite Contoso, admin@contoso.example'));
    expect(textOf(card)).to.include('Request a reseller relationship');
    const inputs = inputsOf(card);
    expect(inputs.companyName.value).to.equal('Contoso');
    expect(inputs.adminEmail.value).to.equal('admin@contoso.example');
    const pending = onlyCard(await chat.say('invitations'));
    expect(textOf(pending)).to.not.include('Contoso');
  });

  it('fills the invitation form with a company named after "to" or "cliente", with its legal form, up to "at" or "con"', async () => {
    const english = inputsOf(onlyCard(await (await reseller()).say('send the relationship request link to Adatum Corp at admin@adatum.example')));
    expect([english.companyName.value, english.adminEmail.value]).to.deep.equal(['Adatum Corp', 'admin@adatum.example']);
    const italian = inputsOf(onlyCard(await (await reseller('it-IT')).say('nuovo cliente Verdi SpA con admin m.verdi@verdispa.example')));
    expect([italian.companyName.value, italian.adminEmail.value]).to.deep.equal(['Verdi SpA', 'm.verdi@verdispa.example']);
  });

  it('understands "voglio invitare un nuovo cliente" and a request with "a che punto è la mia domanda?"', async () => {
    const chat = await reseller('it-IT');
    expect(textOf(onlyCard(await chat.say('voglio invitare un nuovo cliente')))).to.include('Richiedi una relazione di rivenditore');
    const asked = textsOf(await chat.say('a che punto è la mia domanda?'));
    expect(asked).to.deep.equal(textsOf(await chat.say('stato')));
    expect(asked.join()).to.not.include('Non ho capito');
  });

  it('shows an approver "ci sono richieste da approvare?" as the "richieste" command does', async () => {
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', aadObjectId: 'provider-approver-contoso', tenantId: '11111111-1111-4111-8111-111111111111', channelId: 'msteams', locale: 'it-IT' });
    const asked = await approver.say('ci sono richieste da approvare?');
    expect(JSON.stringify(asked.map((a) => a.attachments?.[0]?.content?.body ?? a.text))).to.equal(JSON.stringify((await approver.say('richieste')).map((a) => a.attachments?.[0]?.content?.body ?? a.text)));
  });

  it('shows "approve the request from Demo Reseller" only that reseller\'s request, and all with a note when none is theirs', async () => {
    const contoso = '11111111-1111-4111-8111-111111111111';
    for (const [n, name] of [[901, 'Démo Reseller'], [902, 'Northwind Resale']] as const) {
      const tenantId = `dddddddd-0000-4000-8000-${String(n).padStart(12, '0')}`;
      await seedReseller(app, { tenantId, name, admin: { userId: `aad-nlu-${n}`, name: `Admin ${n}` } });
      await new Chat(app.baseUrl, { id: `29:nlu-${n}`, aadObjectId: `aad-nlu-${n}`, tenantId, channelId: 'msteams' }).submit('provider.request', { providerTenantId: contoso });
    }
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', aadObjectId: 'provider-approver-contoso', tenantId: contoso, channelId: 'msteams' });
    const card = onlyCard(await approver.say('approve the request from Demo Reseller'));
    expect(textOf(card)).to.include('Démo Reseller').and.not.include('Northwind Resale');
    const italian = new Chat(app.baseUrl, { id: 'provider-approver-contoso', aadObjectId: 'provider-approver-contoso', tenantId: contoso, channelId: 'msteams', locale: 'it-IT' });
    expect(textOf(onlyCard(await italian.say('approva la richiesta di collegamento da Northwind')))).to.include('Northwind Resale').and.not.include('Démo Reseller');
    const unknown = await approver.say('approve the request from Fabrikam');
    expect(textsOf(unknown).join(' ')).to.include('No request from Fabrikam is waiting for your decision');
    const names = cardsOf(unknown).map(textOf).join(' ');
    expect(names).to.include('Démo Reseller').and.include('Northwind Resale');
  });

  it('answers what to prepare before enrolling and why a distributor cannot order for a customer', async () => {
    const before = onlyCard(await anonymous().say('what do I need before I enroll?'));
    expect(textOf(before)).to.include('global administrator').and.include('partner program account').and.include('Before you begin');
    const orders = onlyCard(await anonymous().say("why can't my distributor place orders for this customer?"));
    expect(textOf(orders)).to.include('its own reseller relationship with that customer');
    expect(actionTitles(orders)).to.include('Indirect providers');
  });

  it('gives way to understanding when a command is followed by other words it would ignore', async () => {
    const card = onlyCard(await anonymous().say('help me find a distributor in France'));
    expect(textOf(card)).to.include('Find an indirect provider');
    expect(inputsOf(card).country.value).to.equal('FR');
  });

  it('keeps commands exactly as they were: the words after "find a provider" are its keyword', async () => {
    const card = onlyCard(await anonymous().say('find a provider financing'));
    expect(inputsOf(card).keyword.value).to.equal('financing');
    expect(textOf(onlyCard(await anonymous().say('help')))).to.include('What I can do');
  });

  it('answers "how long does the review take?" from the guide, with its section and the related journey', async () => {
    const card = onlyCard(await anonymous().say('how long does the review take?'));
    const text = textOf(card);
    expect(text).to.include('several days');
    expect(text).to.include('From the guide: Enroll as a new indirect reseller');
    expect(actionTitles(card)).to.include('Enrollment status');
  });

  it('answers in Italian that a gmail address cannot be the primary contact', async () => {
    const card = onlyCard(await anonymous('it-IT').say('posso usare un indirizzo gmail come contatto principale?'));
    const text = textOf(card);
    expect(text).to.match(/^[^]*No: l'indirizzo e-mail del contatto principale deve appartenere alla tua organizzazione/);
    expect(text).to.include('Dalla guida:');
    expect(actionTitles(card)).to.include('Iscriviti come rivenditore');
  });

  it('tells what authorizing a provider grants, and its button opens Indirect providers', async () => {
    const chat = await reseller();
    const card = onlyCard(await chat.say('what rights does the provider get when I authorize it?'));
    expect(textOf(card)).to.include('submit orders and add subscriptions').and.to.include('administrator access to your Azure AD tenant');
    const button = findAction(card, 'Indirect providers')!;
    const list = onlyCard(await chat.submit(button.data.verb, button.data));
    expect(textOf(list)).to.include('Indirect providers');
  });

  it('answers text about something else with what it helps with and the main menu, starting no journey', async () => {
    const card = onlyCard(await anonymous().say("what's the weather like in Rome tomorrow?"));
    expect(textOf(card)).to.include('I can help with enrollment, providers and customers');
    expect(actionTitles(card)).to.include.members(['Find an indirect provider', 'Help']);
    const it = onlyCard(await anonymous('it-IT').say('raccontami una barzelletta'));
    expect(textOf(it)).to.include("Posso aiutarti con l'iscrizione, i provider e i clienti");
  });

  it('suggests phrasings in the user\'s language on help and on text it did not understand', async () => {
    expect(textOf(onlyCard(await anonymous().say('help')))).to.include('I need a distributor in Germany for Azure');
    expect(textOf(onlyCard(await anonymous('it-IT').say('aiuto')))).to.include('cerco un distributore in Germania per Azure');
    expect(textOf(onlyCard(await anonymous().say('blorp zzz')))).to.include('I need a distributor in Germany for Azure');
  });
});

describe('Understanding: asking when unsure', () => {
  let app: RunningAssistant;
  // A classifier that hesitates between two journeys, whatever is typed.
  const hesitant: TextClassifier = {
    classify: async () => ({
      intents: [
        { intent: 'provider.find', score: 0.48 },
        { intent: 'provider.providers', score: 0.42 },
      ],
    }),
  };

  before(async () => {
    app = await startAssistant({}, { classifier: hesitant });
  });
  after(async () => app.stop());

  it('asks "Did you mean Find an indirect provider or Indirect providers?" and the chosen button keeps the details', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-unsure' });
    const card = onlyCard(await chat.say('distributor Germany'));
    expect(textOf(card)).to.include('Did you mean Find an indirect provider or Indirect providers?');
    expect(actionTitles(card)).to.include.members(['Find an indirect provider', 'Indirect providers']);
    const find = findAction(card, 'Find an indirect provider')!;
    const directory = onlyCard(await chat.submit(find.data.verb, find.data));
    expect(inputsOf(directory).country.value).to.equal('DE');
  });

  it('refuses a forged choice of an intent it does not know', async () => {
    const texts = textsOf(await new Chat(app.baseUrl, { id: 'u-forged' }).submit('understanding.choose', { intent: 'provider.authorize' }));
    expect(texts[0]).to.include('Type "help"');
  });
});
