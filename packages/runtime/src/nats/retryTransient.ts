import type { Logger } from '../logger.js';
import { isTransientNatsError } from './isTransientNatsError.js';

/** Options of {@link retryTransient}. */
export interface RetryTransientOptions {
  /** What is attempted, for the log line of each retry. */
  readonly what: string;
  /** Give up (rethrow the last error) once this much time has passed. */
  readonly withinMs: number;
  /** Which failures are worth another attempt. Default {@link isTransientNatsError}. */
  readonly retryable?: (error: unknown) => boolean;
  /** Where each retry is logged; none by default. */
  readonly log?: Logger;
}

/**
 * Runs `attempt` until it succeeds, retrying only `retryable` failures
 * ({@link isTransientNatsError} by default) with a backoff from 250 ms to 2 s, for at most
 * `withinMs`. A worker started next to a cluster
 * that is still forming (or electing a stream leader) waits for it instead of exiting; any
 * other error is thrown at once.
 *
 * @example
 * const topology = await retryTransient(() => ensureTopology(nc, jsm), {
 *   what: 'creating streams and buckets', withinMs: 30_000, log,
 * });
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  options: RetryTransientOptions,
): Promise<T> {
  const deadline = Date.now() + options.withinMs;
  const retryable = options.retryable ?? isTransientNatsError;
  for (let delay = 250; ; delay = Math.min(2_000, delay * 2)) {
    try {
      return await attempt();
    } catch (error) {
      if (!retryable(error) || Date.now() + delay > deadline) throw error;
      options.log?.warn({ err: error, retryInMs: delay }, `${options.what} failed; retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
