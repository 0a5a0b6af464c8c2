import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import {
  answerAlreadyEnrolled,
  chooseTenant,
  continueFromChecklist,
  decide,
  editSection,
  hashSecret,
  issueVerification,
  reopenRejected,
  selectMpnProfile,
  setLegalProfile,
  setPartnerCenterSignIn,
  setSupportContact,
  startEnrollment,
  startReview,
  submit,
  verifyContact,
  type EnrollmentApplication,
  type EnrollmentSection,
  type PartnerProfile,
} from '../domain/enrollment/enrollment.js';
import { createResellerFromEnrollment, setRoles, type Organization, type Role } from '../domain/organization/organization.js';
import type { AccessService } from './access.service.js';
import { fail, invalidFields, ok, type Result } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { BackgroundTasks } from './background.js';
import type { Delivery, Notifier } from './notifier.port.js';
import { primaryContactOf } from '../domain/organization/organization.js';
import type { StatusMail } from './status-mail.js';
import type { Outbox } from './outbox.port.js';
import type { PartnerCenter, PartnerIdCheck } from './partner-center.port.js';
import { mutate, type Clock, type RecordStore } from './ports.js';
import type { ApplicationStore } from './indexes.js';

/** Which application a user is working on. */
export interface ApplicantIndex {
  readonly applicationId: string;
}

/** Where the reviewers' copies of an application's card were posted. */
export interface ReviewCards {
  readonly deliveries: readonly Delivery[];
}

/** What the enrollment use cases need. */
export interface EnrollmentDeps {
  readonly applications: ApplicationStore;
  readonly applicants: RecordStore<ApplicantIndex>;
  readonly organizations: RecordStore<Organization>;
  readonly reviewCards: RecordStore<ReviewCards>;
  readonly partnerCenter: PartnerCenter;
  readonly outbox: Outbox;
  /** Status updates by e-mail to the primary contact. */
  readonly statusMail: StatusMail;
  readonly notifier: Notifier;
  readonly tasks: BackgroundTasks;
  readonly clock: Clock;
  readonly reviewerIds: readonly string[];
  readonly publicBaseUrl: string;
  /** Keys the stored hashes of verification codes and link tokens (see verificationKey in the domain). */
  readonly verificationKey: Uint8Array;
  /** The access table applied to callers. */
  readonly access: AccessService;
}

/** What a verification attempt did, with the application as it now stands when there is one. */
export interface VerifyResult {
  readonly outcome: 'verified' | 'wrong' | 'expired' | 'used' | 'locked' | 'notPending';
  readonly app?: EnrollmentApplication;
  readonly remainingAttempts?: number;
  readonly lockedUntil?: string;
}

/** Notification kinds the enrollment journey sends. */
export const ENROLLMENT_NOTICES = {
  status: 'enrollment.status',
  reviewRequest: 'enrollment.reviewRequest',
} as const;

/** The id of the organization an application creates: the tenant id its applicant's sign-in proved. */
export function organizationIdOf(app: EnrollmentApplication): string | undefined {
  return app.tenant?.tenantId;
}

/**
 * The enrollment journey's use cases: load the application, apply a domain transition,
 * save it with compare-and-set, and tell the people concerned.
 */
export class EnrollmentService {
  constructor(private readonly deps: EnrollmentDeps) {}

  /** The user's current application, if any. */
  async current(actor: Actor): Promise<EnrollmentApplication | undefined> {
    const index = await this.deps.applicants.get(actor.userId);
    return index ? (await this.deps.applications.get(index.value.applicationId))?.value : undefined;
  }

  /** Starts an application, or resumes the one the user already has. */
  async start(actor: Actor): Promise<Result<EnrollmentApplication>> {
    const existing = await this.current(actor);
    if (existing) return ok(existing);
    if (actor.tenantId && (await this.approvedOrganization(actor.tenantId))) {
      return fail('ENROLLMENT.TENANT_ALREADY_ENROLLED', 'enrollmentUi.errors.tenantEnrolled');
    }
    const id = randomUUID();
    const now = this.deps.clock.now();
    const created = await mutate(this.deps.applications, id, (current) =>
      current ? fail('ENROLLMENT.EXISTS', 'enrollmentUi.errors.exists') : ok(startEnrollment({ id, actor, now, tenantIdHint: actor.tenantId })),
    );
    if (!created.ok) return created;
    const claimed = await mutate(this.deps.applicants, actor.userId, (current) =>
      current ? fail('ENROLLMENT.EXISTS', 'enrollmentUi.errors.exists') : ok({ applicationId: id }),
    );
    if (!claimed.ok) {
      // A second click started another application at the same time: keep the first.
      await this.deps.applications.delete(id, created.value.version);
      const winner = await this.current(actor);
      return winner ? ok(winner) : claimed;
    }
    return ok(created.value.value);
  }

  /** Whether the organization is already enrolled in CSP. */
  answerAlreadyEnrolled(actor: Actor, yes: boolean) {
    return this.change(actor, (app, now) => answerAlreadyEnrolled(app, yes, actor, now));
  }

  /**
   * The already-enrolled path: the PartnerID (checked with Partner Center) and the customer support
   * details; the application then goes to the operator's reviewers like any other.
   */
  async setSupportContact(actor: Actor, input: unknown, locale?: Locale): Promise<Result<EnrollmentApplication>> {
    if (actor.tenantId && (await this.approvedOrganization(actor.tenantId))) {
      return fail('ENROLLMENT.TENANT_ALREADY_ENROLLED', 'enrollmentUi.errors.tenantEnrolled');
    }
    const partnerId = (input as { partnerId?: unknown })?.partnerId;
    const checked = typeof partnerId === 'string' && /^\d{1,12}$/.test(partnerId.trim()) ? await this.deps.partnerCenter.checkPartnerId(partnerId.trim()) : undefined;
    // Partner Center out of reach: nothing is saved, the card keeps what was typed.
    if (checked?.kind === 'unavailable') return fail('PARTNER_CENTER.UNAVAILABLE', 'partnerCenter.unavailable');
    if (checked?.kind === 'ok' && !checked.value.location) {
      return invalidFields([{ field: 'partnerId', messageKey: 'partnerCenter.notLocation', params: { partnerId: checked.value.partnerId } }]);
    }
    const profile = checked?.kind === 'ok' ? partnerProfile(checked.value) : undefined;
    const saved = await this.change(actor, (app, now) => {
      const set = setSupportContact(app, input, actor, now, profile);
      return set.ok && locale ? ok({ ...set.value, contactLocale: locale }) : set;
    });
    if (saved.ok && saved.value.status === 'underReview') {
      const app = saved.value;
      this.deps.tasks.run('enrollment review request', () => this.requestReview(app));
      this.deps.tasks.run('enrollment under review mail', () => this.mailStatus(app, 'underReview'));
    }
    return saved;
  }

  /** Leaves the Before you begin checklist. */
  continueFromChecklist(actor: Actor) {
    return this.change(actor, (app, now) => continueFromChecklist(app, actor, now));
  }

  /** Sign in to Azure AD: records the tenant the caller's sign-in proved; refuses a tenant that is already enrolled. */
  async chooseTenant(actor: Actor, input: unknown): Promise<Result<EnrollmentApplication>> {
    if (actor.tenantId && (await this.approvedOrganization(actor.tenantId))) {
      return fail('ENROLLMENT.TENANT_ALREADY_ENROLLED', 'enrollmentUi.errors.tenantEnrolled');
    }
    return this.change(actor, (app, now) => chooseTenant(app, input, actor, now));
  }

  /** Records the Partner Membership Center sign-in and returns the profiles it can use. */
  async setPartnerCenterSignIn(actor: Actor, userName: string): Promise<Result<{ app: EnrollmentApplication; profiles: PartnerProfile[] }>> {
    const saved = await this.change(actor, (app, now) => setPartnerCenterSignIn(app, userName, actor, now));
    if (!saved.ok) return saved;
    return ok({ app: saved.value, profiles: await this.deps.partnerCenter.profilesForSignIn(userName) });
  }

  /** The profiles the application's sign-in can use, read again from Partner Center. */
  async profiles(app: EnrollmentApplication): Promise<PartnerProfile[]> {
    return app.partnerCenterSignIn ? this.deps.partnerCenter.profilesForSignIn(app.partnerCenterSignIn) : [];
  }

  /** Whether the PartnerID is typed and checked with Partner Center (the API lists no profiles for a sign-in). */
  get partnerIdTypedIn(): boolean {
    return this.deps.partnerCenter.kind === 'api';
  }

  /** Selects a profile by PartnerID; the profile comes from Partner Center, never from the card. */
  async selectMpnProfile(actor: Actor, partnerId: string): Promise<Result<EnrollmentApplication>> {
    const app = await this.current(actor);
    if (!app) return fail('ENROLLMENT.NONE', 'enrollmentUi.errors.none');
    let profile = (await this.profiles(app)).find((p) => p.partnerId === partnerId.trim());
    if (!profile && this.partnerIdTypedIn && /^\d{1,12}$/.test(partnerId.trim())) {
      const checked = await this.deps.partnerCenter.checkPartnerId(partnerId.trim());
      if (checked.kind === 'unavailable') return fail('PARTNER_CENTER.UNAVAILABLE', 'partnerCenter.unavailable');
      if (checked.kind === 'ok' && !checked.value.location) {
        return invalidFields([{ field: 'partnerId', messageKey: 'partnerCenter.notLocation', params: { partnerId: checked.value.partnerId } }]);
      }
      if (checked.kind === 'ok') profile = partnerProfile(checked.value);
    }
    if (!profile) return fail('ENROLLMENT.MPN_UNKNOWN', 'enrollmentUi.errors.mpnUnknown', undefined, 'partnerId');
    return this.change(actor, (current, now) => selectMpnProfile(current, profile, actor, now));
  }

  /** The "Cancel" of the profile list: sign in again with another Partner Membership Center account. */
  signInAgain(actor: Actor) {
    return this.change(actor, (app, now) => editSection(app, 'mpn', actor, now));
  }

  /** Saves the legal business profile, primary contact and support details. */
  setLegalProfile(actor: Actor, input: unknown) {
    return this.change(actor, (app, now) => setLegalProfile(app, input, actor, now));
  }

  /** Goes back to a section from the review, keeping the answers. */
  edit(actor: Actor, section: EnrollmentSection) {
    return this.change(actor, (app, now) => editSection(app, section, actor, now));
  }

  /** Enroll now: submits and e-mails the primary contact a code and a link. */
  async enrollNow(actor: Actor, locale: Locale): Promise<Result<EnrollmentApplication>> {
    const code = newCode();
    const token = newToken();
    const submitted = await this.change(actor, (app, now) => {
      const done = submit(app, actor, now);
      return done.ok ? ok({ ...issueVerification(done.value, this.secretHashes(code, token), now), contactLocale: locale }) : done;
    });
    if (submitted.ok) await this.mailVerification(submitted.value, code, token, locale);
    return submitted;
  }

  /** Sends a new code and link; the old ones stop working. */
  async resendVerification(actor: Actor, locale: Locale): Promise<Result<EnrollmentApplication>> {
    const code = newCode();
    const token = newToken();
    const issued = await this.change(actor, (app, now) =>
      app.status === 'submitted'
        ? ok(issueVerification(app, this.secretHashes(code, token), now))
        : fail('ENROLLMENT.NOT_AWAITING_VERIFICATION', 'enrollmentUi.errors.notAwaitingVerification'),
    );
    if (issued.ok) await this.mailVerification(issued.value, code, token, locale);
    return issued;
  }

  /** The primary contact types the code in chat. */
  async verifyCode(actor: Actor, code: string): Promise<VerifyResult> {
    const app = await this.current(actor);
    if (!app) return { outcome: 'notPending' };
    return this.verify(app.id, { code }, actor);
  }

  /** The primary contact follows the link in the e-mail (token = `<applicationId>.<secret>`). */
  async verifyLink(token: string): Promise<VerifyResult> {
    const [applicationId, secret] = token.split('.');
    if (!applicationId || !secret) return { outcome: 'wrong' };
    return this.verify(applicationId, { token: secret }, null);
  }

  /** A reviewer approves or rejects; the first decision wins and every copy of the card shows it. */
  async decide(caller: Actor | undefined, applicationId: string, outcome: 'approved' | 'rejected', reason?: string): Promise<Result<EnrollmentApplication>> {
    const granted = this.deps.access.asOperator('enrollment.review', caller);
    if (!granted.ok) return granted;
    const reviewer = granted.value.actor;
    const before = (await this.deps.applications.get(applicationId))?.value;
    if (!before) return fail('ENROLLMENT.NONE', 'enrollmentUi.errors.none');
    const orgId = organizationIdOf(before);
    if (outcome === 'approved' && before.status === 'underReview' && orgId && (await this.approvedOrganization(orgId))) {
      return fail('ENROLLMENT.TENANT_ALREADY_ENROLLED', 'enrollmentUi.errors.tenantEnrolled');
    }
    const decided = await mutate(this.deps.applications, applicationId, (app) =>
      app ? decide(app, { outcome, reason }, reviewer, this.deps.clock.now()) : fail('ENROLLMENT.NONE', 'enrollmentUi.errors.none'),
    );
    if (!decided.ok) return decided;
    const app = decided.value.value;
    if (outcome === 'approved') await this.createOrganization(app);
    this.deps.tasks.run('enrollment decision notices', async () => {
      await this.refreshReviewCards(app);
      await this.deps.notifier.notify(app.applicantId, { kind: ENROLLMENT_NOTICES.status, data: { applicationId: app.id } });
    });
    this.deps.tasks.run('enrollment decision mail', () => this.mailStatus(app, outcome));
    return ok(app);
  }

  /** A rejected application goes back to draft, answers kept, ready to edit and resubmit. */
  reopen(actor: Actor) {
    return this.change(actor, (app, now) => reopenRejected(app, actor, now));
  }

  /** An application by id, for reviewers' cards. */
  async byId(applicationId: string): Promise<EnrollmentApplication | undefined> {
    return (await this.deps.applications.get(applicationId))?.value;
  }

  /** Whether this user may review applications. */
  isReviewer(actor: Actor | undefined): boolean {
    return this.deps.access.isReviewer(actor);
  }

  /** The user ids of the reviewers, for Universal Actions refresh. */
  get reviewerIds(): readonly string[] {
    return this.deps.reviewerIds;
  }

  /** Applications waiting for a decision, for the operator's reviewers only. */
  async reviewQueue(actor: Actor | undefined, limit = Infinity): Promise<Result<EnrollmentApplication[]>> {
    const granted = this.deps.access.asOperator('enrollment.review', actor);
    return granted.ok ? ok(await this.pendingReviews(limit)) : granted;
  }

  /** Applications waiting for a decision, oldest submission first (through the index); the first `limit` when given. */
  async pendingReviews(limit = Infinity): Promise<EnrollmentApplication[]> {
    const pending: EnrollmentApplication[] = [];
    if (limit < 1) return pending;
    for await (const record of this.deps.applications.listBy('underReview', 'all', Number.isFinite(limit) ? { pageSize: limit } : {})) {
      pending.push(record.value);
      if (pending.length >= limit) break;
    }
    return pending;
  }

  /** The organization of the caller's proven tenant, adding them as a member (no role) on first sight. */
  async organizationOf(actor: Actor | undefined): Promise<Organization | undefined> {
    return this.deps.access.organizationOf(actor);
  }

  /** Account settings > User management: the organization, for its Admin agents only. */
  async usersOf(actor: Actor | undefined): Promise<Result<Organization>> {
    const granted = await this.deps.access.asReseller('organization.users', actor);
    return granted.ok ? ok(granted.value.scope) : granted;
  }

  /** Admin agents grant or remove roles for other users of their organization. */
  async setRoles(actor: Actor | undefined, targetUserId: string, roles: Role[]): Promise<Result<Organization>> {
    const granted = await this.deps.access.asReseller('organization.grantRoles', actor);
    if (!granted.ok) return granted;
    const org = granted.value.scope;
    const saved = await mutate(this.deps.organizations, org.tenantId, (current) =>
      current ? setRoles(current, granted.value.actor, targetUserId, roles, this.deps.clock.now()) : fail('ORG.NONE', 'enrollmentUi.errors.noOrganization'),
    );
    return saved.ok ? ok(saved.value.value) : saved;
  }

  /** Whether the user is an admin agent of their organization. */
  async isAdminAgent(actor: Actor | undefined): Promise<boolean> {
    return (await this.deps.access.asReseller('organization.grantRoles', actor)).ok;
  }

  private secretHashes(code: string, token: string): { codeHash: string; tokenHash: string } {
    return { codeHash: hashSecret(code, this.deps.verificationKey), tokenHash: hashSecret(token, this.deps.verificationKey) };
  }

  private async verify(applicationId: string, secret: { code?: string; token?: string }, actor: Actor | null): Promise<VerifyResult> {
    let outcome: ReturnType<typeof verifyContact> | undefined;
    const saved = await mutate(this.deps.applications, applicationId, (app) => {
      if (!app) return fail('ENROLLMENT.NONE', 'enrollmentUi.errors.none');
      const now = this.deps.clock.now();
      outcome = verifyContact(app, secret, actor, now, this.deps.verificationKey);
      return ok(outcome.outcome === 'verified' ? unwrap(startReview(outcome.app, now)) : outcome.app);
    });
    if (!saved.ok || !outcome) return { outcome: 'wrong' };
    const verified = saved.value.value;
    if (outcome.outcome === 'verified') {
      this.deps.tasks.run('enrollment review request', () => this.requestReview(verified));
      this.deps.tasks.run('enrollment under review mail', () => this.mailStatus(verified, 'underReview'));
    }
    return { ...outcome, app: saved.value.value };
  }

  private async requestReview(app: EnrollmentApplication): Promise<void> {
    const deliveries: Delivery[] = [];
    for (const reviewerId of this.deps.reviewerIds) {
      const delivery = await this.deps.notifier.notify(reviewerId, { kind: ENROLLMENT_NOTICES.reviewRequest, data: { applicationId: app.id } });
      if (delivery) deliveries.push(delivery);
    }
    await mutate(this.deps.reviewCards, app.id, () => ok({ deliveries }));
    await this.deps.notifier.notify(app.applicantId, { kind: ENROLLMENT_NOTICES.status, data: { applicationId: app.id } });
  }

  private async refreshReviewCards(app: EnrollmentApplication): Promise<void> {
    const cards = (await this.deps.reviewCards.get(app.id))?.value;
    for (const delivery of cards?.deliveries ?? []) {
      await this.deps.notifier.update(delivery, { kind: ENROLLMENT_NOTICES.reviewRequest, data: { applicationId: app.id } });
    }
  }

  private async createOrganization(app: EnrollmentApplication): Promise<void> {
    const id = organizationIdOf(app) ?? app.tenantIdHint;
    if (!id) return;
    const now = this.deps.clock.now();
    await mutate(this.deps.organizations, id, (current) => ok(current ?? createResellerFromEnrollment(app, id, now)));
  }

  private async approvedOrganization(id: string): Promise<Organization | undefined> {
    return (await this.deps.organizations.get(id))?.value;
  }

  /** Mails the application's primary contact how it stands (in the language the applicant used). */
  private async mailStatus(app: EnrollmentApplication, kind: 'underReview' | 'approved' | 'rejected'): Promise<void> {
    const contact = primaryContactOf(app);
    if (!contact) return;
    const locale = contact.locale;
    await this.deps.statusMail.to(contact, kind, {
      company: app.legal?.legalName ?? app.mpn?.organizationName ?? app.applicantName,
      applicant: app.applicantName,
      at: app.decision?.at.slice(0, 10) ?? '',
      reason: app.decision?.reason ?? translate(locale, 'statusMail.noReason'),
    });
  }

  private async mailVerification(app: EnrollmentApplication, code: string, token: string, locale: Locale): Promise<void> {
    const contact = app.legal?.primaryContact;
    if (!contact) return;
    const link = `${this.deps.publicBaseUrl}/enrollment/verify/${app.id}.${token}`;
    const params = { name: contact.firstName, code, link, company: app.legal?.legalName ?? '' };
    await this.deps.outbox.send({
      to: contact.email,
      subject: translate(locale, 'enrollmentUi.mail.subject', params),
      text: translate(locale, 'enrollmentUi.mail.body', params),
    });
  }

  private async change(
    actor: Actor,
    transition: (app: EnrollmentApplication, now: Date) => Result<EnrollmentApplication>,
  ): Promise<Result<EnrollmentApplication>> {
    const index = await this.deps.applicants.get(actor.userId);
    if (!index) return fail('ENROLLMENT.NONE', 'enrollmentUi.errors.none');
    const saved = await mutate(this.deps.applications, index.value.applicationId, (app) =>
      app ? transition(app, this.deps.clock.now()) : fail('ENROLLMENT.NONE', 'enrollmentUi.errors.none'),
    );
    return saved.ok ? ok(saved.value.value) : saved;
  }
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`Unexpected domain refusal ${result.error.code}`);
  return result.value;
}

/** A six-digit one-time code. */
function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** An unguessable link secret. */
function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A checked PartnerID as the enrollment records it. */
function partnerProfile(check: PartnerIdCheck): PartnerProfile {
  return { partnerId: check.partnerId, organizationName: check.organizationName, country: check.country, active: check.active };
}
