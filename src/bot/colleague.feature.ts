import { COLLEAGUE_NOTICES, roleList, type ColleagueService } from '../app/colleague.service.js';
import { pendingColleagueInvitations } from '../domain/organization/colleague-invitation.js';
import type { Organization } from '../domain/organization/organization.js';
import type { Actor } from '../domain/actor.js';
import { withActor, type ActionData, type Feature } from './feature.js';
import { text, type ErrorLine } from './presenting.js';
import type { NotificationView } from './proactive-notifier.js';
import type { Turn } from './turn.js';
import { colleagueErrorLines, invitationsView, inviteFormView, joinedNoticeView } from './colleague.views.js';

/** Card verbs of inviting colleagues (Account settings > User management). */
export const COLLEAGUE_VERBS = {
  form: 'colleague.form',
  invite: 'colleague.invite',
  invitations: 'colleague.invitations',
  revoke: 'colleague.revoke',
} as const;

/**
 * Inviting colleagues in chat: the invitation form and the pending invitations for Admin agents,
 * and `join <code>` for the colleague, whose proven tenant decides whether they may join.
 */
export class ColleagueFeature {
  constructor(
    private readonly service: ColleagueService,
    /** Days an invitation link works, for the form's explanation. */
    private readonly ttlDays: number,
    private readonly now: () => Date,
  ) {}

  /** The feature as the bot routes to it. */
  feature(): Feature {
    const v = COLLEAGUE_VERBS;
    return {
      name: 'colleague',
      commands: [
        { wordsKey: 'colleague.commands.invite', descriptionKey: 'colleague.commands.inviteDescription', run: (turn) => this.form(turn) },
        { wordsKey: 'colleague.commands.invitations', descriptionKey: 'colleague.commands.invitationsDescription', run: (turn) => this.invitations(turn) },
        { wordsKey: 'colleague.commands.join', descriptionKey: 'colleague.commands.joinDescription', takesText: true, run: withActor((turn, actor, rest) => this.join(turn, actor, rest)) },
      ],
      actions: {
        [v.form]: (turn) => this.form(turn),
        [v.invite]: (turn, data) => this.invite(turn, data),
        [v.invitations]: (turn) => this.invitations(turn),
        [v.revoke]: (turn, data) => this.revoke(turn, data),
      },
    };
  }

  /** How colleague notifications look to their recipients. */
  notificationViews(): Record<string, NotificationView> {
    return {
      [COLLEAGUE_NOTICES.joined]: async (data, t, locale) => {
        const found = await this.service.find(text(data.tenantId), text(data.invitationId));
        if (!found) throw new Error(`Colleague invitation ${String(data.invitationId)} is gone`);
        return { card: 'provider-notice', view: joinedNoticeView(found.organization, found.invitation, t, locale) };
      },
    };
  }

  private async form(turn: Turn, errors: ErrorLine[] = [], values = { email: '', role: 'salesAgent' }): Promise<void> {
    const pending = await this.service.pending(turn.actor);
    if (!pending.ok) return turn.refuse(pending.error);
    const expires = new Date(this.now().getTime() + this.ttlDays * 86_400_000).toISOString();
    await turn.show('colleague-invite', inviteFormView(pending.value.organization.name, expires, turn.t, turn.locale, errors, values));
  }

  private async invite(turn: Turn, data: ActionData): Promise<void> {
    const values = { email: text(data.email), role: text(data.role) };
    const result = await this.service.invite(turn.actor, values, turn.locale);
    if (!result.ok) {
      if (result.error.fields || result.error.field) return this.form(turn, colleagueErrorLines(result.error, turn.t, turn.locale), values);
      return turn.refuse(result.error);
    }
    const { invitation, organization, link } = result.value;
    await this.showList(turn, organization, turn.t('colleague.list.sent', { email: invitation.email, link }));
  }

  private async invitations(turn: Turn): Promise<void> {
    const pending = await this.service.pending(turn.actor);
    if (!pending.ok) return turn.refuse(pending.error);
    await this.showList(turn, pending.value.organization);
  }

  private async revoke(turn: Turn, data: ActionData): Promise<void> {
    const result = await this.service.revoke(turn.actor, text(data.invitationId));
    if (!result.ok) {
      if (result.error.code.startsWith('ACCESS.')) return turn.refuse(result.error);
      const pending = await this.service.pending(turn.actor);
      if (!pending.ok) return turn.refuse(pending.error);
      return this.showList(turn, pending.value.organization, '', colleagueErrorLines(result.error, turn.t, turn.locale));
    }
    await this.showList(turn, result.value.organization, turn.t('colleague.list.revoked', { email: result.value.invitation.email }));
  }

  private async join(turn: Turn, actor: Actor, code: string): Promise<void> {
    if (!code.trim()) return turn.say('colleague.joinUsage');
    const result = await this.service.accept(actor, { code });
    if (!result.ok) return turn.refuse(result.error);
    await turn.say('colleague.joined', { organization: result.value.organization.name, roles: roleList(result.value.invitation, turn.locale) });
  }

  private async showList(turn: Turn, organization: Organization, notice = '', errors: ErrorLine[] = []): Promise<void> {
    const pending = pendingColleagueInvitations(organization, this.now());
    await turn.show('colleague-invitations', invitationsView(organization, pending, turn.t, turn.locale, notice, errors));
  }
}
