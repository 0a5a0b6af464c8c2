import restify from 'restify';
import { serveParent } from './ipc.js';

/** The floor: a bare restify route that parses the activity and answers one reply, with no bot at all. */
await serveParent(async () => {
  const server = restify.createServer();
  server.use(restify.plugins.jsonBodyParser());
  server.post('/api/messages', (req, res, next) => {
    const activity = req.body as { text?: string; from?: { id?: string }; conversation?: { id?: string } };
    res.json({ activities: [{ type: 'message', text: `Echo: ${activity.text ?? ''}`, recipient: activity.from, conversation: activity.conversation }] });
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
