import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeQuery, type WorkerStatus } from '@ballast/runtime';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

/** Counters of {@link WorkerAnnouncements}. */
export interface WorkerAnnouncementCounters {
  announcements: number;
  /** Messages that did not decode as a worker status. */
  invalid: number;
  /** Announcements of workers beyond the bound, ignored. */
  overflow: number;
}

/** More workers than this are not tracked: a bound on a map the network fills. */
const maxWorkers = 64;

/**
 * Follows the workers' `sys.workers` announcements (every 2 s) as the local cluster's `cli`
 * user: each worker's latest status (heap, live actors, ticks folded) and the most live
 * actors it ever announced — what the soak checks against `--max-live`.
 *
 * @example
 * await using watch = await WorkerAnnouncements.connect(cluster.natsUrls, dataDir);
 * watch.latest().get('w1')?.heapUsed;
 */
export class WorkerAnnouncements implements AsyncDisposable {
  readonly counters: WorkerAnnouncementCounters = { announcements: 0, invalid: 0, overflow: 0 };
  readonly #latest = new Map<string, WorkerStatus>();
  readonly #maxLive = new Map<string, number>();
  readonly #nc: NatsConnection;
  readonly #sub: Subscription;
  #closed: Promise<void> | null = null;

  private constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#sub = nc.subscribe('sys.workers', {
      callback: (error, msg) => {
        // A message with a reply subject is someone's request to the workers, not a status.
        if (error === null && !msg.reply) this.#onStatus(msg.data);
      },
    });
  }

  /**
   * Connects with `<dataDir>/credentials/cli.json` (written by `ballast up`).
   * @throws {Error} when the credentials cannot be read or the servers refuse
   */
  static async connect(servers: readonly string[], dataDir: string): Promise<WorkerAnnouncements> {
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials', 'cli.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    const nc = await connect({
      servers: [...servers],
      user: creds.user,
      pass: creds.password,
      name: 'ballast soak',
      maxReconnectAttempts: -1,
    });
    return new WorkerAnnouncements(nc);
  }

  /** Each worker's latest status, by worker id. */
  latest(): ReadonlyMap<string, WorkerStatus> {
    return this.#latest;
  }

  /** The most live actors each worker announced, by worker id. */
  maxLiveActors(): ReadonlyMap<string, number> {
    return this.#maxLive;
  }

  /** Ticks folded by all workers, from their latest announcements. */
  ticksFolded(): number {
    let total = 0;
    for (const status of this.#latest.values()) total += status.ticksFolded;
    return total;
  }

  /** Closes the connection; safe to call twice. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#closed ??= (async () => {
      this.#sub.unsubscribe();
      await this.#nc.close();
    })();
    return this.#closed;
  }

  #onStatus(data: Uint8Array): void {
    let status: WorkerStatus;
    try {
      status = decodeQuery(data) as WorkerStatus;
    } catch {
      this.counters.invalid++;
      return;
    }
    if (
      typeof status?.worker !== 'string' ||
      typeof status.heapUsed !== 'number' ||
      typeof status.liveActors !== 'number'
    ) {
      this.counters.invalid++;
      return;
    }
    if (!this.#latest.has(status.worker) && this.#latest.size >= maxWorkers) {
      this.counters.overflow++;
      return;
    }
    this.counters.announcements++;
    this.#latest.set(status.worker, status);
    this.#maxLive.set(
      status.worker,
      Math.max(this.#maxLive.get(status.worker) ?? 0, status.liveActors),
    );
  }
}
