import { quantile } from './sampleStats.js';

/** Percentiles of one latency run, in milliseconds, with what could not be matched. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Sends after the warm-up whose reply was seen. */
  readonly matched: number;
  /** Sends after the warm-up. */
  readonly sent: number;
  /** Send times dropped because more than `maxPending` were waiting (counted, not matched). */
  readonly evicted: number;
  /** Median of the first and of the last tenth of the run: a growing backlog shows here. */
  readonly firstTenthP50: number;
  readonly lastTenthP50: number;
}

/**
 * Matches replies to sends by key and keeps the latencies of sends made after a warm-up.
 * Waiting send times are held in a Map bounded at insert: beyond `maxPending` the oldest is
 * dropped and counted, so a reply path that loses messages cannot grow the bench's memory.
 *
 * @example
 * const sampler = new LatencySampler(performance.now() + 1_000);
 * sampler.sent('AAPL|187.01');
 * sampler.received('AAPL|187.01');
 * sampler.summary().p99;
 */
export class LatencySampler {
  readonly #pending = new Map<string, { at: number; measured: boolean }>();
  readonly #latencies: number[] = [];
  readonly #warmUntil: number;
  readonly #maxPending: number;
  #sent = 0;
  #evicted = 0;

  /** @param warmUntil - `performance.now()` time before which sends are not measured */
  constructor(warmUntil: number, maxPending = 200_000) {
    this.#warmUntil = warmUntil;
    this.#maxPending = maxPending;
  }

  /** Send times still waiting for their reply. */
  get pending(): number {
    return this.#pending.size;
  }

  sent(key: string, at = performance.now()): void {
    const measured = at >= this.#warmUntil;
    if (measured) this.#sent++;
    if (this.#pending.size >= this.#maxPending) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
      this.#evicted++;
    }
    this.#pending.set(key, { at, measured });
  }

  /** Records the reply of `key`; replies without a waiting send (duplicates, late) are ignored. */
  received(key: string, at = performance.now()): void {
    const send = this.#pending.get(key);
    if (send === undefined) return;
    this.#pending.delete(key);
    if (send.measured) this.#latencies.push(at - send.at);
  }

  summary(): LatencySummary {
    // In send order until sorted below.
    const tenth = Math.max(1, Math.floor(this.#latencies.length / 10));
    const firstTenthP50 = middle(this.#latencies.slice(0, tenth));
    const lastTenthP50 = middle(this.#latencies.slice(-tenth));
    const sorted = this.#latencies.sort((a, b) => a - b);
    const empty = sorted.length === 0;
    return {
      firstTenthP50,
      lastTenthP50,
      p50: empty ? Number.NaN : quantile(sorted, 0.5),
      p99: empty ? Number.NaN : quantile(sorted, 0.99),
      max: empty ? Number.NaN : (sorted.at(-1) as number),
      matched: sorted.length,
      sent: this.#sent,
      evicted: this.#evicted,
    };
  }
}

function middle(values: number[]): number {
  return values.length === 0
    ? Number.NaN
    : quantile(
        values.sort((a, b) => a - b),
        0.5,
      );
}

/**
 * Calls `send(i)` `rate` times per second for `durationMs`, catching up in bursts after each
 * timer turn (about 1 ms), so the average rate holds on a busy machine.
 *
 * @returns how many were sent
 */
export async function sendPaced(
  rate: number,
  durationMs: number,
  send: (i: number) => void,
): Promise<number> {
  const start = performance.now();
  let sent = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - start) {
    const due = Math.floor((elapsed / 1_000) * rate);
    while (sent < due) send(sent++);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return sent;
}
