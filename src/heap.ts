import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 grows the JavaScript heap between full collections: to `percent` above what
 * the last one kept (V8's own choice goes up to 4×). Under load every turn's short-lived objects
 * that outlive a young-generation collection land in the old generation; left to itself V8 let it
 * grow to about 130 MB of which 48 MB were in use after 30,000 conversations (RSS 267 MB), where
 * 50 % keeps it near 110 MB (RSS 215 MB) at no cost in turns per second (BENCHMARKS.md, "Memory").
 * 0 leaves V8's heuristics alone. Process-wide: called once, by the process's entry point.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
