import type { ErrorInfo } from '../errorInfo.js';
import type { RollingWindow } from './rollingWindow.js';

/** Optional failure-rate tripping over a rolling window, like opossum's errorThresholdPercentage. */
export interface FailureRateInput {
  /** Trip when failures / outcomes in the window reach this percentage (0–100]. */
  readonly thresholdPercent: number;
  /** ...and the window holds at least this many outcomes (opossum's volumeThreshold). */
  readonly minimumCalls: number;
  /** Window length in ms. Default 10,000. */
  readonly windowMs?: number;
  /** Buckets the window is split into; memory is fixed by this. Default 10. */
  readonly buckets?: number;
}

/** Input of the {@link circuitBreaker} machine. Every field has a default. */
export interface CircuitBreakerInput {
  /** Consecutive failures (timeouts included) that open the breaker. Default 10. */
  readonly failureThreshold?: number;
  /** How long the breaker stays OPEN before half-opening, in ms. Default 60,000. */
  readonly resetTimeoutMs?: number;
  /** Trial calls admitted at once while HALF_OPEN. Default 1. */
  readonly halfOpenMaxCalls?: number;
  /** Also trip on a failure rate; off unless given. */
  readonly failureRate?: FailureRateInput;
}

/** {@link CircuitBreakerInput} with defaults applied and values checked. */
export interface BreakerSettings {
  readonly failureThreshold: number;
  readonly resetTimeoutMs: number;
  readonly halfOpenMaxCalls: number;
  readonly failureRate: Required<FailureRateInput> | null;
}

/** Why the breaker last changed state. */
export type BreakerChangeReason =
  | 'consecutive_failures'
  | 'failure_rate'
  | 'reset_timeout'
  | 'trial_succeeded'
  | 'trial_failed'
  | 'manual_reset'
  | 'isolated';

/** Monotonic counters; `failures` includes `timeouts`, and `calls - rejections` were admitted. */
export interface BreakerCounters {
  /** Every CALL_REQUESTED, admitted or not. */
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  readonly timeouts: number;
  /** Calls refused at once because the breaker was OPEN or its trial slots were taken. */
  readonly rejections: number;
  /** State changes between CLOSED, OPEN and HALF_OPEN. */
  readonly transitions: number;
}

/** The last failure or timeout the breaker saw; `at` is clock time in ms. */
export interface BreakerLastError extends ErrorInfo {
  readonly at: number;
  readonly kind: 'failure' | 'timeout';
}

/** Context of the {@link circuitBreaker} machine; plain data, so it persists as JSON. */
export interface CircuitBreakerContext {
  readonly settings: BreakerSettings;
  /**
   * Bumped on every state change. A call is admitted under the current generation and reports
   * its outcome with it; outcomes of older generations are counted but move no state, so
   * results of calls admitted before a trip cannot trip again or close a half-open breaker.
   */
  readonly generation: number;
  /** Whether the last CALL_REQUESTED was admitted: the synchronous answer callers read. */
  readonly lastCallAdmitted: boolean;
  readonly consecutiveFailures: number;
  /** Set by a failure that crossed a threshold; the CLOSED state opens on it at once. */
  readonly tripReason: 'consecutive_failures' | 'failure_rate' | null;
  /** Admitted trial calls not yet settled (HALF_OPEN only). */
  readonly trialsInFlight: number;
  /** Absolute clock time at which OPEN half-opens; `null` unless OPEN and not isolated. */
  readonly openUntil: number | null;
  readonly window: RollingWindow | null;
  readonly lastChange: { readonly reason: BreakerChangeReason; readonly at: number } | null;
  readonly lastError: BreakerLastError | null;
  readonly counters: BreakerCounters;
}

/** A call outcome may name the generation it was admitted in; without one it is current. */
interface OutcomeEvent {
  readonly generation?: number;
}

/** Events the {@link circuitBreaker} machine accepts. */
export type CircuitBreakerEvent =
  | { readonly type: 'CALL_REQUESTED' }
  | ({ readonly type: 'CALL_SUCCEEDED' } & OutcomeEvent)
  | ({ readonly type: 'CALL_FAILED'; readonly error: ErrorInfo } & OutcomeEvent)
  | ({ readonly type: 'CALL_TIMED_OUT'; readonly timeoutMs: number } & OutcomeEvent)
  | {
      /**
       * Outcomes a {@link Breaker} settled without sending one event each (its fast path):
       * admissions while CLOSED, successes that could not change state, rejections while OPEN.
       * Counted; successes of the current generation also enter the rolling window.
       */
      readonly type: 'CALLS_BATCHED';
      readonly admitted: number;
      readonly succeeded: number;
      readonly rejected: number;
      readonly generation: number;
    }
  | { readonly type: 'RESET' }
  | { readonly type: 'ISOLATE' }
  | { readonly type: 'RESET_TIMEOUT_ELAPSED'; readonly deadline: number };

/** Parameters of the `reportStateChange` action the runtime may provide. */
export interface BreakerStateChange {
  readonly to: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  readonly code: 0 | 1 | 2;
  readonly reason: BreakerChangeReason;
  readonly at: number;
  readonly openUntil: number | null;
  readonly lastError: BreakerLastError | null;
}
