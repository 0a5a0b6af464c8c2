import type { ConversationReference } from 'botbuilder';
import { TurnContext } from '../botbuilder.js';
import { LRUCache } from 'lru-cache';
import type { RecordStore } from '../app/ports.js';
import { mutate } from '../app/ports.js';
import { ok } from '../domain/result.js';
import type { Locale } from '../i18n/catalog.js';
import { serviceUrlVouchedFor } from './service-url.js';

/** How to reach a user proactively, and in which language. */
export interface Contact {
  readonly reference: Partial<ConversationReference>;
  readonly locale: Locale;
  readonly name: string;
}

/** Users whose last written contact this process remembers (about 1 KB each): the recently active ones. */
export const REMEMBERED_CONTACTS = 10_000;

/**
 * How long this process remembers that a user has no contact (never talked to the assistant):
 * an approval card lists its approvers' channel ids for Universal Actions refresh on every click,
 * and most approvers may never have talked to it. A user who talks to another instance meanwhile
 * is listed once this has passed (until then their copy of the card refreshes on their own click).
 */
const NO_CONTACT_MS = 30_000;

/** What the contact book remembers of a contact it wrote: the JSON written, and the channel's id of the user. */
interface Remembered {
  readonly json: string;
  readonly channelId: string | undefined;
}

/**
 * The conversation reference of every user who talked to the assistant, kept so that
 * decisions and status changes can be sent to them later. Written only when it changes: the
 * contact last written is remembered for the most recently active users only (an LRU), so memory
 * stays bounded however many users there are; a user no longer remembered costs one write.
 */
export class ContactBook {
  private readonly known: LRUCache<string, Remembered>;
  /** Users found without a contact lately (see NO_CONTACT_MS). */
  private readonly absent: LRUCache<string, true>;

  constructor(
    private readonly store: RecordStore<Contact>,
    remembered = REMEMBERED_CONTACTS,
  ) {
    this.known = new LRUCache({ max: remembered });
    this.absent = new LRUCache({ max: remembered, ttl: NO_CONTACT_MS });
  }

  /**
   * Remembers where this user can be reached, from a turn whose serviceUrl identity vouches for
   * (the token's claim, or loopback without one); returns false and keeps the old address otherwise,
   * so that nobody can redirect another user's notifications to an address of their choosing.
   */
  async remember(userId: string, context: TurnContext, locale: Locale): Promise<boolean> {
    if (!serviceUrlVouchedFor(context)) return false;
    const reference = TurnContext.getConversationReference(context.activity);
    // activityId changes every turn and is not needed to start a new message.
    delete reference.activityId;
    const contact: Contact = { reference, locale, name: context.activity.from?.name ?? userId };
    const json = JSON.stringify(contact);
    if (this.known.get(userId)?.json === json) return true;
    await mutate(this.store, userId, () => ok(contact));
    this.known.set(userId, { json, channelId: reference.user?.id });
    this.absent.delete(userId);
    return true;
  }

  /**
   * The channel's own ids (Teams MRIs such as 29:…) of the users who ever talked to the assistant,
   * for Universal Actions refresh: from memory for the users this process wrote recently (a Teams
   * user's id does not change), from the store for the others.
   */
  async channelIds(userIds: readonly string[]): Promise<string[]> {
    const ids = await Promise.all(
      userIds.map(async (id) => {
        const remembered = this.known.get(id);
        if (remembered) return remembered.channelId;
        if (this.absent.has(id)) return undefined;
        const found = await this.find(id);
        if (!found) this.absent.set(id, true);
        return found?.reference.user?.id;
      }),
    );
    return ids.filter((id): id is string => !!id);
  }

  /** Where to reach a user, when they ever talked to the assistant. */
  async find(userId: string): Promise<Contact | undefined> {
    return (await this.store.get(userId))?.value;
  }
}
