import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createAssistant, type Assistant, type AssistantOverrides } from '../../src/assistant.js';
import { loadConfig } from '../../src/config.js';

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
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const assistant = await createAssistant(config, { log: pino({ level: process.env.TEST_LOG ?? 'silent' }), ...overrides });
  const port = await assistant.listen();
  return {
    assistant,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    stop: async () => {
      await assistant.stop(1000);
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
