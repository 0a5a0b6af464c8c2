import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { OUT_OF_SCOPE, type Entities, type TextClassifier } from '../../src/bot/understanding/classifier.port.js';
import { decide, type Decision } from '../../src/bot/understanding/decide.js';
import { extractEntities } from '../../src/bot/understanding/entities.js';
import { isJourney, isQuestion } from '../../src/bot/understanding/intents.js';
import { LOCALES, type Locale } from '../../src/i18n/catalog.js';
import { projectRoot } from '../../src/paths.js';

const Expected = z.object({ country: z.string(), keyword: z.string(), companyName: z.string(), email: z.string() }).partial();
const Item = z.union([z.string(), z.object({ text: z.string(), entities: Expected })]);
const TestSet = z.record(z.string(), z.array(Item));

/** One sentence of the test set with what it should be understood as. */
export interface TestItem {
  readonly text: string;
  readonly language: Locale;
  readonly intent: string;
  readonly entities?: Entities;
}

/** Figures of one language. */
export interface LanguageFigures {
  readonly intents: { readonly correct: number; readonly total: number };
  readonly entities: { readonly correct: number; readonly total: number };
  readonly answers: { readonly correct: number; readonly total: number };
  readonly outOfScope: { readonly rejected: number; readonly total: number };
  /** Journey sentences that were not acted on but offered among buttons (never a wrong journey). */
  readonly asked: number;
  readonly mistakes: readonly string[];
}

/** What the benchmark measures on the test set. */
export interface Figures {
  readonly byLanguage: Readonly<Record<Locale, LanguageFigures>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The process's CPU time per sentence (µs resolution): what it costs, without the waits for a shared machine's cores. */
  readonly cpuP50Ms: number;
  readonly cpuP99Ms: number;
}

/** The test set kept apart from the training utterances (bench/understanding/test-set.<language>.json). */
export function readTestSet(): TestItem[] {
  return LOCALES.flatMap((language) => {
    const parsed = TestSet.parse(JSON.parse(readFileSync(join(projectRoot, 'bench', 'understanding', `test-set.${language}.json`), 'utf8')));
    return Object.entries(parsed).flatMap(([intent, items]) =>
      items.map((item) => (typeof item === 'string' ? { text: item, language, intent } : { text: item.text, language, intent, entities: item.entities })),
    );
  });
}

const FIELDS = ['country', 'keyword', 'companyName', 'email'] as const;

/** Runs every test sentence through the classifier, the decision and the extraction, and times them. */
export async function evaluate(classifier: TextClassifier, items: readonly TestItem[], rounds = 10): Promise<Figures> {
  const understand = async (item: TestItem): Promise<{ decision: Decision; entities: Entities }> => {
    const classification = await classifier.classify(item.text, item.language);
    const entities = { ...extractEntities(item.text), ...classification.entities };
    return { decision: decide(classification, entities), entities };
  };
  const byLanguage = {} as Record<Locale, LanguageFigures>;
  for (const language of LOCALES) {
    const figures = { intents: { correct: 0, total: 0 }, entities: { correct: 0, total: 0 }, answers: { correct: 0, total: 0 }, outOfScope: { rejected: 0, total: 0 }, asked: 0, mistakes: [] as string[] };
    for (const item of items.filter((i) => i.language === language)) {
      const { decision, entities } = await understand(item);
      const got = decision.kind === 'journey' || decision.kind === 'answer' ? decision.intent : decision.kind === 'choose' ? `choose(${decision.options.join('|')})` : decision.kind;
      let right: boolean;
      if (isJourney(item.intent)) {
        figures.intents.total++;
        right = decision.kind === 'journey' && decision.intent === item.intent;
        if (right) figures.intents.correct++;
        else if (decision.kind === 'choose' && decision.options.includes(item.intent)) figures.asked++;
      } else if (isQuestion(item.intent)) {
        figures.answers.total++;
        right = decision.kind === 'answer' && decision.intent === item.intent;
        if (right) figures.answers.correct++;
      } else if (item.intent === OUT_OF_SCOPE) {
        figures.outOfScope.total++;
        right = decision.kind === 'outOfScope' || decision.kind === 'notUnderstood';
        if (right) figures.outOfScope.rejected++;
      } else throw new Error(`Unknown intent ${item.intent} in the test set`);
      if (item.entities) {
        figures.entities.total++;
        const expected = item.entities as Record<string, string | undefined>;
        const found = entities as Record<string, string | undefined>;
        if (FIELDS.every((f) => (expected[f] ?? '').toLowerCase() === (found[f] ?? '').toLowerCase())) figures.entities.correct++;
        else figures.mistakes.push(`entities of "${item.text}": ${JSON.stringify(found)}`);
      }
      if (!right) figures.mistakes.push(`"${item.text}" (${item.intent}) -> ${got}`);
    }
    byLanguage[language] = figures;
  }
  const times: number[] = [];
  const cpu: number[] = [];
  // The pass above warmed the model up (JIT, the spelling cache); these rounds are what a running assistant sees.
  for (let round = 0; round < rounds; round++) {
    for (const item of items) {
      const start = performance.now();
      const used = process.cpuUsage();
      await understand(item);
      const spent = process.cpuUsage(used);
      times.push(performance.now() - start);
      cpu.push((spent.user + spent.system) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const at = (list: number[], q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))];
  return { byLanguage, p50Ms: at(times, 0.5), p99Ms: at(times, 0.99), cpuP50Ms: at(cpu, 0.5), cpuP99Ms: at(cpu, 0.99) };
}

/** A ratio as a percentage with one decimal. */
export function percent(part: { correct?: number; rejected?: number; total: number }): string {
  const n = part.correct ?? part.rejected ?? 0;
  return part.total ? `${((100 * n) / part.total).toFixed(1)}% (${n}/${part.total})` : 'n/a';
}
