import type { AnyActorRef } from 'xstate';

/** The part of an xstate actor system that holds its clock. */
type ClockedSystem = Pick<AnyActorRef['system'], '_clock'>;

/**
 * The clock machines run on: xstate's `Clock` (setTimeout/clearTimeout) plus `now()`, so
 * timers and timestamps come from one source. xstate's `SimulatedClock` satisfies it; in
 * production pass {@link realClock}. Give it to `createActor(machine, { clock })`.
 */
export interface MachineClock {
  /** Current time in ms; deadlines in machine context are absolute values of this clock. */
  now(): number;
  setTimeout(fn: () => void, timeoutMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Wall-clock time and Node timers; what a runtime passes to `createActor` in production.
 *
 * @example
 * const actor = createActor(circuitBreaker, { clock: realClock, input: {} }).start();
 */
export const realClock: MachineClock = {
  now: () => Date.now(),
  setTimeout: (fn, timeoutMs) => setTimeout(fn, timeoutMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The clock an actor system runs on: the one given to `createActor(logic, { clock })`.
 *
 * xstate's `Clock` type has no `now()`, and guards and delay functions get no actor scope,
 * so machines read time here, in assign/enqueue actions and in invoked timers (which do get
 * `system`). `_clock` is declared on xstate's public `ActorSystem` type. A clock without
 * `now()` is xstate's default real-time clock, for which `Date.now()` is the matching time.
 *
 * @example
 * const clock = new SimulatedClock();
 * const actor = createActor(circuitBreaker, { clock, input: {} });
 * systemClock(actor.system).now() === clock.now(); // true
 */
export function systemClock(system: ClockedSystem): MachineClock {
  const clock = system._clock as Partial<MachineClock> &
    Pick<MachineClock, 'setTimeout' | 'clearTimeout'>;
  if (typeof clock.now === 'function') return clock as MachineClock;
  return {
    now: () => Date.now(),
    setTimeout: (fn, timeoutMs) => clock.setTimeout(fn, timeoutMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}

/**
 * Current time on an actor system's clock (see {@link systemClock}).
 *
 * @example
 * assign({ openedAt: ({ system }) => systemNow(system) })
 */
export function systemNow(system: ClockedSystem): number {
  const clock = system._clock as Partial<MachineClock>;
  return typeof clock.now === 'function' ? clock.now() : Date.now();
}
