import type { ActorRefFrom, SnapshotFrom } from 'xstate';
import type { circuitBreaker } from './circuitBreaker.js';

/** A running circuit breaker actor (from `createActor(circuitBreaker, ...)`). */
export type CircuitBreakerActor = ActorRefFrom<typeof circuitBreaker>;

/** A circuit breaker snapshot, live or restored. */
export type CircuitBreakerSnapshot = SnapshotFrom<typeof circuitBreaker>;

/** Top-level breaker state names; OPEN covers both `OPEN.cooling` and `OPEN.isolated`. */
export type BreakerStateName = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * Breaker states as numbers, for gauges and wire messages: CLOSED 0, OPEN 1, HALF_OPEN 2.
 *
 * @example
 * gauge.set(breakerStateCode(actor.getSnapshot())); // 0 | 1 | 2
 */
export const BreakerStateCode = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 } as const;

/** One of the values of {@link BreakerStateCode}. */
export type BreakerStateCode = (typeof BreakerStateCode)[BreakerStateName];

/**
 * The top-level state of a breaker snapshot.
 *
 * @example
 * breakerStateName(actor.getSnapshot()) // 'OPEN' when in OPEN.cooling or OPEN.isolated
 */
export function breakerStateName(
  snapshot: Pick<CircuitBreakerSnapshot, 'value'>,
): BreakerStateName {
  const value = snapshot.value;
  return typeof value === 'string' ? value : 'OPEN';
}

/**
 * The state of a breaker snapshot as 0 (CLOSED), 1 (OPEN) or 2 (HALF_OPEN).
 *
 * @example
 * breakerStateCode(createActor(circuitBreaker, { input: {} }).getSnapshot()) // 0
 */
export function breakerStateCode(
  snapshot: Pick<CircuitBreakerSnapshot, 'value'>,
): BreakerStateCode {
  return BreakerStateCode[breakerStateName(snapshot)];
}
