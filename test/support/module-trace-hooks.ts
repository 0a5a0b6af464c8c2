import { appendFileSync } from 'node:fs';

type Resolved = { url: string };

/** A module resolution hook (node:module `register`) that appends every module's URL to MODULE_TRACE_FILE. */
export async function resolve(specifier: string, context: object, next: (specifier: string, context: object) => Promise<Resolved>): Promise<Resolved> {
  const resolved = await next(specifier, context);
  if (process.env.MODULE_TRACE_FILE) appendFileSync(process.env.MODULE_TRACE_FILE, `${resolved.url}\n`);
  return resolved;
}
