import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createAssistant, type Assistant, type AssistantOverrides } from '../../src/assistant.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from './free-port.js';

/** A running assistant on a free loopback port, with its own data folder. */
export interface RunningAssistant {
  readonly assistant: Assistant;
  readonly baseUrl: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Starts the real server (SQLite in a temp folder unless `env` says otherwise). */
export async function startAssistant(
  env: Record<string, string> = {},
  overrides: AssistantOverrides = {},
  options: { dataDir?: string; keepData?: boolean } = {},
): Promise<RunningAssistant> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'csp-assistant-'));
  // A known free port, so that links and Direct Line stream URLs point at this server; another
  // process may take it between the probe and the listen, so a few tries.
  for (let attempt = 1; ; attempt++) {
    const port = String(await freePort());
    const config = loadConfig({ PORT: port, PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
    const assistant = await createAssistant(config, { log: pino({ level: process.env.TEST_LOG ?? 'silent' }), ...overrides });
    try {
      const bound = await assistant.listen();
      return running(assistant, bound, dataDir, options.keepData ?? false);
    } catch (error) {
      await assistant.storage.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

function running(assistant: Assistant, bound: number, dataDir: string, keepData: boolean): RunningAssistant {
  return {
    assistant,
    baseUrl: `http://127.0.0.1:${bound}`,
    dataDir,
    stop: async () => {
      await assistant.stop(1000);
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
