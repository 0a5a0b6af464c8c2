import type * as Jose from 'jose';

let loading: Promise<typeof Jose> | undefined;
let loaded: typeof Jose | undefined;

/**
 * jose, loaded by the first token signed or verified (an invitation link, a web chat or Teams
 * token, the embedded provider's key): a start needs none of it, and its 46 modules were 50 ms of
 * every start on this machine (BENCHMARKS.md, round 9).
 */
export function jose(): Promise<typeof Jose> {
  return (loading ??= import('jose').then((module) => (loaded = module)));
}

/** jose's error classes once it is loaded; before, no error can be one of them. */
export function joseErrors(): typeof Jose.errors | undefined {
  return loaded?.errors;
}
