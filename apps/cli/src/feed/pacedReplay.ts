import type { TickFields } from '@ballast/runtime';
import { abortableSleep, type Sleep } from './abortableSleep.js';

/** Options of {@link pacedReplay}. */
export interface PacedReplayOptions {
  /** Times the recorded pace; 0 replays as fast as the consumer takes them. */
  readonly speed: number;
  readonly signal?: AbortSignal;
  /** A monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/** Waits shorter than this are skipped: a timer per 0.1 ms gap would cost more than it paces. */
const minWaitMs = 1;

/**
 * Re-times recorded ticks: tick k is released at `start + (ts_k - ts_0) / speed` on a
 * monotonic clock, so timer lateness does not accumulate. A tick whose `ts` goes backwards is
 * released at once. The ticks keep their recorded `ts`.
 *
 * @example
 * for await (const fields of pacedReplay(csvTicks(file, stats), { speed: 10 })) await pub.publishNext(fields);
 */
export async function* pacedReplay(
  ticks: AsyncIterable<TickFields>,
  options: PacedReplayOptions,
): AsyncGenerator<TickFields> {
  const { speed, signal } = options;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? abortableSleep;
  let start = 0;
  let firstTs: number | undefined;
  for await (const tick of ticks) {
    if (signal?.aborted) return;
    if (speed > 0) {
      if (firstTs === undefined) {
        firstTs = tick.ts;
        start = now();
      }
      const wait = start + (tick.ts - firstTs) / speed - now();
      if (wait >= minWaitMs) {
        await sleep(wait, signal);
        if (signal?.aborted) return;
      }
    }
    yield tick;
  }
}
