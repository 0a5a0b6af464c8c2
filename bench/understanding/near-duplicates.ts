import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { LOCALES } from '../../src/i18n/catalog.js';
import { projectRoot, understandingDir } from '../../src/paths.js';
import { readTrainingData, Utterances } from '../../src/understanding/utterances.js';
import { readTestSet } from './evaluate.js';

/**
 * The rule that keeps new training sentences apart from the test set: a sentence whose content
 * words overlap a test sentence's by 60% or more (of the longer one's content words) is too near
 * to add, since it would teach the test. Function words of both languages are left out.
 */
export const NEAR = 0.6;

const FUNCTION_WORDS = new Set(
  (
    'a an the of to for in on at with and or is are do does did i we my our me you your it this that be can could would please ' +
    'il lo la i gli le un una uno di da del della dei degli delle al alla ai agli alle nel nella nei con per su e o è che mi ci ti vi si non ho ha abbiamo hanno'
  ).split(' '),
);

/** A sentence's content words, lower case. */
export function contentWords(sentence: string): Set<string> {
  return new Set(
    sentence
      .toLowerCase()
      .split(/[^\p{L}\p{N}_@.]+/u)
      .filter((w) => w && !FUNCTION_WORDS.has(w)),
  );
}

/** The test sentences a candidate is too near to (exact repeats included). */
export function nearTo(candidate: string, tests: readonly string[]): string[] {
  const words = contentWords(candidate);
  return tests.filter((test) => {
    if (test.toLowerCase() === candidate.toLowerCase()) return true;
    const other = contentWords(test);
    if (!words.size || !other.size) return false;
    let shared = 0;
    for (const w of words) if (other.has(w)) shared++;
    return shared / Math.max(words.size, other.size) >= NEAR;
  });
}

/**
 * Lists the training sentences added since a git revision (main by default) that are near a test
 * sentence: `node dist/bench/understanding/near-duplicates.js [revision]`. Exits 1 when any is.
 */
function main(revision: string): void {
  const tests = readTestSet();
  const training = readTrainingData(understandingDir);
  let found = 0;
  for (const language of LOCALES) {
    const before = Utterances.parse(
      JSON.parse(execFileSync('git', ['show', `${revision}:src/i18n/understanding/utterances.${language}.json`], { cwd: projectRoot, encoding: 'utf8' })),
    );
    const old = new Set(Object.values(before).flat());
    const texts = tests.filter((t) => t.language === language).map((t) => t.text);
    for (const [intent, sentences] of Object.entries(training[language])) {
      for (const sentence of sentences.filter((s) => !old.has(s))) {
        const near = nearTo(sentence, texts);
        if (near.length) {
          found++;
          console.log(`${language} ${intent}: ${JSON.stringify(sentence)} is near ${near.map((n) => JSON.stringify(n)).join(', ')}`);
        }
      }
    }
  }
  console.log(`${found} training sentence(s) added since ${revision} near a test sentence`);
  process.exitCode = found ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv[2] ?? 'main');
