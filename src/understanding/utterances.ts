import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LOCALES, type Locale } from '../i18n/catalog.js';

/** Training sentences of one language, by intent name. */
export const Utterances = z.record(z.string().min(1), z.array(z.string().min(1)).min(1));
/** Training sentences of one language, by intent name. */
export type Utterances = z.infer<typeof Utterances>;

/** Training sentences of every language. */
export type TrainingData = Readonly<Record<Locale, Utterances>>;

/** Reads the training sentences kept beside the message catalogs (`utterances.<language>.json`). */
export function readTrainingData(dir: string): TrainingData {
  const entries = LOCALES.map((locale) => {
    const file = join(dir, `utterances.${locale}.json`);
    const parsed = Utterances.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    return [locale, parsed.data] as const;
  });
  return Object.fromEntries(entries) as Record<Locale, Utterances>;
}
