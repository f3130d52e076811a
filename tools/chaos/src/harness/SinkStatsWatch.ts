import { decodePlain } from '@ballast/protocol';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';

/** The counters a sink publishes on `sys.sink` (apps/cli's `SinkStats`), as far as used here. */
export interface SinkStatsSample {
  readonly id: string;
  readonly settings: { readonly down: boolean };
  readonly counters: Readonly<Record<string, number>>;
}

/**
 * Keeps the latest `sys.sink` stats of each sink (one map entry per sink id, at most 16).
 *
 * @example
 * const sinks = SinkStatsWatch.start(nc);
 * sinks.total('acked');
 */
export class SinkStatsWatch implements Disposable {
  readonly latest = new Map<string, SinkStatsSample>();
  readonly #sub: Subscription;

  private constructor(nc: NatsConnection) {
    this.#sub = nc.subscribe('sys.sink', {
      callback: (error, msg) => {
        if (error !== null) return;
        try {
          const stats = decodePlain(msg.data) as SinkStatsSample;
          if (this.latest.has(stats.id) || this.latest.size < 16) this.latest.set(stats.id, stats);
        } catch {
          // Not a sink's stats: ignored.
        }
      },
    });
  }

  static start(nc: NatsConnection): SinkStatsWatch {
    return new SinkStatsWatch(nc);
  }

  /** A counter summed over sinks (0 before any stats arrived). */
  total(counter: string): number {
    let sum = 0;
    for (const stats of this.latest.values()) sum += stats.counters[counter] ?? 0;
    return sum;
  }

  [Symbol.dispose](): void {
    this.#sub.unsubscribe();
  }
}
