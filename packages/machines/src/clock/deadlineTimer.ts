import { type EventObject, fromCallback } from 'xstate';
import { systemClock } from './machineClock.js';

/** Input of {@link deadlineTimer}: when to fire (absolute clock ms) and what to send. */
export interface DeadlineTimerInput {
  /** Absolute time on the system clock; `null` means never (e.g. an isolated breaker). */
  readonly deadline: number | null;
  /** Type of the event sent to the parent when the deadline passes. */
  readonly eventType: string;
}

/** The event a {@link deadlineTimer} sends back; `deadline` says which deadline it was. */
export interface DeadlineReachedEvent {
  readonly type: string;
  readonly deadline: number;
}

// Node fires a setTimeout longer than 2^31-1 ms at once; longer waits are re-armed in steps.
const maxTimerMs = 2_147_483_647;

/**
 * A timer actor that sends `{ type: eventType, deadline }` to its parent when the system
 * clock reaches `deadline`.
 *
 * Why not `after`: xstate does not restore pending delayed events from a persisted snapshot
 * (xstate #5331), and entry actions do not run again on restore. An invoked callback actor is
 * persisted with its input and its callback runs again when the restored actor starts, so a
 * state that invokes this timer re-arms itself for the time that is left (or fires at once
 * when the deadline passed while the process was down). Stopping the state clears the timer.
 *
 * @example
 * invoke: {
 *   id: 'resetTimer',
 *   src: 'deadlineTimer',
 *   input: ({ context }) => ({ deadline: context.openUntil, eventType: 'RESET_TIMEOUT_ELAPSED' }),
 * }
 */
export const deadlineTimer = fromCallback<EventObject, DeadlineTimerInput>(
  ({ input, system, sendBack }) => {
    const { deadline, eventType } = input;
    if (deadline === null) return undefined;
    const clock = systemClock(system);
    let handle: unknown;
    const arm = (): void => {
      const remaining = deadline - clock.now();
      if (remaining > maxTimerMs) {
        handle = clock.setTimeout(arm, maxTimerMs);
        return;
      }
      handle = clock.setTimeout(
        () => {
          handle = undefined;
          sendBack({ type: eventType, deadline } satisfies DeadlineReachedEvent);
        },
        Math.max(0, remaining),
      );
    };
    arm();
    return () => {
      if (handle !== undefined) clock.clearTimeout(handle);
    };
  },
);
