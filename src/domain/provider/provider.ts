import { z } from 'zod';
import { countryOf } from '../enrollment/countries.js';
import { fail, invalidFields, ok, type FieldIssue, type Result } from '../result.js';
import { SEARCH_MAX } from '../search.js';

/** How long a provider's registration texts may be (characters), and how many services, approvers, admins, members and history entries it keeps. */
export const PROVIDER_LIMITS = { name: 200, service: 100, services: 20, support: 500, email: 254, approverId: 256, approvers: 50, admins: 50, members: 200, history: 100 } as const;

/** A user of the provider's tenant, recorded the first time the assistant sees them with that proven tenant. */
export const ProviderMember = z.object({
  userId: z.string().min(1).max(PROVIDER_LIMITS.approverId),
  name: z.string().min(1).max(200),
  addedAt: z.string(),
});
export type ProviderMember = z.infer<typeof ProviderMember>;

/** One line of a provider's audit trail: who changed what, when. */
export const ProviderHistoryEntry = z.object({
  at: z.string(),
  by: z.string(),
  byName: z.string(),
  org: z.string().max(256).optional(),
  what: z.string(),
  detail: z.string().max(1000).optional(),
});
export type ProviderHistoryEntry = z.infer<typeof ProviderHistoryEntry>;

/** An indirect provider (distributor) as the directory shows it, keyed by its Entra tenant. */
export const Provider = z.object({
  tenantId: z.string().min(1),
  name: z.string().min(1).max(PROVIDER_LIMITS.name),
  partnerId: z.string().regex(/^\d+$/),
  countries: z.array(z.string().length(2)).min(1),
  services: z.array(z.string().min(1).max(PROVIDER_LIMITS.service)).max(PROVIDER_LIMITS.services),
  support: z.string().max(PROVIDER_LIMITS.support),
  contactEmail: z.string().email().max(PROVIDER_LIMITS.email),
  /** Users who approve or decline resellers' requests, and invite resellers. */
  approverIds: z.array(z.string().min(1).max(PROVIDER_LIMITS.approverId)).min(1).max(PROVIDER_LIMITS.approvers),
  /** Provider admins (the registrant first): they manage approvers and may end relationships. */
  admins: z.array(z.object({ userId: z.string().min(1), name: z.string().min(1).max(200) })).max(PROVIDER_LIMITS.admins).optional(),
  /** Verified members of the provider's tenant (seen with that proven tenant), with or without a role. */
  members: z.array(ProviderMember).max(PROVIDER_LIMITS.members).optional(),
  /** Role changes, oldest first, the last PROVIDER_LIMITS.history kept. */
  history: z.array(ProviderHistoryEntry).max(PROVIDER_LIMITS.history).optional(),
  /** A registration waits for the operator's reviewers; providers without a status (the shipped ones) are approved. */
  status: z.enum(['pending', 'approved', 'declined']).optional(),
  /** Who decided the registration, when and why. */
  review: z.object({ outcome: z.enum(['approved', 'declined']), by: z.string(), byName: z.string(), at: z.string(), reason: z.string().max(500).optional() }).optional(),
  createdAt: z.string(),
});
export type Provider = z.infer<typeof Provider>;

/**
 * Validates a provider organization's registration as a card submits it: name, partnerId,
 * countries (comma-separated ISO codes), services (comma-separated), support, contactEmail. The
 * registrant is its first approver and provider admin; the registration waits for review.
 */
export function registerProvider(input: unknown, tenantId: string, registeredBy: { userId: string; name: string }, now: Date): Result<Provider> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k]).trim() : '');
  const list = (k: string) => text(k).split(',').map((s) => s.trim()).filter(Boolean);
  const issues: FieldIssue[] = [];
  const tooLong = (field: string, max: number) => issues.push({ field, messageKey: 'enrollment.validation.tooLong', params: { max } });
  const name = text('name');
  if (!name) issues.push({ field: 'name', messageKey: 'enrollment.validation.required' });
  else if (name.length > PROVIDER_LIMITS.name) tooLong('name', PROVIDER_LIMITS.name);
  const partnerId = text('partnerId');
  if (!/^\d{5,10}$/.test(partnerId)) issues.push({ field: 'partnerId', messageKey: 'provider.validation.partnerId' });
  const countries = list('countries').map((c) => c.toUpperCase());
  if (!countries.length || countries.some((c) => !countryOf(c))) issues.push({ field: 'countries', messageKey: 'provider.validation.countries' });
  const contactEmail = text('contactEmail').toLowerCase();
  if (!z.string().email().max(PROVIDER_LIMITS.email).safeParse(contactEmail).success) issues.push({ field: 'contactEmail', messageKey: 'enrollment.validation.email' });
  const services = list('services');
  if (services.length > PROVIDER_LIMITS.services) issues.push({ field: 'services', messageKey: 'provider.validation.tooMany', params: { max: PROVIDER_LIMITS.services } });
  else if (services.some((s) => s.length > PROVIDER_LIMITS.service)) issues.push({ field: 'services', messageKey: 'provider.validation.entryTooLong', params: { max: PROVIDER_LIMITS.service } });
  const support = text('support');
  if (support.length > PROVIDER_LIMITS.support) tooLong('support', PROVIDER_LIMITS.support);
  // The registrant is the first approver and provider admin; nobody is listed by a typed id.
  const approverIds = [registeredBy.userId];
  if (issues.length) return invalidFields(issues);
  return ok({ tenantId, name, partnerId, countries, services, support, contactEmail, approverIds, admins: [registeredBy], status: 'pending', createdAt: now.toISOString() });
}

/** What the reseller searches the directory with. */
export const DirectoryQuery = z.object({
  country: z.string().max(2).optional(),
  keyword: z.string().max(SEARCH_MAX).optional(),
});
export type DirectoryQuery = z.infer<typeof DirectoryQuery>;

/** Providers serving the country and matching the keyword (name, services, support), by name. */
export function searchDirectory(providers: readonly Provider[], query: DirectoryQuery): Provider[] {
  const country = query.country?.trim().toUpperCase();
  const words = (query.keyword ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return providers
    .filter(isApproved)
    .filter((p) => !country || p.countries.includes(country))
    .filter((p) => {
      const haystack = [p.name, p.partnerId, ...p.services, p.support].join(' ').toLowerCase();
      return words.every((w) => haystack.includes(w));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One page of a list, with what the cards need to offer Previous and Next. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly pages: number;
  readonly total: number;
}

/** Cuts a list into pages of `size`; an out-of-range page number gives the nearest page. */
export function paginate<T>(items: readonly T[], page: number, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages, total: items.length };
}

/** Whether a provider is listed and may act: its registration was approved (shipped providers have no status). */
export function isApproved(provider: Provider): boolean {
  return provider.status === undefined || provider.status === 'approved';
}

/** An operator reviewer approves or declines a registration; the first decision stands. */
export function decideRegistration(
  provider: Provider,
  outcome: 'approved' | 'declined',
  reviewer: { userId: string; name: string },
  now: Date,
  reason?: string,
): Result<Provider> {
  if (provider.status !== 'pending') {
    return fail('PROVIDER.REGISTRATION_DECIDED', 'provider.errors.registrationDecided', { by: provider.review?.byName ?? '—', at: provider.review?.at ?? '' });
  }
  const review = { outcome, by: reviewer.userId, byName: reviewer.name, at: now.toISOString(), ...(reason?.trim() ? { reason: reason.trim().slice(0, 500) } : {}) };
  return ok({ ...provider, status: outcome, review });
}
