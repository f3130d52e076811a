import type { RssSampler } from './RssSampler.js';
import { spawnWorker, type WorkerProcess } from './workerProcess.js';

/** Options of {@link WorkerFleet}. */
export interface WorkerFleetOptions {
  readonly servers: readonly string[];
  /** Flags every worker gets (`--partitions`, `--lease-ttl-ms`, ...). */
  readonly args: readonly string[];
  /** Credentials file for every worker (`--creds`), on a server with users. */
  readonly creds?: string;
  /** Tracks each worker process's RSS. */
  readonly rss: RssSampler;
}

/**
 * Worker processes by id, started and restarted with the same flags, each one's RSS sampled.
 * Disposing SIGKILLs whatever still runs.
 *
 * @example
 * await using fleet = new WorkerFleet({ servers: [server.url], args, rss });
 * await fleet.startAll(['w1', 'w2', 'w3']);
 * await fleet.kill('w2');
 * await fleet.start('w2'); // same id: it drops its stale leases at once
 */
export class WorkerFleet implements AsyncDisposable {
  readonly #o: WorkerFleetOptions;
  readonly #workers = new Map<string, WorkerProcess>();
  /** Processes started, restarts included. */
  started = 0;

  constructor(options: WorkerFleetOptions) {
    this.#o = options;
  }

  /** Starts (or restarts) worker `id`. */
  async start(id: string): Promise<WorkerProcess> {
    const running = this.#workers.get(id);
    if (running?.alive) throw new Error(`worker ${id} is already running (pid ${running.pid})`);
    const worker = await spawnWorker({
      servers: this.#o.servers,
      id,
      args: this.#o.args,
      ...(this.#o.creds !== undefined && { creds: this.#o.creds }),
    });
    this.#workers.set(id, worker);
    this.#o.rss.track(id, worker.pid);
    this.started++;
    return worker;
  }

  /** Starts several workers at once. */
  async startAll(ids: readonly string[]): Promise<WorkerProcess[]> {
    return Promise.all(ids.map((id) => this.start(id)));
  }

  /** The current process of worker `id`. */
  get(id: string): WorkerProcess {
    const worker = this.#workers.get(id);
    if (!worker) throw new Error(`no worker ${id}`);
    return worker;
  }

  /** Every worker's current process. */
  all(): WorkerProcess[] {
    return [...this.#workers.values()];
  }

  /** Workers whose process runs. */
  live(): WorkerProcess[] {
    return this.all().filter((w) => w.alive);
  }

  /** Workers that ended without being told to, with how (a crash nobody injected). */
  unexpectedExits(killed: ReadonlySet<number>): string[] {
    return this.all()
      .filter((w) => !w.alive && !killed.has(w.pid))
      .map((w) => `${w.id} (pid ${w.pid}) exited: ${w.exit}\n${w.stderr().slice(-2_000)}`);
  }

  /** Signals worker `id` and waits for its exit. */
  async kill(id: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.get(id).kill(signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.all().map((w) => w.kill('SIGKILL')));
  }
}
