import restify from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { serveParent } from './ipc.js';

/**
 * The stock echo bot, as the Bot Framework SDK sample writes it (samples/javascript_nodejs/02.echo-bot)
 * with the state of the state-management sample: CloudAdapter, MemoryStorage, ConversationState
 * holding a turn counter, saved at the end of every turn.
 */
class EchoBot extends ActivityHandler {
  constructor(private readonly conversationState: ConversationState) {
    super();
    const turns = conversationState.createProperty<number>('turnCount');
    this.onMessage(async (context, next) => {
      await turns.set(context, (await turns.get(context, 0)) + 1);
      const replyText = `Echo: ${context.activity.text}`;
      await context.sendActivity(MessageFactory.text(replyText, replyText));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }
}

await serveParent(async () => {
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    console.error(`[onTurnError] ${String(error)}`);
    await context.sendActivity('The bot encountered an error or bug.');
  };
  const bot = new EchoBot(new ConversationState(new MemoryStorage()));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
