/**
 * The child side of a benchmark server: tells the parent its port once it listens, and answers
 * `stats` with the process's CPU time, memory and store operations so far. Only the benchmark
 * starts these processes (with `fork`, so there is an IPC channel).
 */
export interface ServerStats {
  /** User + system CPU time of the process, in microseconds. */
  readonly cpuMicros: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly reads: number;
  readonly writes: number;
  readonly scans: number;
  /** The same by store namespace. */
  readonly byNamespace?: Record<string, { reads: number; writes: number; scans: number }>;
}

/** What the parent sends: a request for statistics, a command the server knows, or stop. */
export type ParentMessage = { readonly type: 'stats' } | { readonly type: 'stop' } | { readonly type: 'command'; readonly name: string; readonly args?: unknown };

export interface ServerHandle {
  readonly port: number;
  /** Store operations so far (servers without a store report zeros). */
  readonly operations?: () => { reads: number; writes: number; scans: number; byNamespace?: ServerStats['byNamespace'] };
  /** Commands of this server (seeding), answered with their result. */
  readonly commands?: Record<string, (args: unknown) => Promise<unknown>>;
  stop(): Promise<void>;
}

/** Starts the server and serves the parent's messages until it says stop. */
export async function serveParent(start: () => Promise<ServerHandle>): Promise<void> {
  if (!process.send) throw new Error('a benchmark server runs as a child of bench/run.ts (fork), not alone');
  const send = (message: unknown) => process.send!(message);
  let handle: ServerHandle;
  try {
    handle = await start();
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.type === 'stats') {
        const cpu = process.cpuUsage();
        const memory = process.memoryUsage();
        const ops = handle.operations?.() ?? { reads: 0, writes: 0, scans: 0 };
        const stats: ServerStats = { cpuMicros: cpu.user + cpu.system, rss: memory.rss, heapUsed: memory.heapUsed, ...ops };
        send({ type: 'stats', stats });
      } else if (message.type === 'command') {
        try {
          const command = handle.commands?.[message.name];
          if (!command) throw new Error(`unknown command ${message.name}`);
          send({ type: 'result', name: message.name, value: await command(message.args) });
        } catch (error) {
          send({ type: 'result', name: message.name, error: error instanceof Error ? error.message : String(error) });
        }
      } else if (message.type === 'stop') {
        await handle.stop();
        process.disconnect();
        process.exit(0);
      }
    })();
  });
  // The parent went away without saying stop: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: handle.port });
}
