import { PROVIDER_NOTICES, type ProviderService } from '../app/provider.service.js';
import type { Actor } from '../domain/actor.js';
import { COUNTRIES, countryName } from '../domain/enrollment/countries.js';
import type { ProviderLink } from '../domain/provider/provider-link.js';
import type { Provider } from '../domain/provider/provider.js';
import { PROVIDER_ROLES, providerPeople, providerRolesOf } from '../domain/provider/provider-members.js';
import type { DomainError } from '../domain/result.js';
import { searchText } from '../domain/search.js';
import type { Locale, Translate } from '../i18n/catalog.js';
import type { EarlyReads } from './early-reads.js';
import { withActor, type ActionData, type Feature } from './feature.js';
import { errorLines, formatDate, formatInstant, mailtoLink, refusal, text, type ErrorLine } from './presenting.js';
import type { NotificationView } from './proactive-notifier.js';
import { approversView, personName, providerRolesText } from './provider.views.js';
import type { Turn } from './turn.js';

/** Card verbs of the provider journey. */
export const PROVIDER_VERBS = {
  find: 'provider.find',
  request: 'provider.request',
  approve: 'provider.approve',
  decline: 'provider.decline',
  refreshRequest: 'provider.request.refresh',
  authorize: 'provider.authorize',
  consent: 'provider.consent',
  providers: 'provider.providers',
  resellers: 'provider.resellers',
  customers: 'provider.customers',
  history: 'provider.history',
  end: 'provider.end',
  confirmEnd: 'provider.end.confirm',
  invite: 'provider.invite',
  register: 'provider.register',
  approveRegistration: 'provider.registration.approve',
  declineRegistration: 'provider.registration.decline',
  approvers: 'provider.approvers',
  requests: 'provider.requests',
  setApproverRoles: 'provider.approvers.setRoles',
} as const;

/** The directory's "any country/region" choice (the card renderer refuses an empty choice value). */
const ANY_COUNTRY = 'any';

const FIELD_LABELS: Record<string, string> = {
  email: 'provider.invite.email',
  partnerId: 'provider.invite.partnerId',
  name: 'provider.register.name',
  countries: 'provider.register.countries',
  services: 'provider.register.services',
  support: 'provider.register.support',
  contactEmail: 'provider.register.contactEmail',
  consent: 'provider.consent.title',
  reason: 'provider.request.reason',
  keyword: 'provider.directory.keyword',
  search: 'provider.list.search',
};

/**
 * The provider journey in chat: the directory and Request to connect for resellers; the
 * approval card, invitations and Indirect resellers for providers; the consent card and
 * Indirect providers for resellers' admin agents.
 */
export class ProviderFeature {
  constructor(
    private readonly service: ProviderService,
    private readonly channelIdsOf: (userIds: readonly string[]) => Promise<string[]>,
    /** The customers a reseller and a provider share (from the customer journey). */
    private readonly sharedCustomers: (link: ProviderLink) => Promise<readonly { companyName: string; domain: string }[]>,
  ) {}

  /** The feature as the bot routes to it. */
  feature(): Feature {
    const v = PROVIDER_VERBS;
    return {
      name: 'provider',
      menu: [
        { titleKey: 'provider.menu.find', verb: v.find },
        { titleKey: 'provider.menu.providers', verb: v.providers },
      ],
      commands: [
        { wordsKey: 'provider.commands.find', descriptionKey: 'provider.commands.findDescription', takesText: true, run: (turn, rest) => this.directory(turn, { keyword: rest }) },
        { wordsKey: 'provider.commands.providers', descriptionKey: 'provider.commands.providersDescription', run: (turn) => this.providers(turn) },
        {
          wordsKey: 'provider.commands.resellers',
          descriptionKey: 'provider.commands.resellersDescription',
          takesText: true,
          run: (turn, rest) => this.resellers(turn, { search: rest }),
          readAhead: (early, actor, rest) => this.resellersRead(early, actor, { search: rest }),
        },
        { wordsKey: 'provider.commands.invite', descriptionKey: 'provider.commands.inviteDescription', run: (turn) => this.inviteForm(turn) },
        { wordsKey: 'provider.commands.requests', descriptionKey: 'provider.commands.requestsDescription', run: (turn) => this.requests(turn) },
        { wordsKey: 'provider.commands.accept', descriptionKey: 'provider.commands.acceptDescription', takesText: true, run: (turn, rest) => this.accept(turn, rest) },
        { wordsKey: 'provider.commands.register', descriptionKey: 'provider.commands.registerDescription', run: (turn) => this.registerForm(turn) },
        { wordsKey: 'provider.commands.history', descriptionKey: 'provider.commands.historyDescription', run: (turn) => this.allHistories(turn) },
        { wordsKey: 'provider.commands.approvers', descriptionKey: 'provider.commands.approversDescription', run: (turn) => this.approvers(turn, {}) },
      ],
      actions: {
        [v.find]: (turn, data) => this.directory(turn, data),
        [v.request]: withActor((turn, actor, data) => this.request(turn, actor, data)),
        [v.approve]: (turn, data) => this.decide(turn, data, 'approved'),
        [v.decline]: (turn, data) => this.decide(turn, data, 'declined'),
        [v.refreshRequest]: (turn, data) => this.refreshRequest(turn, data),
        [v.authorize]: (turn, data) => this.authorize(turn, data),
        [v.consent]: (turn, data) => this.consent(turn, data),
        [v.providers]: (turn) => this.providers(turn),
        [v.resellers]: (turn, data) => this.resellers(turn, data),
        [v.customers]: (turn, data) => this.customers(turn, data),
        [v.history]: (turn, data) => this.history(turn, data),
        [v.end]: (turn, data) => this.confirmEnd(turn, data),
        [v.confirmEnd]: (turn, data) => this.end(turn, data),
        [v.invite]: (turn, data) => this.invite(turn, data),
        [v.register]: withActor((turn, actor, data) => this.register(turn, actor, data)),
        [v.approveRegistration]: (turn, data) => this.decideRegistration(turn, data, 'approved'),
        [v.declineRegistration]: (turn, data) => this.decideRegistration(turn, data, 'declined'),
        [v.approvers]: (turn, data) => this.approvers(turn, data),
        [v.requests]: (turn, data) => this.requests(turn, data),
        [v.setApproverRoles]: (turn, data) => this.setApproverRoles(turn, data),
      },
      readAhead: {
        [v.approve]: (early, _actor, data) => this.decisionRead(early, data),
        [v.decline]: (early, _actor, data) => this.decisionRead(early, data),
        [v.resellers]: (early, actor, data) => this.resellersRead(early, actor, data),
      },
    };
  }

  /** How provider notifications look to their recipients. */
  notificationViews(): Record<string, NotificationView> {
    const withLink = async (data: Record<string, unknown>) => {
      const link = await this.service.link(text(data.linkId));
      if (!link) throw new Error(`Relationship ${String(data.linkId)} is gone`);
      return link;
    };
    return {
      [PROVIDER_NOTICES.request]: async (data, t, locale) => ({ card: 'provider-request', view: await this.requestView(await withLink(data), t, locale, []) }),
      [PROVIDER_NOTICES.consent]: async (data, t) => ({ card: 'provider-consent', view: consentView(await withLink(data), t, true, []) }),
      [PROVIDER_NOTICES.declined]: async (data, t) => {
        const link = await withLink(data);
        const reason = link.decision?.reason ? t('provider.notices.reasonSuffix', { reason: link.decision.reason }) : '';
        return notice(t('provider.notices.declinedTitle'), t('provider.notices.declined', { provider: link.providerName, reason }), t('provider.buttons.search'), PROVIDER_VERBS.find);
      },
      [PROVIDER_NOTICES.authorized]: async (data, t) => {
        const link = await withLink(data);
        return notice(t('provider.notices.authorizedTitle'), t('provider.notices.authorized', { reseller: link.resellerName, provider: link.providerName }), t('provider.buttons.resellers'), PROVIDER_VERBS.resellers);
      },
      [PROVIDER_NOTICES.registration]: async (data, t, locale) => {
        const provider = await this.service.registration(text(data.tenantId));
        if (!provider) throw new Error(`Registration ${String(data.tenantId)} is gone`);
        return { card: 'provider-registration-review', view: registrationView(provider, t, locale) };
      },
      [PROVIDER_NOTICES.registrationDecided]: async (data, t) => {
        const provider = await this.service.registration(text(data.tenantId));
        if (!provider) throw new Error(`Registration ${String(data.tenantId)} is gone`);
        const approved = provider.status === 'approved';
        return notice(
          t(approved ? 'provider.registrationReview.approvedTitle' : 'provider.registrationReview.declinedTitle'),
          t(approved ? 'provider.registrationReview.approved' : 'provider.registrationReview.declined', { provider: provider.name, reason: provider.review?.reason ?? '—' }),
          t(approved ? 'provider.buttons.resellers' : 'provider.buttons.search'),
          approved ? PROVIDER_VERBS.resellers : PROVIDER_VERBS.find,
        );
      },
      [PROVIDER_NOTICES.ended]: async (data, t) => {
        const link = await withLink(data);
        return notice(t('provider.notices.endedTitle'), t('provider.end.done', { reseller: link.resellerName, provider: link.providerName }), t('provider.buttons.providers'), PROVIDER_VERBS.providers);
      },
    };
  }

  private async directory(turn: Turn, data: ActionData): Promise<void> {
    const { t, locale } = turn;
    const country = text(data.country);
    const keyword = searchText('keyword', text(data.keyword));
    const countries = [{ title: t('provider.directory.anyCountry'), value: ANY_COUNTRY }, ...countryChoices(locale)];
    if (!keyword.ok) {
      await turn.show('provider-directory', {
        countries,
        values: { country: country || ANY_COUNTRY, keyword: text(data.keyword) },
        errors: this.errors(keyword.error, turn),
        hasSummary: false,
        summary: '',
        providers: [],
        hasPrevious: false,
        hasNext: false,
        previous: {},
        next: {},
      });
      return;
    }
    const query = { country: country === ANY_COUNTRY ? '' : country, keyword: keyword.value };
    const page = await this.service.directory(query, Number(text(data.page)) || 1);
    await turn.show('provider-directory', {
      countries,
      values: { country: query.country || ANY_COUNTRY, keyword: query.keyword },
      errors: [],
      hasSummary: true,
      summary: page.total ? t('provider.directory.results', { total: page.total, page: page.page, pages: page.pages }) : t('provider.directory.none'),
      providers: page.items.map((p) => directoryEntry(p, t, locale)),
      hasPrevious: page.page > 1,
      hasNext: page.page < page.pages,
      previous: { ...query, page: String(page.page - 1) },
      next: { ...query, page: String(page.page + 1) },
    });
  }

  private async request(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const providerTenantId = text(data.providerTenantId);
    const result = await this.service.requestConnection(actor, providerTenantId);
    if (!result.ok) {
      // A second request while one is open shows where it stands instead of a dead end.
      const open = result.error.code === 'LINK.ALREADY_OPEN' ? await this.service.relationshipWith(actor, providerTenantId) : undefined;
      if (open?.status === 'requested') return turn.say('provider.request.pending', { provider: open.providerName, date: formatDate(open.requestedAt ?? '', turn.locale) });
      if (open?.status === 'approved' || open?.status === 'invited') return this.showConsent(turn, open);
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.context.sendActivity(turn.t('provider.request.sent', { provider: result.value.providerName }));
  }

  /** The requests waiting for a decision; with a reseller's name (from a sentence), only theirs, else the first ten with a note. */
  private async requests(turn: Turn, data: ActionData = {}): Promise<void> {
    const reseller = text(data.reseller).slice(0, 100);
    // A name is looked for among all of this provider's pending requests; without one, the first ten are read.
    const result = await this.service.pendingRequests(turn.actor, reseller ? Infinity : 10);
    if (!result.ok) return turn.refuse(result.error);
    const all = result.value;
    if (!all.length) {
      await turn.say('provider.request.none');
      return;
    }
    const theirs = reseller ? all.filter((l) => namePrefix(l.resellerName, reseller)) : all;
    if (reseller && !theirs.length) await turn.context.sendActivity(turn.t('provider.request.noneFrom', { reseller }));
    const pending = theirs.length ? theirs : all;
    for (const link of pending.slice(0, 10)) await turn.show('provider-request', await this.requestView(link, turn.t, turn.locale, []));
  }

  /** What deciding the request of a card reads first (see `ProviderService.decisionReads`): its key for `EarlyReads`, and the read. */
  private decisionQuery(data: ActionData) {
    const id = text(data.linkId);
    return { id, key: `provider.decide\u0000${id}`, read: () => this.service.decisionReads(id) };
  }

  /** Starts the reads of an Approve or Decline click with the turn, before the click is claimed (see `EarlyReads`). */
  private decisionRead(early: EarlyReads, data: ActionData): void {
    const { key, read } = this.decisionQuery(data);
    early.start(key, read);
  }

  private async decide(turn: Turn, data: ActionData, outcome: 'approved' | 'declined'): Promise<void> {
    const { id, key, read } = this.decisionQuery(data);
    const result = await this.service.decide(turn.actor, id, outcome, text(data.reason), turn.early(key, read));
    if (!result.ok) {
      const link = await this.service.link(id);
      if (result.error.code.startsWith('ACCESS.') || !link) {
        await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
        return;
      }
      if (result.error.field) {
        await turn.show('provider-request', await this.requestView(link, turn.t, turn.locale, this.errors(result.error, turn)));
        return;
      }
      await turn.show('provider-request', await this.requestView(link, turn.t, turn.locale, []));
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.show('provider-request', await this.requestView(result.value.link, turn.t, turn.locale, [], result.value.approverIds));
  }

  private async refreshRequest(turn: Turn, data: ActionData): Promise<void> {
    const link = await this.service.link(text(data.linkId));
    if (!link || !(await this.service.isApprover(turn.actor, link))) {
      await turn.say('provider.errors.notApprover');
      return;
    }
    await turn.show('provider-request', await this.requestView(link, turn.t, turn.locale, []));
  }

  private async accept(turn: Turn, code: string): Promise<void> {
    const actor = turn.actor;
    const result = await this.service.acceptInvitation(actor, code);
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    const side = actor ? await this.service.resellerSide(actor) : undefined;
    await turn.show('provider-consent', consentView(result.value, turn.t, side?.isAdminAgent ?? false, []));
  }

  private async authorize(turn: Turn, data: ActionData): Promise<void> {
    const actor = turn.actor;
    const id = text(data.linkId);
    const consent = data.consent === 'true' || data.consent === true;
    const result = await this.service.authorize(actor, id, consent);
    if (result.ok) {
      await turn.context.sendActivity(turn.t('provider.consent.done', { provider: result.value.providerName }));
      await this.providers(turn);
      return;
    }
    const visible = await this.service.visibleLink(actor, id);
    if (!visible.ok || !actor || result.error.code.startsWith('ACCESS.') || result.error.code === 'LINK.ALREADY_OPEN' || result.error.code === 'LINK.NOT_AUTHORIZABLE') {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    const side = await this.service.resellerSide(actor);
    await turn.show('provider-consent', consentView(visible.value, turn.t, side?.isAdminAgent ?? false, this.errors(result.error, turn)));
  }

  /** The consent card of a relationship waiting for the reseller's authorization, from Indirect providers. */
  private async consent(turn: Turn, data: ActionData): Promise<void> {
    const visible = await this.service.resellerLink(turn.actor, text(data.linkId));
    if (!visible.ok) return turn.refuse(visible.error);
    const link = visible.value;
    if (link.status !== 'approved' && link.status !== 'invited') return turn.say('provider.errors.notAuthorizable');
    await this.showConsent(turn, link);
  }

  private async showConsent(turn: Turn, link: ProviderLink): Promise<void> {
    const side = turn.actor ? await this.service.resellerSide(turn.actor) : undefined;
    await turn.show('provider-consent', consentView(link, turn.t, side?.isAdminAgent ?? false, []));
  }

  private async providers(turn: Turn): Promise<void> {
    const result = await this.service.indirectProviders(turn.actor);
    if (!result.ok) return turn.refuse(result.error);
    const links = result.value;
    const { t, locale } = turn;
    await turn.show('provider-list', {
      title: t('provider.list.providersTitle'),
      empty: links.length === 0,
      emptyText: t('provider.list.providersNone'),
      items: links.map((l) => ({
        linkId: l.id,
        name: l.providerName,
        authorized: l.status === 'authorized',
        waiting: l.status === 'approved' || l.status === 'invited',
        detail:
          l.status === 'authorized'
            ? t('provider.list.since', { date: formatDate(l.authorizedAt ?? '', locale) })
            : l.status === 'requested'
              ? t('provider.list.requested', { provider: l.providerName, date: formatDate(l.requestedAt ?? '', locale) })
              : t('provider.list.waiting', { provider: l.providerName }),
      })),
    });
  }

  /** The reads behind a page of Indirect resellers: their keys for `EarlyReads` (who asks, for what) and the reads. */
  private resellersQuery(actor: Actor | undefined, data: ActionData) {
    const typed = searchText('search', text(data.search));
    const search = typed.ok ? typed.value : '';
    const page = Number(text(data.page)) || 1;
    const cursor = text(data.cursor) || undefined;
    const who = [actor?.tenantId ?? '', actor?.userId ?? ''];
    return {
      typed,
      search,
      page: { key: ['provider.resellers', ...who, search, page, cursor ?? ''].join('\u0000'), read: () => this.service.indirectResellers(actor, search, { page, cursor }) },
      manages: { key: ['provider.managesApprovers', ...who].join('\u0000'), read: () => this.service.managesApprovers(actor) },
    };
  }

  /** Starts the reads of a page of Indirect resellers with the turn (see `EarlyReads`). */
  private resellersRead(early: EarlyReads, actor: Actor, data: ActionData): void {
    const { page, manages } = this.resellersQuery(actor, data);
    early.start(page.key, page.read);
    early.start(manages.key, manages.read);
  }

  private async resellers(turn: Turn, data: ActionData): Promise<void> {
    const query = this.resellersQuery(turn.actor, data);
    const { typed, search } = query;
    const managing = turn.early(query.manages.key, query.manages.read);
    managing.catch(() => undefined);
    const result = await turn.early(query.page.key, query.page.read);
    if (!result.ok) return turn.refuse(result.error);
    const page = result.value;
    const canManageApprovers = await managing;
    if (!typed.ok) {
      await turn.show('reseller-list', {
        canManageApprovers,
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
    await turn.show('reseller-list', {
      search,
      errors: [],
      hasSummary: true,
      summary: page.total ? turn.t('provider.list.count', { total: page.total, page: page.page, pages: page.pages }) : turn.t('provider.list.resellersNone'),
      items: page.items.map((l) => ({
        linkId: l.id,
        name: l.resellerName,
        detail: [l.resellerPartnerId ? turn.t('provider.list.mpn', { partnerId: l.resellerPartnerId }) : '', turn.t('provider.list.since', { date: formatDate(l.authorizedAt ?? '', turn.locale) })]
          .filter(Boolean)
          .join(' · '),
      })),
      hasPrevious: page.page > 1,
      hasNext: page.page < page.pages,
      // The buttons carry the list's cursor (a card from before cursors has only the page number).
      previous: { search, page: String(page.page - 1), ...(page.previous ? { cursor: page.previous } : {}) },
      next: { search, page: String(page.page + 1), ...(page.next ? { cursor: page.next } : {}) },
      canManageApprovers,
    });
  }

  private async approvers(turn: Turn, data: ActionData, notice = '', errors: ErrorLine[] = []): Promise<void> {
    const result = await this.service.team(turn.actor, Number(text(data.page)) || 1);
    if (!result.ok) return turn.refuse(result.error);
    const { provider, people } = result.value;
    await turn.show('provider-approvers', approversView(provider.name, people, turn.t, notice, errors));
  }

  private async setApproverRoles(turn: Turn, data: ActionData): Promise<void> {
    const index = text(data.index);
    const userId = text(data.userId);
    const roles = PROVIDER_ROLES.filter((r) => data[`${r}_${index}`] === 'true' || data[`${r}_${index}`] === true);
    const result = await this.service.setMemberRoles(turn.actor, userId, roles);
    if (!result.ok) {
      if (result.error.code.startsWith('ACCESS.')) return turn.refuse(result.error);
      await this.approvers(turn, data, '', this.errors(result.error, turn));
      return;
    }
    const person = providerPeople(result.value).find((p) => p.userId === userId);
    const params = { name: person ? personName(person, turn.t) : userId, roles: providerRolesText(person?.roles ?? [], turn.t) };
    const notice = turn.t('provider.approvers.updated', params);
    // A provider admin who gave up their own role can no longer open the card: they are told in a line.
    if (turn.actor && !providerRolesOf(result.value, turn.actor.userId).includes('providerAdmin')) {
      await turn.say('provider.approvers.updated', params);
      return;
    }
    await this.approvers(turn, data, notice);
  }

  private async customers(turn: Turn, data: ActionData): Promise<void> {
    const link = await this.visible(turn, data, 'customers');
    if (!link) return;
    const customers = (await this.sharedCustomers(link)).map((c) => ({ name: c.companyName, detail: c.domain }));
    await turn.show('provider-customers', {
      title: turn.t('provider.customers.title', { reseller: link.resellerName, provider: link.providerName }),
      customers,
      empty: customers.length === 0,
      hasCustomers: customers.length > 0,
      emptyText: turn.t('provider.customers.none'),
    });
  }

  private async allHistories(turn: Turn): Promise<void> {
    const result = await this.service.relationshipsOf(turn.actor);
    if (!result.ok) return turn.refuse(result.error);
    const links = result.value;
    if (!links.length) {
      await turn.say('provider.history.none');
      return;
    }
    for (const link of links.slice(0, 5)) await this.showHistory(turn, link);
  }

  private async history(turn: Turn, data: ActionData): Promise<void> {
    const link = await this.visible(turn, data);
    if (link) await this.showHistory(turn, link);
  }

  private async showHistory(turn: Turn, link: ProviderLink): Promise<void> {
    await turn.show('provider-history', {
      title: turn.t('provider.history.title', { reseller: link.resellerName, provider: link.providerName }),
      entries: link.history.map((h) => ({
        text: turn.t('provider.history.entry', { at: formatInstant(h.at, turn.locale), what: turn.t(`provider.events.${h.what}`), by: h.byName }),
      })),
    });
  }

  private async confirmEnd(turn: Turn, data: ActionData): Promise<void> {
    const link = await this.visible(turn, data, 'end');
    if (!link) return;
    await turn.show('provider-end-confirm', {
      linkId: link.id,
      text: turn.t('provider.end.confirm', { reseller: link.resellerName, provider: link.providerName }),
    });
  }

  private async end(turn: Turn, data: ActionData): Promise<void> {
    const result = await this.service.end(turn.actor, text(data.linkId));
    if (!result.ok) {
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.context.sendActivity(turn.t('provider.end.done', { reseller: result.value.resellerName, provider: result.value.providerName }));
  }

  private async inviteForm(turn: Turn, errors: ErrorLine[] = [], values = { email: '', partnerId: '' }): Promise<void> {
    const desk = await this.service.desk('provider.inviteReseller', turn.actor);
    if (!desk.ok) return turn.refuse(desk.error);
    const provider = desk.value;
    await turn.show('provider-invite', { intro: turn.t('provider.invite.intro', { provider: provider.name }), errors, values });
  }

  private async invite(turn: Turn, data: ActionData): Promise<void> {
    const values = { email: text(data.email), partnerId: text(data.partnerId) };
    const result = await this.service.inviteReseller(turn.actor, values, turn.locale);
    if (!result.ok) {
      if (result.error.fields) await this.inviteForm(turn, this.errors(result.error, turn), values);
      else await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    const { link, subject, body, postedToReseller, invitation } = result.value;
    await turn.show('provider-invite-draft', {
      intro: turn.t('provider.invite.draftIntro', { expires: formatDate(invitation.expiresAt, turn.locale) }),
      to: invitation.email,
      subject,
      body,
      link,
      posted: postedToReseller,
      postedText: turn.t('provider.invite.posted'),
      mailto: mailtoLink(invitation.email, subject, body),
    });
  }

  private async registerForm(turn: Turn, errors: ErrorLine[] = [], values: Record<string, string> = {}): Promise<void> {
    const fields = ['name', 'partnerId', 'countries', 'services', 'support', 'contactEmail'];
    await turn.show('provider-register', { errors, values: Object.fromEntries(fields.map((f) => [f, values[f] ?? ''])) });
  }

  private async register(turn: Turn, actor: Actor, data: ActionData): Promise<void> {
    const values = Object.fromEntries(['name', 'partnerId', 'countries', 'services', 'support', 'contactEmail'].map((f) => [f, text(data[f])]));
    const result = await this.service.register(actor, values);
    if (!result.ok) {
      if (result.error.fields) await this.registerForm(turn, this.errors(result.error, turn), values);
      else await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await turn.context.sendActivity(turn.t('provider.register.done', { provider: result.value.name }));
  }

  private async decideRegistration(turn: Turn, data: ActionData, outcome: 'approved' | 'declined'): Promise<void> {
    const tenantId = text(data.tenantId);
    const result = await this.service.decideRegistration(turn.actor, tenantId, outcome, text(data.reason));
    if (!result.ok && (result.error.code.startsWith('ACCESS.') || result.error.code === 'PROVIDER.UNKNOWN')) return turn.refuse(result.error);
    const provider = await this.service.registration(tenantId);
    if (provider) await turn.show('provider-registration-review', registrationView(provider, turn.t, turn.locale));
    if (!result.ok) await turn.refuse(result.error);
  }

  private async visible(turn: Turn, data: ActionData, purpose: 'history' | 'customers' | 'end' = 'history'): Promise<ProviderLink | undefined> {
    const link = await this.service.visibleLink(turn.actor, text(data.linkId), purpose);
    if (!link.ok) await turn.refuse(link.error);
    return link.ok ? link.value : undefined;
  }

  private errors(error: DomainError, turn: Turn): ErrorLine[] {
    return errorLines(error, turn.t, turn.locale, (field) => (FIELD_LABELS[field] ? turn.t(FIELD_LABELS[field]) : field));
  }

  /** The request card's view; `approverIds` when the caller has just read them (else they are read). */
  private async requestView(link: ProviderLink, t: Translate, locale: Locale, errors: ErrorLine[], approverIds?: readonly string[]) {
    const decided = link.status !== 'requested' && link.decision ? link.decision : undefined;
    return {
      linkId: link.id,
      intro: t('provider.request.intro', { reseller: link.resellerName, provider: link.providerName }),
      facts: [
        { title: t('provider.request.reseller'), value: link.resellerName },
        { title: t('provider.request.mpn'), value: link.resellerPartnerId ?? '—' },
        { title: t('provider.request.country'), value: link.resellerCountry ? countryName(link.resellerCountry, locale) : '—' },
        { title: t('provider.request.asked'), value: link.requestedAt ? formatInstant(link.requestedAt, locale) : '—' },
        { title: t('provider.request.requestedBy'), value: link.history.filter((h) => h.what === 'requested').at(-1)?.byName ?? '—' },
      ],
      open: link.status === 'requested',
      decided: !!decided,
      decidedText: decided ? t('provider.request.decided', { outcome: t(`provider.outcomes.${decided.outcome}`), by: decided.byName, at: formatInstant(decided.at, locale) }) : '',
      hasReason: !!decided?.reason,
      reasonText: decided?.reason ? t('provider.notices.reasonSuffix', { reason: decided.reason }).trim() : '',
      errors,
      approverIds: await this.channelIdsOf(approverIds ?? (await this.service.approversOf(link))),
    };
  }
}

function consentView(link: ProviderLink, t: Translate, isAdminAgent: boolean, errors: ErrorLine[]) {
  const provider = link.providerName;
  return {
    linkId: link.id,
    intro: t('provider.consent.intro', { provider }),
    grants: t('provider.consent.grants', { provider }),
    checkbox: t('provider.consent.checkbox', { provider }),
    canAuthorize: isAdminAgent,
    adminOnly: !isAdminAgent,
    errors,
  };
}

function registrationView(p: Provider, t: Translate, locale: Locale) {
  const decided = p.status !== 'pending' && p.review ? p.review : undefined;
  return {
    tenantId: p.tenantId,
    intro: t('provider.registrationReview.intro', { registrant: p.admins?.[0]?.name ?? '—', provider: p.name }),
    facts: [
      { title: t('provider.register.name'), value: p.name },
      { title: t('provider.registrationReview.tenant'), value: p.tenantId },
      { title: t('provider.register.partnerId'), value: p.partnerId },
      { title: t('provider.registrationReview.countries'), value: p.countries.map((c) => countryName(c, locale)).join(', ') },
      { title: t('provider.register.contactEmail'), value: p.contactEmail },
      { title: t('provider.registrationReview.submitted'), value: formatInstant(p.createdAt, locale) },
    ],
    open: p.status === 'pending',
    decided: !!decided,
    decidedText: decided ? t('provider.request.decided', { outcome: t(`provider.outcomes.${decided.outcome}`), by: decided.byName, at: formatInstant(decided.at, locale) }) : '',
  };
}

function directoryEntry(p: Provider, t: Translate, locale: Locale) {
  return {
    tenantId: p.tenantId,
    name: p.name,
    serves: t('provider.directory.serves', { countries: p.countries.map((c) => countryName(c, locale)).join(', ') }),
    services: t('provider.directory.services', { services: p.services.join(', ') }),
    support: t('provider.directory.support', { support: p.support }),
    contact: t('provider.directory.contact', { email: p.contactEmail }),
  };
}

function countryChoices(locale: Locale) {
  return COUNTRIES.map((c) => ({ title: countryName(c.code, locale), value: c.code })).sort((a, b) => a.title.localeCompare(b.title, locale));
}

function notice(title: string, body: string, buttonTitle: string, verb: string) {
  return { card: 'provider-notice', view: { title, body, buttonTitle, verb } };
}

/** Whether a name starts with the words typed, ignoring case and accents ("demo res" matches "Démo Reseller"). */
function namePrefix(name: string, typed: string): boolean {
  const fold = (v: string) => v.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
  const wanted = fold(typed);
  return wanted.length > 0 && fold(name).startsWith(wanted);
}
