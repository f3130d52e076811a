import { describe, expect, it } from 'vitest';
import { RatePacer, type RatePacerOptions } from './RatePacer.js';
import { SeededRandom } from './SeededRandom.js';

/** A fake monotonic clock and a driver that sleeps by advancing it, like pacedSimulation. */
function drive(
  options: Omit<RatePacerOptions, 'now'>,
  untilMs: number,
  { quantumMs = 5, jitterMs = 0, seed = 1 } = {},
): { pacer: RatePacer; emittedAt: (fromMs: number, toMs: number) => number; wakeUps: number } {
  let clock = 1_000_000; // not zero: the pacer must measure from its own start
  const start = clock;
  const pacer = new RatePacer({ ...options, now: () => clock });
  const random = new SeededRandom(seed);
  const log: [number, number][] = [];
  let wakeUps = 0;
  while (clock - start < untilMs) {
    const n = pacer.take();
    if (n > 0) {
      log.push([clock - start, n]);
      continue;
    }
    // A late timer: the clock moves past the requested delay by up to jitterMs.
    clock += Math.max(quantumMs, pacer.delayMs()) + random.next() * jitterMs;
    wakeUps++;
  }
  const emittedAt = (fromMs: number, toMs: number) =>
    log.filter(([t]) => t >= fromMs && t < toMs).reduce((s, [, n]) => s + n, 0);
  return { pacer, emittedAt, wakeUps };
}

describe('RatePacer', () => {
  it.each([1, 10, 1_000, 20_000, 200_000])('emits %i ticks/s within ±10% over 1 s', (rate) => {
    const { emittedAt, wakeUps } = drive({ rate }, 1_000);
    const n = emittedAt(0, 1_000);
    expect(n).toBeGreaterThanOrEqual(Math.floor(rate * 0.9));
    expect(n).toBeLessThanOrEqual(Math.ceil(rate * 1.1));
    // Batches, not a timer per tick: at most one wake-up per 5 ms quantum.
    expect(wakeUps).toBeLessThanOrEqual(201);
  });

  it('does not drift when timers fire late: 60 s at 1,000/s with up to 7 ms lateness', () => {
    const { pacer, emittedAt } = drive({ rate: 1_000 }, 60_000, { jitterMs: 7 });
    const n = emittedAt(0, 60_000);
    expect(Math.abs(n - 60_000)).toBeLessThanOrEqual(15);
    expect(pacer.counters.skipped).toBe(0);
    // Each second on its own stays within ±2 %, late timers are made up at once.
    for (let s = 1; s < 59; s++) {
      expect(Math.abs(emittedAt(s * 1_000, (s + 1) * 1_000) - 1_000)).toBeLessThanOrEqual(20);
    }
  });

  it('multiplies the rate during bursts: every 2 s, 5x for 0.5 s', () => {
    const burst = { everyMs: 2_000, lengthMs: 500, factor: 5 };
    const { emittedAt } = drive({ rate: 1_000, burst }, 10_000);
    // Before the first burst: the base rate.
    expect(emittedAt(0, 2_000)).toBeGreaterThanOrEqual(1_990);
    expect(emittedAt(0, 2_000)).toBeLessThanOrEqual(2_010);
    for (const k of [1, 2, 3, 4]) {
      const inBurst = emittedAt(k * 2_000, k * 2_000 + 500);
      expect(inBurst).toBeGreaterThanOrEqual(2_500 * 0.97);
      expect(inBurst).toBeLessThanOrEqual(2_500 * 1.03);
      const after = emittedAt(k * 2_000 + 500, (k + 1) * 2_000);
      expect(after).toBeGreaterThanOrEqual(1_500 * 0.97);
      expect(after).toBeLessThanOrEqual(1_500 * 1.03);
    }
    // 10 s: 2 s base + 4 cycles of (0.5 s x5 + 1.5 s) = 2,000 + 4 x 4,000.
    expect(Math.abs(emittedAt(0, 10_000) - 18_000)).toBeLessThanOrEqual(20);
  });

  it('wakes up at a burst start rather than sleeping through it at the base rate', () => {
    let clock = 0;
    const pacer = new RatePacer({
      rate: 1,
      burst: { everyMs: 1_000, lengthMs: 200, factor: 100 },
      now: () => clock,
    });
    clock = 1_000;
    expect(pacer.take()).toBe(1);
    expect(pacer.delayMs()).toBeCloseTo(10, 6); // 100/s in the burst
    expect(pacer.currentRate()).toBe(100);
    clock = 1_800;
    expect(pacer.take()).toBe(20); // 1 + 20 in the burst + 0.6 after it
    expect(pacer.currentRate()).toBe(1);
    // The 22nd tick: 0.2 more at 1/s would take 200 ms, but the burst at 2,000 ms brings it
    // to 2,002 ms. At the base rate alone it would be 400 ms.
    expect(pacer.delayMs()).toBeCloseTo(202, 6);
  });

  it('skips and counts what a stalled caller cannot catch up, and hands out bounded batches', () => {
    let clock = 0;
    const pacer = new RatePacer({ rate: 1_000, maxBatch: 100, now: () => clock });
    clock = 10_000; // a 10 s stall: 10,000 due, 1 s (1,000) of catch-up allowed
    const batches: number[] = [];
    for (let n = pacer.take(); n > 0; n = pacer.take()) batches.push(n);
    expect(batches.every((n) => n <= 100)).toBe(true);
    expect(batches.reduce((s, n) => s + n, 0)).toBe(1_000);
    expect(pacer.counters.skipped).toBe(9_000);
    expect(pacer.counters.emitted).toBe(1_000);
  });

  it('refuses a rate or burst out of range', () => {
    expect(() => new RatePacer({ rate: 0 })).toThrow(/rate/);
    expect(() => new RatePacer({ rate: Number.POSITIVE_INFINITY })).toThrow(/rate/);
    expect(
      () => new RatePacer({ rate: 1, burst: { everyMs: 1_000, lengthMs: 1_000, factor: 2 } }),
    ).toThrow(/lengthMs/);
    expect(
      () => new RatePacer({ rate: 1, burst: { everyMs: 1_000, lengthMs: 10, factor: 0 } }),
    ).toThrow(/factor/);
  });
});
