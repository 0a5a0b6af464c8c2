import { expect } from 'chai';
import { featuresOf, LinearModel } from '../../src/understanding/linear-model.js';
import { SpellingCorrector } from '../../src/understanding/spelling.js';

describe('Correcting typing mistakes against the training words', () => {
  const common = Array.from({ length: 12 }, () => 'help me invite a customer to see the clienti');
  const corrector = new SpellingCorrector([...common, 'invte a customer', 'my costumers please', 'Contoso customers']);

  it('corrects a word one edit from a known one, and two swapped letters even in a short word', () => {
    expect(corrector.correct('custmer')).to.equal('customer');
    expect(corrector.correct('hlep')).to.equal('help');
  });

  it("reads a training sentence's own rare typo as the common word it is one edit from", () => {
    expect(corrector.correct('invte a customer')).to.equal('invite a customer');
    expect(corrector.correct('cleinti')).to.equal('clienti');
  });

  it('reads a word cut short as the most common training word it begins', () => {
    expect(corrector.correct('custo clien')).to.equal('customer clienti');
    expect(corrector.correct('birth')).to.equal('birth');
  });

  it('keeps names as typed and tells the words no training sentence has', () => {
    expect(corrector.correct('invite Fabrikam')).to.equal('invite fabrikam');
    expect(corrector.unknown('invite my friends to a Birthday party')).to.deep.equal(['friends', 'party']);
  });

  it('reads an Italian imperative with its pronoun fused on as the known verb and the pronoun, in Italian only', () => {
    const italian = new SpellingCorrector(['registra la nostra azienda', 'registra un provider', 'fa vedere i clienti', 'fa vedere gli inviti', 'manda un invito', 'manda il modulo'], true);
    expect(italian.correct('registraci come provider')).to.equal('registra ci come provider');
    expect(italian.correct('fammi vedere i clienti')).to.equal('fa mi vedere i clienti');
    expect(italian.correct('mandaglielo')).to.equal('manda glielo');
    expect(italian.unknown('registraci subito')).to.deep.equal(['subito']);
    expect(new SpellingCorrector(['registra la nostra azienda', 'registra un provider']).correct('registraci')).to.not.include(' ');
  });
});

describe('The linear model', () => {
  const model = LinearModel.train([
    ...['invite a customer', 'invite a new customer', 'send an invitation to a customer'].map((s) => ({ intent: 'customer.invite', features: featuresOf(s.split(' ')) })),
    ...['customer invitations', 'show the invitations', 'invitations sent to customers'].map((s) => ({ intent: 'customer.invitations', features: featuresOf(s.split(' ')) })),
  ]);

  it('gives probabilities that add up to one, best first', () => {
    const scores = model.classify(featuresOf(['invite', 'a', 'customer']));
    expect(scores[0].intent).to.equal('customer.invite');
    expect(scores.reduce((sum, s) => sum + s.score, 0)).to.be.closeTo(1, 1e-6);
  });

  it('tells apart the word forms a stemmer merges ("invite" and "invitations" are both "invit")', () => {
    const sample = (intent: string, form: string) => ({ intent, features: featuresOf(['invit', 'customer'], [form, 'customer']) });
    const forms = LinearModel.train([sample('customer.invite', 'invite'), sample('customer.invite', 'invite'), sample('customer.invitations', 'invitations'), sample('customer.invitations', 'invitations')]);
    expect(forms.classify(featuresOf(['invit', 'customer'], ['invite', 'customer']))[0].intent).to.equal('customer.invite');
    expect(forms.classify(featuresOf(['invit', 'customer'], ['invitations', 'customer']))[0].intent).to.equal('customer.invitations');
  });

  it('reads the same after saving, and refuses what is not a saved model', () => {
    const copy = LinearModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.classify(featuresOf(['show', 'invitations']))).to.deep.equal(model.classify(featuresOf(['show', 'invitations'])));
    expect(() => LinearModel.fromJSON({ intents: ['a'], features: ['w:x'], weights: 'AAAA', bias: [] })).to.throw();
    expect(() => LinearModel.fromJSON({ intents: 'a' })).to.throw();
  });
});
