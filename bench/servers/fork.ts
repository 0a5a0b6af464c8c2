import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from './ipc.js';

/** The parent side of a benchmark server in its own process. */
export interface BenchServer {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  stats(): Promise<ServerStats>;
  command<T>(name: string, args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `bench/servers/<script>.js` in a child process and waits until it listens. */
export async function startServer(name: string, script: 'bare' | 'echo' | 'assistant', options: { env?: Record<string, string>; execArgv?: string[] } = {}): Promise<BenchServer> {
  const path = fileURLToPath(new URL(`./${script}.js`, import.meta.url));
  const child: ChildProcess = fork(path, [], { env: { ...process.env, ...options.env }, execArgv: options.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening`));
    });
    child.on('message', (message: { type: string; port?: number; message?: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port!);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start: ${message.message}`));
      }
    });
  });
  child.removeAllListeners('exit');
  const next = <T>(type: string, check: (m: Record<string, unknown>) => boolean = () => true) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (message.type !== type || !check(message)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as T);
      };
      const onExit = (code: number | null) => {
        child.off('message', onMessage);
        reject(new Error(`${name} exited with ${code}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stats: async () => {
      const answer = next<{ stats: ServerStats }>('stats');
      child.send({ type: 'stats' });
      return (await answer).stats;
    },
    command: async <T>(command: string, args?: unknown) => {
      const answer = next<{ value?: T; error?: string }>('result', (m) => m.name === command);
      child.send({ type: 'command', name: command, args });
      const { value, error } = await answer;
      if (error !== undefined) throw new Error(`${name} ${command}: ${error}`);
      return value as T;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.send({ type: 'stop' });
      await exited;
      clearTimeout(killer);
    },
  };
}
