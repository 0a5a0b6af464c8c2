import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { AccessService } from '../src/app/access.service.js';
import { AuditService } from '../src/app/audit.service.js';
import { TrackedTasks } from '../src/app/background.js';
import { CustomerService } from '../src/app/customer.service.js';
import { EnrollmentService } from '../src/app/enrollment.service.js';
import { APPLICATION_INDEXES, CUSTOMER_INDEXES, CUSTOMER_INVITATION_INDEXES, LINK_INDEXES, ORGANIZATION_INDEXES, PROVIDER_INDEXES } from '../src/app/indexes.js';
import type { Notifier } from '../src/app/notifier.port.js';
import { ProviderService } from '../src/app/provider.service.js';
import { StatusMail } from '../src/app/status-mail.js';
import type { Actor } from '../src/domain/actor.js';
import type { Customer, CustomerInvitation } from '../src/domain/customer/customer.js';
import { startEnrollment, verificationKey, type EnrollmentApplication } from '../src/domain/enrollment/enrollment.js';
import type { Organization } from '../src/domain/organization/organization.js';
import type { ProviderLink } from '../src/domain/provider/provider-link.js';
import { seedDir } from '../src/paths.js';
import { JoseSignedLinks } from '../src/security/signed-links.js';
import type { StorageBackend } from '../src/storage/cas-store.js';
import { KeyvBackend } from '../src/storage/keyv-backend.js';
import { FileOutbox } from '../src/storage/outboxes.js';
import { CasRecordStore, IndexedCasRecordStore } from '../src/storage/record-store.js';
import { ReferencePartnerCenter } from '../src/storage/reference-partner-center.js';
import { seedProviders } from '../src/storage/reference-providers.js';
import { loadKeyring } from '../src/storage/signing-key.js';

/** The sizes measured: customers stored in all (the other record types scale with it). */
export const LIST_SIZES = [100, 10_000, 50_000] as const;
/** The provider whose desk is measured: Contoso Distribution Europe from data-seed/providers.json, and its admin (also an approver). */
const PROVIDER = { tenantId: '11111111-1111-4111-8111-111111111111', name: 'Contoso Distribution Europe' };
const PROVIDER_ADMIN: Actor = { userId: 'a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a', tenantId: PROVIDER.tenantId, name: 'Anna Weber', proof: 'teams' };
const REVIEWER: Actor = { userId: 'bench-reviewer', name: 'Bench Reviewer', proof: 'teams' };
const COMPANY_WORDS = ['Adatum', 'Alpine', 'Contoso', 'Fabrikam', 'Litware', 'Northwind', 'Proseware', 'Tailspin', 'Wide World', 'Woodgrove'];

/** One list's timings: median milliseconds of its first page at each size, and 50k / 100. */
export interface ListTiming {
  readonly list: string;
  readonly backend: string;
  readonly ms: Readonly<Record<number, number>>;
  readonly ratio: number;
}

const tenant = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
/** A reseller of the same size at every size (20 customers, 10 invitations): its audit export is measured. */
const STEADY = 999_999;
const adminOf = (i: number): Actor => ({ userId: `bench-admin-${i}`, tenantId: tenant(i), name: `Admin ${i}`, proof: 'teams' });

/** Which reseller owns customer or invitation number `i`: reseller 0 (the largest) a fifth of them, the others the rest in turn. */
function ownerOf(i: number, resellers: number): number {
  return i % 5 === 0 ? 0 : 1 + (i % (resellers - 1));
}

/** Writes the records of one size in large batches (seeding is not what is measured). */
async function seed(storage: StorageBackend, size: number): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z');
  const iso = (offset: number) => new Date(at.getTime() + offset * 1000).toISOString();
  const resellers = Math.max(5, Math.round(size / 100));
  const organizations: { id: string; value: Organization }[] = [];
  for (let r = 0; r < resellers; r++) {
    organizations.push({
      id: tenant(r),
      value: {
        tenantId: tenant(r),
        name: `Reseller ${r}`,
        kind: 'reseller',
        partnerId: String(5_000_000 + r),
        country: 'IT',
        members: [{ userId: adminOf(r).userId, name: adminOf(r).name, roles: ['adminAgent'], addedAt: iso(0) }],
        createdAt: iso(0),
        updatedAt: iso(0),
        history: [],
      },
    });
  }
  // Every reseller has a relationship with the provider: nine in ten authorized, one in ten a request waiting.
  const links: { id: string; value: ProviderLink }[] = organizations.map(({ value: org }, r) => ({
    id: `${PROVIDER.tenantId}|${org.tenantId}`,
    value: {
      id: `${PROVIDER.tenantId}|${org.tenantId}`,
      providerTenantId: PROVIDER.tenantId,
      providerName: PROVIDER.name,
      resellerId: org.tenantId,
      resellerName: org.name,
      resellerPartnerId: org.partnerId,
      status: r % 10 === 9 ? 'requested' : 'authorized',
      requestedAt: iso(r),
      ...(r % 10 === 9 ? {} : { authorizedAt: iso(r + 1), authorizedBy: adminOf(r).userId }),
      history: [{ at: iso(r), by: adminOf(r).userId, byName: adminOf(r).name, what: 'requested' }],
    },
  }));
  const customers: { id: string; value: Customer }[] = [];
  for (let i = 0; i < size; i++) {
    const r = ownerOf(i, resellers);
    const name = `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${i}`;
    const twoTier = i % 2 === 0 && links[r].value.status === 'authorized';
    customers.push({
      id: `${tenant(r)}|c${i}.example`,
      value: {
        id: `${tenant(r)}|c${i}.example`,
        companyName: name,
        domain: `c${i}.example`,
        resellerId: tenant(r),
        relationships: [
          { partnerId: tenant(r), partnerName: `Reseller ${r}`, kind: 'reseller', since: iso(i), invitationId: `inv${i}` },
          ...(twoTier ? [{ partnerId: PROVIDER.tenantId, partnerName: PROVIDER.name, kind: 'provider' as const, since: iso(i), invitationId: `inv${i}` }] : []),
        ],
        createdAt: iso(i),
      },
    });
  }
  // The steady reseller, with its relationship, 20 customers and 10 invitations at every size.
  organizations.push({ id: tenant(STEADY), value: { ...organizations[1].value, tenantId: tenant(STEADY), name: 'Steady Reseller', partnerId: '5999999', members: [{ userId: adminOf(STEADY).userId, name: adminOf(STEADY).name, roles: ['adminAgent'], addedAt: iso(0) }] } });
  links.push({ id: `${PROVIDER.tenantId}|${tenant(STEADY)}`, value: { ...links[0].value, id: `${PROVIDER.tenantId}|${tenant(STEADY)}`, resellerId: tenant(STEADY), resellerName: 'Steady Reseller', resellerPartnerId: '5999999' } });
  for (let k = 0; k < 20; k++) {
    const id = `${tenant(STEADY)}|steady${k}.example`;
    customers.push({ id, value: { ...customers[k].value, id, resellerId: tenant(STEADY), domain: `steady${k}.example`, relationships: customers[k].value.relationships.map((x) => (x.kind === 'reseller' ? { ...x, partnerId: tenant(STEADY), partnerName: 'Steady Reseller' } : x)) } });
  }
  // Twelve more resellers asking the provider to connect at every size, so its first ten requests are ten at every size.
  for (let k = 0; k < 12; k++) {
    const org = { ...organizations[1].value, tenantId: tenant(800_000 + k), name: `Asking Reseller ${k}`, partnerId: String(5_800_000 + k) };
    organizations.push({ id: org.tenantId, value: org });
    const id = `${PROVIDER.tenantId}|${org.tenantId}`;
    links.push({ id, value: { ...links[0].value, id, resellerId: org.tenantId, resellerName: org.name, resellerPartnerId: org.partnerId, status: 'requested', requestedAt: iso(k), authorizedAt: undefined, authorizedBy: undefined } });
  }
  // A handful of customers a search finds by name, the same at every size.
  for (const [k, name] of ['Zeta Industries', 'Zeta Logistics', 'Zenith Foods'].entries()) {
    customers.push({ id: `${tenant(0)}|zeta${k}.example`, value: { ...customers[0].value, id: `${tenant(0)}|zeta${k}.example`, companyName: name, domain: `zeta${k}.example` } });
  }
  // Invitations: half as many as customers (at least 100), nearly all accepted; the last hundred sent are open (twenty of the largest reseller's).
  const invitations: { id: string; value: CustomerInvitation }[] = [];
  const count = Math.max(100, Math.round(size / 2));
  for (let i = 0; i < count; i++) {
    const r = ownerOf(i, resellers);
    const open = i >= count - 20 * 5;
    invitations.push({
      id: `inv${i}`,
      value: {
        id: `inv${i}`,
        linkId: `link${i}`,
        resellerId: tenant(r),
        resellerName: `Reseller ${r}`,
        companyName: `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${i}`,
        adminEmail: `admin@c${i}.example`,
        status: open ? 'sent' : 'accepted',
        subject: 'Invitation',
        body: 'Please accept: https://example.invalid/invitations/x',
        expiresAt: iso(i + 30 * 86_400),
        sentAt: iso(i),
        history: [{ at: iso(i), by: adminOf(r).userId, byName: adminOf(r).name, what: 'sent' }],
      },
    });
  }
  for (let k = 0; k < 10; k++) invitations.push({ id: `steady-inv${k}`, value: { ...invitations[k].value, id: `steady-inv${k}`, resellerId: tenant(STEADY), resellerName: 'Steady Reseller' } });
  const applications: { id: string; value: EnrollmentApplication }[] = [];
  // Applications: one in four under review, at least twelve of them, so the first ten are ten at every size.
  for (let i = 0; i < Math.max(48, Math.round(size / 100)); i++) {
    const started = startEnrollment({ id: `app${i}`, actor: { userId: `applicant-${i}`, tenantId: tenant(900_000 + i), name: `Applicant ${i}`, proof: 'openid' }, now: at, tenantIdHint: tenant(900_000 + i) });
    applications.push({ id: `app${i}`, value: { ...started, status: i % 4 === 0 ? 'underReview' : 'draft', ...(i % 4 === 0 ? { submittedAt: iso(i) } : {}) } });
  }
  await IndexedCasRecordStore.open(storage, 'organizations', ORGANIZATION_INDEXES).insertMany(organizations);
  await IndexedCasRecordStore.open(storage, 'provider-links', LINK_INDEXES).insertMany(links);
  await IndexedCasRecordStore.open(storage, 'customers', CUSTOMER_INDEXES).insertMany(customers);
  await IndexedCasRecordStore.open(storage, 'customer-invitations', CUSTOMER_INVITATION_INDEXES).insertMany(invitations);
  await IndexedCasRecordStore.open(storage, 'enrollments', APPLICATION_INDEXES).insertMany(applications);
  await seedProviders(IndexedCasRecordStore.open(storage, 'providers', PROVIDER_INDEXES), join(seedDir, 'providers.json'), at);
}

/** The use cases over `storage`, built as the assistant builds them (mail to files in `dir`, notifications going nowhere). */
function servicesOver(storage: StorageBackend, dir: string) {
  const log = pino({ level: 'silent' });
  const clock = { now: () => new Date('2026-02-01T00:00:00Z') };
  const organizations = IndexedCasRecordStore.open(storage, 'organizations', ORGANIZATION_INDEXES);
  const applications = IndexedCasRecordStore.open(storage, 'enrollments', APPLICATION_INDEXES);
  const links = IndexedCasRecordStore.open(storage, 'provider-links', LINK_INDEXES);
  const customerInvitations = IndexedCasRecordStore.open(storage, 'customer-invitations', CUSTOMER_INVITATION_INDEXES);
  const customers = IndexedCasRecordStore.open(storage, 'customers', CUSTOMER_INDEXES);
  const providers = IndexedCasRecordStore.open(storage, 'providers', PROVIDER_INDEXES);
  const nobody: Notifier = { notify: async () => undefined, update: async () => false };
  const tasks = new TrackedTasks((name, error) => log.error({ err: error, task: name }));
  const outbox = new FileOutbox(join(dir, 'outbox'), 'bench@example.invalid', log);
  const statusMail = new StatusMail(outbox, 'en');
  const keyring = loadKeyring({ current: 'a bench signing key of at least 32 characters', previous: [] }, dir);
  const signedLinks = new JoseSignedLinks(keyring);
  const access = new AccessService({ organizations, providers, reviewerIds: [REVIEWER.userId], clock });
  const context = { notifier: nobody, statusMail, tasks, clock, signedLinks, publicBaseUrl: 'http://127.0.0.1:3978', invitationTtlDays: 30 };
  const providerService = new ProviderService({ providers, links, invitations: new CasRecordStore(storage.namespace('reseller-invitations')), approvalCards: new CasRecordStore(storage.namespace('approval-cards')), access, organizations, ...context });
  const customerService = new CustomerService({ invitations: customerInvitations, customers, access, organizations, links, providerApprovers: async () => [], ...context });
  const enrollment = new EnrollmentService({
    access,
    applications,
    applicants: new CasRecordStore(storage.namespace('applicants')),
    organizations,
    reviewCards: new CasRecordStore(storage.namespace('review-cards')),
    partnerCenter: new ReferencePartnerCenter(join(seedDir, 'partner-profiles.json')),
    outbox,
    statusMail,
    notifier: nobody,
    tasks,
    clock,
    reviewerIds: [REVIEWER.userId],
    publicBaseUrl: context.publicBaseUrl,
    verificationKey: verificationKey(keyring.current.secret),
  });
  const audit = new AuditService({ access, organizations, providers, applications, links, customerInvitations, customers, signedLinks, clock, publicBaseUrl: context.publicBaseUrl });
  return { providers: providerService, customers: customerService, enrollment, audit, organizations };
}

/** The lists a user's turn shows, each asked for its first page as that turn asks. */
function listsOf(services: ReturnType<typeof servicesOver>): [string, () => Promise<unknown>][] {
  const big = adminOf(0);
  const typical = adminOf(1);
  const must = async <T>(result: Promise<{ ok: boolean; value?: T; error?: { code: string } }>) => {
    const r = await result;
    if (!r.ok) throw new Error(`refused: ${r.error?.code}`);
    return r.value;
  };
  return [
    ['customers (largest reseller), page 1', () => must(services.customers.customers(big, '', 1))],
    ['customers search "zeta" (largest reseller)', () => must(services.customers.customers(big, 'zeta', 1))],
    ['customer invitations (largest reseller)', () => must(services.customers.pending(big))],
    ['provider directory, country IT', async () => services.providers.directory({ country: 'IT' }, 1)],
    ['indirect providers (a reseller)', () => must(services.providers.indirectProviders(typical))],
    ['indirect resellers (the provider), page 1', () => must(services.providers.indirectResellers(PROVIDER_ADMIN, '', 1))],
    ['provider requests waiting (first 10)', () => must(services.providers.pendingRequests(PROVIDER_ADMIN, 10))],
    ['enrollment reviews waiting (first 10)', () => must(services.enrollment.reviewQueue(REVIEWER, 10))],
    ['organization by MPN ID', async () => (await services.organizations.page('byPartnerId', String(5_000_001), { limit: 1 })).ok],
    ['audit export (a reseller of 20 customers)', () => must(services.audit.export(adminOf(STEADY), 'en'))],
  ];
}

/** Rounds of each list at each size; the median is printed. */
const ROUNDS = 25;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Seeds 100, 10,000 and 50,000 customers (with resellers, provider relationships, invitations and
 * applications in proportion) into SQLite and, when redis-server is installed, Redis, and prints
 * the time of the first page of each list a user's turn shows at each size, with the ratio 50k / 100
 * (the target is at most 1.5). Returns the timings for a caller that prints them its own way.
 */
export async function benchLists(options: { sizes?: readonly number[]; rounds?: number; redis?: boolean } = {}): Promise<ListTiming[]> {
  const sizes = options.sizes ?? LIST_SIZES;
  const rounds = options.rounds ?? ROUNDS;
  const { hasRedisServer, startRedis } = await import('../test/support/redis-server.js');
  const withRedis = options.redis ?? hasRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-lists-'));
  const timings: ListTiming[] = [];
  try {
    const kinds: [string, (size: number) => Promise<{ storage: StorageBackend; stop(): Promise<void> }>][] = [
      [
        'SQLite',
        async (size) => {
          const storage = KeyvBackend.sqlite(join(dir, `lists-${size}.sqlite`));
          return { storage, stop: () => storage.close() };
        },
      ],
    ];
    if (withRedis) {
      kinds.push([
        'Redis',
        async () => {
          const server = await startRedis();
          const { RedisBackend } = await import('../src/storage/redis-backend.js');
          const storage = await RedisBackend.connect(server.url);
          return { storage, stop: async () => (await storage.close(), await server.stop()) };
        },
      ]);
    }
    console.log(`lists: first page of each list at ${sizes.map((s) => s.toLocaleString('en')).join(' / ')} customers (median of ${rounds}, sizes measured in turn, ms)`);
    for (const [backend, open] of kinds) {
      const ms = new Map<string, Record<number, number>>();
      const opened: { size: number; stop(): Promise<void>; lists: [string, () => Promise<unknown>][] }[] = [];
      try {
        for (const size of sizes) {
          const { storage, stop } = await open(size);
          opened.push({ size, stop, lists: [] });
          const seeding = performance.now();
          await seed(storage, size);
          const seeded = ((performance.now() - seeding) / 1000).toFixed(1);
          opened[opened.length - 1].lists = listsOf(servicesOver(storage, join(dir, `${backend}-${size}`)));
          console.log(`  ${backend}: ${size.toLocaleString('en')} customers seeded in ${seeded} s`);
        }
        // Warm every path up (JIT, the one-time backfill check, the database's caches), then measure
        // the sizes in turn, round after round, so that drift in the machine's load hits them alike.
        for (let round = 0; round < 10; round++) for (const { lists } of opened) for (const [, run] of lists) await run();
        const times = new Map<string, number[]>();
        for (let round = 0; round < rounds; round++) {
          for (const { size, lists } of opened) {
            for (const [list, run] of lists) {
              const started = performance.now();
              await run();
              const key = `${list}\u0000${size}`;
              times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
            }
          }
        }
        for (const [list] of opened[0].lists) {
          const row: Record<number, number> = {};
          for (const { size } of opened) row[size] = median(times.get(`${list}\u0000${size}`)!);
          ms.set(list, row);
        }
      } finally {
        for (const { stop } of opened) await stop();
      }
      const first = sizes[0];
      const last = sizes[sizes.length - 1];
      console.log(`  ${backend.padEnd(8)}${'list'.padEnd(44)}${sizes.map((s) => s.toLocaleString('en').padStart(9)).join('')}   ratio ${last.toLocaleString('en')}/${first}`);
      for (const [list, row] of ms) {
        const ratio = row[last] / row[first];
        timings.push({ list, backend, ms: row, ratio });
        console.log(`  ${''.padEnd(8)}${list.padEnd(44)}${sizes.map((s) => row[s].toFixed(2).padStart(9)).join('')}   ${ratio.toFixed(2)}×${ratio > 1.5 ? '  (over 1.5×)' : ''}`);
      }
    }
    if (!withRedis) console.log('  (Redis: install redis-server to include it)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return timings;
}

// `node dist/bench/lists.js` runs this benchmark alone; bench/run.ts imports it with the others.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchLists();
