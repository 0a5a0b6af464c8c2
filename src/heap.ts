import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 grows the JavaScript heap between full collections: to `percent` above what
 * the last one kept (V8's own choice goes up to 4×). Under load every turn's short-lived objects
 * that outlive a young-generation collection land in the old generation; left to itself V8 let it
 * grow to about 130 MB of which 48 MB were in use after 30,000 conversations (RSS 267 MB). The
 * default, 75 %, keeps RSS at 216 MB after 100,000 conversations, as 50 % did, and costs 7–16 % less
 * CPU on a list turn than 50 % (fewer full collections; 100 %: 236 MB). BENCHMARKS.md, "Memory" and
 * round 8. 0 leaves V8's heuristics alone. Process-wide: called once, by the process's entry point.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
