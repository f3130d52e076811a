import type { SoakOptions } from './runSoak.js';

/**
 * The soak's defaults: 5,000 symbols through 500 live actors per worker at 2,000 ticks/s —
 * five times more symbols than both workers may keep live, so passivation never rests — for
 * 30 minutes, sampled every 2 s (as often as the workers announce), the first 30 % left out
 * of the slope; then a minute of the naive fold, killed at 1.5 GiB.
 *
 * @example
 * await runSoak({ ...soakDefaults, minutes: 5 });
 */
export const soakDefaults = {
  minutes: 30,
  symbols: 5_000,
  rate: 2_000,
  maxLive: 500,
  workers: 2,
  seed: 1,
  sampleEveryMs: 2_000,
  warmupFraction: 0.3,
  naiveSeconds: 60,
  naiveRssLimitBytes: 1.5 * 1024 ** 3,
} as const satisfies SoakOptions;
