import { describe, expect, it } from 'vitest';
import { slopeAfterWarmup } from '../src/leastSquares.js';
import { runSoak } from '../src/runSoak.js';

// The CI-sized soak: `ballast up` through the real CLI for 2 minutes, 2,000 symbols through 100
// live actors per worker (2 workers) at 500 ticks/s, sampled every second; then 8 s of the naive
// fold. ~2.3 minutes in all on a loaded 2-core machine. Each worker hydrates and passivates
// ~95 actors a second here (~10,000 in the run): the churn a leak would feed on.
const settings = {
  minutes: 2,
  symbols: 2_000,
  rate: 500,
  maxLive: 100,
  workers: 2,
  seed: 1,
  sampleEveryMs: 1_000,
  warmupFraction: 0.5,
  naiveSeconds: 8,
  naiveRssLimitBytes: 1024 ** 3,
} as const;

/**
 * The slope bound, MiB per hour of RSS after warm-up: generous, because a minute cannot resolve
 * less. A worker's RSS moves by ±15–40 MiB within a minute as V8 grows and returns heap pages;
 * healthy workers measured here gave 1-minute least-squares slopes between −3,000 and +3,750
 * MiB/h (residuals 5–10 MiB). 6,000 MiB/h (100 MiB a minute) still catches what this test is
 * for, a worker that keeps what it passivates: at ~95 passivations a second, anything over
 * ~18 KB kept per passivated actor crosses it (an actor with a 2-tick book is ~28 KB), and the
 * naive fold below is far above it. Slow leaks are for the 30-minute soak (`pnpm soak`) and
 * the in-process figures and leak tests, which force GC (bytes left per passivated symbol in
 * the runtime bench; packages/runtime/test/memoryChurn.test.ts).
 */
const slopeBoundMibPerHour = 6_000;

describe('soak (CI size)', () => {
  it('keeps live actors within --max-live, RSS under the slope bound, and stops leaving nothing', async () => {
    const result = await runSoak(settings);
    const naiveLast = result.naive?.run.samples.at(-1);
    console.log(
      JSON.stringify({
        seconds: Math.round(result.seconds),
        ticksFolded: result.ticksFolded,
        stop: result.stop,
        workers: result.workers.map((w) => ({
          name: w.name,
          rssMibPerHour: Math.round(w.rss.slope),
          residualMib: Number(w.rss.residualSd.toFixed(1)),
          heapMibPerHour: Math.round(w.heap.slope),
          maxLiveActors: w.maxLiveActors,
          hydrations: w.hydrations,
          passivations: w.passivations,
        })),
        naive: {
          ticks: naiveLast?.ticks,
          rssMib: Math.round((naiveLast?.rss ?? 0) / 1024 ** 2),
          mibPerFeedHour: Math.round(result.naive?.rssMibPerFeedHour ?? Number.NaN),
        },
      }),
    );

    // Stopped like Ctrl-C, in order, and nothing outlived `ballast up`.
    expect(result.stop).toMatchObject({ clean: true, exitCode: 0, leftovers: [] });
    expect(result.series.every((s) => s.restarts === 0)).toBe(true);

    const workers = result.series.filter((s) => s.role === 'worker');
    expect(workers.map((w) => w.name).sort()).toEqual(['w1', 'w2']);
    expect(result.ticksFolded).toBeGreaterThan(10_000);
    for (const trend of result.workers) {
      // Every worker reached the bound (2,000 symbols churn through 2 × 100) and never passed it.
      expect(trend.maxLiveActors).toBe(settings.maxLive);
      const series = workers.find((w) => w.name === trend.name);
      expect(series?.samples.every((s) => (s.liveActors ?? 0) <= settings.maxLive)).toBe(true);
      expect(trend.rss.n).toBeGreaterThan(30);
      // Symbols really churned: hundreds of actors passivated (snapshot, stop) per worker.
      expect(trend.passivations).toBeGreaterThan(500);
      expect(trend.rss.slope).toBeLessThan(slopeBoundMibPerHour);
    }

    // The same bound fails on unbounded growth: the naive fold of the same feed, measured by
    // the same /proc sampling and the same fit (per hour of wall time), is far above it.
    const naive = result.naive;
    expect(naive?.run.stoppedBy).toBe('time');
    const samples = naive?.run.samples ?? [];
    const last = samples[samples.length - 1];
    expect(last?.symbols).toBeGreaterThan(settings.symbols * 0.9);
    const naiveWall = slopeAfterWarmup(
      samples.map((s) => ({ x: s.seconds / 3_600, y: s.rss / 1024 ** 2 })),
      settings.warmupFraction,
    );
    expect(naiveWall.slope).toBeGreaterThan(slopeBoundMibPerHour);
    expect(naive?.rssMibPerFeedHour).toBeGreaterThan(0);
  }, 200_000);
});
