import { numberOption } from '../options.js';
import type { ReloaderContext, ReloaderInput, ReloaderSettings } from './reloaderTypes.js';

/**
 * Defaults of {@link ReloaderInput}.
 *
 * @example
 * createActor(reloader, { input: { debounceMs: reloaderDefaults.debounceMs * 2 } });
 */
export const reloaderDefaults = {
  debounceMs: 1_000,
  maxWaitMs: 10_000,
  minIntervalMs: 5_000,
  backoffFactor: 2,
  maxBackoffMs: 60_000,
} as const satisfies ReloaderSettings;

/**
 * The context a reloader starts with: idle, nothing pending, every counter at zero.
 *
 * @throws {InvalidOptionError} naming the first bad option
 * @internal
 */
export function initialReloaderContext(input: ReloaderInput | undefined): ReloaderContext {
  const i = input ?? {};
  const d = reloaderDefaults;
  return {
    settings: {
      debounceMs: numberOption('debounceMs', i.debounceMs, d.debounceMs),
      maxWaitMs: numberOption('maxWaitMs', i.maxWaitMs, d.maxWaitMs),
      minIntervalMs: numberOption('minIntervalMs', i.minIntervalMs, d.minIntervalMs),
      backoffFactor: numberOption('backoffFactor', i.backoffFactor, d.backoffFactor, { min: 1 }),
      maxBackoffMs: numberOption('maxBackoffMs', i.maxBackoffMs, d.maxBackoffMs),
    },
    pending: false,
    burstStartedAt: null,
    debounceUntil: null,
    nextAllowedAt: 0,
    reloadStartedAt: null,
    consecutiveFailures: 0,
    lastError: null,
    counters: { triggers: 0, coalesced: 0, reloads: 0, failures: 0, lastDurationMs: null },
  };
}
