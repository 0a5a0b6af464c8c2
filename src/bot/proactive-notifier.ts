import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from '../botbuilder.js';
import type { Delivery, Notification, Notifier } from '../app/notifier.port.js';
import type { CardRenderer } from '../cards/renderer.js';
import { translator, type Locale, type Translate } from '../i18n/catalog.js';
import type { Logger } from '../log.js';
import { CONNECTOR_TIMEOUT_MS, withConnectorDeadline } from './connector-deadline.js';
import type { ContactBook } from './contact-book.js';

/** Turns one kind of notification into a card for a recipient in their language. */
export type NotificationView = (data: Notification['data'], t: Translate, locale: Locale) => Promise<{ card: string; view: object }>;

/** Statuses worth another try: throttling and server errors. */
const RETRYABLE = (status: number | undefined) => status === 429 || (status !== undefined && status >= 500);

/**
 * Sends notifications as proactive messages through stored conversation references,
 * retrying with backoff on 429 and 5xx (Teams allows a bot about 7 messages a second per conversation).
 */
export class ProactiveNotifier implements Notifier {
  private readonly views = new Map<string, NotificationView>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly contacts: ContactBook,
    private readonly renderer: CardRenderer,
    private readonly log: Logger,
    private readonly retryDelayMs = 250,
    /** Each attempt's time limit; a connector that does not answer fails the attempt. */
    private readonly timeoutMs = CONNECTOR_TIMEOUT_MS,
  ) {}

  /** Declares how a kind of notification looks. */
  register(kind: string, view: NotificationView): void {
    this.views.set(kind, view);
  }

  async notify(userId: string, notification: Notification): Promise<Delivery | undefined> {
    const contact = await this.contacts.find(userId);
    if (!contact) {
      this.log.info({ userId, kind: notification.kind }, 'notification not delivered: user never talked to the assistant');
      return undefined;
    }
    const activity = await this.activityFor(notification, contact.locale, contact.reference.channelId);
    try {
      let activityId = '';
      await this.withRetry(() =>
        this.inConversation(contact.reference, async (context) => {
          activityId = (await context.sendActivity(activity))?.id ?? '';
        }),
      );
      return { userId, conversationId: contact.reference.conversation?.id ?? '', activityId };
    } catch (error) {
      this.log.warn({ err: error, userId, kind: notification.kind }, 'notification not delivered');
      return undefined;
    }
  }

  async update(delivery: Delivery, notification: Notification): Promise<boolean> {
    const contact = await this.contacts.find(delivery.userId);
    if (!contact || !delivery.activityId) return false;
    const activity = { ...(await this.activityFor(notification, contact.locale, contact.reference.channelId)), id: delivery.activityId };
    const reference = { ...contact.reference, conversation: { ...contact.reference.conversation!, id: delivery.conversationId } };
    try {
      await this.withRetry(() =>
        this.inConversation(reference, async (context) => {
          await context.updateActivity(activity);
        }),
      );
      return true;
    } catch (error) {
      this.log.warn({ err: error, userId: delivery.userId, kind: notification.kind }, 'card update not delivered');
      return false;
    }
  }

  private async activityFor(notification: Notification, locale: Locale, channelId: string | undefined) {
    const view = this.views.get(notification.kind);
    if (!view) throw new Error(`No view for notification ${notification.kind}`);
    const { card, view: model } = await view(notification.data, translator(locale), locale);
    const json = this.renderer.render(card, model, { locale, channel: channelId === 'msteams' ? 'msteams' : 'other' });
    return MessageFactory.attachment(CardFactory.adaptiveCard(json));
  }

  /**
   * Runs a send in a conversation. A failure is caught inside the turn and thrown here, so it is
   * retried or reported by the notifier instead of reaching the adapter's turn-error handler.
   */
  private async inConversation(reference: Partial<ConversationReference>, send: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: Error | undefined;
    const sent = this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      try {
        await send(context);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    });
    await withConnectorDeadline(sent, this.timeoutMs, 'a proactive message');
    if (failure) throw failure;
  }

  private async withRetry<T>(send: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (attempt >= attempts || !RETRYABLE(status)) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}
