import type { CustomerRow } from '../app/customer.service.js';
import { GDAP_ROLES, type Customer, type CustomerInvitation } from '../domain/customer/customer.js';
import type { Page } from '../domain/provider/provider.js';
import type { DomainError } from '../domain/result.js';
import type { Locale, Translate } from '../i18n/catalog.js';
import type { ActionData } from './feature.js';
import { errorLines, formatDate, mailtoLink, text, type ErrorLine } from './presenting.js';

const LABELS: Record<string, string> = {
  companyName: 'customer.invite.companyName',
  adminEmail: 'customer.invite.adminEmail',
  roles: 'customer.invite.roles',
  durationDays: 'customer.invite.durationDays',
  subject: 'customer.draft.subject',
  body: 'customer.draft.body',
  search: 'customer.list.search',
};

/** The lines of problems of a refused customer form, each field named by its label on the card. */
export function customerErrorLines(error: DomainError, t: Translate, locale: Locale): ErrorLine[] {
  return errorLines(error, t, locale, (field) => (LABELS[field] ? t(LABELS[field]) : field));
}

/** Who invites: the reseller, and the provider of a two-tier invitation (absent for a reseller-only one). */
export interface Inviter {
  readonly organizationName: string;
  readonly provider?: { readonly linkId: string; readonly name: string };
}

/** The view of cards/customer-invite.json, filled with what was typed. */
export function inviteFormView(inviter: Inviter, typed: ActionData, t: Translate, errors: ErrorLine[]) {
  const providerLinkId = inviter.provider?.linkId ?? '';
  const providerName = inviter.provider?.name ?? '';
  const twoTier = providerLinkId !== '';
  const reseller = inviter.organizationName;
  return {
    title: t(twoTier ? 'customer.invite.titleTwoTier' : 'customer.invite.titleResellerOnly'),
    intro: twoTier ? t('customer.invite.introTwoTier', { reseller, provider: providerName }) : t('customer.invite.introResellerOnly', { reseller }),
    errors,
    providerLinkId,
    providerName,
    roles: GDAP_ROLES.map((r) => ({ title: r, value: r })),
    values: {
      companyName: text(typed.companyName),
      adminEmail: text(typed.adminEmail),
      delegated: text(typed.delegated) === 'true' ? 'true' : 'false',
      roles: text(typed.roles),
      durationDays: Number(text(typed.durationDays)) || 365,
    },
  };
}

/** The view of cards/customer-invite-draft.json: the e-mail to send, editable until it is marked sent. */
export function draftView(inv: CustomerInvitation, link: string, editable: boolean, t: Translate, errors: ErrorLine[]) {
  return {
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
  };
}

/** The view of cards/customer-invitations.json: the invitations not accepted yet, an expired one saying so. */
export function invitationsView(invitations: readonly (CustomerInvitation & { readonly expired: boolean })[], t: Translate, locale: Locale, notice: string) {
  return {
    notice,
    hasNotice: notice !== '',
    empty: invitations.length === 0,
    emptyText: t('customer.invitations.none'),
    items: invitations.map((inv) => ({
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
  };
}

/** The view of cards/customer-list.json when the search typed is not valid: the search with its problems and no rows. */
export function customerSearchErrorView(typedSearch: string, errors: ErrorLine[]) {
  return {
    search: typedSearch,
    errors,
    hasSummary: false,
    summary: '',
    items: [],
    hasPrevious: false,
    hasNext: false,
    previous: {},
    next: {},
  };
}

/** The view of cards/customer-list.json: one page of customers found by a search. */
export function customerListView(search: string, page: Page<CustomerRow> & { next?: string; previous?: string }, t: Translate, locale: Locale) {
  return {
    search,
    errors: [],
    hasSummary: true,
    summary: page.total ? t('customer.list.count', { total: page.total, page: page.page, pages: page.pages }) : t('customer.list.none'),
    items: page.items.map((row) => ({ customerId: row.customer.id, name: row.customer.companyName, detail: rowDetail(row, t, locale) })),
    hasPrevious: page.page > 1,
    hasNext: page.page < page.pages,
    // The buttons carry the list's cursor (a card from before cursors has only the page number).
    previous: { search, page: String(page.page - 1), ...(page.previous ? { cursor: page.previous } : {}) },
    next: { search, page: String(page.page + 1), ...(page.next ? { cursor: page.next } : {}) },
  };
}

/** The view of cards/customer-record.json: the customer's relationships, who may order for it, and the providers that can still be added. */
export function customerRecordView(
  c: Customer,
  rights: readonly { provider: string; canOrder: boolean }[],
  addable: readonly { linkId: string; name: string }[],
  t: Translate,
  locale: Locale,
) {
  const gdap = c.relationships.find((r) => r.delegatedAdmin)?.delegatedAdmin;
  return {
    title: t('customer.record.title', { customer: c.companyName }),
    facts: [{ title: t('customer.record.domain'), value: c.domain }, ...(c.tenantId ? [{ title: t('partnerCenter.record.tenantId'), value: c.tenantId }] : [])],
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
    links: c.tenantId ? tenantLinks(c.tenantId, t) : [
      { title: t('customer.record.adminCenter'), url: `https://admin.microsoft.com/?tenant=${encodeURIComponent(c.domain)}` },
      { title: t('customer.record.azurePortal'), url: `https://portal.azure.com/#@${encodeURIComponent(c.domain)}` },
      { title: t('customer.record.partnerCenter'), url: 'https://partner.microsoft.com/dashboard/commerce2/customers' },
    ],
  };
}

/** The view of cards/provider-notice.json telling the inviter that a customer accepted, with a button to the Customers list. */
export function acceptedNoticeView(inv: CustomerInvitation, t: Translate, listVerb: string) {
  const provider = inv.providerName ? t('customer.notices.providerPart', { provider: inv.providerName }) : '';
  return {
    title: t('customer.notices.acceptedTitle'),
    body: t('customer.notices.accepted', { customer: inv.companyName, provider }),
    buttonTitle: t('customer.buttons.customers'),
    verb: listVerb,
  };
}

function rowDetail(row: CustomerRow, t: Translate, locale: Locale): string {
  const since = t('customer.list.since', { date: formatDate(row.customer.createdAt, locale) });
  const provider = row.provider
    ? `${t('customer.list.provider', { provider: row.provider.name })} · ${t(row.provider.canOrder ? 'customer.list.canOrder' : 'customer.list.cannotOrder', { provider: row.provider.name })}`
    : t('customer.list.resellerOnly');
  return `${row.customer.domain} · ${since} · ${provider}`;
}

/** Links straight to a customer Partner Center reported the tenant id of: its page in Partner Center, and the admin centers on its behalf. */
function tenantLinks(tenantId: string, t: Translate) {
  const id = encodeURIComponent(tenantId);
  return [
    { title: t('customer.record.adminCenter'), url: `https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID=${id}&CSDEST=o365centerhome` },
    { title: t('customer.record.azurePortal'), url: `https://portal.azure.com/#@${id}` },
    { title: t('customer.record.partnerCenter'), url: `https://partner.microsoft.com/dashboard/commerce2/customers/${id}/account` },
  ];
}
