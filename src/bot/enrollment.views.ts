import type { Actor, AuditEntry } from '../domain/actor.js';
import { COUNTRIES, countryName } from '../domain/enrollment/countries.js';
import type { EnrollmentApplication, PartnerProfile } from '../domain/enrollment/enrollment.js';
import { hasRole, type Organization, type Role } from '../domain/organization/organization.js';
import type { DomainError } from '../domain/result.js';
import type { Locale, Translate } from '../i18n/catalog.js';
import type { ActionData } from './feature.js';
import { errorLines as formErrors, formatInstant, text, type ErrorLine } from './presenting.js';
import type { RoleProof } from './teams-sign-in.js';

/** The fields of the legal profile card, in the order the card shows them. */
export const LEGAL_FIELDS = [
  'legalName', 'country', 'line1', 'line2', 'city', 'region', 'postalCode',
  'contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone',
  'supportEmail', 'supportPhone', 'supportWebsite',
] as const;

/** The fields of the support contact card. */
export const SUPPORT_FIELDS = ['supportEmail', 'supportPhone', 'supportWebsite'] as const;

const STATUS_TIMELINE_ENTRIES = 20;

/** The lines of problems of a refused answer, each field named by its label in the user's language. */
export function errorLines(error: DomainError | undefined, t: Translate, locale: Locale): ErrorLine[] {
  return formErrors(error, t, locale, (field) => fieldLabel(field, t));
}

/** The reviewer's card for an application (used for proactive posts, updates and refresh), with the users whose Teams card refreshes. */
export function reviewCard(app: EnrollmentApplication, t: Translate, locale: Locale, refreshUserIds: readonly string[]) {
  const decided = app.decision;
  const legal = app.legal;
  return {
    card: 'enrollment-review-request',
    view: {
      applicationId: app.id,
      intro: t('enrollmentUi.review.intro', { applicant: app.applicantName, company: legal?.legalName ?? app.mpn?.organizationName ?? '' }),
      facts: [
        fact(t('enrollmentUi.review.tenant'), tenantText(app, t, locale)),
        fact(t('enrollmentUi.review.mpn'), app.mpn ? t('enrollmentUi.summary.mpnValue', mpnParams(app.mpn, locale)) : '—'),
        fact(t('enrollmentUi.review.address'), legal ? addressText(legal.address, locale) : '—'),
        fact(
          t('enrollmentUi.review.contact'),
          legal ? `${legal.primaryContact.firstName} ${legal.primaryContact.lastName}, ${legal.primaryContact.email}, ${legal.primaryContact.phone}` : '—',
        ),
        fact(t('enrollmentUi.review.support'), (() => {
          const support = legal?.support ?? app.support;
          return support ? [support.email, support.phone, support.website].filter(Boolean).join(', ') : '—';
        })()),
        fact(t('enrollmentUi.review.submitted'), app.submittedAt ? formatInstant(app.submittedAt, locale) : '—'),
      ],
      open: !decided,
      decided: !!decided,
      decidedText: decided
        ? t('enrollmentUi.review.decided', {
            outcome: t(`enrollmentUi.statuses.${decided.outcome}`),
            by: decided.byName,
            at: formatInstant(decided.at, locale),
          })
        : '',
      reasonText: decided?.reason ? t('enrollmentUi.review.decidedReason', { reason: decided.reason }) : '',
      hasReason: !!decided?.reason,
      reviewerIds: [...refreshUserIds],
    },
  };
}

/** The view of cards/enrollment-status.json for the applicant: where the application stands and its latest steps. */
export function statusView(app: EnrollmentApplication, t: Translate, locale: Locale, org?: Organization) {
  // The latest steps only: an application edited many times would outgrow Teams' 28 KB card limit.
  const timeline = app.history.slice(-STATUS_TIMELINE_ENTRIES).map((entry) => ({ text: timelineLine(entry, t, locale) }));
  const approved = app.status === 'approved';
  const adminAgent = approved && org ? hasRole(org, app.applicantId, 'adminAgent') : false;
  return {
    status: t('enrollmentUi.status.current', { status: t(`enrollmentUi.statuses.${app.status}`) }),
    company: app.legal?.legalName ?? app.mpn?.organizationName ?? '',
    hasCompany: !!(app.legal?.legalName ?? app.mpn?.organizationName),
    timeline,
    rejected: app.status === 'rejected',
    reasonText: app.decision?.reason ? t('enrollmentUi.status.rejectedReason', { reason: app.decision.reason }) : '',
    approved,
    roleText: approved ? t(adminAgent ? 'enrollmentUi.status.adminAgentYes' : 'enrollmentUi.status.adminAgentNo', { admins: adminNames(org) }) : '',
    inProgress: app.status === 'draft',
    awaitingCode: app.status === 'submitted',
  };
}

/** The view of cards/enrollment-status.json for a colleague of an enrolled organization, who has no application of their own. */
export function memberStatusView(org: Organization, userId: string, t: Translate) {
  const adminAgent = hasRole(org, userId, 'adminAgent');
  return {
    status: t('enrollmentUi.status.current', { status: t('enrollmentUi.statuses.approved') }),
    company: org.name,
    hasCompany: true,
    timeline: [],
    rejected: false,
    reasonText: '',
    approved: true,
    roleText: t(adminAgent ? 'enrollmentUi.status.adminAgentYes' : 'enrollmentUi.status.adminAgentNo', { admins: adminNames(org) }),
    inProgress: false,
    awaitingCode: false,
  };
}

/** The view of cards/enrollment-users.json: the organization's members with a toggle per role. */
export function usersView(org: Organization, t: Translate, notice: string, errors: ErrorLine[]) {
  // Only Admin agents get here (the access table), so every row can be edited.
  const canEdit = true;
  return {
    intro: t('enrollmentUi.users.intro', { organization: org.name }),
    notice,
    hasNotice: notice !== '',
    errors,
    readOnly: !canEdit,
    readOnlyText: canEdit ? '' : t('enrollmentUi.users.notAdmin'),
    members: org.members.map((m, index) => ({
      index: String(index),
      userId: m.userId,
      name: m.name,
      rolesLabel: t('enrollmentUi.users.rolesOf', { name: m.name }),
      roles: m.roles.map((r) => roleName(r, t)).join(', ') || '—',
      adminAgent: m.roles.includes('adminAgent') ? 'true' : 'false',
      salesAgent: m.roles.includes('salesAgent') ? 'true' : 'false',
      adminAgentTitle: t('enrollmentUi.users.adminAgent'),
      salesAgentTitle: t('enrollmentUi.users.salesAgent'),
      updateTitle: `${t('enrollmentUi.buttons.update')}: ${m.name}`,
      canEdit,
    })),
  };
}

/** The view of cards/enrollment-verify.json: where the code was sent, and the problem with the last one typed. */
export function verifyView(app: EnrollmentApplication | undefined, t: Translate, problem?: string) {
  return {
    intro: t('enrollmentUi.verify.intro', { email: app?.legal?.primaryContact.email ?? '' }),
    errors: problem ? [{ text: problem }] : [],
  };
}

/** The countries of the country pickers, sorted by their name in the user's language. */
export function countryChoices(locale: Locale): { title: string; value: string }[] {
  return COUNTRIES.map((c) => ({ title: countryName(c.code, locale), value: c.code })).sort((a, b) => a.title.localeCompare(b.title, locale));
}

/** The view of cards/enrollment-support-contact.json, filled with what was typed or else what is saved. */
export function supportContactView(app: EnrollmentApplication, typed: ActionData, t: Translate, locale: Locale, errors: ErrorLine[]) {
  return {
    errors,
    countries: countryChoices(locale),
    values: { ...values(SUPPORT_FIELDS, typed, supportValues(app)), partnerId: text(typed.partnerId) || app.mpn?.partnerId || '', country: text(typed.country) || app.tenant?.country || '' },
    labels: labels(SUPPORT_FIELDS, t),
  };
}

/** What the tenant step knows about the caller: their identity (with any role their token proved), the proof, and where they can sign in. */
export interface TenantStepInput {
  readonly actor: Actor | undefined;
  readonly proof: RoleProof | undefined;
  /** Where to sign in, or '' when the caller is signed in or no sign-in page is offered. */
  readonly signInUrl: string;
}

/** The view of cards/enrollment-tenant.json: who is signed in, what their role is, and whether they may continue. */
export function tenantView(app: EnrollmentApplication, input: TenantStepInput, typed: ActionData, t: Translate, locale: Locale, errors: ErrorLine[]) {
  const { actor, proof, signInUrl } = input;
  const signedIn = !!actor?.tenantId;
  const signInNeeded = proof?.state === 'signInNeeded';
  const role = roleView(actor, proof, t);
  return {
    errors,
    countries: countryChoices(locale),
    signedIn,
    signedOut: !signedIn,
    canContinue: signedIn && actor?.globalAdmin !== false && !signInNeeded,
    signedInText: signedIn ? t('enrollmentUi.tenant.signedIn', { name: actor.name, tenantId: actor.tenantId }) : '',
    globalAdminText: role.text,
    globalAdminColor: role.color,
    signInText: signInUrl ? t('enrollmentUi.tenant.signInFirst') : t('enrollmentUi.tenant.signInNotAvailable'),
    hasSignInUrl: signInUrl !== '',
    signInUrl: signInUrl || 'https://invalid.example/',
    values: { country: text(typed.country) || app.tenant?.country || '' },
  };
}

/** The view of cards/enrollment-mpn-sign-in.json. */
export function mpnSignInView(app: EnrollmentApplication, typed: ActionData, errors: ErrorLine[]) {
  return { errors, values: { userName: text(typed.userName) || app.partnerCenterSignIn || '' } };
}

/** The view of cards/enrollment-mpn-select.json: the Partner Center profiles the applicant may choose from. */
export function mpnSelectView(app: EnrollmentApplication, profiles: readonly PartnerProfile[], typed: ActionData, t: Translate, locale: Locale, errors: ErrorLine[], typeIn = false) {
  const country = app.tenant ? countryName(app.tenant.country, locale) : '';
  // With the Partner Center API nothing lists a sign-in's profiles: the PartnerID is typed and checked.
  const typing = typeIn && profiles.length === 0;
  return {
    errors,
    rule: t('enrollmentUi.mpnSelect.rule', { country }),
    hasProfiles: profiles.length > 0,
    noProfiles: profiles.length === 0 && !typing,
    typeIn: typing,
    noneText: t('enrollmentUi.mpnSelect.none', { userName: app.partnerCenterSignIn ?? '' }),
    profiles: profiles.map((p) => ({ title: profileChoice(p, t, locale), value: p.partnerId })),
    selected: text(typed.partnerId) || app.mpn?.partnerId || '',
  };
}

/** The view of cards/enrollment-legal.json, filled with what was typed or else what is saved. */
export function legalView(app: EnrollmentApplication, typed: ActionData, t: Translate, locale: Locale, errors: ErrorLine[]) {
  return {
    errors,
    countries: countryChoices(locale),
    labels: labels(LEGAL_FIELDS, t),
    values: values(LEGAL_FIELDS, typed, legalValues(app)),
  };
}

/** The view of cards/enrollment-summary.json: each section of the application with an edit button. */
export function summaryView(app: EnrollmentApplication, t: Translate, locale: Locale, errors: ErrorLine[]) {
  return { errors, sections: summarySections(app, t, locale) };
}

/** What the tenant card says about the Global Administrator role, and in which colour. */
function roleView(actor: Actor | undefined, proof: RoleProof | undefined, t: Translate): { text: string; color: string } {
  if (proof?.state === 'signInNeeded') return { text: t('enrollmentUi.tenant.signInForRole'), color: 'Warning' };
  if (proof?.state === 'refused') {
    return { text: t('enrollmentUi.tenant.roleNotChecked', { reason: t(`enrollmentUi.tenant.tokenReasons.${proof.problem}`) }), color: 'Warning' };
  }
  if (actor?.globalAdmin === true) return { text: t('enrollmentUi.tenant.globalAdminVerified'), color: 'Good' };
  if (actor?.globalAdmin === false) return { text: t('enrollmentUi.tenant.notGlobalAdmin'), color: 'Attention' };
  return { text: t('enrollmentUi.tenant.globalAdminUnverified'), color: 'Warning' };
}

/** The names of an organization's Admin agents, for telling a colleague whom to ask. */
function adminNames(org: Organization | undefined): string {
  return (org?.members ?? []).filter((m) => m.roles.includes('adminAgent')).map((m) => m.name).join(', ') || '—';
}

function fieldLabel(field: string, t: Translate): string {
  try {
    return t(`enrollment.fields.${field}`);
  } catch {
    // A field without a label of its own (such as a nested path) is named as the domain gave it.
    return field;
  }
}

function labels<K extends string>(fields: readonly K[], t: Translate): Record<K, string> {
  return Object.fromEntries(fields.map((f) => [f, fieldLabel(f, t)])) as Record<K, string>;
}

function values<K extends string>(fields: readonly K[], typed: ActionData, saved: Partial<Record<K, string>>): Record<K, string> {
  return Object.fromEntries(fields.map((f) => [f, typeof typed[f] === 'string' ? (typed[f]) : (saved[f] ?? '')])) as Record<K, string>;
}

function supportValues(app: EnrollmentApplication): Partial<Record<(typeof SUPPORT_FIELDS)[number], string>> {
  const s = app.support ?? app.legal?.support;
  return s ? { supportEmail: s.email, supportPhone: s.phone, supportWebsite: s.website ?? '' } : {};
}

function legalValues(app: EnrollmentApplication): Partial<Record<(typeof LEGAL_FIELDS)[number], string>> {
  const l = app.legal;
  if (!l) return { country: app.tenant?.country ?? '' };
  return {
    legalName: l.legalName,
    country: l.address.country,
    line1: l.address.line1,
    line2: l.address.line2 ?? '',
    city: l.address.city,
    region: l.address.region ?? '',
    postalCode: l.address.postalCode,
    contactFirstName: l.primaryContact.firstName,
    contactLastName: l.primaryContact.lastName,
    contactEmail: l.primaryContact.email,
    contactPhone: l.primaryContact.phone,
    supportEmail: l.support.email,
    supportPhone: l.support.phone,
    supportWebsite: l.support.website ?? '',
  };
}

function summarySections(app: EnrollmentApplication, t: Translate, locale: Locale) {
  const missing = t('enrollmentUi.summary.missing');
  const l = app.legal;
  return [
    { section: 'tenant', header: t('enrollmentUi.summary.tenantHeader'), facts: [fact('', app.tenant ? tenantText(app, t, locale) : missing)] },
    { section: 'mpn', header: t('enrollmentUi.summary.mpnHeader'), facts: [fact('', app.mpn ? t('enrollmentUi.summary.mpnValue', mpnParams(app.mpn, locale)) : missing)] },
    {
      section: 'legal',
      header: t('enrollmentUi.summary.legalHeader'),
      facts: l
        ? [
            fact(t('enrollment.fields.legalName'), l.legalName),
            fact(t('enrollmentUi.review.address'), addressText(l.address, locale)),
            fact(t('enrollmentUi.review.contact'), `${l.primaryContact.firstName} ${l.primaryContact.lastName}, ${l.primaryContact.email}, ${l.primaryContact.phone}`),
            fact(t('enrollmentUi.review.support'), [l.support.email, l.support.phone, l.support.website].filter(Boolean).join(', ')),
          ]
        : [fact('', missing)],
    },
  ].map((s) => ({ ...s, editTitle: `${t('enrollmentUi.buttons.edit')}: ${s.header}` }));
}

function tenantText(app: EnrollmentApplication, t: Translate, locale: Locale): string {
  if (!app.tenant) return '—';
  const country = countryName(app.tenant.country, locale);
  return t(app.tenant.globalAdmin === 'verified' ? 'enrollmentUi.summary.existingTenant' : 'enrollmentUi.summary.existingTenantUnverified', {
    tenantId: app.tenant.tenantId,
    country,
  });
}

function mpnParams(p: PartnerProfile, locale: Locale) {
  return { name: p.organizationName, partnerId: p.partnerId, country: countryName(p.country, locale) };
}

function profileChoice(p: PartnerProfile, t: Translate, locale: Locale): string {
  return t('enrollmentUi.mpnSelect.profileChoice', { ...mpnParams(p, locale), inactive: p.active ? '' : t('enrollmentUi.mpnSelect.inactiveMark') });
}

function addressText(a: { line1: string; line2?: string; city: string; region?: string; postalCode: string; country: string }, locale: Locale): string {
  return [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, countryName(a.country, locale)].filter(Boolean).join(', ');
}

function fact(title: string, value: string) {
  return { title, value };
}

function roleName(role: Role, t: Translate): string {
  return role === 'adminAgent' ? t('enrollmentUi.users.adminAgent') : role === 'salesAgent' ? t('enrollmentUi.users.salesAgent') : role;
}

function timelineLine(entry: AuditEntry, t: Translate, locale: Locale): string {
  let what: string;
  try {
    what = t(`enrollmentUi.events.${entry.what}`);
  } catch {
    // Audit entries written by a newer version may name events this catalog does not know yet.
    what = t('enrollmentUi.events.other');
  }
  return t('enrollmentUi.timelineEntry', { at: formatInstant(entry.at, locale), what, by: entry.byName });
}
