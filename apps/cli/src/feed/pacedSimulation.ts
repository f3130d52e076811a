import type { TickFields } from '@ballast/runtime';
import { abortableSleep, type Sleep } from './abortableSleep.js';
import type { MarketSimulator } from './MarketSimulator.js';
import type { RatePacer } from './RatePacer.js';

/** Options of {@link pacedSimulation}. */
export interface PacedSimulationOptions {
  readonly simulator: MarketSimulator;
  readonly pacer: RatePacer;
  /** Ends the ticks (the generator returns) as soon as it aborts. */
  readonly signal?: AbortSignal;
  /** Tick timestamps, whole ms since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  readonly sleep?: Sleep;
  /**
   * Shortest wait between batches. 5 ms: at 20,000 ticks/s that is ~100 ticks per wake-up,
   * at 10/s the pacer's own delay (100 ms) is longer anyway.
   */
  readonly quantumMs?: number;
}

/**
 * The simulator's ticks at the pacer's rate: each due batch is yielded tick by tick, then one
 * timer waits for the next batch. A consumer that awaits each tick (publisher backpressure)
 * slows the batch; the pacer makes up the time on the next call (or counts it as skipped).
 *
 * @example
 * for await (const fields of pacedSimulation({ simulator, pacer, signal })) await pub.publishNext(fields);
 */
export async function* pacedSimulation(
  options: PacedSimulationOptions,
): AsyncGenerator<TickFields> {
  const { simulator, pacer, signal } = options;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const quantumMs = options.quantumMs ?? 5;
  // A function, not an inline test: TypeScript would narrow `aborted` to false inside the loop.
  const stopped = () => signal?.aborted === true;
  while (!stopped()) {
    const due = pacer.take();
    if (due === 0) {
      await sleep(Math.max(quantumMs, pacer.delayMs()), signal);
      continue;
    }
    for (let i = 0; i < due && !stopped(); i++) yield simulator.next(clock());
  }
}
