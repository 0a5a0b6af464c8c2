import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { mutate, type RecordStore } from '../app/ports.js';
import { Provider } from '../domain/provider/provider.js';
import { ok } from '../domain/result.js';

const Seed = z.object({ providers: z.array(Provider.omit({ createdAt: true })) });

/** Adds the shipped fictional providers to the directory, once; registered providers are left alone. */
export async function seedProviders(store: RecordStore<Provider>, file: string, now: Date): Promise<number> {
  const { providers } = Seed.parse(JSON.parse(readFileSync(file, 'utf8')));
  let added = 0;
  for (const provider of providers) {
    const saved = await mutate(store, provider.tenantId, (current) => ok(current ?? { ...provider, createdAt: now.toISOString() }));
    if (saved.ok && saved.value.version === 1) added++;
  }
  return added;
}
