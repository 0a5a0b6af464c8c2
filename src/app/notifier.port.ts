/** Where a proactive message landed, so it can be updated later (for example to show a decision). */
export interface Delivery {
  readonly userId: string;
  readonly conversationId: string;
  readonly activityId: string;
}

/** A message for one user about something that happened; the bot layer turns it into a card in their language. */
export interface Notification {
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Tells users about changes they did not cause. Delivery is best effort: a user the assistant
 * cannot reach still finds the item through its lists and the "status" command.
 */
export interface Notifier {
  /** Sends and returns where it landed, or undefined when the user cannot be reached. */
  notify(userId: string, notification: Notification): Promise<Delivery | undefined>;
  /** Replaces an earlier message with a newer state; false when it could not be updated. */
  update(delivery: Delivery, notification: Notification): Promise<boolean>;
}
