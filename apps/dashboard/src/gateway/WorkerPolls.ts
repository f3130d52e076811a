import { actorQuerySubject } from '@ballast/protocol';
import { decodeQuery } from '@ballast/runtime';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ClientHub } from './ClientHub.js';
import type { ClusterHistory } from './ClusterHistory.js';
import type { GatewayCounters, ReloadEvent } from './gatewayMessages.js';
import { passivatedFromMetrics, readMetricsText } from './workerMetrics.js';

/** Options of {@link WorkerPolls}. */
export interface WorkerPollsOptions {
  readonly nc: NatsConnection;
  readonly history: ClusterHistory;
  readonly hub: ClientHub;
  readonly counters: GatewayCounters;
  /** Each round asks every tracked worker. */
  readonly intervalMs: number;
  /** Each question (a reloader query, a metrics scrape) gives up after this long. */
  readonly timeoutMs: number;
  /** Scrape workers' `/metrics` for passivation counts (they announce its URL). */
  readonly scrapeMetrics: boolean;
}

interface ReloaderReply {
  readonly state?: unknown;
  readonly instruments?: unknown;
  readonly context?: {
    readonly counters?: { reloads?: unknown; failures?: unknown; lastDurationMs?: unknown };
    readonly lastError?: { message?: unknown } | null;
  };
}

/**
 * What the announcements do not carry, asked of each worker every few seconds: its reloader's
 * counters (`actor.reloader.<worker>.query`), turned into reload history when they change,
 * and its passivation count from `/metrics`. One round at a time: a round still running when
 * the next is due makes that one skip.
 *
 * @example
 * const polls = new WorkerPolls({ nc, history, hub, counters, intervalMs: 5_000,
 *   timeoutMs: 2_000, scrapeMetrics: true });
 * polls.start();
 */
export class WorkerPolls {
  readonly #o: WorkerPollsOptions;
  /** The last reloader counters per worker; pruned to the tracked workers each round. */
  readonly #reloaders = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(options: WorkerPollsOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#running === null) {
        this.#running = this.round().finally(() => {
          this.#running = null;
        });
      }
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Asks every tracked worker once. */
  async round(): Promise<void> {
    const workers = this.#o.history.workers();
    const ids = new Set(workers.map((w) => w.id));
    for (const id of this.#reloaders.keys()) if (!ids.has(id)) this.#reloaders.delete(id);
    await Promise.all(
      workers.map(async ({ id, httpUrl }) => {
        await this.#askReloader(id);
        if (this.#o.scrapeMetrics && httpUrl !== null) await this.#scrape(id, httpUrl);
      }),
    );
  }

  async #askReloader(worker: string): Promise<void> {
    let reply: ReloaderReply;
    try {
      const msg = await this.#o.nc.request(actorQuerySubject('reloader', worker), undefined, {
        timeout: this.#o.timeoutMs,
      });
      reply = decodeQuery(msg.data) as ReloaderReply;
    } catch {
      this.#o.counters.reloaderQueryFailures++;
      return;
    }
    const counters = reply?.context?.counters;
    if (typeof counters?.reloads !== 'number' || typeof counters.failures !== 'number') {
      this.#o.counters.reloaderQueryFailures++;
      return;
    }
    const key = `${counters.reloads}/${counters.failures}`;
    if (this.#reloaders.get(worker) === key) return;
    this.#reloaders.set(worker, key);
    const lastError = reply.context?.lastError?.message;
    const event: ReloadEvent = {
      at: Date.now(),
      worker,
      state: typeof reply.state === 'string' ? reply.state : JSON.stringify(reply.state ?? null),
      reloads: counters.reloads,
      failures: counters.failures,
      lastDurationMs: typeof counters.lastDurationMs === 'number' ? counters.lastDurationMs : null,
      instruments: typeof reply.instruments === 'number' ? reply.instruments : null,
      lastError: typeof lastError === 'string' ? lastError : null,
    };
    this.#o.history.onReload(event);
    this.#o.hub.broadcast({ type: 'reload', event });
  }

  async #scrape(worker: string, httpUrl: string): Promise<void> {
    try {
      const text = await readMetricsText(httpUrl, this.#o.timeoutMs);
      const passivated = passivatedFromMetrics(text);
      if (passivated !== null) this.#o.history.setPassivated(worker, passivated);
    } catch {
      this.#o.counters.scrapeFailures++;
    }
  }
}
