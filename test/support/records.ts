import type { StorageBackend } from '../../src/storage/cas-store.js';

/** Every namespace of domain records and conversation state the assistant writes (not the claim-once keys). */
export const RECORD_NAMESPACES = [
  'organizations',
  'web-users',
  'enrollments',
  'applicants',
  'review-cards',
  'provider-links',
  'providers',
  'reseller-invitations',
  'approval-cards',
  'customer-invitations',
  'customers',
  'reminders',
  'contacts',
  'botstate',
] as const;

/** Every stored record, by namespace and key, to compare before and after. */
export async function snapshot(storage: StorageBackend): Promise<Record<string, Record<string, string>>> {
  const all: Record<string, Record<string, string>> = {};
  for (const name of RECORD_NAMESPACES) {
    const entries: Record<string, string> = {};
    for await (const [key, value] of storage.namespace(name).entries()) entries[key] = value;
    all[name] = entries;
  }
  return all;
}

/** How many records a namespace holds. */
export async function countIn(storage: StorageBackend, name: string): Promise<number> {
  let count = 0;
  for await (const _ of storage.namespace(name).entries()) count++;
  return count;
}
