import { createAssistant } from '../../src/assistant.js';
import { loadConfig } from '../../src/config.js';
import { limitHeapGrowth } from '../../src/heap.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { ensureProviderMember } from '../../src/domain/provider/provider-members.js';
import { linkId, requestConnection, type ProviderLink } from '../../src/domain/provider/provider-link.js';
import type { Provider } from '../../src/domain/provider/provider.js';
import type { Organization } from '../../src/domain/organization/organization.js';
import type { Customer } from '../../src/domain/customer/customer.js';
import { BENCH_PROVIDER, BENCH_RESELLER, approverId, agentId, requestResellerId } from '../identities.js';
import { countingStorage } from './counting-storage.js';
import { serveParent } from './ipc.js';

/**
 * The assistant as `npm start` builds it (createAssistant with the configuration from the
 * environment the benchmark sets: a temp DATA_DIR, SQLite or STORAGE_URL=redis://…), its storage
 * wrapped to count operations, plus the benchmark's seeding commands.
 */
await serveParent(async () => {
  const config = loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' });
  // As main.ts does.
  limitHeapGrowth(config.heapGrowingPercent);
  const { backend, operations } = countingStorage(await openStorage(config.storageUrl));
  const assistant = await createAssistant(config, { storage: backend });
  const port = await assistant.listen();
  const now = () => new Date();
  const records = <T>(name: string) => new CasRecordStore<T>(backend.namespace(name));
  const at = now().toISOString();

  /** A reseller organization whose members are the benchmark's agents (Admin agents), with `customers` customers. */
  async function seedCustomers(args: unknown): Promise<number> {
    const { customers, agents } = args as { customers: number; agents: number };
    const org: Organization = {
      tenantId: BENCH_RESELLER,
      name: 'Bench Reseller S.r.l.',
      kind: 'reseller',
      country: 'IT',
      members: Array.from({ length: agents }, (_, i) => ({ userId: agentId(i), name: `Agent ${i}`, roles: ['adminAgent' as const], addedAt: at })),
      createdAt: at,
      updatedAt: at,
      history: [],
    };
    await records<Organization>('organizations').compareAndSet(org.tenantId, 0, org);
    const store = records<Customer>('customers');
    for (let i = 0; i < customers; i++) {
      const id = `bench-customer-${String(i).padStart(4, '0')}`;
      const withProvider = i % 2 === 0;
      const customer: Customer = {
        id,
        companyName: `Customer ${String(i).padStart(2, '0')} ${['Litware', 'Fabrikam', 'Proseware', 'Wingtip'][i % 4]} S.p.A.`,
        domain: `customer${i}.onmicrosoft.com`,
        resellerId: BENCH_RESELLER,
        relationships: [
          { partnerId: BENCH_RESELLER, partnerName: org.name, kind: 'reseller', since: at, invitationId: `inv-r-${i}` },
          ...(withProvider ? [{ partnerId: BENCH_PROVIDER, partnerName: 'Contoso Distribution Europe', kind: 'provider' as const, since: at, invitationId: `inv-p-${i}` }] : []),
        ],
        createdAt: at,
      };
      await store.compareAndSet(id, 0, customer);
    }
    return customers;
  }

  /** The benchmark's approvers become the provider's approvers (verified members of its tenant). */
  async function seedApprovers(args: unknown): Promise<number> {
    const { approvers } = args as { approvers: number };
    const store = records<Provider>('providers');
    const current = await store.get(BENCH_PROVIDER);
    if (!current) throw new Error(`the reference provider ${BENCH_PROVIDER} is not seeded`);
    let provider: Provider = { ...current.value, approverIds: Array.from({ length: approvers }, (_, i) => approverId(i)) };
    for (let i = 0; i < approvers; i++) provider = ensureProviderMember(provider, { userId: approverId(i), name: `Approver ${i}` }, now());
    const saved = await store.compareAndSet(BENCH_PROVIDER, current.version, provider);
    if (!saved) throw new Error('the provider changed while seeding');
    return approvers;
  }

  /** Requests to connect waiting for the provider's decision, numbered from `from`: each Approve decides one. */
  async function seedRequests(args: unknown): Promise<number> {
    const { from, count } = args as { from: number; count: number };
    const store = records<ProviderLink>('provider-links');
    const requester = { userId: 'bench-requester', name: 'Bench Requester', proof: 'teams' as const, tenantId: BENCH_RESELLER };
    const batch = 64;
    for (let start = from; start < from + count; start += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, from + count - start) }, async (_, k) => {
          const resellerId = requestResellerId(start + k);
          const parties = { providerTenantId: BENCH_PROVIDER, providerName: 'Contoso Distribution Europe', resellerId, resellerName: `Requesting Reseller ${start + k}`, resellerCountry: 'IT' };
          const link = requestConnection(undefined, parties, requester, now());
          if (!link.ok) throw new Error(link.error.messageKey);
          await store.compareAndSet(linkId(BENCH_PROVIDER, resellerId), 0, link.value);
        }),
      );
    }
    return count;
  }

  return {
    port,
    operations: () => ({ ...operations, byNamespace: structuredClone(operations.byNamespace) }),
    commands: { seedCustomers, seedApprovers, seedRequests },
    stop: () => assistant.stop(1000),
  };
});
