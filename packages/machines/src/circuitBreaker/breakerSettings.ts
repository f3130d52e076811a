import { InvalidOptionError } from '../errors.js';
import { numberOption } from '../options.js';
import type {
  BreakerSettings,
  CircuitBreakerContext,
  CircuitBreakerInput,
} from './breakerTypes.js';
import { emptyWindow } from './rollingWindow.js';

/**
 * Defaults of {@link CircuitBreakerInput}; the rolling window ones apply when it is enabled.
 *
 * @example
 * createActor(circuitBreaker, { input: { resetTimeoutMs: breakerDefaults.resetTimeoutMs / 2 } });
 */
export const breakerDefaults = {
  failureThreshold: 10,
  resetTimeoutMs: 60_000,
  halfOpenMaxCalls: 1,
  failureRateWindowMs: 10_000,
  failureRateBuckets: 10,
} as const;

// Buckets are copied on every outcome; more than this buys resolution nobody needs.
const maxBuckets = 120;

/**
 * Applies defaults to a breaker input and checks every value.
 *
 * @throws {InvalidOptionError} naming the first bad option
 * @example
 * resolveBreakerSettings({ failureThreshold: 5 }).resetTimeoutMs // 60000
 */
export function resolveBreakerSettings(input: CircuitBreakerInput = {}): BreakerSettings {
  const rate = input.failureRate;
  let failureRate: BreakerSettings['failureRate'] = null;
  if (rate) {
    const thresholdPercent = rate.thresholdPercent;
    if (!(thresholdPercent > 0 && thresholdPercent <= 100)) {
      throw new InvalidOptionError(
        'failureRate.thresholdPercent',
        thresholdPercent,
        'a number in (0, 100]',
      );
    }
    failureRate = {
      thresholdPercent,
      minimumCalls: numberOption('failureRate.minimumCalls', rate.minimumCalls, 1, {
        min: 1,
        integer: true,
      }),
      windowMs: numberOption(
        'failureRate.windowMs',
        rate.windowMs,
        breakerDefaults.failureRateWindowMs,
        {
          min: 1,
        },
      ),
      buckets: numberOption(
        'failureRate.buckets',
        rate.buckets,
        breakerDefaults.failureRateBuckets,
        {
          min: 1,
          integer: true,
        },
      ),
    };
    if (failureRate.buckets > maxBuckets) {
      throw new InvalidOptionError(
        'failureRate.buckets',
        failureRate.buckets,
        `at most ${maxBuckets}`,
      );
    }
  }
  return {
    failureThreshold: numberOption(
      'failureThreshold',
      input.failureThreshold,
      breakerDefaults.failureThreshold,
      {
        min: 1,
        integer: true,
      },
    ),
    resetTimeoutMs: numberOption(
      'resetTimeoutMs',
      input.resetTimeoutMs,
      breakerDefaults.resetTimeoutMs,
    ),
    halfOpenMaxCalls: numberOption(
      'halfOpenMaxCalls',
      input.halfOpenMaxCalls,
      breakerDefaults.halfOpenMaxCalls,
      {
        min: 1,
        integer: true,
      },
    ),
    failureRate,
  };
}

/**
 * The context a breaker starts with: CLOSED, generation 0, every counter at zero.
 * @internal
 */
export function initialBreakerContext(
  input: CircuitBreakerInput | undefined,
): CircuitBreakerContext {
  const settings = resolveBreakerSettings(input);
  return {
    settings,
    generation: 0,
    lastCallAdmitted: false,
    consecutiveFailures: 0,
    tripReason: null,
    trialsInFlight: 0,
    openUntil: null,
    window: settings.failureRate
      ? emptyWindow(settings.failureRate.windowMs, settings.failureRate.buckets)
      : null,
    lastChange: null,
    lastError: null,
    counters: { calls: 0, successes: 0, failures: 0, timeouts: 0, rejections: 0, transitions: 0 },
  };
}
