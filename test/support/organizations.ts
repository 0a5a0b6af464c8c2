import type { Organization } from '../../src/domain/organization/organization.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import type { RunningAssistant } from './assistant.js';

/**
 * An enrolled reseller organization, written straight to the store as an approved enrollment
 * leaves it (its first member an Admin agent), for tests of the journeys that follow enrollment.
 * The enrollment journey itself, with its review, is tested end to end in test/bot/enrollment.test.ts.
 */
export async function seedReseller(
  app: RunningAssistant,
  org: { tenantId: string; name: string; admin: { userId: string; name: string }; partnerId?: string; country?: string; primaryContact?: Organization['primaryContact'] },
): Promise<void> {
  const at = new Date().toISOString();
  const record: Organization = {
    tenantId: org.tenantId,
    name: org.name,
    kind: 'reseller',
    ...(org.partnerId ? { partnerId: org.partnerId } : {}),
    country: org.country ?? 'IT',
    members: [{ userId: org.admin.userId, name: org.admin.name, roles: ['adminAgent'], addedAt: at }],
    ...(org.primaryContact ? { primaryContact: org.primaryContact } : {}),
    createdAt: at,
    updatedAt: at,
    history: [],
  };
  const saved = await new CasRecordStore<Organization>(app.assistant.storage.namespace('organizations')).compareAndSet(org.tenantId, 0, record);
  if (!saved) throw new Error(`organization ${org.tenantId} exists already`);
}
