import { z } from 'zod';
import { countryOf } from '../enrollment/countries.js';
import { invalidFields, ok, type FieldIssue, type Result } from '../result.js';

/** An indirect provider (distributor) as the directory shows it, keyed by its Entra tenant. */
export const Provider = z.object({
  tenantId: z.string().min(1),
  name: z.string().min(1).max(200),
  partnerId: z.string().regex(/^\d+$/),
  countries: z.array(z.string().length(2)).min(1),
  services: z.array(z.string().min(1).max(100)).max(20),
  support: z.string().max(500),
  contactEmail: z.string().email(),
  /** Users who approve or decline resellers' requests, and invite resellers. */
  approverIds: z.array(z.string().min(1)).min(1),
  /** Provider admins (the registrant first): they manage approvers and may end relationships. */
  admins: z.array(z.object({ userId: z.string().min(1), name: z.string().min(1).max(200) })).optional(),
  createdAt: z.string(),
});
export type Provider = z.infer<typeof Provider>;

/**
 * Validates a provider organization's registration as a card submits it: name, partnerId,
 * countries (comma-separated ISO codes), services (comma-separated), support, contactEmail,
 * approverIds (comma-separated user ids). The registering admin is always an approver.
 */
export function registerProvider(input: unknown, tenantId: string, registeredBy: { userId: string; name: string }, now: Date): Result<Provider> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const list = (k: string) => text(k).split(',').map((s) => s.trim()).filter(Boolean);
  const issues: FieldIssue[] = [];
  const name = text('name');
  if (!name) issues.push({ field: 'name', messageKey: 'enrollment.validation.required' });
  const partnerId = text('partnerId');
  if (!/^\d{5,10}$/.test(partnerId)) issues.push({ field: 'partnerId', messageKey: 'provider.validation.partnerId' });
  const countries = list('countries').map((c) => c.toUpperCase());
  if (!countries.length || countries.some((c) => !countryOf(c))) issues.push({ field: 'countries', messageKey: 'provider.validation.countries' });
  const contactEmail = text('contactEmail').toLowerCase();
  if (!z.string().email().safeParse(contactEmail).success) issues.push({ field: 'contactEmail', messageKey: 'enrollment.validation.email' });
  const services = list('services');
  if (services.length > 20) issues.push({ field: 'services', messageKey: 'enrollment.validation.tooLong', params: { max: 20 } });
  const support = text('support');
  if (support.length > 500) issues.push({ field: 'support', messageKey: 'enrollment.validation.tooLong', params: { max: 500 } });
  if (issues.length) return invalidFields(issues);
  const approverIds = [...new Set([registeredBy.userId, ...list('approverIds')])];
  return ok({ tenantId, name, partnerId, countries, services, support, contactEmail, approverIds, admins: [registeredBy], createdAt: now.toISOString() });
}

/** What the reseller searches the directory with. */
export interface DirectoryQuery {
  readonly country?: string;
  readonly keyword?: string;
}

/** Providers serving the country and matching the keyword (name, services, support), by name. */
export function searchDirectory(providers: readonly Provider[], query: DirectoryQuery): Provider[] {
  const country = query.country?.trim().toUpperCase();
  const words = (query.keyword ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return providers
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
