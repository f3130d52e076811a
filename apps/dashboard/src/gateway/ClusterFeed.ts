import { decodeDeadLetter, decodeErrorEntry, decodePlain, systemSubjects } from '@ballast/protocol';
import { decodeQuery, type WorkerStatus } from '@ballast/runtime';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { ClientHub } from './ClientHub.js';
import type { ClusterHistory } from './ClusterHistory.js';
import type { GatewayCounters, SinkStatsView } from './gatewayMessages.js';
import { hexPreview, jsonSafe } from './jsonSafe.js';

/** Where sinks publish their stats (apps/cli's `sinkStatsSubject`). */
const sinkStatsSubject = 'sys.sink';

/**
 * Follows the cluster's system subjects — `sys.workers` announcements, `sys.errors`,
 * `sys.deadletter`, `sys.sink` — into the {@link ClusterHistory} and out to every browser.
 * Subscriptions use callbacks (nats.js iterators buffer without bound), and each message is
 * handled synchronously: history first, then one broadcast.
 *
 * @example
 * const feed = new ClusterFeed(nc, history, hub, counters);
 * feed.start();
 */
export class ClusterFeed {
  readonly #nc: NatsConnection;
  readonly #history: ClusterHistory;
  readonly #hub: ClientHub;
  readonly #counters: GatewayCounters;
  readonly #subscriptions: Subscription[] = [];

  constructor(
    nc: NatsConnection,
    history: ClusterHistory,
    hub: ClientHub,
    counters: GatewayCounters,
  ) {
    this.#nc = nc;
    this.#history = history;
    this.#hub = hub;
    this.#counters = counters;
  }

  start(): void {
    const follow = (subject: string, handle: (msg: Msg) => void) =>
      this.#nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error !== null) return;
          this.#counters.natsMessages++;
          try {
            handle(msg);
          } catch {
            // Anyone with publish rights on sys.> can send garbage: count it, keep going.
            this.#counters.invalidMessages++;
          }
        },
      });
    this.#subscriptions.push(
      follow(systemSubjects.workers, (msg) => {
        // Requests to the workers carry a reply subject; announcements do not.
        if (!msg.reply) this.#onWorkerStatus(msg.data);
      }),
      follow(systemSubjects.errors, (msg) => {
        const entry = decodeErrorEntry(msg.data, { subject: msg.subject });
        this.#history.onError(entry);
        this.#hub.broadcast({ type: 'error', entry });
      }),
      follow(systemSubjects.deadLetter, (msg) => {
        const letter = decodeDeadLetter(msg.data, { subject: msg.subject });
        const view = {
          reason: letter.reason,
          subject: letter.subject,
          detail: letter.detail,
          at: letter.at,
          payloadSize: letter.payloadSize,
          payloadHex: hexPreview(letter.payload),
        };
        this.#history.onDeadLetter(view);
        this.#hub.broadcast({ type: 'deadLetter', letter: view });
      }),
      follow(sinkStatsSubject, (msg) => {
        const stats = sinkStats(decodePlain(msg.data));
        if (stats === null) throw new TypeError('not sink stats');
        if (this.#history.onSink(stats)) this.#hub.broadcast({ type: 'sink', stats });
      }),
    );
  }

  stop(): void {
    for (const sub of this.#subscriptions) sub.unsubscribe();
    this.#subscriptions.length = 0;
  }

  #onWorkerStatus(data: Uint8Array): void {
    const status = jsonSafe(decodeQuery(data));
    if (!isWorkerStatus(status)) throw new TypeError('not a WorkerStatus');
    const update = this.#history.onWorkerStatus(status, Date.now());
    if (update === null) {
      this.#counters.workersOverflow = this.#history.workersOverflow;
      return;
    }
    this.#hub.broadcast({ type: 'worker', worker: update.worker, sample: update.sample });
    for (const transition of update.transitions) {
      this.#hub.broadcast({ type: 'breaker', transition });
    }
  }
}

function isWorkerStatus(value: unknown): value is WorkerStatus {
  const s = value as Partial<WorkerStatus> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.worker === 'string' &&
    typeof s.at === 'number' &&
    typeof s.ticksFolded === 'number' &&
    Array.isArray(s.partitions) &&
    typeof s.breakers === 'object' &&
    s.breakers !== null
  );
}

function sinkStats(value: unknown): SinkStatsView | null {
  const s = value as Partial<SinkStatsView> | null;
  if (typeof s !== 'object' || s === null || typeof s.id !== 'string') return null;
  if (typeof s.at !== 'number' || typeof s.counters !== 'object' || s.counters === null) {
    return null;
  }
  return jsonSafe({
    id: s.id,
    at: s.at,
    settings: s.settings ?? {},
    counters: s.counters,
    symbols: typeof s.symbols === 'number' ? s.symbols : 0,
  }) as SinkStatsView;
}
