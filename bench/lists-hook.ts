import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';

/**
 * List scaling (customers, resellers, invitations, requests, audit at 100 / 10,000 / 50,000
 * records) lives in bench/lists.ts, written with the secondary indexes. It runs here when it is
 * there, through its `benchLists(options)` export; until then the benchmark says it is missing.
 */
export async function benchListsIfPresent(options: BenchOptions): Promise<void> {
  const module = new URL('./lists.js', import.meta.url);
  if (!existsSync(fileURLToPath(module))) {
    console.log('list scaling: bench/lists.ts is not in this checkout (it comes with the secondary indexes)');
    return;
  }
  const lists = (await import(module.href)) as { benchLists?: (options: BenchOptions) => Promise<void> };
  if (typeof lists.benchLists !== 'function') throw new Error('bench/lists.ts must export benchLists(options)');
  console.log('list scaling (bench/lists.ts):');
  await lists.benchLists(options);
}
