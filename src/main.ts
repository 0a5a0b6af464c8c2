import { createAssistant } from './assistant.js';
import { ConfigError, loadConfig } from './config.js';
import { limitHeapGrowth } from './heap.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    for (const line of error.problems) process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  throw error;
}

limitHeapGrowth(config.heapGrowingPercent);
const assistant = await createAssistant(config);
await assistant.listen();

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  assistant.log.info({ signal }, 'shutting down');
  // Whatever happens, the process is gone within 5 s.
  setTimeout(() => process.exit(1), 4800).unref();
  assistant
    .stop(4000)
    .then(() => {
      assistant.log.info('stopped');
      process.exit(0);
    })
    .catch((error: unknown) => {
      assistant.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
