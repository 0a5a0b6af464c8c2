import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { mutate, type RecordStore } from '../app/ports.js';
import { Persona } from '../app/personas.js';
import type { Organization } from '../domain/organization/organization.js';
import { ok } from '../domain/result.js';

export { Persona } from '../app/personas.js';

const Seed = z.object({
  organization: z.object({
    tenantId: z.string(),
    name: z.string(),
    partnerId: z.string(),
    country: z.string().length(2),
    primaryContact: z.object({ name: z.string(), email: z.string().email(), locale: z.enum(['en', 'it']) }).optional(),
  }),
  personas: z.array(Persona),
});

/** The personas and their demo organization, read from data-seed/personas.json. */
export function readPersonas(file: string): z.infer<typeof Seed> {
  return Seed.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Creates the demo reseller organization with its admin and sales agents, once. */
export async function seedDemoOrganization(
  seed: z.infer<typeof Seed>,
  organizations: RecordStore<Organization>,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const members = seed.personas
    .filter((p) => p.role === 'adminAgent' || p.role === 'salesAgent')
    .map((p) => ({ userId: p.oid, name: p.name, roles: [p.role as 'adminAgent' | 'salesAgent'], addedAt: at }));
  const { tenantId, name, partnerId, country, primaryContact } = seed.organization;
  await mutate(organizations, tenantId, (current) =>
    ok(current ?? { tenantId, name, kind: 'reseller' as const, partnerId, country, members, ...(primaryContact ? { primaryContact } : {}), createdAt: at, updatedAt: at, history: [] }),
  );
}
