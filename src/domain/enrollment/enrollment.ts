import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { audit, displayName, SYSTEM_ACTOR, type Actor, type AuditEntry } from '../actor.js';
import { text } from '../input.js';
import { fail, invalidFields, ok, type FieldIssue, type Result } from '../result.js';
import { isEmailAddress, isWebmailAddress, normalizePhone } from './contact.js';
import { countryOf, isValidPostalCode, normalizePostalCode } from './countries.js';

/** Where an application stands in its lifecycle. */
export type EnrollmentStatus = 'draft' | 'submitted' | 'contactVerified' | 'underReview' | 'approved' | 'rejected';

/** The card a draft stands at; the chat resumes there. */
export type EnrollmentStep = 'alreadyEnrolled' | 'supportOnly' | 'beforeYouBegin' | 'tenant' | 'mpnSignIn' | 'mpnSelect' | 'legal' | 'review';

/** The parts Enroll now needs. */
export type EnrollmentSection = 'tenant' | 'mpn' | 'legal';

/** An organization profile in Partner Center (the MPN ID, now PartnerID). */
export const PartnerProfile = z.object({
  partnerId: z.string().regex(/^\d+$/),
  organizationName: z.string().min(1),
  country: z.string().length(2),
  active: z.boolean(),
});
export type PartnerProfile = z.infer<typeof PartnerProfile>;

/**
 * The Azure AD (Entra ID) tenant, as the applicant's sign-in proved it. `globalAdmin` is `verified`
 * when a token's `wids` said so, `unverified` when the channel proves the tenant but not the role
 * (Teams without SSO): a reviewer then decides knowing it.
 */
export type TenantChoice = {
  readonly mode: 'existing';
  readonly tenantId: string;
  readonly country: string;
  readonly globalAdmin: 'verified' | 'unverified';
};

/** How long the legal business profile's texts may be: one place for the stored schema and the form's checks. */
export const LEGAL_LIMITS = { legalName: 200, line: 200, city: 100, region: 100, postalCode: 20, name: 100, email: 254, website: 2048 } as const;

/** A postal address. */
export const Address = z.object({
  country: z.string().length(2),
  line1: z.string().min(1).max(LEGAL_LIMITS.line),
  line2: z.string().max(LEGAL_LIMITS.line).optional(),
  city: z.string().min(1).max(LEGAL_LIMITS.city),
  region: z.string().max(LEGAL_LIMITS.region).optional(),
  postalCode: z.string().min(1).max(LEGAL_LIMITS.postalCode),
});
export type Address = z.infer<typeof Address>;

/** The person contacted about the application. */
export const PrimaryContact = z.object({
  firstName: z.string().min(1).max(LEGAL_LIMITS.name),
  lastName: z.string().min(1).max(LEGAL_LIMITS.name),
  email: z.string().max(LEGAL_LIMITS.email),
  phone: z.string().regex(/^\+[1-9]\d{7,14}$/),
});
export type PrimaryContact = z.infer<typeof PrimaryContact>;

/** How customers reach the reseller's support. */
export const SupportContact = z.object({
  email: z.string().max(LEGAL_LIMITS.email),
  phone: z.string().regex(/^\+[1-9]\d{7,14}$/),
  website: z.string().max(LEGAL_LIMITS.website).optional(),
});
export type SupportContact = z.infer<typeof SupportContact>;

/** The legal business profile, primary contact and support details. */
export const LegalProfile = z.object({
  legalName: z.string().min(1).max(LEGAL_LIMITS.legalName),
  address: Address,
  primaryContact: PrimaryContact,
  support: SupportContact,
});
export type LegalProfile = z.infer<typeof LegalProfile>;

/** One application to enroll an organization as an indirect reseller. */
export interface EnrollmentApplication {
  readonly id: string;
  readonly applicantId: string;
  readonly applicantName: string;
  readonly tenantIdHint?: string;
  readonly status: EnrollmentStatus;
  readonly step: EnrollmentStep;
  readonly alreadyEnrolled?: boolean;
  readonly tenant?: TenantChoice;
  readonly partnerCenterSignIn?: string;
  readonly mpn?: PartnerProfile;
  readonly legal?: LegalProfile;
  readonly support?: SupportContact;
  readonly verification?: {
    readonly codeHash: string;
    readonly tokenHash: string;
    readonly issuedAt: string;
    readonly expiresAt: string;
    readonly failedAttempts: number;
    readonly lockedUntil?: string;
    readonly usedAt?: string;
  };
  readonly decision?: { readonly outcome: 'approved' | 'rejected'; readonly by: string; readonly byName: string; readonly at: string; readonly reason?: string };
  readonly submittedAt?: string;
  /** The language the applicant used when submitting: status e-mails to the primary contact are written in it. */
  readonly contactLocale?: 'en' | 'it';
  readonly history: readonly AuditEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How long a verification code and link work. */
export const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;
/** Wrong codes before verification locks. */
export const MAX_ATTEMPTS = 5;
/** How long verification stays locked. */
export const LOCK_MS = 15 * 60 * 1000;

const E = 'enrollment.errors';
const V = 'enrollment.validation';

/** Starts a draft at its first question. */
export function startEnrollment(input: { id: string; actor: Actor; now: Date; tenantIdHint?: string }): EnrollmentApplication {
  const at = input.now.toISOString();
  return {
    id: input.id,
    applicantId: input.actor.userId,
    applicantName: displayName(input.actor.name),
    ...(input.tenantIdHint ? { tenantIdHint: input.tenantIdHint } : {}),
    status: 'draft',
    step: 'alreadyEnrolled',
    history: [audit(input.actor, 'started', input.now)],
    createdAt: at,
    updatedAt: at,
  };
}

/** Whether the organization is already in CSP: only support details are then needed. */
export function answerAlreadyEnrolled(app: EnrollmentApplication, yes: boolean, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => ok(record(app, actor, now, yes ? 'alreadyEnrolled' : 'newToCsp', { alreadyEnrolled: yes, step: yes ? 'supportOnly' : 'beforeYouBegin' })));
}

/** Leaves Before you begin. */
export function continueFromChecklist(app: EnrollmentApplication, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => ok(record(app, actor, now, 'checklist', { step: 'tenant' })));
}

/**
 * Sign in to Azure AD: records the tenant the applicant's sign-in proved, never a typed one. A
 * user whose token says they are not a global administrator is refused (they ask their global
 * administrator to sign in, or to grant them the role); the country is the tenant's country/region.
 */
export function chooseTenant(app: EnrollmentApplication, input: unknown, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => {
    if (!actor.tenantId) return fail('ENROLLMENT.SIGN_IN_REQUIRED', `${E}.signInRequired`);
    if (actor.globalAdmin === false) return fail('ENROLLMENT.NOT_GLOBAL_ADMIN', `${E}.notGlobalAdmin`);
    const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const country = text(raw.country).toUpperCase();
    if (!country) return invalidFields([{ field: 'country', messageKey: `${V}.required` }]);
    if (!countryOf(country)) return invalidFields([{ field: 'country', messageKey: `${V}.unknownCountry` }]);
    const tenant: TenantChoice = { mode: 'existing', tenantId: actor.tenantId, country, globalAdmin: actor.globalAdmin ? 'verified' : 'unverified' };
    // A changed tenant country invalidates an MPN ID chosen for the old one.
    const keepMpn = app.mpn && app.mpn.country === tenant.country;
    return ok(record(app, actor, now, 'tenant', { tenant, step: keepMpn && app.legal ? 'review' : keepMpn ? 'legal' : 'mpnSignIn', ...(keepMpn ? {} : { mpn: undefined }) }));
  });
}

/** Records the Partner Membership Center user name whose profiles are offered next. */
export function setPartnerCenterSignIn(app: EnrollmentApplication, userName: string, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => {
    const name = userName.trim();
    if (!name) return invalidFields([{ field: 'userName', messageKey: `${V}.required` }]);
    if (name.length > 256) return invalidFields([{ field: 'userName', messageKey: `${V}.tooLong`, params: { max: 256 } }]);
    if (name.includes('@') && !isEmailAddress(name)) return invalidFields([{ field: 'userName', messageKey: `${V}.email` }]);
    return ok(record(app, actor, now, 'signIn', { partnerCenterSignIn: name, step: 'mpnSelect' }));
  });
}

/** The guide's rule: the MPN ID of an active organization profile in the tenant's country/region. */
export function selectMpnProfile(app: EnrollmentApplication, profile: PartnerProfile, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => {
    if (!app.tenant) return fail('ENROLLMENT.TENANT_FIRST', `${E}.tenantFirst`);
    if (!profile.active) return fail('ENROLLMENT.MPN_INACTIVE', `${E}.mpnInactive`, { partnerId: profile.partnerId }, 'partnerId');
    if (profile.country !== app.tenant.country) {
      return fail('ENROLLMENT.MPN_COUNTRY_MISMATCH', `${E}.mpnCountry`, { partnerId: profile.partnerId, profileCountry: profile.country, tenantCountry: app.tenant.country }, 'partnerId');
    }
    return ok(record(app, actor, now, 'mpn', { mpn: profile, step: app.legal ? 'review' : 'legal' }));
  });
}

/**
 * Validates the legal business profile as an Adaptive Card submits it: a flat object with
 * legalName, country, line1, line2, city, region, postalCode, contactFirstName, contactLastName,
 * contactEmail, contactPhone, supportEmail, supportPhone, supportWebsite. Every problem is
 * returned at once, by field.
 */
export function validateLegalProfile(input: unknown, defaultCountry: string): Result<LegalProfile> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const required = (field: string, max: number) => {
    const value = text(raw[field]);
    if (!value) issues.push({ field, messageKey: `${V}.required` });
    else if (value.length > max) issues.push({ field, messageKey: `${V}.tooLong`, params: { max } });
    return value;
  };
  const optional = (field: string, max: number) => {
    const value = text(raw[field]);
    if (value.length > max) issues.push({ field, messageKey: `${V}.tooLong`, params: { max } });
    return value || undefined;
  };
  const legalName = required('legalName', LEGAL_LIMITS.legalName);
  const countryCode = (text(raw.country) || defaultCountry).toUpperCase();
  const country = countryOf(countryCode);
  if (!country) issues.push({ field: 'country', messageKey: `${V}.unknownCountry` });
  const line1 = required('line1', LEGAL_LIMITS.line);
  const line2 = optional('line2', LEGAL_LIMITS.line);
  const city = required('city', LEGAL_LIMITS.city);
  const region = country?.hasRegion ? required('region', LEGAL_LIMITS.region) : optional('region', LEGAL_LIMITS.region);
  const postalCode = normalizePostalCode(text(raw.postalCode), countryCode);
  if (!postalCode) issues.push({ field: 'postalCode', messageKey: `${V}.required` });
  else if (country && !isValidPostalCode(postalCode, countryCode)) {
    issues.push({ field: 'postalCode', messageKey: `${V}.postalCode`, params: { country: countryCode } });
  }
  const firstName = required('contactFirstName', LEGAL_LIMITS.name);
  const lastName = required('contactLastName', LEGAL_LIMITS.name);
  const contactEmail = email(raw.contactEmail, 'contactEmail', issues, true);
  const contactPhone = phone(raw.contactPhone, 'contactPhone', countryCode, issues);
  const support = supportFrom(raw, countryCode, issues);
  if (issues.length || !support) return invalidFields(issues);
  return ok({
    legalName,
    address: { country: countryCode, line1, ...(line2 ? { line2 } : {}), city, ...(region ? { region } : {}), postalCode },
    primaryContact: { firstName, lastName, email: contactEmail, phone: contactPhone },
    support,
  });
}

/** Saves the legal business profile and goes to the review. */
export function setLegalProfile(app: EnrollmentApplication, input: unknown, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => {
    const legal = validateLegalProfile(input, app.tenant?.country ?? '');
    if (!legal.ok) return legal;
    return ok(record(app, actor, now, 'legal', { legal: legal.value, step: 'review' }));
  });
}

/** The already-enrolled path: valid support details create the reseller account at once. */
export function setSupportContact(app: EnrollmentApplication, input: unknown, actor: Actor, now: Date, profile?: PartnerProfile): Result<EnrollmentApplication> {
  return inDraft(app, () => {
    if (!app.alreadyEnrolled) return fail('ENROLLMENT.WRONG_STEP', `${E}.wrongStep`);
    if (!actor.tenantId) return fail('ENROLLMENT.SIGN_IN_REQUIRED', `${E}.signInRequired`);
    const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const issues: FieldIssue[] = [];
    const country = text(raw.country).toUpperCase();
    if (!country) issues.push({ field: 'country', messageKey: `${V}.required` });
    else if (!countryOf(country)) issues.push({ field: 'country', messageKey: `${V}.unknownCountry` });
    const partnerId = text(raw.partnerId);
    // The PartnerID is checked against Partner Center, as for a new enrollment: active, in the tenant's country/region.
    if (!partnerId) issues.push({ field: 'partnerId', messageKey: `${V}.required` });
    else if (!profile || profile.partnerId !== partnerId) issues.push({ field: 'partnerId', messageKey: `${E}.partnerIdUnknown`, params: { partnerId } });
    else if (!profile.active) issues.push({ field: 'partnerId', messageKey: `${E}.mpnInactive`, params: { partnerId } });
    else if (country && profile.country !== country) {
      issues.push({ field: 'partnerId', messageKey: `${E}.mpnCountry`, params: { partnerId, profileCountry: profile.country, tenantCountry: country } });
    }
    const support = supportFrom(raw, country, issues);
    if (issues.length || !support || !profile) return invalidFields(issues);
    const at = now.toISOString();
    const tenant: TenantChoice = { mode: 'existing', tenantId: actor.tenantId, country, globalAdmin: actor.globalAdmin ? 'verified' : 'unverified' };
    // Like any application, it goes to the operator's reviewers; the organization is named from its profile.
    return ok(record(app, actor, now, 'support', { support, tenant, mpn: profile, status: 'underReview', submittedAt: at }));
  });
}

/** The sections that still need an answer before Enroll now. */
export function missingSections(app: EnrollmentApplication): EnrollmentSection[] {
  const missing: EnrollmentSection[] = [];
  if (!app.tenant) missing.push('tenant');
  if (!app.mpn || !app.tenant || app.mpn.country !== app.tenant.country || !app.mpn.active) missing.push('mpn');
  if (!app.legal || !LegalProfile.safeParse(app.legal).success) missing.push('legal');
  return missing;
}

/** Enroll now: every section must be valid. */
export function submit(app: EnrollmentApplication, actor: Actor, now: Date): Result<EnrollmentApplication> {
  return inDraft(app, () => {
    const missing = missingSections(app);
    if (missing.length) return fail('ENROLLMENT.INCOMPLETE', `${E}.incomplete`, { sections: missing.join(',') });
    return ok(record(app, actor, now, 'submitted', { status: 'submitted', submittedAt: now.toISOString() }));
  });
}

/** Goes back to a section from the review, keeping every answer. */
export function editSection(app: EnrollmentApplication, section: EnrollmentSection, actor: Actor, now: Date): Result<EnrollmentApplication> {
  const step: EnrollmentStep = section === 'tenant' ? 'tenant' : section === 'mpn' ? 'mpnSignIn' : 'legal';
  return inDraft(app, () => ok(record(app, actor, now, 'edited', { step }, section)));
}

/**
 * The key that hashes verification codes and link tokens: an HMAC of the signing key under its own
 * label, so that the signing key itself never serves a second purpose.
 */
export function verificationKey(signingKey: string | Uint8Array): Buffer {
  return createHmac('sha256', signingKey).update('verification-codes', 'utf8').digest();
}

/**
 * A one-time secret as stored: HMAC-SHA256 under `key`, in hex. Without the key, a copy of the
 * record does not give away a 6-digit code (an unkeyed hash of one falls to a million guesses).
 * Records from before stored an unkeyed SHA-256, also in hex: such a pending code never matches,
 * so it counts as a wrong try, and the contact asks for a new one.
 */
export function hashSecret(secret: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/** Stores a new code and link for the primary contact; earlier ones stop working. */
export function issueVerification(app: EnrollmentApplication, secrets: { codeHash: string; tokenHash: string }, now: Date): EnrollmentApplication {
  const at = now.toISOString();
  return {
    ...app,
    verification: { ...secrets, issuedAt: at, expiresAt: new Date(now.getTime() + VERIFICATION_TTL_MS).toISOString(), failedAttempts: 0 },
    history: [...app.history, audit({ userId: app.applicantId, name: app.applicantName, tenantId: applicantTenant(app) }, 'verificationSent', now)],
    updatedAt: at,
  };
}

/** The outcome of a verification attempt; `app` carries the updated counters even on failure. */
export interface VerificationOutcome {
  readonly app: EnrollmentApplication;
  readonly outcome: 'verified' | 'wrong' | 'expired' | 'used' | 'locked' | 'notPending';
  readonly remainingAttempts?: number;
  readonly lockedUntil?: string;
}

/** Checks a typed code or a link token (hashed under `key`, see hashSecret): single use, 24 h, 5 wrong tries lock for 15 minutes. */
export function verifyContact(app: EnrollmentApplication, secret: { code?: string; token?: string }, actor: Actor | null, now: Date, key: Uint8Array): VerificationOutcome {
  const v = app.verification;
  if (!v) return { app, outcome: 'notPending' };
  if (v.usedAt) return { app, outcome: 'used' };
  if (app.status !== 'submitted') return { app, outcome: 'notPending' };
  if (v.lockedUntil && now.getTime() < Date.parse(v.lockedUntil)) return { app, outcome: 'locked', lockedUntil: v.lockedUntil };
  if (now.getTime() >= Date.parse(v.expiresAt)) return { app, outcome: 'expired' };
  // After a lock has passed, the count starts again.
  const attempts = v.lockedUntil ? 0 : v.failedAttempts;
  const given = secret.code !== undefined ? secret.code.trim() : (secret.token ?? '');
  const expected = secret.code !== undefined ? v.codeHash : v.tokenHash;
  if (given && sameHash(hashSecret(given, key), expected)) {
    const at = now.toISOString();
    // By link the primary contact proves only the mailbox, on behalf of the applying organization.
    const who = actor ?? { userId: 'primary-contact', name: app.legal?.primaryContact.email ?? 'primary contact', tenantId: applicantTenant(app) };
    return {
      app: record({ ...app, verification: { ...v, usedAt: at, failedAttempts: attempts, lockedUntil: undefined } }, who, now, 'verified', { status: 'contactVerified' }),
      outcome: 'verified',
    };
  }
  const failed = attempts + 1;
  if (failed >= MAX_ATTEMPTS) {
    const lockedUntil = new Date(now.getTime() + LOCK_MS).toISOString();
    return { app: { ...app, verification: { ...v, failedAttempts: failed, lockedUntil }, updatedAt: now.toISOString() }, outcome: 'locked', lockedUntil };
  }
  return {
    app: { ...app, verification: { ...v, failedAttempts: failed, lockedUntil: undefined }, updatedAt: now.toISOString() },
    outcome: 'wrong',
    remainingAttempts: MAX_ATTEMPTS - failed,
  };
}

/** Once the contact is verified, the review starts. */
export function startReview(app: EnrollmentApplication, now: Date): Result<EnrollmentApplication> {
  if (app.status !== 'contactVerified') return fail('ENROLLMENT.WRONG_STATUS', `${E}.wrongStatus`);
  return ok(record(app, SYSTEM_ACTOR, now, 'review', { status: 'underReview' }));
}

/** Since when an application has waited for its reviewers, or undefined when it is not under review. */
export function underReviewSince(app: EnrollmentApplication): string | undefined {
  if (app.status !== 'underReview') return undefined;
  const started = [...app.history].reverse().find((e) => e.what === 'review' || e.what === 'support');
  return started?.at ?? app.updatedAt;
}

/** Since when an application has waited for its primary contact's verification, or undefined when it does not. */
export function awaitingVerificationSince(app: EnrollmentApplication): string | undefined {
  return app.status === 'submitted' ? (app.submittedAt ?? app.updatedAt) : undefined;
}

/** A reviewer's decision; only the first one counts. */
export function decide(
  app: EnrollmentApplication,
  input: { outcome: 'approved' | 'rejected'; reason?: string },
  reviewer: Actor,
  now: Date,
): Result<EnrollmentApplication> {
  if (app.decision) return fail('ENROLLMENT.ALREADY_DECIDED', `${E}.alreadyDecided`, { by: app.decision.byName, at: app.decision.at });
  if (app.status !== 'underReview') return fail('ENROLLMENT.NOT_UNDER_REVIEW', `${E}.notUnderReview`);
  const reason = input.reason?.trim();
  if (input.outcome === 'rejected' && !reason) return fail('ENROLLMENT.REASON_REQUIRED', `${E}.reasonRequired`, undefined, 'reason');
  if (reason && reason.length > 500) return fail('ENROLLMENT.REASON_TOO_LONG', `${E}.reasonTooLong`, { max: 500 }, 'reason');
  const at = now.toISOString();
  return ok(
    record(app, reviewer, now, input.outcome, {
      status: input.outcome,
      decision: { outcome: input.outcome, by: reviewer.userId, byName: displayName(reviewer.name), at, ...(reason ? { reason } : {}) },
    }, reason),
  );
}

/** A rejected application goes back to draft at the review, answers kept. */
export function reopenRejected(app: EnrollmentApplication, actor: Actor, now: Date): Result<EnrollmentApplication> {
  if (app.status !== 'rejected') return fail('ENROLLMENT.NOT_REJECTED', `${E}.notRejected`);
  if (actor.userId !== app.applicantId) return fail('ENROLLMENT.NOT_APPLICANT', `${E}.notApplicant`);
  return ok(record(app, actor, now, 'reopened', { status: 'draft', step: 'review', decision: undefined, verification: undefined, submittedAt: undefined }));
}

/** The tenant the applicant applies for: the one their sign-in proved, else the one they came with. */
function applicantTenant(app: EnrollmentApplication): string | undefined {
  return app.tenant?.tenantId ?? app.tenantIdHint;
}

/** The history for the status card, oldest first. */
export function timeline(app: EnrollmentApplication): readonly AuditEntry[] {
  return [...app.history].sort((a, b) => a.at.localeCompare(b.at));
}

function inDraft(app: EnrollmentApplication, change: () => Result<EnrollmentApplication>): Result<EnrollmentApplication> {
  if (app.status !== 'draft') return fail('ENROLLMENT.NOT_DRAFT', `${E}.notDraft`);
  return change();
}

function record(
  app: EnrollmentApplication,
  actor: Pick<Actor, 'userId' | 'name' | 'tenantId'>,
  now: Date,
  what: string,
  changes: Partial<{ -readonly [K in keyof EnrollmentApplication]: EnrollmentApplication[K] | undefined }>,
  detail?: string,
): EnrollmentApplication {
  const next = { ...app, ...changes, history: [...app.history, audit(actor, what, now, detail)], updatedAt: now.toISOString() };
  for (const key of Object.keys(next) as (keyof typeof next)[]) if (next[key] === undefined) delete next[key];
  return next;
}

function supportFrom(raw: Record<string, unknown>, countryCode: string, issues: FieldIssue[]): SupportContact | undefined {
  const before = issues.length;
  const supportEmail = email(raw.supportEmail, 'supportEmail', issues, false);
  const supportPhone = phone(raw.supportPhone, 'supportPhone', countryCode, issues);
  const website = text(raw.supportWebsite);
  if (website && !/^https?:\/\/[^\s/$.?#][^\s]*\.[^\s]{2,}$/i.test(website)) issues.push({ field: 'supportWebsite', messageKey: `${V}.website` });
  if (website.length > LEGAL_LIMITS.website) issues.push({ field: 'supportWebsite', messageKey: `${V}.tooLong`, params: { max: LEGAL_LIMITS.website } });
  if (issues.length > before) return undefined;
  return { email: supportEmail, phone: supportPhone, ...(website ? { website } : {}) };
}

function email(value: unknown, field: string, issues: FieldIssue[], refuseWebmail: boolean): string {
  const v = text(value).toLowerCase();
  if (!v) issues.push({ field, messageKey: `${V}.required` });
  else if (!isEmailAddress(v)) issues.push({ field, messageKey: `${V}.email` });
  else if (refuseWebmail && isWebmailAddress(v)) issues.push({ field, messageKey: `${V}.webmail`, params: { domain: v.split('@')[1] } });
  return v;
}

function phone(value: unknown, field: string, countryCode: string, issues: FieldIssue[]): string {
  const v = text(value);
  if (!v) {
    issues.push({ field, messageKey: `${V}.required` });
    return '';
  }
  const normalized = normalizePhone(v, countryCode);
  if (!normalized) issues.push({ field, messageKey: `${V}.phone` });
  return normalized ?? v;
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
