import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { startBreaker } from '../../test/support/breakerHarness.js';
import { clockAt, pendingTimers, viaJson } from '../../test/support/clock.js';
import { breakerStateName } from './breakerState.js';
import { circuitBreaker } from './circuitBreaker.js';

describe('circuitBreaker persistence', () => {
  it('keeps the last error as plain data that survives persistence', () => {
    const b = startBreaker({ failureThreshold: 5 });
    b.clock.increment(42);
    b.actor.send({ type: 'CALL_REQUESTED' });
    b.actor.send({
      type: 'CALL_FAILED',
      error: { message: 'no responders', code: '503', name: 'Error' },
    });
    const expected = {
      message: 'no responders',
      code: '503',
      name: 'Error',
      at: 42,
      kind: 'failure',
    };
    expect(b.context().lastError).toEqual(expected);
    b.actor.send({ type: 'CALL_TIMED_OUT', timeoutMs: 250 });
    expect(b.context().lastError).toMatchObject({ code: 'call_timed_out', kind: 'timeout' });
    expect(b.context().counters).toMatchObject({ failures: 2, timeouts: 1 });
    const restored = createActor(circuitBreaker, {
      snapshot: viaJson(b.actor.getPersistedSnapshot()),
    });
    expect(restored.getSnapshot().context.lastError).toEqual(b.context().lastError);
  });

  it('stays open after a restore until its deadline, then half-opens', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 60_000 }, clockAt(1_000));
    b.fail();
    b.clock.increment(20_000);
    const persisted = viaJson(b.actor.getPersistedSnapshot());
    b.actor.stop();
    expect(pendingTimers(b.clock)).toBe(0);

    // A new process: a new clock at the same wall time, the snapshot from the store.
    const clock = clockAt(21_000);
    const restored = createActor(circuitBreaker, { clock, snapshot: persisted }).start();
    expect(breakerStateName(restored.getSnapshot())).toBe('OPEN');
    expect(pendingTimers(clock)).toBe(1);
    clock.increment(39_999);
    expect(breakerStateName(restored.getSnapshot())).toBe('OPEN');
    clock.increment(1);
    expect(breakerStateName(restored.getSnapshot())).toBe('HALF_OPEN');
  });

  it('half-opens at once after a restore when the deadline passed while down', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 1_000 });
    b.fail();
    const clock = clockAt(5_000);
    const restored = createActor(circuitBreaker, {
      clock,
      snapshot: viaJson(b.actor.getPersistedSnapshot()),
    });
    restored.start();
    clock.increment(0);
    expect(breakerStateName(restored.getSnapshot())).toBe('HALF_OPEN');
  });

  it('round-trips a closed breaker with its counters', () => {
    const b = startBreaker();
    b.succeed();
    b.fail(3);
    const restored = createActor(circuitBreaker, {
      clock: b.clock,
      snapshot: viaJson(b.actor.getPersistedSnapshot()),
    }).start();
    expect(restored.getSnapshot().context).toEqual(b.context());
    restored.send({ type: 'CALL_REQUESTED' });
    expect(restored.getSnapshot().context.counters.calls).toBe(5);
  });
});
