import type { EnrollmentService } from '../app/enrollment.service.js';
import { ENROLLMENT_NOTICES } from '../app/enrollment.service.js';
import type { Actor } from '../domain/actor.js';
import type { EnrollmentApplication, EnrollmentSection } from '../domain/enrollment/enrollment.js';
import type { Organization, Role } from '../domain/organization/organization.js';
import type { DomainError, Result } from '../domain/result.js';
import { formatInstant, text, type ErrorLine } from './presenting.js';
import type { Locale, Translate } from '../i18n/catalog.js';
import { withActor, type ActionData, type Feature } from './feature.js';
import type { NotificationView } from './proactive-notifier.js';
import type { InvokeResponse } from 'botbuilder';
import { MessageFactory } from '../botbuilder.js';
import { SIGN_IN_INVOKES, type RoleProof, type TeamsSignIn } from './teams-sign-in.js';
import type { Turn } from './turn.js';
import {
  LEGAL_FIELDS,
  SUPPORT_FIELDS,
  errorLines,
  legalView,
  memberStatusView,
  mpnSelectView,
  mpnSignInView,
  reviewCard,
  statusView,
  summaryView,
  supportContactView,
  tenantView,
  usersView,
  verifyView,
} from './enrollment.views.js';

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
    const verify = withActor((turn, actor, code: string) => this.verifyCode(turn, actor, code));
    return {
      name: FEATURE,
      menu: [{ titleKey: 'enrollmentUi.menu.enroll', verb: v.start }],
      commands: [
        { wordsKey: 'enrollmentUi.commands.enroll', descriptionKey: 'enrollmentUi.commands.enrollDescription', run: withActor((turn, actor) => this.start(turn, actor)) },
        { wordsKey: 'enrollmentUi.commands.status', descriptionKey: 'enrollmentUi.commands.statusDescription', run: withActor((turn, actor) => this.status(turn, actor)) },
        { wordsKey: 'enrollmentUi.commands.cancel', descriptionKey: 'enrollmentUi.commands.cancelDescription', run: (turn) => turn.say('enrollmentUi.cancelled') },
        { wordsKey: 'enrollmentUi.commands.users', descriptionKey: 'enrollmentUi.commands.usersDescription', run: (turn) => this.users(turn) },
        { wordsKey: 'enrollmentUi.commands.reviews', descriptionKey: 'enrollmentUi.commands.reviewsDescription', run: (turn) => this.reviews(turn) },
      ],
      actions: {
        [v.start]: withActor((turn, actor) => this.start(turn, actor)),
        [v.alreadyEnrolled]: (turn, data) => this.step(turn, (a) => this.service.answerAlreadyEnrolled(a, data.answer === 'yes')),
        [v.supportContact]: (turn, data) => this.supportContact(turn, data),
        [v.checklist]: (turn) => this.step(turn, (a) => this.service.continueFromChecklist(a)),
        [v.saveForLater]: withActor((turn) => turn.say('enrollmentUi.checklist.saved')),
        [v.tenant]: (turn, data) => this.tenant(turn, data),
        [v.mpnSignIn]: withActor((turn, actor, data) => this.mpnSignIn(turn, actor, data)),
        [v.mpnSelect]: (turn, data) => this.step(turn, (a) => this.service.selectMpnProfile(a, text(data.partnerId)), data),
        [v.signInAgain]: (turn) => this.step(turn, (a) => this.service.signInAgain(a)),
        [v.legal]: (turn, data) => this.step(turn, (a) => this.service.setLegalProfile(a, pick(data, LEGAL_FIELDS)), data),
        [v.edit]: (turn, data) => this.edit(turn, data),
        [v.enrollNow]: withActor((turn, actor) => this.enrollNow(turn, actor)),
        [v.verify]: (turn, data) => verify(turn, text(data.code)),
        [v.resend]: withActor((turn, actor) => this.resend(turn, actor)),
        [v.status]: withActor((turn, actor) => this.status(turn, actor)),
        [v.reopen]: (turn) => this.step(turn, (a) => this.service.reopen(a)),
        [v.approve]: withActor((turn, actor, data) => this.decide(turn, actor, data, 'approved')),
        [v.reject]: withActor((turn, actor, data) => this.decide(turn, actor, data, 'rejected')),
        [v.refreshReview]: (turn, data) => this.refreshReview(turn, data),
        [v.users]: (turn) => this.users(turn),
        [v.reviews]: (turn) => this.reviews(turn),
        [v.setRoles]: (turn, data) => this.setRoles(turn, data),
      },
      onText: (turn, typed, kind) => (kind === AWAIT_CODE ? verify(turn, typed) : turn.say('common.errors.invalidAction')),
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
        const { card, view } = reviewCard(app, t, locale, await this.channelIdsOf(this.service.reviewerIds));
        return { card, view: { ...view, errors: [] } };
      },
      [ENROLLMENT_NOTICES.status]: async (data, t, locale) => {
        const app = await this.service.byId(text(data.applicationId));
        if (!app) throw new Error(`Application ${String(data.applicationId)} is gone`);
        const org = app.status === 'approved' ? await this.service.organizationOf(applicantOf(app)) : undefined;
        return { card: 'enrollment-status', view: statusView(app, t, locale, org) };
      },
    };
  }

  /** Builds the reviewer's card for an application (used for proactive posts, updates and refresh). */
  reviewCard(app: EnrollmentApplication, t: Translate, locale: Locale, refreshUserIds: readonly string[]) {
    return reviewCard(app, t, locale, refreshUserIds);
  }

  /** The applicant's status card view. */
  async statusView(app: EnrollmentApplication, t: Translate, locale: Locale, org?: Organization) {
    return statusView(app, t, locale, org);
  }

  private async start(turn: Turn, actor: Actor): Promise<void> {
    const started = await this.service.start(actor);
    // An organization already enrolled here has nothing to enroll: its status says where it stands.
    if (!started.ok && started.error.code === 'ENROLLMENT.TENANT_ALREADY_ENROLLED') return this.status(turn, actor);
    if (!started.ok) {
      await turn.refuse(started.error);
      return;
    }
    await this.showStep(turn, started.value);
  }

  /** Applies one answer of a signed-in user; on a field problem shows the same card again with the reasons and what was typed. */
  // Guarded here rather than at the route: edit and tenant check the section and the token before anyone is asked to sign in.
  private readonly step = withActor(async (turn: Turn, actor: Actor, change: (actor: Actor) => Promise<Result<EnrollmentApplication>>, typed?: ActionData) => {
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
  });

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

  private async mpnSignIn(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
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

  private async enrollNow(turn: Turn, actor: Actor): Promise<void> {
    const result = await this.service.enrollNow(actor, turn.locale);
    const app = result.ok ? result.value : await this.service.current(actor);
    if (!app) {
      if (!result.ok) await turn.refuse(result.error);
      return;
    }
    await this.showStep(turn, app, result.ok ? {} : { error: result.error });
  }

  private async resend(turn: Turn, actor: Actor): Promise<void> {
    const result = await this.service.resendVerification(actor, turn.locale);
    if (!result.ok) {
      await turn.refuse(result.error);
      return;
    }
    await this.showStep(turn, result.value, { notice: turn.t('enrollmentUi.verify.resent', { email: result.value.legal?.primaryContact.email ?? '' }) });
  }

  private async pendingCode(turn: Turn, code: string): Promise<boolean> {
    const actor = turn.actor;
    const app = actor ? await this.service.current(actor) : undefined;
    if (!actor || app?.status !== 'submitted') return false;
    await this.verifyCode(turn, actor, code);
    return true;
  }

  private async verifyCode(turn: Turn, actor: Actor, code: string): Promise<void> {
    const result = await this.service.verifyCode(actor, code);
    const session = await turn.session();
    switch (result.outcome) {
      case 'verified':
        delete session.awaiting;
        await turn.say('enrollmentUi.verify.verified');
        // In Teams the status replaces the clicked card, so no code box is left to type into.
        await this.status(turn, actor);
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

  private async status(turn: Turn, actor: Actor): Promise<void> {
    const app = await this.service.current(actor);
    if (!app) {
      // A colleague of an enrolled organization: its account exists; say what their role allows.
      const org = await this.service.organizationOf(actor);
      if (!org) {
        await turn.say('enrollmentUi.status.none');
        return;
      }
      await turn.show('enrollment-status', memberStatusView(org, actor.userId, turn.t));
      return;
    }
    const org = app.status === 'approved' ? await this.service.organizationOf(actor) : undefined;
    await turn.show('enrollment-status', statusView(app, turn.t, turn.locale, org));
  }

  private async decide(turn: Turn, actor: Actor, data: ActionData, outcome: 'approved' | 'rejected'): Promise<void> {
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
    const queue = await this.service.reviewQueue(turn.actor, 10);
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
    await turn.show('enrollment-users', usersView(result.value, turn.t, notice, errors));
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
    const { card, view } = reviewCard(app, turn.t, turn.locale, await this.channelIdsOf(this.service.reviewerIds));
    await turn.show(card, { ...view, errors });
  }

  private async showVerify(turn: Turn, app: EnrollmentApplication | undefined, problem?: string): Promise<void> {
    const session = await turn.session();
    session.awaiting = { feature: FEATURE, kind: AWAIT_CODE };
    await turn.show('enrollment-verify', verifyView(app, turn.t, problem));
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
      await turn.show('enrollment-status', statusView(app, t, locale, org));
      return;
    }
    switch (app.step) {
      case 'alreadyEnrolled':
        await turn.show('enrollment-already-enrolled', { errors });
        return;
      case 'supportOnly':
        await turn.show('enrollment-support-contact', supportContactView(app, typed, t, locale, errors));
        return;
      case 'beforeYouBegin':
        await turn.show('enrollment-before-you-begin', { errors });
        return;
      case 'tenant': {
        const proof = await this.teamsSignIn?.prove(turn);
        const actor = turn.actor ? withRole(turn.actor, proof) : undefined;
        const signInUrl = !actor?.tenantId && actor ? (this.signInUrlFor?.(actor, locale) ?? '') : '';
        await turn.show('enrollment-tenant', tenantView(app, { actor, proof, signInUrl }, typed, t, locale, errors));
        if (proof?.state === 'signInNeeded' && this.teamsSignIn) {
          const card = await this.teamsSignIn.signInCard(turn, t('enrollmentUi.tenant.signInCardTitle'), t('enrollmentUi.tenant.signInCardText'));
          await turn.context.sendActivity(MessageFactory.attachment(card));
        }
        return;
      }
      case 'mpnSignIn':
        await turn.show('enrollment-mpn-sign-in', mpnSignInView(app, typed, errors));
        return;
      case 'mpnSelect':
        await turn.show('enrollment-mpn-select', mpnSelectView(app, await this.service.profiles(app), typed, t, locale, errors, this.service.partnerIdTypedIn));
        return;
      case 'legal':
        await turn.show('enrollment-legal', legalView(app, typed, t, locale, errors));
        return;
      case 'review':
      default:
        await turn.show('enrollment-summary', summaryView(app, t, locale, errors));
    }
  }
}

/** The actor with the Global Administrator role their Teams token proved, if it proved one. */
function withRole(actor: Actor, proof: RoleProof | undefined): Actor {
  return proof?.state === 'proven' ? { ...actor, globalAdmin: proof.globalAdmin } : actor;
}

/** The applicant as an actor, for looking up their organization (the tenant their sign-in proved). */
function applicantOf(app: EnrollmentApplication): Actor {
  const tenantId = app.tenant?.tenantId ?? app.tenantIdHint;
  return { userId: app.applicantId, name: app.applicantName, ...(tenantId ? { tenantId } : {}) };
}

/** The named fields of a card's data, as text. */
function pick<K extends string>(data: ActionData, fields: readonly K[]): Record<K, string> {
  return Object.fromEntries(fields.map((f) => [f, text(data[f])])) as Record<K, string>;
}
