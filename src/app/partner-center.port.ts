import type { PartnerProfile } from '../domain/enrollment/enrollment.js';

/**
 * Partner Center as the journeys need it. The embedded default reads shipped reference data;
 * a real adapter would call the Partner Center REST API (GET /v1/profiles/mpn and the
 * partner program account's organization profiles) with App+User authentication.
 */
export interface PartnerCenter {
  /** The organization profiles (PartnerID, country, active or not) that a partner program sign-in can use. */
  profilesForSignIn(userName: string): Promise<PartnerProfile[]>;
  /** The organization profile of a PartnerID (MPN ID), or undefined when Partner Center knows none. */
  profile(partnerId: string): Promise<PartnerProfile | undefined>;
}
