import type { Organization } from '../domain/organization/organization.js';
import type { Provider } from '../domain/provider/provider.js';
import { translate, type Catalog, type Locale } from '../i18n/catalog.js';
import type { Outbox } from './outbox.port.js';

/** The status changes a contact is told of by e-mail. */
export type StatusMailKind = Exclude<keyof Catalog['statusMail'], 'greeting' | 'greetingNoName' | 'signature' | 'noReason'>;

/** Whom a status e-mail goes to: an address, the name to greet and the language to write in. */
export interface MailContact {
  readonly email: string;
  readonly name?: string;
  readonly locale?: Locale;
}

/**
 * Tells the other party by e-mail where it matters (the guide: status updates go to the primary
 * contact): an organization's primary contact and a provider's contact address, each in their
 * language, through the same outbox as every other mail (files by default, SMTP when configured).
 */
export class StatusMail {
  constructor(
    private readonly outbox: Outbox,
    private readonly defaultLocale: Locale,
  ) {}

  /** Mails the organization's primary contact, when it has one. */
  toOrganization(org: Organization | undefined, kind: StatusMailKind, params: Record<string, string>): Promise<void> {
    return org?.primaryContact ? this.to(org.primaryContact, kind, params) : Promise.resolve();
  }

  /** Mails the provider's contact address (in Italian for a provider serving Italy first, else the default). */
  toProvider(provider: Provider | undefined, kind: StatusMailKind, params: Record<string, string>): Promise<void> {
    if (!provider) return Promise.resolve();
    return this.to({ email: provider.contactEmail, locale: provider.countries[0] === 'IT' ? 'it' : this.defaultLocale }, kind, params);
  }

  /** Mails one contact. */
  async to(contact: MailContact, kind: StatusMailKind, params: Record<string, string>): Promise<void> {
    const locale = contact.locale ?? this.defaultLocale;
    const t = (key: string, p?: Record<string, string>) => translate(locale, `statusMail.${key}`, p);
    const greeting = contact.name ? t('greeting', { name: contact.name }) : t('greetingNoName');
    await this.outbox.send({
      to: contact.email,
      subject: t(`${kind}.subject`, params),
      text: `${greeting}\n\n${t(`${kind}.body`, params)}\n\n${t('signature')}`,
    });
  }
}
