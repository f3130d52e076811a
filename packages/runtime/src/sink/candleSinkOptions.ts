import type { CircuitBreakerInput, MachineClock } from '@ballast/machines';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { InvalidRuntimeOptionError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { actorStateKey } from '../state/persistedActorState.js';
import { sinkSubject } from './sinkSubject.js';

/** Options of {@link CandleSink.start}. */
export interface CandleSinkOptions {
  /** Only `request` is used. */
  readonly nc: Pick<NatsConnection, 'request'>;
  /**
   * Where the breaker's state survives restarts: the `snapshots` bucket and this worker's id
   * (key `breaker.<workerId>.<name>`). Without it the breaker starts CLOSED on every start.
   */
  readonly state?: { readonly kv: KV; readonly workerId: string };
  /** The breaker's name: the last token of `ctl.breaker.<name>` and of its state key. Default `candleSink`. */
  readonly name?: string;
  /** Default {@link sinkSubject}. */
  readonly subject?: string;
  /** Candles waiting to be sent; the oldest is dropped (and counted) beyond. Default 10,000. */
  readonly capacity?: number;
  /** Requests in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Each request fails (a breaker timeout) after this long. Default 2,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Breaker input; defaults: open after 10 failures, half-open after 60 s, 1 trial call. */
  readonly breaker?: CircuitBreakerInput;
  /** How long `stop()` keeps sending queued candles before dropping the rest. Default 2,000 ms. */
  readonly drainTimeoutMs?: number;
  /** Clock of the breaker (deadlines, fast-path flush). Default `unrefClock` (timers that do not hold the process open). */
  readonly clock?: MachineClock;
  readonly log?: Logger;
}

/**
 * Counters of a {@link CandleSink}. Every offered candle ends up in exactly one of delivered,
 * failed, dropped or invalid, or is still queued or in flight:
 * `offered = delivered + failed + dropped + invalid + queueDepth + inFlight`.
 */
export interface CandleSinkCounters {
  offered: number;
  /** Acknowledged by the sink (empty reply). */
  delivered: number;
  /** Requests that failed: error reply, no responders, timeout (includes `timedOut`). */
  failed: number;
  timedOut: number;
  /** Refused by the breaker (OPEN, or every HALF_OPEN trial slot taken): also in `dropped`. */
  rejected: number;
  /** Never sent: queue overflow (`overflowed`), breaker refusal (`rejected`), or stopped. */
  dropped: number;
  overflowed: number;
  /** Candles `encodeCandle` refused (a fold bug); logged. */
  invalid: number;
  queueDepth: number;
  inFlight: number;
  /** Breaker state changes seen by this sink (CLOSED/OPEN/HALF_OPEN). */
  transitions: number;
  /** Errors of the breaker actor itself (logged); the sink then rejects everything. */
  breakerErrors: number;
}

const defaults = {
  name: 'candleSink',
  capacity: 10_000,
  concurrency: 4,
  requestTimeoutMs: 2_000,
  drainTimeoutMs: 2_000,
} as const;

/** {@link CandleSinkOptions} with defaults applied and checked. */
export interface SinkSettings {
  readonly nc: Pick<NatsConnection, 'request'>;
  readonly name: string;
  readonly subject: string;
  readonly capacity: number;
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly log: Logger;
}

/**
 * Applies the defaults of {@link CandleSinkOptions} and checks every value.
 *
 * @throws {InvalidRuntimeOptionError} naming the option
 * @example
 * resolveSinkSettings({ nc }).capacity; // 10_000
 */
export function resolveSinkSettings(options: CandleSinkOptions): SinkSettings {
  const name = options.name ?? defaults.name;
  // Validated here so a bad name fails before the breaker starts, not at its state key.
  actorStateKey('breaker', name);
  return {
    nc: options.nc,
    name,
    subject: options.subject ?? sinkSubject,
    capacity: positiveInteger('capacity', options.capacity, defaults.capacity),
    concurrency: positiveInteger('concurrency', options.concurrency, defaults.concurrency),
    requestTimeoutMs: positiveInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      defaults.requestTimeoutMs,
    ),
    drainTimeoutMs: positiveInteger(
      'drainTimeoutMs',
      options.drainTimeoutMs,
      defaults.drainTimeoutMs,
    ),
    log: (options.log ?? createLogger('candleSink')).child({ breaker: name }),
  };
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new InvalidRuntimeOptionError(option, resolved, 'an integer >= 1');
  }
  return resolved;
}
