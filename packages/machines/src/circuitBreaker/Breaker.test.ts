import { describe, expect, it, vi } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { pendingTimers } from '../../test/support/clock.js';
import { BreakerNotRunningError, BreakerOpenError, CallTimeoutError } from '../errors.js';
import { createBreaker } from './Breaker.js';
import type { CircuitBreakerInput } from './breakerTypes.js';
import { circuitBreaker } from './circuitBreaker.js';
import { guardedCall } from './guardedCall.js';

function setup(input: CircuitBreakerInput = {}, flushIntervalMs = 1_000) {
  const clock = new SimulatedClock();
  const actor = createActor(circuitBreaker, { clock, input }).start();
  const breaker = createBreaker(actor, { flushIntervalMs });
  return { clock, actor, breaker };
}

const fail = () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));

describe('Breaker', () => {
  it('runs admitted calls and returns their result', async () => {
    const { breaker } = setup();
    await expect(breaker.call(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(breaker.call(() => 8)).resolves.toBe(8);
    expect(breaker.snapshot().context.counters).toMatchObject({ calls: 2, successes: 2 });
  });

  it('rejects with BreakerOpenError without running the function while open', async () => {
    const { breaker, actor } = setup({ failureThreshold: 2, resetTimeoutMs: 5_000 });
    await expect(breaker.call(fail)).rejects.toThrow('down');
    await expect(breaker.call(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe(1);
    const fn = vi.fn(() => 1);
    const error = await breaker.call(fn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).toMatchObject({ code: 'breaker_open', state: 'OPEN', retryAt: 5_000 });
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.snapshot().context.counters).toMatchObject({
      calls: 3,
      rejections: 1,
      failures: 2,
    });
    expect(actor.getSnapshot().context.lastError).toMatchObject({
      message: 'down',
      code: 'ECONNREFUSED',
    });
  });

  it('answers "may I call?" synchronously with a permit', () => {
    const { breaker, actor } = setup({ failureThreshold: 1, resetTimeoutMs: 100 });
    const permit = breaker.requestCall();
    expect(permit).toBe(0);
    breaker.reportFailure(permit as number, new Error('x'));
    expect(breaker.requestCall()).toBeUndefined();
    actor.send({ type: 'RESET' });
    expect(breaker.requestCall()).toBe(2);
  });

  it('counts a call that outlives its timeout as a timeout and aborts its signal', async () => {
    const { breaker, clock } = setup({ failureThreshold: 1 });
    let signal: AbortSignal | undefined;
    const pending = breaker.call(
      (s) => {
        signal = s;
        return new Promise<never>(() => {});
      },
      { timeoutMs: 250 },
    );
    clock.increment(249);
    expect(breaker.state).toBe(0);
    clock.increment(1);
    await expect(pending).rejects.toBeInstanceOf(CallTimeoutError);
    expect(signal?.aborted).toBe(true);
    expect(breaker.state).toBe(1);
    expect(breaker.snapshot().context.counters).toMatchObject({ timeouts: 1, failures: 1 });
  });

  it('clears the per-call timer when the call settles first', async () => {
    const { breaker, clock } = setup();
    await expect(breaker.call(() => Promise.resolve('ok'), { timeoutMs: 1_000 })).resolves.toBe(
      'ok',
    );
    breaker.flush();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('ends a half-open trial that hangs through its timeout', async () => {
    const { breaker, clock } = setup({ failureThreshold: 1, resetTimeoutMs: 100 });
    await breaker.call(fail).catch(() => {});
    clock.increment(100);
    const trial = breaker.call(() => new Promise<never>(() => {}), { timeoutMs: 50 });
    await expect(breaker.call(() => 1)).rejects.toMatchObject({ state: 'HALF_OPEN' });
    clock.increment(50);
    await expect(trial).rejects.toBeInstanceOf(CallTimeoutError);
    expect(breaker.state).toBe(1);
  });

  it('batches fast-path outcomes and flushes them within flushIntervalMs', async () => {
    const { breaker, actor, clock } = setup({}, 100);
    for (let i = 0; i < 5; i++) await breaker.call(() => i);
    expect(actor.getSnapshot().context.counters.calls).toBe(0);
    expect(pendingTimers(clock)).toBe(1);
    clock.increment(100);
    expect(actor.getSnapshot().context.counters).toMatchObject({ calls: 5, successes: 5 });
    expect(pendingTimers(clock)).toBe(0);
  });

  it('flushes pending successes before a failure, so counts and order match the slow path', async () => {
    const fast = setup({ failureThreshold: 3 });
    const slow = createActor(circuitBreaker, {
      clock: new SimulatedClock(),
      input: { failureThreshold: 3 },
    }).start();
    const script = [true, true, false, true, false, false, true, false, false, false];
    for (const ok of script) {
      await fast.breaker.call(ok ? () => 1 : fail).catch(() => {});
      slow.send({ type: 'CALL_REQUESTED' });
      const { lastCallAdmitted, generation } = slow.getSnapshot().context;
      if (!lastCallAdmitted) continue;
      slow.send(
        ok
          ? { type: 'CALL_SUCCEEDED', generation }
          : { type: 'CALL_FAILED', generation, error: { message: 'down' } },
      );
    }
    const { lastError: _a, lastCallAdmitted: _b, ...fastContext } = fast.breaker.snapshot().context;
    const { lastError: _c, lastCallAdmitted: _d, ...slowContext } = slow.getSnapshot().context;
    expect(fastContext).toEqual(slowContext);
    expect(fast.breaker.snapshot().value).toEqual(slow.getSnapshot().value);
  });

  it('batches rejections while open and counts them all', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    await breaker.call(fail).catch(() => {});
    for (let i = 0; i < 100; i++) expect(breaker.requestCall()).toBeUndefined();
    expect(breaker.snapshot().context.counters).toMatchObject({ calls: 101, rejections: 100 });
  });

  it('refuses to decide for a stopped actor', () => {
    const { breaker, actor } = setup();
    actor.stop();
    expect(() => breaker.requestCall()).toThrow(BreakerNotRunningError);
  });

  it('refuses a decision asked from inside the actor’s own processing', () => {
    const { breaker, actor, clock } = setup({ failureThreshold: 1, resetTimeoutMs: 10 });
    breaker.reportFailure(breaker.requestCall() as number, new Error('x'));
    const seen: unknown[] = [];
    const subscription = actor.subscribe((snapshot) => {
      if (snapshot.value !== 'HALF_OPEN') return;
      subscription.unsubscribe();
      try {
        breaker.requestCall();
      } catch (error) {
        seen.push(error);
      }
    });
    clock.increment(10);
    expect(seen[0]).toBeInstanceOf(BreakerNotRunningError);
    // Nothing was queued behind the refusal: no phantom call holds the trial slot.
    expect(actor.getSnapshot().context).toMatchObject({
      trialsInFlight: 0,
      counters: { calls: 1 },
    });
    expect(breaker.requestCall()).toBeDefined();
  });

  it('stops its flush timer on dispose and goes through the machine afterwards', async () => {
    const { breaker, actor, clock } = setup();
    await breaker.call(() => 1);
    breaker[Symbol.dispose]();
    expect(pendingTimers(clock)).toBe(0);
    expect(actor.getSnapshot().context.counters.calls).toBe(1);
    await breaker.call(() => 1);
    expect(actor.getSnapshot().context.counters.calls).toBe(2);
    expect(pendingTimers(clock)).toBe(0);
  });
});

describe('guardedCall', () => {
  it('shares one breaker per actor', async () => {
    const clock = new SimulatedClock();
    const actor = createActor(circuitBreaker, { clock, input: { failureThreshold: 2 } }).start();
    await guardedCall(actor, fail).catch(() => {});
    await guardedCall(actor, fail).catch(() => {});
    await expect(guardedCall(actor, () => 1)).rejects.toBeInstanceOf(BreakerOpenError);
    await expect(guardedCall(actor, () => 1, { timeoutMs: 10 })).rejects.toBeInstanceOf(
      BreakerOpenError,
    );
  });
});
