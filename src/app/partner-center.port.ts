import type { PartnerProfile } from '../domain/enrollment/enrollment.js';

/**
 * What one call to Partner Center answered: the data; `notFound` (the API's 404, error code 3000 for
 * an unknown PartnerID); `notAllowed` (403, or a question about a tenant this instance cannot speak
 * for); `unavailable` (unreachable, too slow, throttled past the bound, 5xx after the retries, or no
 * token). Expected outcomes are values, never thrown strings; only programming errors throw.
 */
export type PartnerCenterResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'notFound'; readonly code?: string }
  | { readonly kind: 'notAllowed'; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The answer of a PartnerID check: whether it is active and a location PartnerID, and its country/region. */
export interface PartnerIdCheck {
  readonly partnerId: string;
  readonly organizationName: string;
  readonly active: boolean;
  /** A location PartnerID (transactional), not the global one. */
  readonly location: boolean;
  /** ISO 3166 alpha-2, upper case. */
  readonly country: string;
}

/** One side of an indirect relationship, as `GET /v1/relationships` lists it. */
export interface PartnerRelationship {
  /** The other partner's tenant id (Entra ID), lower case. */
  readonly tenantId: string;
  readonly name: string;
  readonly relationshipType: 'IsIndirectCloudSolutionProviderOf' | 'IsIndirectResellerOf';
  /** `active`, or another state Partner Center reports (lower case, e.g. `inactive`). */
  readonly state: string;
  readonly partnerId?: string;
  /** The other partner's country/region (alpha-2) when Partner Center gives it. */
  readonly country?: string;
}

/** A customer as `GET /v1/customers` lists it. */
export interface PartnerCenterCustomer {
  /** The customer's id in Partner Center (its tenant id). */
  readonly id: string;
  readonly tenantId: string;
  readonly domain: string;
  readonly companyName: string;
  /** How the customer relates to the partner calling (e.g. `reseller`). */
  readonly relationshipToPartner: string;
}

/**
 * Where the customer accepts: the link Partner Center issued (opaque, put in the e-mail as is), or
 * the assistant's own signed invitation page (the embedded default).
 */
export type AcceptanceLink = { readonly source: 'partnerCenter'; readonly url: string; readonly id?: string } | { readonly source: 'assistant' };

/** What a GDAP request asks for: Entra roles (by display name), for how many days, of which customer when known. */
export interface GdapRequest {
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly durationDays: number;
  readonly customerTenantId?: string;
}

/** The state of the Partner Center dependency, for /readyz. */
export interface PartnerCenterHealth {
  readonly adapter: 'reference' | 'api';
  readonly status: 'ok' | 'degraded';
  readonly reason?: string;
}

/**
 * Partner Center as the journeys need it, shaped after its REST API and Microsoft Graph. The
 * embedded default answers from shipped reference data and the assistant's own ledger; the API
 * adapter (`PARTNER_CENTER=api`) calls api.partnercenter.microsoft.com and graph.microsoft.com as
 * the one partner tenant the instance is registered for: questions about another partner's
 * view are `notAllowed`.
 */
export interface PartnerCenter {
  /** Which adapter answers ("reference" reports no reconciliation differences by construction). */
  readonly kind: 'reference' | 'api';
  /** The organization profiles (PartnerID, country, active or not) that a partner program sign-in can use. */
  profilesForSignIn(userName: string): Promise<PartnerProfile[]>;
  /**
   * Checks a PartnerID (`GET /v1/profiles/mpn?mpnId=`): active, location or global, country/region.
   * notFound: Partner Center knows no such id (404, code 3000).
   */
  checkPartnerId(partnerId: string): Promise<PartnerCenterResult<PartnerIdCheck>>;
  /**
   * A provider's Indirect resellers (`GET /v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf`), every page.
   * notAllowed: the provider is not the partner tenant this instance speaks for.
   */
  indirectResellers(providerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>>;
  /**
   * A reseller's Indirect providers (`GET /v1/relationships?relationship_type=IsIndirectResellerOf`), every page.
   * notAllowed: the reseller is not the partner tenant this instance speaks for.
   */
  indirectProviders(resellerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>>;
  /**
   * The customers a provider shares with one of its indirect resellers (`GET /v1/customers` filtered on IndirectReseller), every page;
   * with the same tenant twice, the partner's own customers (`GET /v1/customers`, no filter).
   * notAllowed: the provider is not this instance's partner tenant.
   */
  customersOfReseller(providerTenantId: string, resellerTenantId: string): Promise<PartnerCenterResult<PartnerCenterCustomer[]>>;
  /**
   * The partners of one customer (`GET /v1/customers/{id}/relationships`).
   * notFound: the customer is not one of this partner's customers.
   */
  partnersOfCustomer(customerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>>;
  /**
   * The customer relationship request link of a partner (`GET /v1/customers/relationshiprequests`).
   * notAllowed: the partner is not this instance's partner tenant.
   */
  customerRelationshipLink(partnerTenantId: string): Promise<PartnerCenterResult<AcceptanceLink>>;
  /**
   * A GDAP invitation (Graph delegatedAdminRelationships: created, then lockForApproval) and its link
   * `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/{id}`.
   * notAllowed: the partner is not this instance's partner tenant, or Graph refused (403).
   */
  gdapInvitation(partnerTenantId: string, request: GdapRequest): Promise<PartnerCenterResult<AcceptanceLink>>;
  /** Whether Partner Center answers now (a cheap call, bounded in time); never throws. */
  health(): Promise<PartnerCenterHealth>;
}

/** Whether an outcome carries data. */
export function found<T>(result: PartnerCenterResult<T>): result is { kind: 'ok'; value: T } {
  return result.kind === 'ok';
}
