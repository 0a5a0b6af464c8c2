import { ActivityTypes, TextFormatTypes, type Middleware, type TurnContext } from 'botbuilder';

/**
 * Marks every text message the assistant sends as plain text. Its sentences carry user text
 * (names, reasons) and its catalogs use no markdown, so nothing a user typed can turn into a
 * link, an image or HTML in Web Chat or Teams, whichever feature sends the message.
 */
export function plainTextReplies(): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities(async (_context, activities, send) => {
        for (const activity of activities) {
          if (activity.type === ActivityTypes.Message && typeof activity.text === 'string' && !activity.textFormat) activity.textFormat = TextFormatTypes.Plain;
        }
        return send();
      });
      await next();
    },
  };
}
