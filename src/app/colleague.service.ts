import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import {
  acceptColleagueInvitation,
  colleagueInvitationsOf,
  colleagueStatus,
  inviteColleague,
  pendingColleagueInvitations,
  revokeColleagueInvitation,
  type ColleagueInvitation,
} from '../domain/organization/colleague-invitation.js';
import type { Organization } from '../domain/organization/organization.js';
import { fail, ok, type Result } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { AccessService } from './access.service.js';
import type { Outbox } from './outbox.port.js';
import { mutate, type InvitationContext, type RecordStore } from './ports.js';

/** What inviting colleagues needs: the organizations, the access table, mail and signed links. */
export interface ColleagueDeps extends Pick<InvitationContext, 'notifier' | 'tasks' | 'clock' | 'signedLinks' | 'publicBaseUrl' | 'invitationTtlDays'> {
  readonly organizations: RecordStore<Organization>;
  readonly access: AccessService;
  readonly outbox: Outbox;
}

/** The kind of signed link an invitation to a colleague is. */
export const COLLEAGUE_LINK_KIND = 'colleague-invitation';

/** Notifications of colleague invitations, by kind. */
export const COLLEAGUE_NOTICES = { joined: 'colleague.joined' } as const;

/** An invitation with the organization it belongs to. */
export interface OpenedInvitation {
  readonly organization: Organization;
  readonly invitation: ColleagueInvitation;
}

/**
 * Account settings > User management, for colleagues who have not used the assistant yet: an
 * Admin agent invites one by e-mail with the role to grant (a signed, single-use, expiring link);
 * the colleague joins only with a proven sign-in in the organization's tenant. Admin agents see the
 * pending invitations and can revoke them.
 */
export class ColleagueService {
  constructor(private readonly deps: ColleagueDeps) {}

  /** Sends the invitation mail in the inviter's language and returns the invitation and its link. */
  async invite(actor: Actor | undefined, input: { email: string; role: string }, locale: Locale): Promise<Result<{ invitation: ColleagueInvitation; organization: Organization; link: string }>> {
    const granted = await this.deps.access.asReseller('organization.inviteColleague', actor);
    if (!granted.ok) return granted;
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.invitationTtlDays * 86_400_000);
    const id = randomUUID();
    let invitation: ColleagueInvitation | undefined;
    const saved = await mutate(this.deps.organizations, granted.value.scope.tenantId, (current) => {
      if (!current) return fail('ORG.NONE', 'access.noOrganization');
      const added = inviteColleague(current, input, granted.value.actor, { id, now, expiresAt });
      if (!added.ok) return added;
      invitation = added.value.invitation;
      return ok(added.value.organization);
    });
    if (!saved.ok || !invitation) return saved.ok ? fail('ORG.NONE', 'access.noOrganization') : saved;
    const organization = saved.value.value;
    const link = await this.linkOf(organization, invitation);
    const params = { inviter: invitation.invitedBy.name, organization: organization.name, roles: roleList(invitation, locale), link, expires: invitation.expiresAt.slice(0, 10) };
    await this.deps.outbox.send({ to: invitation.email, subject: translate(locale, 'colleague.mail.subject', params), text: translate(locale, 'colleague.mail.body', params) });
    return ok({ invitation, organization, link });
  }

  /** The organization's pending invitations, for its Admin agents. */
  async pending(actor: Actor | undefined): Promise<Result<{ organization: Organization; invitations: ColleagueInvitation[] }>> {
    const granted = await this.deps.access.asReseller('organization.inviteColleague', actor);
    if (!granted.ok) return granted;
    const organization = granted.value.scope;
    return ok({ organization, invitations: pendingColleagueInvitations(organization, this.deps.clock.now()) });
  }

  /** An Admin agent revokes a pending invitation: its link stops working. */
  async revoke(actor: Actor | undefined, invitationId: string): Promise<Result<OpenedInvitation>> {
    const granted = await this.deps.access.asReseller('organization.inviteColleague', actor);
    if (!granted.ok) return granted;
    return this.change(granted.value.scope.tenantId, (org) => revokeColleagueInvitation(org, invitationId, granted.value.actor, this.deps.clock.now()));
  }

  /** Opens a link without using it: the page shows who invites to which organization. */
  async open(token: string): Promise<Result<OpenedInvitation>> {
    const checked = await this.deps.signedLinks.verify(token, COLLEAGUE_LINK_KIND, this.deps.clock.now());
    if (!checked.ok) return fail(checked.reason === 'expired' ? 'COLLEAGUE.EXPIRED' : 'COLLEAGUE.INVALID', `colleague.errors.${checked.reason}`);
    const organization = (await this.deps.organizations.get(checked.claims.subject))?.value;
    const invitation = organization && colleagueInvitationsOf(organization).find((i) => i.id === checked.claims.id);
    if (!organization || !invitation) return fail('COLLEAGUE.INVALID', 'colleague.errors.invalid');
    const status = colleagueStatus(invitation, this.deps.clock.now());
    if (status !== 'pending' && status !== 'accepted') return fail(`COLLEAGUE.${status.toUpperCase()}`, `colleague.errors.${status}`);
    return ok({ organization, invitation });
  }

  /**
   * The colleague accepts, by the link (the web page after a sign-in) or by the code the link's page
   * shows (typed in Teams or the web chat, where the organization is the caller's proven tenant).
   */
  async accept(actor: Actor | undefined, via: { token: string } | { code: string }): Promise<Result<OpenedInvitation>> {
    if (!actor) return fail('ACCESS.SIGN_IN', 'access.signIn');
    let tenantId: string | undefined;
    let invitationId: string;
    if ('token' in via) {
      const opened = await this.open(via.token);
      if (!opened.ok) return opened;
      tenantId = opened.value.organization.tenantId;
      invitationId = opened.value.invitation.id;
    } else {
      tenantId = actor.tenantId;
      invitationId = via.code.trim();
      if (!tenantId || !(await this.deps.organizations.get(tenantId))) return fail('COLLEAGUE.NO_ORGANIZATION', 'colleague.errors.noOrganization');
    }
    const accepted = await this.change(tenantId, (org) => acceptColleagueInvitation(org, invitationId, actor, this.deps.clock.now()));
    if (accepted.ok && accepted.value.invitation.acceptedBy?.userId === actor.userId) {
      const { invitation } = accepted.value;
      this.deps.tasks.run('colleague joined notice', async () => {
        await this.deps.notifier.notify(invitation.invitedBy.userId, { kind: COLLEAGUE_NOTICES.joined, data: { tenantId, invitationId: invitation.id } });
      });
    }
    return accepted;
  }

  /** An invitation by organization and id, for notifications. */
  async find(tenantId: string, invitationId: string): Promise<OpenedInvitation | undefined> {
    const organization = (await this.deps.organizations.get(tenantId))?.value;
    const invitation = organization && colleagueInvitationsOf(organization).find((i) => i.id === invitationId);
    return organization && invitation ? { organization, invitation } : undefined;
  }

  /** The invitation's link (signed again with the current key: the claims decide, not the spelling). */
  linkOf(organization: Organization, invitation: ColleagueInvitation): Promise<string> {
    return this.deps.signedLinks
      .sign({ id: invitation.id, kind: COLLEAGUE_LINK_KIND, subject: organization.tenantId, exp: Math.floor(Date.parse(invitation.expiresAt) / 1000) })
      .then((token) => `${this.deps.publicBaseUrl}/colleagues/${token}`);
  }

  private async change(tenantId: string, step: (org: Organization) => Result<OpenedInvitation>): Promise<Result<OpenedInvitation>> {
    let invitation: ColleagueInvitation | undefined;
    const saved = await mutate(this.deps.organizations, tenantId, (current) => {
      if (!current) return fail('COLLEAGUE.INVALID', 'colleague.errors.invalid');
      const changed = step(current);
      if (!changed.ok) return changed;
      invitation = changed.value.invitation;
      return ok(changed.value.organization);
    });
    if (!saved.ok) return saved;
    return ok({ organization: saved.value.value, invitation: invitation! });
  }
}

/** The roles an invitation grants, in a language ("no role" when none). */
export function roleList(invitation: ColleagueInvitation, locale: Locale): string {
  if (!invitation.roles.length) return translate(locale, 'colleague.noRole');
  return invitation.roles.map((r) => translate(locale, `access.roles.${r}`)).join(', ');
}
