import { CUSTOMER_NOTICES, type CustomerRow, type CustomerService } from '../app/customer.service.js';
import { GDAP_ROLES, type CustomerInvitation } from '../domain/customer/customer.js';
import type { DomainError } from '../domain/result.js';
import { searchText } from '../domain/search.js';
import type { Translate } from '../i18n/catalog.js';
import type { ActionData, Feature } from './feature.js';
import { errorLines, formatDate, mailtoLink, refusal, text, type ErrorLine } from './presenting.js';
import type { NotificationView } from './proactive-notifier.js';
import type { Turn } from './turn.js';

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

const LABELS: Record<string, string> = {
  companyName: 'customer.invite.companyName',
  adminEmail: 'customer.invite.adminEmail',
  roles: 'customer.invite.roles',
  durationDays: 'customer.invite.durationDays',
  subject: 'customer.draft.subject',
  body: 'customer.draft.body',
  search: 'customer.list.search',
};

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
        { wordsKey: 'customer.commands.customers', descriptionKey: 'customer.commands.customersDescription', takesText: true, run: (turn, rest) => this.list(turn, { search: rest }) },
        { wordsKey: 'customer.commands.invite', descriptionKey: 'customer.commands.inviteDescription', run: (turn) => this.inviteForm(turn, {}) },
        { wordsKey: 'customer.commands.invitations', descriptionKey: 'customer.commands.invitationsDescription', run: (turn) => this.invitations(turn) },
      ],
      actions: {
        [v.inviteForm]: (turn, data) => this.inviteForm(turn, data),
        [v.draft]: (turn, data) => this.draft(turn, data),
        [v.done]: (turn, data) => this.done(turn, data),
        [v.invitations]: (turn) => this.invitations(turn),
        [v.resend]: (turn, data) => this.resend(turn, data),
        [v.revoke]: (turn, data) => this.revoke(turn, data),
        [v.list]: (turn, data) => this.list(turn, data),
        [v.open]: (turn, data) => this.open(turn, data),
        [v.addProvider]: (turn, data) => this.addProvider(turn, data),
      },
    };
  }

  /** How customer notifications look. */
  notificationViews(): Record<string, NotificationView> {
    return {
      [CUSTOMER_NOTICES.accepted]: async (data, t) => {
        const inv = await this.service.invitation(text(data.invitationId));
        if (!inv) throw new Error(`Invitation ${String(data.invitationId)} is gone`);
        const provider = inv.providerName ? t('customer.notices.providerPart', { provider: inv.providerName }) : '';
        return {
          card: 'provider-notice',
          view: {
            title: t('customer.notices.acceptedTitle'),
            body: t('customer.notices.accepted', { customer: inv.companyName, provider }),
            buttonTitle: t('customer.buttons.customers'),
            verb: CUSTOMER_VERBS.list,
          },
        };
      },
    };
  }

  private async inviteForm(turn: Turn, data: ActionData, errors: ErrorLine[] = []): Promise<void> {
    const { t } = turn;
    const inviter = await this.service.inviter(turn.actor, text(data.providerLinkId));
    if (!inviter.ok) return turn.refuse(inviter.error);
    const providerLinkId = inviter.value.provider?.linkId ?? '';
    const providerName = inviter.value.provider?.name ?? '';
    const twoTier = providerLinkId !== '';
    const reseller = inviter.value.organization.name;
    await turn.show('customer-invite', {
      title: t(twoTier ? 'customer.invite.titleTwoTier' : 'customer.invite.titleResellerOnly'),
      intro: twoTier ? t('customer.invite.introTwoTier', { reseller, provider: providerName }) : t('customer.invite.introResellerOnly', { reseller }),
      errors,
      providerLinkId,
      providerName,
      roles: GDAP_ROLES.map((r) => ({ title: r, value: r })),
      values: {
        companyName: text(data.companyName),
        adminEmail: text(data.adminEmail),
        delegated: text(data.delegated) === 'true' ? 'true' : 'false',
        roles: text(data.roles),
        durationDays: Number(text(data.durationDays)) || 365,
      },
    });
  }

  private async draft(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const input = Object.fromEntries(['companyName', 'adminEmail', 'delegated', 'roles', 'durationDays', 'providerLinkId'].map((k) => [k, text(data[k])]));
    const result = await this.service.draft(actor, input, turn.locale);
    if (!result.ok) {
      if (result.error.fields) await this.inviteForm(turn, data, this.errors(result.error, turn));
      else await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await this.showDraft(turn, result.value.invitation, result.value.link, true, []);
  }

  private async done(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
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
    await this.showDraft(turn, { ...current.value.invitation, subject: edited.subject, body: edited.body }, current.value.link, true, this.errors(result.error, turn));
  }

  private async invitations(turn: Turn, notice = ''): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.pending(actor);
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    const { t, locale } = turn;
    await turn.show('customer-invitations', {
      notice,
      hasNotice: notice !== '',
      empty: result.value.length === 0,
      emptyText: t('customer.invitations.none'),
      items: result.value.map((inv) => ({
        invitationId: inv.id,
        // A link past its date is not pending: it says so, and Resend renews it.
        text: t(inv.expired ? 'customer.invitations.expiredLine' : 'customer.invitations.line', {
          customer: inv.companyName,
          email: inv.adminEmail,
          kind: inv.providerName ? t('customer.invitations.twoTier', { provider: inv.providerName }) : t('customer.invitations.resellerOnly'),
          sent: formatDate(inv.sentAt ?? '', locale),
          expires: formatDate(inv.expiresAt, locale),
        }),
      })),
    });
  }

  private async resend(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.resend(actor, text(data.invitationId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.context.sendActivity(turn.t('customer.invitations.resent', { customer: result.value.invitation.companyName }));
    await this.showDraft(turn, result.value.invitation, result.value.link, false, []);
  }

  private async revoke(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.revoke(actor, text(data.invitationId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await this.invitations(turn, turn.t('customer.invitations.revoked', { customer: result.value.companyName }));
  }

  private async list(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const typed = searchText('search', text(data.search));
    const search = typed.ok ? typed.value : '';
    const result = await this.service.customers(actor, search, Number(text(data.page)) || 1);
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    if (!typed.ok) {
      await turn.show('customer-list', {
        search: text(data.search),
        errors: this.errors(typed.error, turn),
        hasSummary: false,
        summary: '',
        items: [],
        hasPrevious: false,
        hasNext: false,
        previous: {},
        next: {},
      });
      return;
    }
    const { t, locale } = turn;
    const page = result.value;
    await turn.show('customer-list', {
      search,
      errors: [],
      hasSummary: true,
      summary: page.total ? t('customer.list.count', { total: page.total, page: page.page, pages: page.pages }) : t('customer.list.none'),
      items: page.items.map((row) => ({ customerId: row.customer.id, name: row.customer.companyName, detail: rowDetail(row, t, locale) })),
      hasPrevious: page.page > 1,
      hasNext: page.page < page.pages,
      previous: { search, page: String(page.page - 1) },
      next: { search, page: String(page.page + 1) },
    });
  }

  private async open(turn: Turn, data: ActionData): Promise<void> {
    const actor = await turn.requireActor();
    if (!actor) return;
    const result = await this.service.customer(actor, text(data.customerId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    const { t, locale } = turn;
    const c = result.value.customer;
    const gdap = c.relationships.find((r) => r.delegatedAdmin)?.delegatedAdmin;
    const rights = await this.service.orderRights(c);
    const addable = await this.service.addableProviders(actor, c);
    await turn.show('customer-record', {
      title: t('customer.record.title', { customer: c.companyName }),
      facts: [{ title: t('customer.record.domain'), value: c.domain }],
      relationships: c.relationships.map((r) => ({
        text: t('customer.record.relationshipLine', {
          partner: r.partnerName,
          kind: t(r.kind === 'reseller' ? 'customer.record.kindReseller' : 'customer.record.kindProvider'),
          date: formatDate(r.since, locale),
        }),
      })),
      orderRights: rights.map((r) => ({ text: t(r.canOrder ? 'customer.list.canOrder' : 'customer.list.cannotOrder', { provider: r.provider }), color: r.canOrder ? 'Good' : 'Warning' })),
      canAddProvider: addable.length > 0,
      addProviderNote: t('customer.record.addProviderNote', { customer: c.companyName }),
      addProviders: addable.map((p) => ({ title: t('customer.record.addProvider', { provider: p.name }), customerId: c.id, linkId: p.linkId })),
      hasGdap: !!gdap,
      gdapText: gdap ? t('customer.record.gdap', { roles: gdap.roles.join(', '), days: gdap.durationDays }) : '',
      links: [
        { title: t('customer.record.adminCenter'), url: `https://admin.microsoft.com/?tenant=${encodeURIComponent(c.domain)}` },
        { title: t('customer.record.azurePortal'), url: `https://portal.azure.com/#@${encodeURIComponent(c.domain)}` },
        { title: t('customer.record.partnerCenter'), url: 'https://partner.microsoft.com/dashboard/commerce2/customers' },
      ],
    });
  }

  private async addProvider(turn: Turn, data: ActionData): Promise<void> {
    const result = await this.service.draftAddProvider(turn.actor, text(data.customerId), text(data.providerLinkId), turn.locale);
    if (!result.ok) return turn.refuse(result.error);
    await this.showDraft(turn, result.value.invitation, result.value.link, true, []);
  }

  private async showDraft(turn: Turn, inv: CustomerInvitation, link: string, editable: boolean, errors: ErrorLine[]): Promise<void> {
    const { t } = turn;
    await turn.show('customer-invite-draft', {
      invitationId: inv.id,
      intro: t('customer.draft.intro', { customer: inv.companyName, provider: inv.providerName ? t('customer.draft.providerPart', { provider: inv.providerName }) : '' }),
      to: inv.adminEmail,
      subject: inv.subject,
      body: inv.body,
      link,
      editable,
      readOnly: !editable,
      errors,
      mailto: mailtoLink(inv.adminEmail, inv.subject, inv.body),
    });
  }

  private errors(error: DomainError, turn: Turn): ErrorLine[] {
    return errorLines(error, turn.t, turn.locale, (field) => (LABELS[field] ? turn.t(LABELS[field]) : field));
  }
}

function rowDetail(row: CustomerRow, t: Translate, locale: 'en' | 'it'): string {
  const since = t('customer.list.since', { date: formatDate(row.customer.createdAt, locale) });
  const provider = row.provider
    ? `${t('customer.list.provider', { provider: row.provider.name })} · ${t(row.provider.canOrder ? 'customer.list.canOrder' : 'customer.list.cannotOrder', { provider: row.provider.name })}`
    : t('customer.list.resellerOnly');
  return `${row.customer.domain} · ${since} · ${provider}`;
}
