import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { resolveLocale, translate, type Locale } from '../i18n/catalog.js';
import type { Logger } from '../log.js';

/**
 * The one handler for unexpected failures in a turn: logs them with the conversation and
 * activity ids and a reference, and tells the user in their language, with no stack trace.
 * State is not saved for a failed turn, so what the user sees stays consistent with what is stored.
 */
export function createTurnErrorHandler(log: Logger, defaultLocale: Locale) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const reference = randomUUID().slice(0, 8);
    const { activity } = context;
    log.error(
      {
        err: error,
        reference,
        conversationId: activity.conversation?.id,
        activityId: activity.id,
        activityType: activity.type,
        channelId: activity.channelId,
      },
      'turn failed',
    );
    const locale = resolveLocale(activity.locale, defaultLocale);
    try {
      await context.sendActivity(translate(locale, 'common.errors.generic', { reference }));
    } catch (sendError) {
      log.error({ err: sendError, reference }, 'could not tell the user about a failed turn');
    }
  };
}
