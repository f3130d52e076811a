import type { MachineClock } from '@ballast/machines';

/**
 * Wall-clock time and Node timers that do not keep the process alive: every handle is
 * `unref()`ed. Machine timers (a breaker's 60 s reset deadline, a reloader's cooldown) must not
 * hold a worker open after everything else stopped; components still clear them on stop.
 * What runtime components pass to `createActor` unless a test gives a `SimulatedClock`.
 *
 * @example
 * const actor = createActor(circuitBreaker, { clock: unrefClock, input: {} }).start();
 */
export const unrefClock: MachineClock = {
  now: () => Date.now(),
  setTimeout: (fn, timeoutMs) => setTimeout(fn, timeoutMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
