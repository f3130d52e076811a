import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, setup } from 'xstate';
import { pendingTimers, viaJson } from '../../test/support/clock.js';
import { deadlineTimer } from './deadlineTimer.js';
import { realClock, systemClock, systemNow } from './machineClock.js';

const waiter = setup({
  types: {} as {
    context: { deadline: number | null };
    input: { deadline: number | null } | undefined;
  },
  actors: { deadlineTimer },
}).createMachine({
  context: ({ input }) => ({ deadline: input?.deadline ?? null }),
  initial: 'waiting',
  states: {
    waiting: {
      invoke: {
        id: 'timer',
        src: 'deadlineTimer',
        input: ({ context }) => ({ deadline: context.deadline, eventType: 'DUE' }),
      },
      on: { DUE: 'due' },
    },
    due: {},
  },
});

describe('deadlineTimer', () => {
  it('fires at the absolute deadline on the system clock', () => {
    const clock = new SimulatedClock();
    clock.set(1_000);
    const actor = createActor(waiter, { clock, input: { deadline: 1_500 } }).start();
    clock.increment(499);
    expect(actor.getSnapshot().value).toBe('waiting');
    clock.increment(1);
    expect(actor.getSnapshot().value).toBe('due');
  });

  it('re-arms for the remaining time when restored', () => {
    const clock = new SimulatedClock();
    const actor = createActor(waiter, { clock, input: { deadline: 1_000 } }).start();
    clock.increment(700);
    const snapshot = viaJson(actor.getPersistedSnapshot());
    actor.stop();
    const later = new SimulatedClock();
    later.set(900);
    const restored = createActor(waiter, { clock: later, snapshot }).start();
    later.increment(99);
    expect(restored.getSnapshot().value).toBe('waiting');
    later.increment(1);
    expect(restored.getSnapshot().value).toBe('due');
  });

  it('sets no timer for a null deadline and clears its timer on stop', () => {
    const clock = new SimulatedClock();
    createActor(waiter, { clock, input: { deadline: null } }).start();
    expect(pendingTimers(clock)).toBe(0);
    const actor = createActor(waiter, { clock, input: { deadline: 5 } }).start();
    expect(pendingTimers(clock)).toBe(1);
    actor.stop();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('reads now() from the system clock, and Date.now() for xstate’s default clock', () => {
    const clock = new SimulatedClock();
    clock.set(123);
    expect(systemNow(createActor(waiter, { clock, input: { deadline: null } }).system)).toBe(123);
    const system = createActor(waiter, { input: { deadline: null } }).system;
    expect(Math.abs(systemNow(system) - Date.now())).toBeLessThan(1_000);
    expect(systemClock(system).now()).toBeGreaterThan(0);
    expect(Math.abs(realClock.now() - Date.now())).toBeLessThan(1_000);
  });
});
