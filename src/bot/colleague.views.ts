import { roleList } from '../app/colleague.service.js';
import { COLLEAGUE_ROLES, type ColleagueInvitation } from '../domain/organization/colleague-invitation.js';
import type { Organization } from '../domain/organization/organization.js';
import type { DomainError } from '../domain/result.js';
import type { Locale, Translate } from '../i18n/catalog.js';
import { errorLines, formatDate, formatInstant, type ErrorLine } from './presenting.js';

const LABELS: Record<string, string> = { email: 'colleague.form.email', role: 'colleague.form.role' };

/** The lines of problems of a refused invitation form, each field named by its label on the card. */
export function colleagueErrorLines(error: DomainError, t: Translate, locale: Locale): ErrorLine[] {
  return errorLines(error, t, locale, (field) => (LABELS[field] ? t(LABELS[field]) : field));
}

/** The view of cards/colleague-invite.json: the form with when a link sent now would expire. */
export function inviteFormView(organizationName: string, expiresAt: string, t: Translate, locale: Locale, errors: ErrorLine[], values: { email: string; role: string }) {
  return {
    intro: t('colleague.form.intro', { organization: organizationName, expires: formatDate(expiresAt, locale) }),
    errors,
    values,
    roles: [...COLLEAGUE_ROLES.map((r) => ({ title: t(`access.roles.${r}`), value: r })), { title: t('colleague.form.none'), value: 'none' }],
  };
}

/** The view of cards/colleague-invitations.json: the organization's pending invitations, each with a revoke button. */
export function invitationsView(organization: Organization, pending: readonly ColleagueInvitation[], t: Translate, locale: Locale, notice: string, errors: ErrorLine[]) {
  return {
    intro: t('colleague.list.intro', { organization: organization.name }),
    notice,
    hasNotice: notice !== '',
    errors,
    none: pending.length === 0,
    invitations: pending.map((i) => ({
      email: i.email,
      detail: t('colleague.list.row', { roles: roleList(i, locale), inviter: i.invitedBy.name, sent: formatInstant(i.invitedBy.at, locale), expires: formatDate(i.expiresAt, locale) }),
      revokeTitle: t('colleague.buttons.revoke', { email: i.email }),
      invitationId: i.id,
    })),
  };
}

/** The view of cards/provider-notice.json telling Admin agents that a colleague joined, with a button to User management. */
export function joinedNoticeView(organization: Organization, invitation: ColleagueInvitation, t: Translate, locale: Locale) {
  return {
    title: t('enrollmentUi.users.title'),
    body: t('colleague.notice.joined', { name: invitation.acceptedBy?.name ?? invitation.email, organization: organization.name, roles: roleList(invitation, locale) }),
    buttonTitle: t('enrollmentUi.users.title'),
    verb: 'enrollment.users',
  };
}
