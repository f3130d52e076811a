import { SimulatedClock } from 'xstate';

/** Timers still pending on a SimulatedClock (its `timeouts` map is private in the typings). */
export function pendingTimers(clock: SimulatedClock): number {
  return (clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size;
}

/** A SimulatedClock already at `ms`. */
export function clockAt(ms: number): SimulatedClock {
  const clock = new SimulatedClock();
  clock.set(ms);
  return clock;
}

/** Lets promise callbacks (e.g. a promise actor's resolution) run; no timers involved. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A JSON round trip, as a snapshot store would do. */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
