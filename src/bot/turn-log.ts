import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../log.js';

/** Logs one line per turn with its duration; never the message text (that is user content). */
export function turnLogger(log: Logger): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        await next();
      } catch (error) {
        outcome = 'error';
        throw error;
      } finally {
        const { activity } = context;
        log.info(
          {
            channelId: activity.channelId,
            conversationId: activity.conversation?.id,
            activityId: activity.id,
            type: activity.type,
            name: activity.name,
            outcome,
            durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          },
          'turn',
        );
      }
    },
  };
}
