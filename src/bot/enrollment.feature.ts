import type { EnrollmentService } from '../app/enrollment.service.js';
import { ENROLLMENT_NOTICES } from '../app/enrollment.service.js';
import type { Actor, AuditEntry } from '../domain/actor.js';
import type { EnrollmentApplication, EnrollmentSection, PartnerProfile } from '../domain/enrollment/enrollment.js';
import { COUNTRIES, countryName } from '../domain/enrollment/countries.js';
import { hasRole, type Organization, type Role } from '../domain/organization/organization.js';
import type { DomainError, Result } from '../domain/result.js';
import { errorLines as formErrors, formatInstant, text, type ErrorLine } from './presenting.js';
import type { Locale, Translate } from '../i18n/catalog.js';
import type { ActionData, Feature } from './feature.js';
import type { NotificationView } from './proactive-notifier.js';
import { MessageFactory, type InvokeResponse } from 'botbuilder';
import { SIGN_IN_INVOKES, type RoleProof, type TeamsSignIn } from './teams-sign-in.js';
import type { Turn } from './turn.js';

/** Card verbs of the enrollment journey. */
export const ENROLLMENT_VERBS = {
  start: 'enrollment.start',
  alreadyEnrolled: 'enrollment.alreadyEnrolled',
  supportContact: 'enrollment.supportContact',
  checklist: 'enrollment.checklist',
  saveForLater: 'enrollment.saveForLater',
  tenant: 'enrollment.tenant',
  mpnSignIn: 'enrollment.mpnSignIn',
  mpnSelect: 'enrollment.mpnSelect',
  signInAgain: 'enrollment.signInAgain',
  legal: 'enrollment.legal',
  edit: 'enrollment.edit',
  enrollNow: 'enrollment.enrollNow',
  verify: 'enrollment.verify',
  resend: 'enrollment.resend',
  status: 'enrollment.status',
  reopen: 'enrollment.reopen',
  approve: 'enrollment.review.approve',
  reject: 'enrollment.review.reject',
  refreshReview: 'enrollment.review.refresh',
  users: 'enrollment.users',
  reviews: 'enrollment.reviews',
  setRoles: 'enrollment.users.setRoles',
} as const;

const FEATURE = 'enrollment';
const AWAIT_CODE = 'verificationCode';
const SECTIONS: readonly EnrollmentSection[] = ['tenant', 'mpn', 'legal'];
const LEGAL_FIELDS = [
  'legalName', 'country', 'line1', 'line2', 'city', 'region', 'postalCode',
  'contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone',
  'supportEmail', 'supportPhone', 'supportWebsite',
] as const;
const SUPPORT_FIELDS = ['supportEmail', 'supportPhone', 'supportWebsite'] as const;
const STATUS_TIMELINE_ENTRIES = 20;


/**
 * The enrollment journey in chat: one card per step, each answer handed to the
 * EnrollmentService, the next card chosen from where the application stands.
 */
export class EnrollmentFeature {
  constructor(
    private readonly service: EnrollmentService,
    /** The channel ids (Teams MRIs) of users, for Universal Actions refresh lists. */
    private readonly channelIdsOf: (userIds: readonly string[]) => Promise<string[]>,
    /** Where a chat user whose tenant is not proven signs in to Azure AD (OpenID), when the server offers it. */
    private readonly signInUrlFor?: (actor: Actor, locale: Locale) => string | undefined,
    /** In Teams with an OAuth connection: the user's own Entra token, which proves the Global Administrator role. */
    private readonly teamsSignIn?: TeamsSignIn,
  ) {}

  /**
   * Answers the sign-in invokes Teams sends for the tenant step's sign-in card (`signin/tokenExchange`,
   * `signin/verifyState`) and, with the token obtained, shows the step again with what it proved.
   */
  async signIn(turn: Turn): Promise<InvokeResponse> {
    const signIn = this.teamsSignIn;
    if (!signIn) return { status: 400, body: { code: 'NotSupported', message: 'This bot has no OAuth connection.' } };
    const result = turn.context.activity.name === SIGN_IN_INVOKES.tokenExchange ? await signIn.exchange(turn.context) : await signIn.verifyState(turn.context);
    const app = result.token && turn.actor ? await this.service.current(turn.actor) : undefined;
    if (result.token && app?.status === 'draft' && app.step === 'tenant') {
      await signIn.prove(turn, result.token);
      await this.showStep(turn, app);
    }
    return result.response;
  }

  /** The feature as the bot routes to it. */
  feature(): Feature {
    const v = ENROLLMENT_VERBS;
    return {
      name: FEATURE,
      menu: [{ titleKey: 'enrollmentUi.menu.enroll', verb: v.start }],
      commands: [
        { wordsKey: 'enrollmentUi.commands.enroll', descriptionKey: 'enrollmentUi.commands.enrollDescription', run: (turn) => this.start(turn) },
        { wordsKey: 'enrollmentUi.commands.status', descriptionKey: 'enrollmentUi.commands.statusDescription', run: (turn) => this.status(turn) },
        { wordsKey: 'enrollmentUi.commands.cancel', descriptionKey: 'enrollmentUi.commands.cancelDescription', run: (turn) => turn.say('enrollmentUi.cancelled') },
        { wordsKey: 'enrollmentUi.commands.users', descriptionKey: 'enrollmentUi.commands.usersDescription', run: (turn) => this.users(turn) },
        { wordsKey: 'enrollmentUi.commands.reviews', descriptionKey: 'enrollmentUi.commands.reviewsDescription', run: (turn) => this.reviews(turn) },
      ],
      actions: {
        [v.start]: (turn) => this.start(turn),
        [v.alreadyEnrolled]: (turn, data) => this.step(turn, (a) => this.service.answerAlreadyEnrolled(a, data.answer === 'yes')),
        [v.supportContact]: (turn, data) => this.supportContact(turn, data),
        [v.checklist]: (turn) => this.step(turn, (a) => this.service.continueFromChecklist(a)),
        [v.saveForLater]: async (turn) => {
          if (await turn.requireActor()) await turn.say('enrollmentUi.checklist.saved');
        },
        [v.tenant]: (turn, data) => this.tenant(turn, data),
        [v.mpnSignIn]: (turn, data) => this.mpnSignIn(turn, data),
        [v.mpnSelect]: (turn, data) => this.step(turn, (a) => this.service.selectMpnProfile(a, text(data.partnerId)), data),
        [v.signInAgain]: (turn) => this.step(turn, (a) => this.service.signInAgain(a)),
        [v.legal]: (turn, data) => this.step(turn, (a) => this.service.setLegalProfile(a, pick(data, LEGAL_FIELDS)), data),
        [v.edit]: (turn, data) => this.edit(turn, data),
        [v.enrollNow]: (turn) => this.enrollNow(turn),
        [v.verify]: (turn, data) => this.verifyCode(turn, text(data.code)),
        [v.resend]: (turn) => this.resend(turn),
        [v.status]: (turn) => this.status(turn),
        [v.reopen]: (turn) => this.step(turn, (a) => this.service.reopen(a)),
        [v.approve]: (turn, data) => this.decide(turn, data, 'approved'),
        [v.reject]: (turn, data) => this.decide(turn, data, 'rejected'),
        [v.refreshReview]: (turn, data) => this.refreshReview(turn, data),
        [v.users]: (turn) => this.users(turn),
        [v.reviews]: (turn) => this.reviews(turn),
        [v.setRoles]: (turn, data) => this.setRoles(turn, data),
      },
      onText: (turn, typed, kind) => (kind === AWAIT_CODE ? this.verifyCode(turn, typed) : turn.say('common.errors.invalidAction')),
      // A verification code typed at any moment while the application waits for it, after any other command.
      typedAnswers: [{ pattern: /^\d{6}$/, run: (turn, typed) => this.pendingCode(turn, typed) }],
    };
  }

  /** How enrollment notifications look to their recipients. */
  notificationViews(): Record<string, NotificationView> {
    return {
      [ENROLLMENT_NOTICES.reviewRequest]: async (data, t, locale) => {
        const app = await this.service.byId(text(data.applicationId));
        if (!app) throw new Error(`Application ${String(data.applicationId)} is gone`);
        const { card, view } = this.reviewCard(app, t, locale, await this.channelIdsOf(this.service.reviewerIds));
        return { card, view: { ...view, errors: [] } };
      },
      [ENROLLMENT_NOTICES.status]: async (data, t, locale) => {
        const app = await this.service.byId(text(data.applicationId));
        if (!app) throw new Error(`Application ${String(data.applicationId)} is gone`);
        const org = app.status === 'approved' ? await this.service.organizationOf(applicantOf(app)) : undefined;
        return { card: 'enrollment-status', view: await this.statusView(app, t, locale, org) };
      },
    };
  }

  /** Builds the reviewer's card for an application (used for proactive posts, updates and refresh). */
  reviewCard(app: EnrollmentApplication, t: Translate, locale: Locale, refreshUserIds: readonly string[]) {
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

  /** The applicant's status card view. */
  async statusView(app: EnrollmentApplication, t: Translate, locale: Locale, org?: Organization) {
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

  private async start(turn: Turn): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const started = await this.service.start(actor);
    // An organization already enrolled here has nothing to enroll: its status says where it stands.
    if (!started.ok && started.error.code === 'ENROLLMENT.TENANT_ALREADY_ENROLLED') return this.status(turn);
    if (!started.ok) {
      await turn.refuse(started.error);
      return;
    }
    await this.showStep(turn, started.value);
  }

  /** Applies one answer; on a field problem shows the same card again with the reasons and what was typed. */
  private async step(turn: Turn, change: (actor: Actor) => Promise<Result<EnrollmentApplication>>, typed?: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await change(actor);
    if (result.ok) {
      await this.showStep(turn, result.value);
      return;
    }
    const app = await this.service.current(actor);
    if (!app) {
      await turn.refuse(result.error);
      return;
    }
    await this.showStep(turn, app, { error: result.error, typed });
  }

  private supportContact(turn: Turn, data: ActionData): Promise<void> {
    return this.step(turn, (a) => this.service.setSupportContact(a, { ...pick(data, SUPPORT_FIELDS), partnerId: text(data.partnerId), country: text(data.country) }, turn.locale), data);
  }

  private async tenant(turn: Turn, data: ActionData): Promise<void> {
    // The tenant and the global administrator role come from the caller's proven identity (in Teams with
    // an OAuth connection, from their own token), never from the card.
    const proof = await this.teamsSignIn?.prove(turn);
    const app = proof?.state === 'signInNeeded' && turn.actor ? await this.service.current(turn.actor) : undefined;
    if (app) {
      // Not signed in yet: the step again, with its sign-in card.
      await this.showStep(turn, app, { typed: data });
      return;
    }
    await this.step(turn, (a) => this.service.chooseTenant(withRole(a, proof), { country: text(data.country) }), data);
  }

  private async mpnSignIn(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.setPartnerCenterSignIn(actor, text(data.userName));
    if (result.ok) {
      await this.showStep(turn, result.value.app);
      return;
    }
    const app = await this.service.current(actor);
    if (app) await this.showStep(turn, app, { error: result.error, typed: data });
    else await turn.refuse(result.error);
  }

  private edit(turn: Turn, data: ActionData): Promise<void> {
    const section = SECTIONS.find((s) => s === data.section);
    if (!section) return turn.say('common.errors.invalidAction');
    return this.step(turn, (a) => this.service.edit(a, section));
  }

  private async enrollNow(turn: Turn): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.enrollNow(actor, turn.locale);
    const app = result.ok ? result.value : await this.service.current(actor);
    if (!app) {
      if (!result.ok) await turn.refuse(result.error);
      return;
    }
    await this.showStep(turn, app, result.ok ? {} : { error: result.error });
  }

  private async resend(turn: Turn): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.resendVerification(actor, turn.locale);
    if (!result.ok) {
      await turn.refuse(result.error);
      return;
    }
    await this.showStep(turn, result.value, { notice: turn.t('enrollmentUi.verify.resent', { email: result.value.legal?.primaryContact.email ?? '' }) });
  }

  private async pendingCode(turn: Turn, code: string): Promise<boolean> {
    const app = turn.actor ? await this.service.current(turn.actor) : undefined;
    if (app?.status !== 'submitted') return false;
    await this.verifyCode(turn, code);
    return true;
  }

  private async verifyCode(turn: Turn, code: string): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.verifyCode(actor, code);
    const session = await turn.session();
    switch (result.outcome) {
      case 'verified':
        delete session.awaiting;
        await turn.say('enrollmentUi.verify.verified');
        // In Teams the status replaces the clicked card, so no code box is left to type into.
        await this.status(turn);
        return;
      case 'wrong':
        await this.showVerify(turn, result.app, turn.t('enrollmentUi.verify.wrong', { remaining: result.remainingAttempts ?? 0 }));
        return;
      case 'locked':
        await this.showVerify(turn, result.app, turn.t('enrollmentUi.verify.locked', { until: formatInstant(result.lockedUntil ?? '', turn.locale) }));
        return;
      case 'expired':
        await this.showVerify(turn, result.app, turn.t('enrollmentUi.verify.expired'));
        return;
      case 'used':
        delete session.awaiting;
        await turn.say('enrollmentUi.verify.used');
        return;
      default:
        delete session.awaiting;
        await turn.say('enrollmentUi.verify.notPending');
    }
  }

  private async status(turn: Turn): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const app = await this.service.current(actor);
    if (!app) {
      // A colleague of an enrolled organization: its account exists; say what their role allows.
      const org = await this.service.organizationOf(actor);
      if (!org) {
        await turn.say('enrollmentUi.status.none');
        return;
      }
      const adminAgent = hasRole(org, actor.userId, 'adminAgent');
      await turn.show('enrollment-status', {
        status: turn.t('enrollmentUi.status.current', { status: turn.t('enrollmentUi.statuses.approved') }),
        company: org.name,
        hasCompany: true,
        timeline: [],
        rejected: false,
        reasonText: '',
        approved: true,
        roleText: turn.t(adminAgent ? 'enrollmentUi.status.adminAgentYes' : 'enrollmentUi.status.adminAgentNo', { admins: adminNames(org) }),
        inProgress: false,
        awaitingCode: false,
      });
      return;
    }
    const org = app.status === 'approved' ? await this.service.organizationOf(actor) : undefined;
    await turn.show('enrollment-status', await this.statusView(app, turn.t, turn.locale, org));
  }

  private async decide(turn: Turn, data: ActionData, outcome: 'approved' | 'rejected'): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const applicationId = text(data.applicationId);
    const result = await this.service.decide(actor, applicationId, outcome, outcome === 'rejected' ? text(data.reason) : undefined);
    const app = await this.service.byId(applicationId);
    if (!result.ok) {
      if (result.error.code.startsWith('ACCESS.') || !app) {
        await turn.refuse(result.error);
        return;
      }
      if (result.error.field) {
        await this.showReview(turn, app, errorLines(result.error, turn.t, turn.locale));
        return;
      }
      await this.showReview(turn, app);
      await turn.context.sendActivity(errorLines(result.error, turn.t, turn.locale)[0].text);
      return;
    }
    await this.showReview(turn, result.value);
  }

  private async refreshReview(turn: Turn, data: ActionData): Promise<void> {
    const actor = turn.actor;
    const app = await this.service.byId(text(data.applicationId));
    if (!app || !actor || !this.service.isReviewer(actor)) {
      await turn.say('enrollmentUi.errors.notReviewer');
      return;
    }
    await this.showReview(turn, app);
  }

  private async reviews(turn: Turn): Promise<void> {
    const queue = await this.service.reviewQueue(turn.actor);
    if (!queue.ok) return turn.refuse(queue.error);
    const pending = queue.value;
    if (pending.length === 0) {
      await turn.say('enrollmentUi.review.none');
      return;
    }
    for (const app of pending.slice(0, 10)) await this.showReview(turn, app);
  }

  private async users(turn: Turn, notice = '', errors: ErrorLine[] = []): Promise<void> {
    const result = await this.service.usersOf(turn.actor);
    if (!result.ok) return turn.refuse(result.error);
    const org = result.value;
    // Only Admin agents get here (the access table), so every row can be edited.
    const canEdit = true;
    await turn.show('enrollment-users', {
      intro: turn.t('enrollmentUi.users.intro', { organization: org.name }),
      notice,
      hasNotice: notice !== '',
      errors,
      readOnly: !canEdit,
      readOnlyText: canEdit ? '' : turn.t('enrollmentUi.users.notAdmin'),
      members: org.members.map((m, index) => ({
        index: String(index),
        userId: m.userId,
        name: m.name,
        rolesLabel: turn.t('enrollmentUi.users.rolesOf', { name: m.name }),
        roles: m.roles.map((r) => roleName(r, turn.t)).join(', ') || '—',
        adminAgent: m.roles.includes('adminAgent') ? 'true' : 'false',
        salesAgent: m.roles.includes('salesAgent') ? 'true' : 'false',
        adminAgentTitle: turn.t('enrollmentUi.users.adminAgent'),
        salesAgentTitle: turn.t('enrollmentUi.users.salesAgent'),
        updateTitle: `${turn.t('enrollmentUi.buttons.update')}: ${m.name}`,
        canEdit,
      })),
    });
  }

  private async setRoles(turn: Turn, data: ActionData): Promise<void> {
    const actor = turn.actor;
    const index = text(data.index);
    const userId = text(data.userId);
    const roles: Role[] = [];
    if (data[`adminAgent_${index}`] === 'true') roles.push('adminAgent');
    if (data[`salesAgent_${index}`] === 'true') roles.push('salesAgent');
    const result = await this.service.setRoles(actor, userId, roles);
    if (!result.ok) {
      if (result.error.code.startsWith('ACCESS.')) return turn.refuse(result.error);
      await this.users(turn, '', errorLines(result.error, turn.t, turn.locale));
      return;
    }
    const member = result.value.members.find((m) => m.userId === userId);
    await this.users(turn, turn.t('enrollmentUi.users.updated', { name: member?.name ?? userId }));
  }

  private async showReview(turn: Turn, app: EnrollmentApplication, errors: ErrorLine[] = []): Promise<void> {
    const { card, view } = this.reviewCard(app, turn.t, turn.locale, await this.channelIdsOf(this.service.reviewerIds));
    await turn.show(card, { ...view, errors });
  }

  private async showVerify(turn: Turn, app: EnrollmentApplication | undefined, problem?: string): Promise<void> {
    const session = await turn.session();
    session.awaiting = { feature: FEATURE, kind: AWAIT_CODE };
    await turn.show('enrollment-verify', {
      intro: turn.t('enrollmentUi.verify.intro', { email: app?.legal?.primaryContact.email ?? '' }),
      errors: problem ? [{ text: problem }] : [],
    });
  }

  /** Shows the card of the step the application stands at, with any problem of the last answer. */
  private async showStep(
    turn: Turn,
    app: EnrollmentApplication,
    extra: { error?: DomainError; typed?: ActionData; notice?: string } = {},
  ): Promise<void> {
    const { t, locale } = turn;
    const errors = errorLines(extra.error, t, locale);
    const typed = extra.typed ?? {};
    if (app.status === 'submitted') {
      await this.showVerify(turn, app, extra.notice ?? (errors[0]?.text || undefined));
      return;
    }
    if (app.status !== 'draft') {
      const org = app.status === 'approved' ? await this.service.organizationOf(applicantOf(app)) : undefined;
      if (errors.length) await turn.context.sendActivity(errors.map((e) => e.text).join('\n'));
      await turn.show('enrollment-status', await this.statusView(app, t, locale, org));
      return;
    }
    const countries = COUNTRIES.map((c) => ({ title: countryName(c.code, locale), value: c.code })).sort((a, b) => a.title.localeCompare(b.title, locale));
    switch (app.step) {
      case 'alreadyEnrolled':
        await turn.show('enrollment-already-enrolled', { errors });
        return;
      case 'supportOnly':
        await turn.show('enrollment-support-contact', {
          errors,
          countries,
          values: { ...values(SUPPORT_FIELDS, typed, supportValues(app)), partnerId: text(typed.partnerId) || app.mpn?.partnerId || '', country: text(typed.country) || app.tenant?.country || '' },
          labels: labels(SUPPORT_FIELDS, t),
        });
        return;
      case 'beforeYouBegin':
        await turn.show('enrollment-before-you-begin', { errors });
        return;
      case 'tenant': {
        const proof = await this.teamsSignIn?.prove(turn);
        const actor = turn.actor ? withRole(turn.actor, proof) : undefined;
        const signedIn = !!actor?.tenantId;
        const signInNeeded = proof?.state === 'signInNeeded';
        const signInUrl = !signedIn && actor ? (this.signInUrlFor?.(actor, turn.locale) ?? '') : '';
        const role = roleView(actor, proof, t);
        await turn.show('enrollment-tenant', {
          errors,
          countries,
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
        });
        if (signInNeeded && this.teamsSignIn) {
          const card = await this.teamsSignIn.signInCard(turn, t('enrollmentUi.tenant.signInCardTitle'), t('enrollmentUi.tenant.signInCardText'));
          await turn.context.sendActivity(MessageFactory.attachment(card));
        }
        return;
      }
      case 'mpnSignIn':
        await turn.show('enrollment-mpn-sign-in', { errors, values: { userName: text(typed.userName) || app.partnerCenterSignIn || '' } });
        return;
      case 'mpnSelect': {
        const profiles = await this.service.profiles(app);
        const country = app.tenant ? countryName(app.tenant.country, locale) : '';
        await turn.show('enrollment-mpn-select', {
          errors,
          rule: t('enrollmentUi.mpnSelect.rule', { country }),
          hasProfiles: profiles.length > 0,
          noProfiles: profiles.length === 0,
          noneText: t('enrollmentUi.mpnSelect.none', { userName: app.partnerCenterSignIn ?? '' }),
          profiles: profiles.map((p) => ({ title: profileChoice(p, t, locale), value: p.partnerId })),
          selected: text(typed.partnerId) || app.mpn?.partnerId || '',
        });
        return;
      }
      case 'legal':
        await turn.show('enrollment-legal', {
          errors,
          countries,
          labels: labels(LEGAL_FIELDS, t),
          values: values(LEGAL_FIELDS, typed, legalValues(app)),
        });
        return;
      case 'review':
      default:
        await turn.show('enrollment-summary', { errors, sections: summarySections(app, t, locale) });
    }
  }
}

/** The actor with the Global Administrator role their Teams token proved, if it proved one. */
function withRole(actor: Actor, proof: RoleProof | undefined): Actor {
  return proof?.state === 'proven' ? { ...actor, globalAdmin: proof.globalAdmin } : actor;
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

/** The applicant as an actor, for looking up their organization (the tenant their sign-in proved). */
function applicantOf(app: EnrollmentApplication): Actor {
  const tenantId = app.tenant?.tenantId ?? app.tenantIdHint;
  return { userId: app.applicantId, name: app.applicantName, ...(tenantId ? { tenantId } : {}) };
}


function errorLines(error: DomainError | undefined, t: Translate, locale: Locale): ErrorLine[] {
  return formErrors(error, t, locale, (field) => fieldLabel(field, t));
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

function pick<K extends string>(data: ActionData, fields: readonly K[]): Record<K, string> {
  return Object.fromEntries(fields.map((f) => [f, text(data[f])])) as Record<K, string>;
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
