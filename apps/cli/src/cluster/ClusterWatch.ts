import { decodeQuery, type WorkerStatus } from '@ballast/runtime';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';

/** A worker's last two announcements: enough for a rate. */
interface WorkerSample {
  status: WorkerStatus;
  ticksPerSecond: number;
  seenAt: number;
}

/** A worker silent this long is dropped from the view (it announces every 2 s). */
const forgetAfterMs = 10_000;
/** More workers than this are not tracked (a bound on a map fed by the network). */
const maxWorkers = 256;

/** Counters of a {@link ClusterWatch}. */
export interface ClusterWatchCounters {
  announcements: number;
  /** Announcements that did not decode as a WorkerStatus. */
  invalid: number;
  /** Announcements ignored because {@link maxWorkers} are tracked already. */
  overflow: number;
}

/**
 * Follows the workers' `sys.workers` announcements and keeps each one's latest status and
 * ticks/s. Feeds the status line of `ballast up`.
 *
 * @example
 * const watch = new ClusterWatch(nc);
 * formatStatusLine(watch.workers(), crashes);
 */
export class ClusterWatch {
  readonly counters: ClusterWatchCounters = { announcements: 0, invalid: 0, overflow: 0 };
  readonly #samples = new Map<string, WorkerSample>();
  readonly #sub: Subscription;

  constructor(nc: NatsConnection) {
    this.#sub = nc.subscribe('sys.workers', {
      callback: (error, msg) => {
        if (error !== null || msg.reply) return; // requests to workers carry a reply subject
        this.#onStatus(msg.data);
      },
    });
  }

  /** Workers heard from in the last 10 s, by id. */
  workers(now = Date.now()): WorkerSample[] {
    for (const [id, sample] of this.#samples) {
      if (now - sample.seenAt > forgetAfterMs) this.#samples.delete(id);
    }
    return [...this.#samples.values()].sort((a, b) =>
      a.status.worker.localeCompare(b.status.worker),
    );
  }

  stop(): void {
    this.#sub.unsubscribe();
  }

  #onStatus(data: Uint8Array): void {
    this.counters.announcements++;
    let status: WorkerStatus;
    try {
      status = decodeQuery(data) as WorkerStatus;
    } catch {
      this.counters.invalid++;
      return;
    }
    if (typeof status?.worker !== 'string' || typeof status.ticksFolded !== 'number') {
      this.counters.invalid++;
      return;
    }
    const previous = this.#samples.get(status.worker);
    if (previous === undefined && this.#samples.size >= maxWorkers) {
      this.counters.overflow++;
      return;
    }
    let ticksPerSecond = previous?.ticksPerSecond ?? 0;
    if (previous !== undefined && status.at > previous.status.at) {
      const folded = status.ticksFolded - previous.status.ticksFolded;
      // A restarted worker counts from zero again.
      ticksPerSecond = folded >= 0 ? (folded * 1_000) / (status.at - previous.status.at) : 0;
    }
    this.#samples.set(status.worker, { status, ticksPerSecond, seenAt: Date.now() });
  }
}

export type { WorkerSample };
