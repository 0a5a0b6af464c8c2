import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 grows the JavaScript heap between full collections: to `percent` above what
 * the last one kept (V8's own choice goes up to 4×). Under load every turn's short-lived objects
 * that outlive a young-generation collection land in the old generation; left to itself V8 let it
 * grow to about 130 MB of which 48 MB were in use after 30,000 conversations (RSS 267 MB). The
 * default, 100 %, keeps RSS at 214–218 MB after 100,000 conversations (75 %: 202–203 MB; 150 %:
 * 233 MB) and costs 8–11 % less CPU a turn than 75 % under load (the Redis and SQLite lists,
 * Approve on Redis): fewer full collections of what waiting turns promoted. BENCHMARKS.md,
 * "Memory" and rounds 8 and 12. 0 leaves V8's heuristics alone. Process-wide: called once, by the
 * process's entry point.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
