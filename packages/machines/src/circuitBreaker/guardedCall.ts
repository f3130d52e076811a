import { Breaker, type GuardedCallOptions, type GuardedFunction } from './Breaker.js';
import type { CircuitBreakerActor } from './breakerState.js';

// One Breaker per actor, so every guardedCall on it shares one fast-path batch; the WeakMap
// lets actor and Breaker be collected together.
const breakers = new WeakMap<CircuitBreakerActor, Breaker>();

/**
 * Runs `fn` through the circuit breaker `actor`: refused at once with `BreakerOpenError` while
 * OPEN, counted as a failure on error or timeout. Shorthand for `createBreaker(actor).call(...)`
 * with one cached {@link Breaker} per actor.
 *
 * @param actor - a running circuit breaker actor
 * @param fn - the call to guard; gets an `AbortSignal` when `timeoutMs` is set
 * @returns what `fn` returns
 * @example
 * const candles = await guardedCall(breakerActor, () => publish(update), { timeoutMs: 1_000 });
 */
export function guardedCall<T>(
  actor: CircuitBreakerActor,
  fn: GuardedFunction<T>,
  options?: GuardedCallOptions,
): Promise<T> {
  let breaker = breakers.get(actor);
  if (!breaker) {
    breaker = new Breaker(actor);
    breakers.set(actor, breaker);
  }
  return breaker.call(fn, options);
}
