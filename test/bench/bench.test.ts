import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { projectRoot } from '../../src/paths.js';
import { hasRedisServer } from '../support/redis-server.js';

/** Runs `node dist/bench/run.js` with `args`; resolves with its output and exit code. */
function bench(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/bench/run.js', ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/**
 * The benchmark in its quickest form: it must complete and print every line. Nothing here looks at
 * a number: timings depend on the machine, and a timed test never decides CI.
 */
describe('npm run bench --quick', function () {
  this.timeout(300_000);

  it('completes and prints every line', async () => {
    const { code, out } = await bench(['--quick']);
    expect(code, out).to.equal(0);
    const stores = hasRedisServer() ? ['SQLite', 'Redis'] : ['SQLite'];
    const lines = [
      'bare restify route',
      'stock echo bot (CloudAdapter, MemoryStorage, ConversationState)',
      ...stores.flatMap((store) => [`assistant help (${store})`, `assistant customers, 20 records, page of 5 (${store})`, `assistant Approve, Action.Execute + compare-and-set (${store})`]),
      'largest card expansion:',
      'storage:',
      'list scaling',
      'RSS after 300 conversations:',
      'SQLite bytes per conversation:',
      'start time, npm start:',
      'start time, node dist/server/main.js alone:',
    ];
    for (const line of lines) expect(out, line).to.include(line);
    expect(out).to.not.match(/failed requests|found no pending request|NaN/);
  });

  it('runs each system in several processes that take the rounds in turn', async () => {
    const { code, out } = await bench(['--quick', '--only=turns', '--turns=customers', '--processes=2', '--rounds=2']);
    expect(code, out).to.equal(0);
    expect(out).to.include('each system runs in 2 processes');
    const rounds = out.split('\n').filter((line) => /^ {4}(bare restify route|stock echo bot|assistant customers)/.test(line));
    expect(rounds, out).to.have.length(hasRedisServer() ? 4 : 3);
    // Round 1 in the first process, round 2 in the second, for every system.
    for (const line of rounds) expect(line, out).to.match(/#1 \| .* #2$/);
    expect(out).to.not.match(/failed requests|NaN/);
  });
});
