import type { Customer, CustomerInvitation } from '../domain/customer/customer.js';
import type { EnrollmentApplication } from '../domain/enrollment/enrollment.js';
import type { Organization } from '../domain/organization/organization.js';
import type { ProviderLink } from '../domain/provider/provider-link.js';
import { isApproved, type Provider } from '../domain/provider/provider.js';
import { entry, foldText, wordEntries, type IndexDefinitions, type IndexedRecordStore } from './ports.js';

/**
 * The secondary indexes of each record type: what every list a user's turn shows reads, one page
 * at a time, instead of the whole namespace. An index is kept with its records in the same write;
 * changing what an index function returns needs a new index name (the backfill fills indexes by
 * name, once), and entries of the old definition are skipped when read.
 */

/** Customers: of a reseller by name, shared with a provider, of a reseller and provider pair, of any party (audit), and searched by word. */
export const CUSTOMER_INDEXES = {
  byReseller: (c: Customer) => entry(c.resellerId, `${foldText(c.companyName)}\u0001${c.createdAt}`),
  byProvider: (c: Customer) => providersOf(c).flatMap((p) => entry(p, foldText(c.companyName))),
  byPair: (c: Customer) => providersOf(c).flatMap((p) => entry(`${c.resellerId}|${p}`, foldText(c.companyName))),
  byParty: (c: Customer) => [...new Set([c.resellerId, ...c.relationships.map((r) => r.partnerId)])].flatMap((p) => entry(p, c.createdAt)),
  searchByReseller: (c: Customer) => wordEntries(c.resellerId, `${c.companyName} ${c.domain}`, foldText(c.companyName)),
} satisfies IndexDefinitions<Customer>;

/** Customer invitations: of a reseller (all, by their first event), still open (sent or expired) by when sent, and of any party (audit). */
export const CUSTOMER_INVITATION_INDEXES = {
  byReseller: (i: CustomerInvitation) => entry(i.resellerId, i.history[0]?.at ?? ''),
  openByReseller: (i: CustomerInvitation) => (i.status === 'sent' || i.status === 'expired' ? entry(i.resellerId, i.sentAt ?? '') : []),
  byParty: (i: CustomerInvitation) => [...new Set([i.resellerId, ...(i.providerTenantId ? [i.providerTenantId] : [])])].flatMap((p) => entry(p, i.history[0]?.at ?? '')),
} satisfies IndexDefinitions<CustomerInvitation>;

/** Relationships between providers and resellers: of a reseller, of a provider, requests waiting, authorized resellers by name and by word. */
export const LINK_INDEXES = {
  byReseller: (l: ProviderLink) => entry(l.resellerId, foldText(l.providerName)),
  byProvider: (l: ProviderLink) => entry(l.providerTenantId, foldText(l.resellerName)),
  requestedByProvider: (l: ProviderLink) => (l.status === 'requested' ? entry(l.providerTenantId, l.requestedAt ?? '') : []),
  authorizedByProvider: (l: ProviderLink) => (l.status === 'authorized' ? entry(l.providerTenantId, foldText(l.resellerName)) : []),
  searchAuthorizedByProvider: (l: ProviderLink) => (l.status === 'authorized' ? wordEntries(l.providerTenantId, `${l.resellerName} ${l.resellerPartnerId ?? ''}`, foldText(l.resellerName)) : []),
} satisfies IndexDefinitions<ProviderLink>;

/** Organizations by their MPN ID (PartnerID). */
export const ORGANIZATION_INDEXES = {
  byPartnerId: (o: Organization) => entry(o.partnerId),
} satisfies IndexDefinitions<Organization>;

/** Enrollment applications: under review by when submitted, and of a tenant (audit). */
export const APPLICATION_INDEXES = {
  underReview: (a: EnrollmentApplication) => (a.status === 'underReview' ? entry('all', a.submittedAt ?? '') : []),
  byTenant: (a: EnrollmentApplication) => entry(a.tenant?.tenantId ?? a.tenantIdHint, a.createdAt ?? ''),
} satisfies IndexDefinitions<EnrollmentApplication>;

/** Providers: listed in the directory (approved) by name, in each country they serve, and by name as compared for uniqueness. */
export const PROVIDER_INDEXES = {
  listed: (p: Provider) => (isApproved(p) ? entry('all', foldText(p.name)) : []),
  listedByCountry: (p: Provider) => (isApproved(p) ? [...new Set(p.countries)].flatMap((c) => entry(c.toUpperCase(), foldText(p.name))) : []),
  byName: (p: Provider) => entry(foldText(p.name)),
} satisfies IndexDefinitions<Provider>;

export type ProviderStore = IndexedRecordStore<Provider, keyof typeof PROVIDER_INDEXES>;
export type CustomerStore = IndexedRecordStore<Customer, keyof typeof CUSTOMER_INDEXES>;
export type CustomerInvitationStore = IndexedRecordStore<CustomerInvitation, keyof typeof CUSTOMER_INVITATION_INDEXES>;
export type LinkStore = IndexedRecordStore<ProviderLink, keyof typeof LINK_INDEXES>;
export type OrganizationStore = IndexedRecordStore<Organization, keyof typeof ORGANIZATION_INDEXES>;
export type ApplicationStore = IndexedRecordStore<EnrollmentApplication, keyof typeof APPLICATION_INDEXES>;

/** Tenants of the providers a customer has a provider relationship with, each once. */
function providersOf(c: Customer): string[] {
  return [...new Set(c.relationships.filter((r) => r.kind === 'provider').map((r) => r.partnerId))];
}
