import { expect } from 'chai';
import { LOCALES } from '../../src/i18n/catalog.js';
import { understandingDir } from '../../src/paths.js';
import { BUILT_MODEL, EmbeddedClassifier } from '../../src/understanding/embedded-classifier.js';
import { readTrainingData } from '../../src/understanding/utterances.js';
import { evaluate, readTestSet, type Figures } from '../../bench/understanding/evaluate.js';
import { nearTo } from '../../bench/understanding/near-duplicates.js';

// Floors well below the benchmark's figures (README, "Understanding free text"); speed is measured by the benchmark, never here.
const FLOORS = { intents: 0.95, answers: 0.93, outOfScope: 0.95, entities: 0.9 };

describe('Embedded understanding on the separate test set', function () {
  this.timeout(60_000);
  let figures: Figures;

  before(async () => {
    // The model the build trained, or one trained here when it is missing or stale: the same either way.
    figures = await evaluate(await EmbeddedClassifier.create(readTrainingData(understandingDir), { read: [BUILT_MODEL] }), readTestSet(), 1);
  });

  it('keeps the test set apart from the training sentences', () => {
    const training = readTrainingData(understandingDir);
    const known = new Set(LOCALES.flatMap((l) => Object.values(training[l]).flat().map((s) => s.toLowerCase())));
    expect(readTestSet().filter((i) => known.has(i.text.toLowerCase())).map((i) => i.text)).to.deep.equal([]);
  });

  it('tells a new training sentence too near a test sentence (60% of content words) from one that is not', () => {
    const tests = ['who authorized this provider?', 'show my customers'];
    expect(nearTo('who authorized the provider', tests)).to.deep.equal(['who authorized this provider?']);
    expect(nearTo('Show my customers', tests)).to.deep.equal(['show my customers']);
    expect(nearTo('which provider did we authorize last year', tests)).to.deep.equal([]);
  });

  it('has at least 25 phrasings per journey and 3 per question in each language', () => {
    const items = readTestSet();
    const count = (intent: string, language: string) => items.filter((i) => i.intent === intent && i.language === language).length;
    for (const intent of new Set(items.map((i) => i.intent))) {
      const least = intent.startsWith('question.') ? 3 : 25;
      for (const language of LOCALES) expect(count(intent, language), `${intent} (${language})`).to.be.at.least(least);
    }
  });

  for (const language of LOCALES) {
    it(`leads ${language} sentences to the right journey, answer or refusal`, () => {
      const f = figures.byLanguage[language];
      expect(f.intents.correct / f.intents.total, 'intents').to.be.at.least(FLOORS.intents);
      expect(f.answers.correct / f.answers.total, 'answers').to.be.at.least(FLOORS.answers);
      expect(f.outOfScope.rejected / f.outOfScope.total, 'out of scope').to.be.at.least(FLOORS.outOfScope);
      expect(f.entities.correct / f.entities.total, 'entities').to.be.at.least(FLOORS.entities);
    });
  }
});
