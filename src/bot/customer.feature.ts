import { CUSTOMER_NOTICES, type CustomerService } from '../app/customer.service.js';
import type { CustomerInvitation } from '../domain/customer/customer.js';
import { searchText } from '../domain/search.js';
import type { Actor } from '../domain/actor.js';
import type { EarlyReads } from './early-reads.js';
import { withActor, type ActionData, type Feature } from './feature.js';
import { formatDate, refusal, text, type ErrorLine } from './presenting.js';
import type { NotificationView } from './proactive-notifier.js';
import type { Turn } from './turn.js';
import {
  acceptedNoticeView,
  customerErrorLines,
  customerListView,
  customerRecordView,
  customerSearchErrorView,
  draftView,
  invitationsView,
  inviteFormView,
} from './customer.views.js';

/** Card verbs of the customer journey. */
export const CUSTOMER_VERBS = {
  inviteForm: 'customer.inviteForm',
  draft: 'customer.draft',
  done: 'customer.done',
  invitations: 'customer.invitations',
  resend: 'customer.resend',
  revoke: 'customer.revoke',
  list: 'customer.list',
  open: 'customer.open',
  addProvider: 'customer.addProvider',
} as const;

/**
 * The customer journey in chat: Request a reseller relationship and Invite new customers
 * (with the draft e-mail the user may edit but whose link must stay), pending invitations,
 * and the Customers list and record.
 */
export class CustomerFeature {
  constructor(private readonly service: CustomerService) {}

  /** The feature as the bot routes to it. */
  feature(): Feature {
    const v = CUSTOMER_VERBS;
    return {
      name: 'customer',
      menu: [{ titleKey: 'customer.menu.customers', verb: v.list }],
      commands: [
        {
          wordsKey: 'customer.commands.customers',
          descriptionKey: 'customer.commands.customersDescription',
          takesText: true,
          run: withActor((turn, actor, rest) => this.list(turn, actor, { search: rest })),
          readAhead: (early, actor, rest) => this.listRead(early, actor, { search: rest }),
        },
        { wordsKey: 'customer.commands.invite', descriptionKey: 'customer.commands.inviteDescription', run: (turn) => this.inviteForm(turn, {}) },
        { wordsKey: 'customer.commands.invitations', descriptionKey: 'customer.commands.invitationsDescription', run: withActor((turn, actor) => this.invitations(turn, actor)) },
      ],
      actions: {
        [v.inviteForm]: (turn, data) => this.inviteForm(turn, data),
        [v.draft]: withActor((turn, actor, data) => this.draft(turn, actor, data)),
        [v.done]: withActor((turn, actor, data) => this.done(turn, actor, data)),
        [v.invitations]: withActor((turn, actor) => this.invitations(turn, actor)),
        [v.resend]: withActor((turn, actor, data) => this.resend(turn, actor, data)),
        [v.revoke]: withActor((turn, actor, data) => this.revoke(turn, actor, data)),
        [v.list]: withActor((turn, actor, data) => this.list(turn, actor, data)),
        [v.open]: withActor((turn, actor, data) => this.open(turn, actor, data)),
        [v.addProvider]: (turn, data) => this.addProvider(turn, data),
      },
      readAhead: {
        [v.list]: (early, actor, data) => this.listRead(early, actor, data),
      },
    };
  }

  /** How customer notifications look. */
  notificationViews(): Record<string, NotificationView> {
    return {
      [CUSTOMER_NOTICES.accepted]: async (data, t) => {
        const inv = await this.service.invitation(text(data.invitationId));
        if (!inv) throw new Error(`Invitation ${String(data.invitationId)} is gone`);
        return { card: 'provider-notice', view: acceptedNoticeView(inv, t, CUSTOMER_VERBS.list) };
      },
    };
  }

  private async inviteForm(turn: Turn, data: ActionData, errors: ErrorLine[] = []): Promise<void> {
    const inviter = await this.service.inviter(turn.actor, text(data.providerLinkId));
    if (!inviter.ok) return turn.refuse(inviter.error);
    await turn.show('customer-invite', inviteFormView({ organizationName: inviter.value.organization.name, provider: inviter.value.provider }, data, turn.t, errors));
  }

  private async draft(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const input = Object.fromEntries(['companyName', 'adminEmail', 'delegated', 'roles', 'durationDays', 'providerLinkId'].map((k) => [k, text(data[k])]));
    const result = await this.service.draft(actor, input, turn.locale);
    if (!result.ok) {
      if (result.error.fields) await this.inviteForm(turn, data, customerErrorLines(result.error, turn.t, turn.locale));
      // Partner Center out of reach: the form comes back with what was typed and says so.
      else if (result.error.code === 'PARTNER_CENTER.UNAVAILABLE') await this.inviteForm(turn, data, [{ text: refusal(result.error, turn.t, turn.locale) }]);
      else await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await this.showDraft(turn, result.value.invitation, result.value.link, true, []);
  }

  private async done(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const invitationId = text(data.invitationId);
    // The body keeps its line breaks: only the ends are trimmed by the domain.
    const edited = { subject: text(data.subject), body: typeof data.body === 'string' ? data.body : '' };
    const result = await this.service.done(actor, invitationId, edited);
    if (result.ok) {
      await turn.context.sendActivity(
        turn.t('customer.draft.sent', { customer: result.value.invitation.companyName, expires: formatDate(result.value.invitation.expiresAt, turn.locale) }),
      );
      // The text as edited, with Open in e-mail built from it (in Teams it replaces the draft card).
      await this.showDraft(turn, result.value.invitation, result.value.link, false, []);
      return;
    }
    const current = await this.service.linkOf(actor, invitationId);
    if (!current.ok || !result.error.fields) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await this.showDraft(turn, { ...current.value.invitation, subject: edited.subject, body: edited.body }, current.value.link, true, customerErrorLines(result.error, turn.t, turn.locale));
  }

  private async invitations(turn: Turn, actor: Actor, notice = ''): Promise<void> {
    const result = await this.service.pending(actor);
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.show('customer-invitations', invitationsView(result.value, turn.t, turn.locale, notice));
  }

  private async resend(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const result = await this.service.resend(actor, text(data.invitationId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.context.sendActivity(turn.t('customer.invitations.resent', { customer: result.value.invitation.companyName }));
    await this.showDraft(turn, result.value.invitation, result.value.link, false, []);
  }

  private async revoke(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const result = await this.service.revoke(actor, text(data.invitationId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await this.invitations(turn, actor, turn.t('customer.invitations.revoked', { customer: result.value.companyName }));
  }

  /** The read behind a page of the Customers list: its key for `EarlyReads` (who asks, for what) and the read. */
  private listQuery(actor: Actor, data: ActionData) {
    const typed = searchText('search', text(data.search));
    const search = typed.ok ? typed.value : '';
    const page = Number(text(data.page)) || 1;
    const cursor = text(data.cursor) || undefined;
    return {
      typed,
      search,
      key: ['customer.list', actor.tenantId ?? '', actor.userId, search, page, cursor ?? ''].join('\u0000'),
      read: () => this.service.customers(actor, search, { page, cursor }),
    };
  }

  /** Starts the read of a page of the Customers list with the turn (see `EarlyReads`). */
  private listRead(early: EarlyReads, actor: Actor, data: ActionData): void {
    const { key, read } = this.listQuery(actor, data);
    early.start(key, read);
  }

  private async list(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const { typed, search, key, read } = this.listQuery(actor, data);
    const result = await turn.early(key, read);
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    if (!typed.ok) {
      await turn.show('customer-list', customerSearchErrorView(text(data.search), customerErrorLines(typed.error, turn.t, turn.locale)));
      return;
    }
    await turn.show('customer-list', customerListView(search, result.value, turn.t, turn.locale));
  }

  private async open(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const result = await this.service.customer(actor, text(data.customerId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    const c = result.value.customer;
    const rights = await this.service.orderRights(c);
    const addable = await this.service.addableProviders(actor, c);
    await turn.show('customer-record', customerRecordView(c, rights, addable, turn.t, turn.locale));
  }

  private async addProvider(turn: Turn, data: ActionData): Promise<void> {
    const result = await this.service.draftAddProvider(turn.actor, text(data.customerId), text(data.providerLinkId), turn.locale);
    if (!result.ok) return turn.refuse(result.error);
    await this.showDraft(turn, result.value.invitation, result.value.link, true, []);
  }

  private async showDraft(turn: Turn, inv: CustomerInvitation, link: string, editable: boolean, errors: ErrorLine[]): Promise<void> {
    await turn.show('customer-invite-draft', draftView(inv, link, editable, turn.t, errors));
  }
}
