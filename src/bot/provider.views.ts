import type { Page } from '../domain/provider/provider.js';
import type { ProviderPerson, ProviderRole } from '../domain/provider/provider-members.js';
import type { Translate } from '../i18n/catalog.js';
import type { ErrorLine } from './presenting.js';

/** The readable name of a provider role. */
export function providerRoleName(role: ProviderRole, t: Translate): string {
  return t(`access.roles.${role}`);
}

/** A person's roles as one line, or "No role". */
export function providerRolesText(roles: readonly ProviderRole[], t: Translate): string {
  return roles.map((r) => providerRoleName(r, t)).join(', ') || t('provider.approvers.noRole');
}

/** The name a person is shown with: their display name, or their user id while the assistant has not seen them. */
export function personName(person: ProviderPerson, t: Translate): string {
  return person.name ?? t('provider.approvers.unseenName', { userId: person.userId });
}

/** The view of cards/provider-approvers.json: one row per person of the page, with a toggle per role and an update button. */
export function approversView(providerName: string, people: Page<ProviderPerson>, t: Translate, notice: string, errors: ErrorLine[]) {
  return {
    intro: t('provider.approvers.intro', { provider: providerName }),
    notice,
    hasNotice: notice !== '',
    errors,
    summary: t('provider.approvers.summary', { total: people.total, page: people.page, pages: people.pages }),
    // Numbers, not text: they only travel in ids and button data.
    page: people.page,
    members: people.items.map((person, index) => {
      const name = personName(person, t);
      return {
        index,
        userId: person.userId,
        name,
        roles: providerRolesText(person.roles, t),
        unseen: !person.verified,
        unseenText: person.verified ? '' : t('provider.approvers.unseen', { provider: providerName }),
        rolesLabel: t('provider.approvers.rolesOf', { name }),
        approver: person.roles.includes('approver') ? 'true' : 'false',
        providerAdmin: person.roles.includes('providerAdmin') ? 'true' : 'false',
        // An approver not seen yet may only lose the role, so no Provider admin toggle is offered.
        canBeAdmin: person.verified,
        updateTitle: t('provider.approvers.update', { name }),
      };
    }),
    hasPrevious: people.page > 1,
    hasNext: people.page < people.pages,
    previous: people.page - 1,
    next: people.page + 1,
  };
}
