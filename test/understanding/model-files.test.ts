import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { EmbeddedClassifier, holdsModelOf, trainTo } from '../../src/understanding/embedded-classifier.js';
import type { TrainingData } from '../../src/understanding/utterances.js';

/** A small model of its own, so the classifiers other tests trained in this process are not reused. */
function data(extra: string): TrainingData {
  return {
    en: { 'customer.list': ['show my customers', 'customer list'], 'menu.help': ['help', 'what can you do'], outOfScope: ['tell me a joke', extra] },
    it: { 'customer.list': ['mostra i miei clienti', 'elenco clienti'], 'menu.help': ['aiuto', 'cosa sai fare'], outOfScope: ['raccontami una barzelletta'] },
  };
}

describe('The trained understanding model saved at build time or at start', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nlu-model-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is current for the utterances it was trained from and stale once they change', async () => {
    const file = join(dir, 'built.json');
    await trainTo(data('what time is it'), file);
    expect(await holdsModelOf(file, data('what time is it'))).to.equal(true);
    expect(await holdsModelOf(file, data('what day is it'))).to.equal(false);
    expect(await holdsModelOf(join(dir, 'missing.json'), data('what time is it'))).to.equal(false);
  });

  it('is read instead of training, and gives the same answers as a model trained at start', async () => {
    const file = join(dir, 'built.json');
    await trainTo(data('how old are you'), file);
    const written = join(dir, 'saved.json');
    const classifier = await EmbeddedClassifier.create(data('how old are you'), { read: [file], write: written });
    expect((await classifier.classify('show my customers please', 'en')).intents[0].intent).to.equal('customer.list');
    // Read from the built model: nothing was trained, so nothing was saved.
    await stat(written).then(
      () => expect.fail('a model read from a file is not saved again'),
      (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ENOENT'),
    );
  });

  it('is trained and saved at start when the built model is missing, stale or damaged', async () => {
    const stale = join(dir, 'stale.json');
    await trainTo(data('who wrote Hamlet'), stale);
    const damaged = join(dir, 'damaged.json');
    await writeFile(damaged, '{"hash": "abc", "model": ');
    const written = join(dir, 'saved.json');
    const training = data('how far is the moon');
    const classifier = await EmbeddedClassifier.create(training, { read: [join(dir, 'missing.json'), stale, damaged], write: written });
    expect((await classifier.classify('elenco dei clienti', 'it')).intents[0].intent).to.equal('customer.list');
    expect(await holdsModelOf(written, training)).to.equal(true);
    expect(JSON.parse(await readFile(written, 'utf8'))).to.have.keys('hash', 'model', 'linear');
  });
});
