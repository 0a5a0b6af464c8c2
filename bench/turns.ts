import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { linkId } from '../src/domain/provider/provider-link.js';
import { BENCH_PROVIDER, BENCH_RESELLER, agentId, approverId, requestResellerId } from './identities.js';
import type { BenchOptions } from './options.js';
import { startServer, type BenchServer } from './servers/fork.js';

/** A kind of turn the benchmark sends. */
type TurnKind = 'echo' | 'help' | 'customers' | 'approve';

/** Customers seeded for the list turn. */
export const LIST_ROWS = 20;

/** The assistant's turns, each in processes and databases of its own. */
const ASSISTANT_TURNS: readonly { readonly kind: TurnKind; readonly label: (store: string) => string }[] = [
  { kind: 'help', label: (store) => `assistant help (${store})` },
  { kind: 'customers', label: (store) => `assistant customers, ${LIST_ROWS} records, page of 5 (${store})` },
  { kind: 'approve', label: (store) => `assistant Approve, Action.Execute + compare-and-set (${store})` },
];

/** Where a turn comes from: the connection (its user and conversation) and, for Approve, which request it decides. */
interface Sender {
  readonly run: string;
  readonly connection: number;
  readonly request: () => number;
}

/** The activity of one turn, as a channel posts it with deliveryMode expectReplies (a fresh activity id each time, as channels send). */
function activity(kind: TurnKind, from: Sender): Record<string, unknown> {
  const base = {
    id: randomUUID(),
    serviceUrl: 'http://127.0.0.1:1/',
    deliveryMode: 'expectReplies',
    timestamp: new Date().toISOString(),
    locale: 'en-US',
    recipient: { id: 'assistant', name: 'CSP Partner Assistant' },
  };
  const conversation = `bench-${from.run}-${kind}-${from.connection}`;
  switch (kind) {
    case 'echo':
    case 'help':
      return { ...base, type: 'message', text: 'help', channelId: 'emulator', from: { id: `bench-user-${from.run}-${from.connection}`, name: `User ${from.connection}` }, conversation: { id: conversation } };
    case 'customers':
      return teams(base, agentId(from.connection), BENCH_RESELLER, conversation, { type: 'message', text: 'customers' });
    case 'approve': {
      const data = { linkId: linkId(BENCH_PROVIDER, requestResellerId(from.request())), actionNonce: randomUUID() };
      return teams(base, approverId(from.connection), BENCH_PROVIDER, conversation, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'provider.approve', data }, trigger: 'manual' },
      });
    }
  }
}

function teams(base: Record<string, unknown>, userId: string, tenantId: string, conversation: string, rest: Record<string, unknown>): Record<string, unknown> {
  return {
    ...base,
    ...rest,
    channelId: 'msteams',
    from: { id: `29:${userId}`, name: userId, aadObjectId: userId },
    conversation: { id: conversation, tenantId, conversationType: 'personal' },
    channelData: { tenant: { id: tenantId } },
  };
}

/** One timed run of one turn against one server. */
interface Sample {
  readonly turnsPerSecond: number;
  /** Turns per second in the warm-up just before, the first seconds after the server sat idle (NaN without one). */
  readonly afterIdle: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuMsPerTurn: number;
  readonly readsPerTurn: number;
  readonly writesPerTurn: number;
  readonly scansPerTurn: number;
  readonly failed: number;
  /** Store operations per turn by namespace, e.g. `botstate 2r 2w`. */
  readonly detail: string;
}

/** One process of a system: its server and, for Approve, the requests seeded in its store so far and the next one to decide. */
interface Instance {
  readonly server: BenchServer;
  readonly pool?: { seeded: number; next: number; lastRate: number; missed: number };
}

/** A line of the table: a system (in one or more processes) and the turn sent to it. */
interface Target {
  readonly label: string;
  readonly instances: readonly Instance[];
  readonly kind: TurnKind;
  readonly samples: Sample[];
  /** The process of each sample, by its index in `instances`. */
  readonly sampledBy: number[];
  /** An assistant's runs against the echo bot's run next to each: turns/s and p99 as ratios to the echo bot's. */
  readonly paired: { readonly rate: number; readonly p99: number }[];
}

/** Drives one server with one turn for `seconds`: each connection is one user in one conversation for the whole run. */
function load(target: Target, instance: Instance, options: BenchOptions, run: string, seconds: number): ReturnType<typeof autocannon> {
  const pool = instance.pool;
  let connections = 0;
  return autocannon({
    url: instance.server.url,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    // autocannon's request context is reset before every request, so the identity is fixed per client here.
    setupClient: (client) => {
      const sender: Sender = { run, connection: connections++, request: () => (pool ? pool.next++ : 0) };
      client.setRequests([
        {
          method: 'POST',
          path: '/api/messages',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(activity(target.kind, sender)) }),
        },
      ]);
    },
  });
}

async function drive(target: Target, instance: Instance, options: BenchOptions, run: string): Promise<Sample> {
  const pool = instance.pool;
  if (pool) {
    // Each Approve decides a request still pending: seed enough for this run, outside the timed part.
    const wanted = pool.next + Math.ceil(Math.max(pool.lastRate, 2000) * (options.seconds + options.warmup) * 1.5) + options.connections;
    if (wanted > pool.seeded) {
      await instance.server.command('seedRequests', { from: pool.seeded, count: wanted - pool.seeded });
      pool.seeded = wanted;
    }
  }
  // The first seconds after the server sat idle, printed apart (see BenchOptions.warmup).
  const resumed = options.warmup ? await load(target, instance, options, run, options.warmup) : undefined;
  const before = await instance.server.stats();
  const result = await load(target, instance, options, run, options.seconds);
  const after = await instance.server.stats();
  const turns = result.requests.total;
  const per = (n: number) => (turns ? n / turns : 0);
  const sample: Sample = {
    turnsPerSecond: turns / result.duration,
    afterIdle: resumed ? resumed.requests.total / resumed.duration : Number.NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerTurn: per((after.cpuMicros - before.cpuMicros) / 1000),
    readsPerTurn: per(after.reads - before.reads),
    writesPerTurn: per(after.writes - before.writes),
    scansPerTurn: per(after.scans - before.scans),
    failed: result.non2xx + result.errors + result.timeouts + (resumed ? resumed.non2xx + resumed.errors + resumed.timeouts : 0),
    detail: Object.entries(after.byNamespace ?? {})
      .map(([name, ops]) => {
        const was = before.byNamespace?.[name] ?? { reads: 0, writes: 0, scans: 0 };
        const r = per(ops.reads - was.reads);
        const w = per(ops.writes - was.writes);
        const s = per(ops.scans - was.scans);
        return r + w + s >= 0.05 ? `${name} ${r.toFixed(1)}r ${w.toFixed(1)}w${s >= 0.05 ? ` ${s.toFixed(1)}s` : ''}` : '';
      })
      .filter(Boolean)
      .join(', '),
  };
  if (pool) {
    pool.lastRate = sample.turnsPerSecond;
    if (pool.next > pool.seeded) pool.missed += pool.next - pool.seeded;
  }
  return sample;
}

/** Sends one turn of each kind and checks the answer is what a user gets (a card, the list, the decided request), so the timed runs measure real turns. */
async function probe(target: Target, instance: Instance, run: string): Promise<string | undefined> {
  const sender: Sender = { run: `${run}-probe`, connection: 0, request: () => instance.pool!.next++ };
  const response = await fetch(`${instance.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity(target.kind, sender)) });
  const body = (await response.json().catch(() => ({}))) as { activities?: { type?: string; text?: string; attachments?: unknown[]; value?: { status?: number } }[] };
  const json = JSON.stringify(body);
  if (response.status !== 200) return `answered ${response.status}: ${json.slice(0, 200)}`;
  const activities = body.activities ?? [];
  switch (target.kind) {
    case 'echo':
      return activities.some((a) => a.text === 'Echo: help') ? undefined : `no echo: ${json.slice(0, 200)}`;
    case 'help':
      return activities.some((a) => a.attachments?.length) ? undefined : `no card: ${json.slice(0, 200)}`;
    case 'customers': {
      const shown = json.match(/Customer \d\d /g)?.length ?? 0;
      return shown >= Math.min(LIST_ROWS, 5) ? undefined : `the list shows ${shown} customers: ${json.slice(0, 300)}`;
    }
    case 'approve': {
      const invoke = activities.find((a) => a.type === 'invokeResponse');
      return invoke?.value?.status === 200 && /Approved by/.test(json) ? undefined : `not decided: ${json.slice(0, 300)}`;
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Starts the servers side by side, runs every target once per round (rotating the order and, for each target, its process), and prints the medians. */
export async function benchTurns(options: BenchOptions, redisUrl: string | undefined, dataDir: (name: string) => string): Promise<void> {
  // One Redis database per assistant process, database 0 left alone; a redis-server has 16.
  if (redisUrl && ASSISTANT_TURNS.length * options.processes > 15) {
    throw new Error(`--processes=${options.processes} needs ${ASSISTANT_TURNS.length * options.processes} Redis databases; at most ${Math.floor(15 / ASSISTANT_TURNS.length)} processes fit in one redis-server`);
  }
  const run = randomUUID().slice(0, 8);
  const servers: BenchServer[] = [];
  const profile = (name: string) => (options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);
  // Every system runs in the same number of processes, started one after the other.
  const processes = async (start: (i: number) => Promise<BenchServer>): Promise<BenchServer[]> => {
    const started: BenchServer[] = [];
    for (let i = 0; i < options.processes; i++) {
      const server = await start(i);
      servers.push(server);
      started.push(server);
    }
    return started;
  };
  try {
    const bare = await processes((i) => startServer('bare restify route', 'bare', { execArgv: profile(`bare-${i}`) }));
    const echo = await processes((i) => startServer('stock echo bot', 'echo', { execArgv: profile(`echo-${i}`) }));
    const targets: Target[] = [
      { label: 'bare restify route', instances: bare.map((server) => ({ server })), kind: 'echo', samples: [], sampledBy: [], paired: [] },
      { label: 'stock echo bot (CloudAdapter, MemoryStorage, ConversationState)', instances: echo.map((server) => ({ server })), kind: 'echo', samples: [], sampledBy: [], paired: [] },
    ];
    const stores: [string, string | undefined][] = [['SQLite', undefined]];
    if (redisUrl) stores.push(['Redis', redisUrl]);
    for (const [store, url] of stores) {
      // One assistant per turn and process, each with its own database (a SQLite file, a Redis database
      // number): what one turn leaves in the store (once-only marks, seeded requests) does not slow another's listing.
      for (const [n, { kind, label }] of ASSISTANT_TURNS.entries()) {
        if (options.turns.length && !options.turns.includes(kind)) continue;
        const started = await processes(async (i) => {
          const env: Record<string, string> = { DATA_DIR: dataDir(`${store}-${kind}-${i}`), ...(url ? { STORAGE_URL: `${url}/${n * options.processes + i + 1}` } : {}) };
          const assistant = await startServer(label(store), 'assistant', { env, execArgv: profile(`assistant-${store}-${kind}-${i}`) });
          if (kind === 'customers') await assistant.command('seedCustomers', { customers: LIST_ROWS, agents: options.connections });
          if (kind === 'approve') await assistant.command('seedApprovers', { approvers: options.connections });
          return assistant;
        });
        const instances = started.map((server) => ({ server, ...(kind === 'approve' ? { pool: { seeded: 0, next: 0, lastRate: 0, missed: 0 } } : {}) }));
        targets.push({ label: label(store), instances, kind, samples: [], sampledBy: [], paired: [] });
      }
    }
    for (const target of targets) {
      for (const instance of target.instances) {
        if (instance.pool) await instance.server.command('seedRequests', { from: 0, count: 1 });
        if (instance.pool) instance.pool.seeded = 1;
        const problem = await probe(target, instance, run);
        if (problem) throw new Error(`${target.label}: the probe turn ${problem}`);
      }
    }
    const each = options.processes > 1 ? `; each system runs in ${options.processes} processes, which take the rounds in turn` : '';
    console.log(`turns side by side: ${options.connections} connections (each its own user and conversation), expectReplies, ${options.rounds} round(s) × ${options.seconds} s per system, medians; each assistant run next to a run of the echo bot, "vs echo" the median of their ratios${each}${options.warmup ? `; each run follows ${options.warmup} s of the same turns, unmeasured but for the "after idle" turns/s, as every system has sat idle while the others ran` : ''}`);
    const [bareTarget, echoTarget, ...assistants] = targets;
    const measure = async (target: Target, which: number): Promise<Sample> => {
      const sample = await drive(target, target.instances[which], options, run);
      target.samples.push(sample);
      target.sampledBy.push(which);
      return sample;
    };
    let echoRuns = 0;
    for (let round = 0; round < options.rounds; round++) {
      // The bare route and the assistant's turns alternate within each round, starting one further
      // along each round. Each assistant run is paired with a run of the echo bot just before it
      // (even rounds) or just after it (odd rounds), and compared with that run: this machine's
      // speed drifts by up to half for minutes at a time (round 15: the bare route at 8,600 turns/s
      // for two rounds, 14,000–17,500 in the others), and a ratio of medians taken minutes apart
      // measured the drift. A system's processes take its rounds in turn, so one process slow from
      // its start to its end (round 14) decides no median.
      const slots = [bareTarget, ...assistants];
      for (let i = 0; i < slots.length; i++) {
        const target = slots[(i + round) % slots.length];
        const which = round % target.instances.length;
        if (target === bareTarget) {
          await measure(target, which);
          continue;
        }
        const echo = () => measure(echoTarget, echoRuns++ % echoTarget.instances.length);
        const before = round % 2 === 0 ? await echo() : undefined;
        const own = await measure(target, which);
        const next = before ?? (await echo());
        target.paired.push({ rate: own.turnsPerSecond / next.turnsPerSecond, p99: own.p99 / next.p99 });
      }
    }
    const echoAfterIdle = median(targets[1].samples.map((s) => s.afterIdle));
    const header = `  ${'turn'.padEnd(64)} ${'turns/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'vs echo'.padStart(8)} ${'CPU ms/turn'.padStart(12)} ${'reads'.padStart(6)} ${'writes'.padStart(7)} ${'scans'.padStart(6)}${options.warmup ? ` ${'after idle'.padStart(13)}` : ''}`;
    console.log(header);
    for (const target of targets) {
      const m = (pick: (s: Sample) => number) => median(target.samples.map(pick));
      const rate = m((s) => s.turnsPerSecond);
      const isEcho = target === echoTarget;
      const paired = (pick: (pair: Target['paired'][number]) => number) => median(target.paired.map(pick));
      const ratio = target === bareTarget ? '—' : isEcho ? '1.00' : paired((pair) => pair.rate).toFixed(2);
      const ops = target.kind === 'echo' ? ['—', '—', '—'] : [m((s) => s.readsPerTurn).toFixed(1), m((s) => s.writesPerTurn).toFixed(1), m((s) => s.scansPerTurn).toFixed(1)];
      const failed = target.samples.reduce((n, s) => n + s.failed, 0);
      const missed = target.instances.reduce((n, instance) => n + (instance.pool?.missed ?? 0), 0);
      const afterIdle = m((s) => s.afterIdle);
      const idle = options.warmup ? ` ${`${afterIdle.toFixed(0)}${target === bareTarget ? '' : ` (${(afterIdle / echoAfterIdle).toFixed(2)})`}`.padStart(13)}` : '';
      const notes = [
        failed ? `${failed} failed requests` : '',
        missed ? `${missed} approves found no pending request` : '',
        target.paired.length ? `p99 ${paired((pair) => pair.p99) <= 1 ? '≤' : '>'} echo's: ${paired((pair) => pair.p99).toFixed(2)}×` : '',
      ].filter(Boolean);
      console.log(
        `  ${target.label.padEnd(64)} ${rate.toFixed(0).padStart(8)} ${m((s) => s.p50).toFixed(0).padStart(7)} ${m((s) => s.p99).toFixed(0).padStart(7)} ${ratio.padStart(8)} ${m((s) => s.cpuMsPerTurn).toFixed(3).padStart(12)} ${ops[0].padStart(6)} ${ops[1].padStart(7)} ${ops[2].padStart(6)}${idle}${notes.length ? `  (${notes.join('; ')})` : ''}`,
      );
    }
    if (options.processes > 1) {
      console.log('  each run, in order: turns/s and CPU ms a turn, and the process that served it (#1…)');
      for (const target of targets) {
        const rounds = target.samples.map((s, i) => `${s.turnsPerSecond.toFixed(0)} ${s.cpuMsPerTurn.toFixed(3)} #${target.sampledBy[i] + 1}`);
        console.log(`    ${target.label}: ${rounds.join(' | ')}`);
      }
    }
    if (options.detail) {
      console.log('  store operations per turn by namespace (r reads, w writes, s scans; last round):');
      for (const target of targets) if (target.samples.at(-1)?.detail) console.log(`    ${target.label}: ${target.samples.at(-1)!.detail}`);
    }
    const idleNote = options.warmup ? `; "after idle" is turns/s in the first ${options.warmup} s after the server sat idle, and its ratio to the echo bot's` : '';
    console.log(`  (targets: help and the list ≥ 1.00 × echo with p99 ≤ echo's; Approve ≥ 0.80 ×; p99 is compared as the median over the rounds of p99 ÷ the echo bot's p99 in the run next to it; reads, writes and scans are store operations per turn, background work a turn starts included${idleNote})`);
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}
