import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  childPids,
  commandLine,
  descendantPids,
  isRunning,
  processStartTime,
} from './procStatus.js';

/** What `ballast up` runs for a soak. */
export interface SoakClusterOptions {
  /** A fresh data dir (JetStream store, credentials, logs, cluster.json). */
  readonly dataDir: string;
  /** Symbols the feed simulates; far more than `maxLive`, so symbols churn. */
  readonly symbols: number;
  /** Feed rate, ticks/s. */
  readonly rate: number;
  /** Live actors per worker before LRU passivation. */
  readonly maxLive: number;
  readonly workers: number;
  readonly partitions?: number;
  readonly seed?: number;
  /** How long `ballast up` may take to start. Default 90 s. */
  readonly startTimeoutMs?: number;
}

/** A process of the cluster, named as the soak reports it. */
export interface ClusterProcess {
  /** `up`, `nats-server`, `feed`, `sink`, or the worker id (`w1`, `w2`, ...). */
  readonly name: string;
  readonly role: 'up' | 'nats-server' | 'worker' | 'feed' | 'sink' | 'other';
  readonly pid: number;
}

/** How {@link SoakCluster.stop} went. */
export interface ClusterStop {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly seconds: number;
  /** Whether it exited by itself after SIGINT, before the timeout. */
  readonly clean: boolean;
  /** Processes of the cluster still running after `ballast up` exited: should be none. */
  readonly leftovers: readonly number[];
}

const require = createRequire(import.meta.url);
/** The real CLI, as a user runs it: `node apps/cli/bin/ballast.js`. */
const cliBin = join(require.resolve('@ballast/cli/package.json'), '..', 'bin', 'ballast.js');

/**
 * A local cluster started through the real CLI (`ballast up`) in a child process: the soak
 * observes it from outside, as an operator would — `/proc` for each process, `sys.workers`
 * for what the workers say — and stops it with SIGINT like Ctrl-C.
 *
 * @example
 * await using cluster = await SoakCluster.start({ dataDir, symbols: 5_000, rate: 2_000, maxLive: 500, workers: 2 });
 * cluster.processes(); // [{ name: 'up', ... }, { name: 'w1', role: 'worker', pid }, ...]
 * const stopped = await cluster.stop();
 */
export class SoakCluster implements AsyncDisposable {
  readonly options: SoakClusterOptions;
  readonly natsUrls: readonly string[];
  readonly #child: ChildProcess;
  readonly #logFile: string;
  /**
   * Every process seen below `ballast up` (pid -> start time), so a stop can check none
   * outlived it — and never mistake a reused pid for one of them.
   */
  readonly #seen = new Map<number, number>();
  #exited: Promise<void>;

  private constructor(
    options: SoakClusterOptions,
    child: ChildProcess,
    natsUrls: readonly string[],
    logFile: string,
  ) {
    this.options = options;
    this.#child = child;
    this.natsUrls = natsUrls;
    this.#logFile = logFile;
    this.#exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : once(child, 'exit').then(() => undefined);
  }

  /**
   * Runs `ballast up` and waits until its cluster file names it and every worker runs.
   * @throws {Error} with the tail of its output when it exits or does not start in time
   */
  static async start(options: SoakClusterOptions): Promise<SoakCluster> {
    const logFile = join(options.dataDir, 'up.log');
    const fd = openSync(logFile, 'a');
    const args = [
      cliBin,
      'up',
      '--data-dir',
      options.dataDir,
      '--symbols',
      String(options.symbols),
      '--rate',
      String(options.rate),
      '--max-live',
      String(options.maxLive),
      '--workers',
      String(options.workers),
      '--partitions',
      String(options.partitions ?? 16),
      '--seed',
      String(options.seed ?? 1),
      '--status-every',
      '2000',
    ];
    // Output to a file, not a pipe: nobody reads a pipe while sampling, and a full one
    // would block `ballast up`.
    const child = spawn(process.execPath, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
    try {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`ballast up exited (${child.exitCode ?? child.signalCode})`);
        }
        const urls = clusterUrls(options.dataDir, child.pid as number);
        const workers = childPids(child.pid as number).filter((pid) =>
          commandLine(pid)?.some((a) => a.endsWith('ballast-worker.js')),
        );
        if (
          urls !== null &&
          workers.length >= options.workers &&
          upLog(logFile).includes('Ballast is up.')
        ) {
          const cluster = new SoakCluster(options, child, urls, logFile);
          cluster.processes();
          return cluster;
        }
        if (Date.now() > deadline) throw new Error('ballast up did not start in time');
        await sleep(200);
      }
    } catch (error) {
      const pids = descendantPids(child.pid as number);
      child.kill('SIGKILL');
      for (const pid of pids) killQuietly(pid);
      throw new Error(`${(error as Error).message}; its output:\n${upLog(logFile).slice(-4_000)}`, {
        cause: error,
      });
    }
  }

  /** The pid of `ballast up`. */
  get pid(): number {
    return this.#child.pid as number;
  }

  /** `ballast up` and its children now (workers restarted after a crash get new pids). */
  processes(): ClusterProcess[] {
    const list: ClusterProcess[] = [{ name: 'up', role: 'up', pid: this.pid }];
    for (const pid of childPids(this.pid)) list.push(describe(pid, commandLine(pid) ?? []));
    this.#remember();
    return list;
  }

  /** What `ballast up` printed so far (its status lines, errors). */
  output(): string {
    return upLog(this.#logFile);
  }

  /**
   * Ctrl-C: SIGINT to `ballast up`, which stops the feed, the workers (final snapshots), the
   * sink and nats-server in order; then checks that none of its processes is left. After
   * `timeoutMs` everything is SIGKILLed and the stop counts as unclean.
   */
  async stop(timeoutMs = 60_000): Promise<ClusterStop> {
    this.processes();
    const started = performance.now();
    let clean = true;
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGINT');
      const timer = sleep(timeoutMs, 'timeout' as const);
      if ((await Promise.race([this.#exited, timer])) === 'timeout') {
        clean = false;
        this.#killAll();
        await this.#exited;
      }
    }
    const seconds = (performance.now() - started) / 1_000;
    // Children get a moment to finish exiting after their parent has.
    let leftovers: number[] = [];
    for (let i = 0; i < 25; i++) {
      leftovers = this.#stillRunning();
      if (leftovers.length === 0) break;
      await sleep(200);
    }
    for (const pid of leftovers) killQuietly(pid);
    return {
      exitCode: this.#child.exitCode,
      signal: this.#child.signalCode as NodeJS.Signals | null,
      seconds,
      clean,
      leftovers,
    };
  }

  /** SIGKILLs whatever still runs (after a failure; {@link stop} is the normal way). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.processes();
      this.#killAll();
      await this.#exited;
    }
    for (const pid of this.#stillRunning()) killQuietly(pid);
  }

  #remember(): void {
    // Bounded: restarted workers add entries, a few per crash; 10,000 would be a crash loop.
    if (this.#seen.size > 10_000) return;
    for (const pid of descendantPids(this.pid)) {
      const started = processStartTime(pid);
      if (started !== null) this.#seen.set(pid, started);
    }
  }

  /** The remembered processes that still run: same pid, same start time. */
  #stillRunning(): number[] {
    return [...this.#seen]
      .filter(([pid, started]) => isRunning(pid) && processStartTime(pid) === started)
      .map(([pid]) => pid);
  }

  #killAll(): void {
    this.#remember();
    this.#child.kill('SIGKILL');
    for (const pid of this.#stillRunning()) killQuietly(pid);
  }
}

function describe(pid: number, argv: readonly string[]): ClusterProcess {
  if (argv.some((a) => a.endsWith('nats-server')))
    return { name: 'nats-server', role: 'nats-server', pid };
  if (argv.some((a) => a.endsWith('ballast-worker.js'))) {
    const id = argv[argv.indexOf('--id') + 1];
    return { name: id ?? `worker-${pid}`, role: 'worker', pid };
  }
  if (argv.some((a) => a.endsWith('ballast.js'))) {
    if (argv.includes('feed')) return { name: 'feed', role: 'feed', pid };
    if (argv.includes('sink')) return { name: 'sink', role: 'sink', pid };
  }
  return { name: `pid-${pid}`, role: 'other', pid };
}

/** The NATS URLs from `<dataDir>/cluster.json` once it names this `ballast up`, else null. */
function clusterUrls(dataDir: string, pid: number): string[] | null {
  try {
    const file = JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as {
      pid?: unknown;
      nats?: unknown;
    };
    if (file.pid !== pid || !Array.isArray(file.nats)) return null;
    return file.nats.filter((u): u is string => typeof u === 'string');
  } catch {
    return null;
  }
}

function upLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
