import type { Middleware, TurnContext } from 'botbuilder';
import { ActivityTypes, TextFormatTypes } from '../botbuilder.js';
import { stripControls } from '../cards/inert-text.js';

/**
 * Marks every text message the assistant sends as plain text, without control characters. Its
 * sentences carry user text (names, reasons) and its catalogs use no markdown, so nothing a user
 * typed can turn into a link, an image or HTML in Web Chat or Teams, whichever feature sends it.
 */
export function plainTextReplies(): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities(async (_context, activities, send) => {
        for (const activity of activities) {
          if (activity.type !== ActivityTypes.Message || typeof activity.text !== 'string') continue;
          // Bidi overrides in a name would reorder the rest of the sentence.
          activity.text = stripControls(activity.text);
          activity.textFormat ??= TextFormatTypes.Plain;
        }
        return send();
      });
      await next();
    },
  };
}
