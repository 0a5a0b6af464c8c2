import { expect } from 'chai';
import type { Command } from '../../../src/bot/feature.js';
import type { TextClassifier } from '../../../src/bot/understanding/classifier.port.js';
import { decide } from '../../../src/bot/understanding/decide.js';
import { FreeText } from '../../../src/bot/understanding/free-text.js';
import { extractEntities } from '../../../src/bot/understanding/entities.js';
import { JOURNEYS, QUESTIONS } from '../../../src/bot/understanding/intents.js';
import { STATE_CHANGING_VERBS } from '../../../src/bot/once-verbs.js';
import { isWebmailAddress } from '../../../src/domain/enrollment/contact.js';
import { translate } from '../../../src/i18n/catalog.js';

describe('decide', () => {
  const cases: [string, { intent: string; score: number }[], object][] = [
    ['acts on a clear journey', [{ intent: 'customer.list', score: 0.9 }, { intent: 'provider.find', score: 0.05 }], { kind: 'journey', intent: 'customer.list' }],
    ['answers a clear question', [{ intent: 'question.reviewTime', score: 0.8 }], { kind: 'answer', intent: 'question.reviewTime' }],
    ['asks between two close journeys', [{ intent: 'provider.find', score: 0.5 }, { intent: 'provider.providers', score: 0.4 }], { kind: 'choose', options: ['provider.find', 'provider.providers'] }],
    ['asks about one journey it is not sure of', [{ intent: 'provider.find', score: 0.35 }, { intent: 'None', score: 0.3 }], { kind: 'choose', options: ['provider.find'] }],
    ['rejects out-of-scope text', [{ intent: 'outOfScope', score: 0.9 }, { intent: 'provider.find', score: 0.1 }], { kind: 'outOfScope' }],
    ['does not understand a weak out-of-scope guess', [{ intent: 'outOfScope', score: 0.3 }], { kind: 'notUnderstood' }],
    ['does not understand None', [{ intent: 'None', score: 1 }], { kind: 'notUnderstood' }],
    ['does not understand weak guesses', [{ intent: 'customer.list', score: 0.1 }], { kind: 'notUnderstood' }],
    ['ignores intents it does not know (a hosted model may send any)', [{ intent: 'provider.authorize', score: 0.99 }, { intent: 'customer.list', score: 0.7 }], { kind: 'journey', intent: 'customer.list' }],
  ];
  for (const [name, intents, expected] of cases) {
    it(name, () => {
      expect(decide({ intents })).to.deep.include(expected);
    });
  }

  it('reads an invite verb with a company name as an invitation to send, never the invitations sent', () => {
    const intents = [{ intent: 'customer.invitations', score: 0.7 }, { intent: 'customer.invite', score: 0.1 }];
    expect(decide({ intents }, { companyName: 'Fourth Coffee' })).to.deep.include({ kind: 'journey', intent: 'customer.invite' });
    expect(decide({ intents })).to.deep.include({ kind: 'journey', intent: 'customer.invitations' });
  });

  it('reads a name with a legal form as a company to invite as a customer, never a colleague', () => {
    const intents = [{ intent: 'colleague.invite', score: 0.5 }, { intent: 'customer.invite', score: 0.45 }];
    expect(decide({ intents }, { companyName: 'Bianchi Srl', email: 'admin@bianchisrl.example' })).to.deep.include({ kind: 'journey', intent: 'customer.invite' });
    expect(decide({ intents }, { companyName: 'Anna Rossi', email: 'anna@contoso.example' })).to.deep.include({ kind: 'choose' });
  });

  it('reads a company name with an e-mail address as a customer invitation, never a question about the program', () => {
    const intents = [{ intent: 'question.delegatedAdmin', score: 0.6 }, { intent: 'customer.invite', score: 0.2 }];
    expect(decide({ intents }, { companyName: 'Gallo Logistica', email: 'luca@gallologistica.example' })).to.deep.include({ kind: 'journey', intent: 'customer.invite' });
    expect(decide({ intents }, { companyName: 'Gallo Logistica' })).to.deep.include({ kind: 'answer', intent: 'question.delegatedAdmin' });
  });
});

describe('extractEntities', () => {
  const cases: [string, object][] = [
    ['find a distributor in Germany for Azure', { country: 'DE', keyword: 'Azure' }],
    ['cerco un distributore nel Regno Unito per Microsoft 365', { country: 'GB', keyword: 'Microsoft 365' }],
    ['distributori in Italia', { country: 'IT' }],
    ['invite Contoso, admin@contoso.example', { companyName: 'Contoso', email: 'admin@contoso.example' }],
    ['per favore invita Fabrikam S.r.l. con it@fabrikam.example', { companyName: 'Fabrikam S.r.l.', email: 'it@fabrikam.example' }],
    ['invita il cliente Rossi Impianti, mario@rossi.example', { companyName: 'Rossi Impianti', email: 'mario@rossi.example' }],
    ['send the relationship request link to Adatum Corp at admin@adatum.example', { companyName: 'Adatum Corp', email: 'admin@adatum.example' }],
    ['nuovo cliente Verdi SpA con admin m.verdi@verdispa.example', { companyName: 'Verdi SpA', email: 'm.verdi@verdispa.example' }],
    ["vorrei invitare Gallo Logistica come cliente, l'amministratore è luca@gallologistica.example", { companyName: 'Gallo Logistica', email: 'luca@gallologistica.example' }],
    ['manda la richiesta a Bianchi Costruzioni, email it@bianchi.example', { companyName: 'Bianchi Costruzioni', email: 'it@bianchi.example' }],
    ['approve the request from Demo Reseller', { companyName: 'Demo Reseller' }],
    ['devo invitare un nuovo cliente, si chiama Studio Greco', { companyName: 'Studio Greco' }],
    ['a new customer called Northwind Traders wants our services', { companyName: 'Northwind Traders' }],
    ['invita Bianchi Snc, admin@bianchi.example', { companyName: 'Bianchi Snc', email: 'admin@bianchi.example' }],
    ['how do I invite customers to Partner Center', {}],
    ['distributori per Microsoft 365 in Italia', { country: 'IT', keyword: 'Microsoft 365' }],
    ['invite a new customer', {}],
    ['show my customers', {}],
  ];
  for (const [sentence, expected] of cases) {
    it(`finds ${JSON.stringify(expected)} in "${sentence}"`, () => {
      expect(extractEntities(sentence)).to.deep.equal(expected);
    });
  }

  it('reads at most the start of long hostile text and keeps a company name short', () => {
    const found = extractEntities(`invite ${'A'.repeat(10_000)} ${'x@'.repeat(5000)}`);
    expect((found.companyName ?? '').length).to.be.at.most(100);
    expect(found.email).to.equal(undefined);
  });
});

describe('Journeys free text leads to', () => {
  it('never run a verb that changes a record: each only shows a card whose button the user presses', () => {
    const verbs = Object.values(JOURNEYS).flatMap((j) => ('verb' in j ? [j.verb] : []));
    expect(verbs.filter((v) => STATE_CHANGING_VERBS.has(v))).to.deep.equal([]);
  });

  it('name commands and titles that exist in both languages', () => {
    for (const locale of ['en', 'it'] as const) {
      for (const journey of Object.values(JOURNEYS)) {
        expect(translate(locale, journey.titleKey)).to.be.a('string');
        if ('command' in journey) expect(translate(locale, journey.command)).to.be.a('string');
      }
    }
  });
});

describe('FreeText and commands', () => {
  const never: TextClassifier = { classify: async () => { throw new Error('must not be asked'); } };
  const freeText = new FreeText(never, () => [], { outOfScope: async () => undefined, notUnderstood: async () => undefined });
  const command = (wordsKey: string, takesText?: boolean): Command => ({ wordsKey, descriptionKey: wordsKey, takesText, run: async () => undefined });

  it('never classifies the words after a command that reads them for itself (a code, a language)', () => {
    expect(freeText.mayImprove(command('provider.commands.accept', true))).to.equal(false);
    expect(freeText.mayImprove(command('common.commands.language', true))).to.equal(false);
    expect(freeText.mayImprove(command('provider.commands.find', true))).to.equal(true);
    expect(freeText.mayImprove(command('common.commands.help'))).to.equal(true);
  });
});

describe('Answers from the guide', () => {
  const answer = (locale: 'en' | 'it', question: keyof typeof QUESTIONS) => translate(locale, `${QUESTIONS[question].answerKey}.text`);

  it('say the review takes several days and goes on after the primary contact verifies the address', () => {
    expect(answer('en', 'question.reviewTime')).to.include('several days').and.include('primary contact has verified');
    expect(answer('it', 'question.reviewTime')).to.include('diversi giorni').and.include('contatto principale ha verificato');
  });

  it('refuse webmail for the primary contact, as the domain rule does', () => {
    expect(isWebmailAddress('someone@gmail.com')).to.equal(true);
    expect(answer('en', 'question.webmail')).to.match(/^No:/).and.include('Gmail');
    expect(answer('it', 'question.webmail')).to.match(/^No:/).and.include('Gmail');
  });

  it('ask for an active PartnerID in the same country/region as the tenant, from the partner program account', () => {
    expect(answer('en', 'question.partnerId')).to.include('active organization profile').and.include('same country/region').and.include('partner program account');
    expect(answer('it', 'question.partnerId')).to.include('attivo').and.include('stesso paese/area geografica');
  });

  it('say authorizing a provider grants orders and subscriptions for customers and admin access to the tenant', () => {
    expect(answer('en', 'question.authorizeRights')).to.include('submit orders and add subscriptions').and.include('administrator access to your Azure AD tenant');
    expect(answer('it', 'question.authorizeRights')).to.include('inviare ordini e aggiungere sottoscrizioni').and.include("l'accesso come amministratore");
  });

  it('reflect GDAP instead of blanket delegated admin rights', () => {
    expect(answer('en', 'question.delegatedAdmin')).to.include('GDAP').and.include('2 years').and.include('90 days');
  });

  it('are two or three sentences, each with its section', () => {
    for (const locale of ['en', 'it'] as const) {
      for (const question of Object.keys(QUESTIONS) as (keyof typeof QUESTIONS)[]) {
        const sentences = answer(locale, question).split(/(?<=[.?!])\s+(?=[A-Z])/);
        expect(sentences.length, `${locale} ${question}`).to.be.within(2, 3);
        expect(translate(locale, `${QUESTIONS[question].answerKey}.source`)).to.not.equal('');
      }
    }
  });
});
