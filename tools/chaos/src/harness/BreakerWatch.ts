import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

/** One stored state of a worker's breaker. */
export interface BreakerChange {
  readonly worker: string;
  /** `CLOSED`, `OPEN` or `HALF_OPEN`. */
  readonly state: string;
  /** Why it last changed (`consecutive_failures`, `reset_timeout`, `trial_succeeded`, ...). */
  readonly reason: string | null;
  /** When the watch saw it, `performance.now()` ms. */
  readonly seenAt: number;
}

const maxChanges = 1_000;

/**
 * Follows the breakers' persisted state: each worker writes its `candleSink` breaker's snapshot
 * to the `snapshots` bucket (`breaker.<worker>.candleSink`) on every state change. Writes are
 * coalesced while one is in flight, so a HALF_OPEN that lasted a millisecond may only show as
 * the CLOSED it led to — whose reason, `trial_succeeded`, no other path produces.
 *
 * @example
 * await using watch = await BreakerWatch.start(nc);
 * watch.changes.filter((c) => c.state === 'OPEN');
 */
export class BreakerWatch implements AsyncDisposable {
  readonly changes: BreakerChange[] = [];
  /** Changes not kept beyond the bound. */
  dropped = 0;
  readonly #stop: () => void;
  readonly #done: Promise<void>;

  private constructor(stop: () => void, done: (watch: BreakerWatch) => Promise<void>) {
    this.#stop = stop;
    this.#done = done(this);
  }

  /** Starts watching every worker's `candleSink` breaker (the bucket must exist). */
  static async start(nc: NatsConnection, breaker = 'candleSink'): Promise<BreakerWatch> {
    const kv = await new Kvm(nc).open('snapshots');
    const iterator = await kv.watch({ key: `breaker.*.${breaker}`, include: 'updates' });
    return new BreakerWatch(
      () => iterator.stop(),
      async (watch) => {
        for await (const entry of iterator) {
          if (entry.operation !== 'PUT') continue;
          const worker = entry.key.split('.')[1] ?? '';
          const change = parseBreakerState(entry.value, worker);
          if (change === null) continue;
          if (watch.changes.length >= maxChanges) {
            watch.changes.shift();
            watch.dropped++;
          }
          watch.changes.push(change);
        }
      },
    );
  }

  /** Changes of `worker` seen after `since` (performance.now ms). */
  of(worker: string, since = 0): BreakerChange[] {
    return this.changes.filter((c) => c.worker === worker && c.seenAt >= since);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stop();
    await this.#done.catch(() => undefined);
  }
}

function parseBreakerState(bytes: Uint8Array, worker: string): BreakerChange | null {
  try {
    const stored = JSON.parse(new TextDecoder().decode(bytes)) as {
      snapshot?: { value?: unknown; context?: { lastChange?: { reason?: string } | null } };
    };
    const value = stored.snapshot?.value;
    const state = typeof value === 'string' ? value : Object.keys(value ?? {})[0];
    if (state === undefined) return null;
    return {
      worker,
      state,
      reason: stored.snapshot?.context?.lastChange?.reason ?? null,
      seenAt: performance.now(),
    };
  } catch {
    return null;
  }
}
