/** How long and how hard the benchmark runs: flags (`--rounds=3`), environment (BENCH_ROUNDS=3), or `--quick` for a smoke run. */
export interface BenchOptions {
  /** Rounds of the side-by-side turns; each system runs once per round, medians are printed. */
  readonly rounds: number;
  /** Seconds per system per round. */
  readonly seconds: number;
  /**
   * Seconds each system is driven, unmeasured, just before its measured run in every round. Every
   * system sits idle while the others run (about 70 s in a full run); V8 then gives its heap back
   * and the first seconds of the next burst pay to grow it again. These seconds are printed apart,
   * as "after idle", so the measured run compares steady turns. 0 measures from the first request.
   */
  readonly warmup: number;
  /**
   * Processes each system of the turns part runs in, taking its rounds in turn (round r in process
   * r mod N). One process can be slower than another of the same build from its start to its end;
   * with one process per system, that process alone decided its line (round 14).
   */
  readonly processes: number;
  /** Concurrent autocannon connections, each its own user and conversation. */
  readonly connections: number;
  /** Distinct conversations for the memory measurement. */
  readonly conversations: number;
  /** Starts of `npm start` to time (the median is printed). */
  readonly starts: number;
  /** New processes the card expansion is measured in, one after the other (medians over them are printed). */
  readonly cardProcesses: number;
  /** Whether to include Redis when redis-server is installed. */
  readonly redis: boolean;
  /** Profiles each server with `node --cpu-prof` into this folder. */
  readonly profileDir?: string;
  /** Runs only these parts (turns, cards, storage, lists, memory, start); all when empty. */
  readonly only: readonly string[];
  readonly quick: boolean;
  /** Prints the store operations per turn by namespace too. */
  readonly detail: boolean;
  /** Only these assistant turns (help, customers, approve); all when empty. The bare route and the echo bot always run. */
  readonly turns: readonly string[];
}

const QUICK: Omit<BenchOptions, 'profileDir' | 'only' | 'quick' | 'redis' | 'detail' | 'turns'> = { rounds: 1, seconds: 1, warmup: 1, processes: 1, connections: 10, conversations: 300, starts: 1, cardProcesses: 1 };
const FULL: typeof QUICK = { rounds: 5, seconds: 10, warmup: 3, processes: 3, connections: 50, conversations: 100_000, starts: 3, cardProcesses: 5 };

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (flags: --quick --rounds=N --seconds=N --warmup=N --processes=N --connections=N --conversations=N --starts=N --card-processes=N --no-redis --detail --turns=help,customers,approve --profile=DIR --only=turns,cards,storage,lists,memory,start)`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const quick = flags.get('quick') === 'true' || env.BENCH_QUICK === 'true';
  const base = quick ? QUICK : FULL;
  const number = (flag: string, fallback: number, least = 1) => {
    const raw = flags.get(flag) ?? env[`BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < least) throw new Error(`--${flag} must be a whole number of at least ${least}, not ${raw}`);
    return value;
  };
  const only = (flags.get('only') ?? env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const profileDir = flags.get('profile') ?? env.BENCH_PROFILE;
  return {
    rounds: number('rounds', base.rounds),
    seconds: number('seconds', base.seconds),
    warmup: number('warmup', base.warmup, 0),
    processes: number('processes', base.processes),
    connections: number('connections', base.connections),
    conversations: number('conversations', base.conversations),
    starts: number('starts', base.starts),
    cardProcesses: number('card-processes', base.cardProcesses),
    redis: flags.get('no-redis') !== 'true' && env.BENCH_REDIS !== 'false',
    ...(profileDir ? { profileDir } : {}),
    only,
    quick,
    detail: flags.get('detail') === 'true' || env.BENCH_DETAIL === 'true',
    turns: (flags.get('turns') ?? env.BENCH_TURNS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

/** Whether a part runs with these options. */
export function runs(options: BenchOptions, part: string): boolean {
  return options.only.length === 0 || options.only.includes(part);
}
