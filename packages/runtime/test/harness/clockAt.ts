import { SimulatedClock } from 'xstate';

/** A simulated clock set to `ms`, for machines and components that take a clock. */
export function clockAt(ms: number): SimulatedClock {
  const clock = new SimulatedClock();
  clock.set(ms);
  return clock;
}
