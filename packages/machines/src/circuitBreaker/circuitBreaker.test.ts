import { describe, expect, it, vi } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { startBreaker } from '../../test/support/breakerHarness.js';
import { pendingTimers } from '../../test/support/clock.js';
import { InvalidOptionError } from '../errors.js';
import { resolveBreakerSettings } from './breakerSettings.js';
import { breakerStateCode } from './breakerState.js';
import { circuitBreaker } from './circuitBreaker.js';

describe('circuitBreaker', () => {
  it('starts closed with zeroed counters', () => {
    const b = startBreaker();
    expect(b.state()).toBe('CLOSED');
    expect(breakerStateCode(b.actor.getSnapshot())).toBe(0);
    expect(b.context().counters).toEqual({
      calls: 0,
      successes: 0,
      failures: 0,
      timeouts: 0,
      rejections: 0,
      transitions: 0,
    });
  });

  it('opens after 10 consecutive failures', () => {
    const b = startBreaker();
    b.fail(9);
    expect(b.state()).toBe('CLOSED');
    b.fail(1);
    expect(b.state()).toBe('OPEN');
    expect(breakerStateCode(b.actor.getSnapshot())).toBe(1);
    expect(b.context().openUntil).toBe(60_000);
    expect(b.changes).toEqual([
      expect.objectContaining({
        to: 'OPEN',
        code: 1,
        reason: 'consecutive_failures',
        openUntil: 60_000,
      }),
    ]);
  });

  it('rejects calls at once while open, counting them', () => {
    const b = startBreaker({ failureThreshold: 1 });
    b.fail();
    expect(b.request()).toBeUndefined();
    expect(b.request()).toBeUndefined();
    expect(b.context().counters).toMatchObject({ calls: 3, rejections: 2, failures: 1 });
  });

  it('half-opens when resetTimeoutMs has passed, not before', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 1_000 });
    b.fail();
    b.clock.increment(999);
    expect(b.state()).toBe('OPEN');
    b.clock.increment(1);
    expect(b.state()).toBe('HALF_OPEN');
    expect(breakerStateCode(b.actor.getSnapshot())).toBe(2);
    expect(b.changes.at(-1)).toMatchObject({ to: 'HALF_OPEN', reason: 'reset_timeout', at: 1_000 });
  });

  it('closes on a half-open trial success', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 1_000 });
    b.fail();
    b.clock.increment(1_000);
    b.succeed();
    expect(b.state()).toBe('CLOSED');
    expect(b.changes.at(-1)).toMatchObject({ to: 'CLOSED', reason: 'trial_succeeded' });
    expect(pendingTimers(b.clock)).toBe(0);
  });

  it('reopens on a half-open trial failure with a fresh deadline', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 1_000 });
    b.fail();
    b.clock.increment(1_000);
    b.fail();
    expect(b.state()).toBe('OPEN');
    expect(b.context().openUntil).toBe(2_000);
    expect(b.changes.at(-1)).toMatchObject({ to: 'OPEN', reason: 'trial_failed' });
  });

  it('admits at most halfOpenMaxCalls trials at once', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 1_000, halfOpenMaxCalls: 2 });
    b.fail();
    b.clock.increment(1_000);
    expect(b.request()).toBeDefined();
    expect(b.request()).toBeDefined();
    expect(b.request()).toBeUndefined();
    expect(b.context()).toMatchObject({ trialsInFlight: 2, counters: { rejections: 1 } });
  });

  it('clears the failure run on a success', () => {
    const b = startBreaker();
    b.fail(9);
    b.succeed();
    b.fail(9);
    expect(b.state()).toBe('CLOSED');
    expect(b.context().consecutiveFailures).toBe(9);
  });

  it('resets manually from open and from closed', () => {
    const b = startBreaker({ failureThreshold: 3 });
    b.fail(2);
    b.actor.send({ type: 'RESET' });
    b.fail(2);
    expect(b.state()).toBe('CLOSED');
    b.fail(1);
    expect(b.state()).toBe('OPEN');
    b.actor.send({ type: 'RESET' });
    expect(b.state()).toBe('CLOSED');
    expect(b.changes.at(-1)).toMatchObject({ to: 'CLOSED', reason: 'manual_reset' });
    expect(pendingTimers(b.clock)).toBe(0);
  });

  it('stays open while isolated until RESET, whatever the clock says', () => {
    const b = startBreaker({ resetTimeoutMs: 1_000 });
    b.actor.send({ type: 'ISOLATE' });
    expect(b.actor.getSnapshot().value).toEqual({ OPEN: 'isolated' });
    expect(b.context().openUntil).toBeNull();
    b.clock.increment(10_000_000);
    expect(b.request()).toBeUndefined();
    expect(pendingTimers(b.clock)).toBe(0);
    b.actor.send({ type: 'RESET' });
    expect(b.state()).toBe('CLOSED');
    expect(b.context().counters.transitions).toBe(2);
  });

  it('isolating an open breaker cancels its half-open timer without a new transition', () => {
    const b = startBreaker({ failureThreshold: 1, resetTimeoutMs: 1_000 });
    b.fail();
    b.actor.send({ type: 'ISOLATE' });
    b.clock.increment(5_000);
    expect(b.actor.getSnapshot().value).toEqual({ OPEN: 'isolated' });
    expect(b.context().counters.transitions).toBe(1);
  });

  it('does not trip twice on failures of calls admitted before it opened', () => {
    const b = startBreaker({ failureThreshold: 3, resetTimeoutMs: 1_000 });
    const permits = Array.from({ length: 8 }, () => b.request());
    for (const generation of permits) {
      b.actor.send({
        type: 'CALL_FAILED',
        generation: generation as number,
        error: { message: 'x' },
      });
    }
    expect(b.context()).toMatchObject({
      openUntil: 1_000,
      counters: { failures: 8, transitions: 1 },
    });
    b.clock.increment(1_000);
    // A late success from before the trip must not close the half-open breaker.
    b.actor.send({ type: 'CALL_SUCCEEDED', generation: permits[0] as number });
    expect(b.state()).toBe('HALF_OPEN');
    expect(b.changes).toHaveLength(2);
  });

  it('goes through several recovery cycles', () => {
    const b = startBreaker({ failureThreshold: 2, resetTimeoutMs: 500 });
    for (let cycle = 0; cycle < 3; cycle++) {
      b.fail(2);
      expect(b.state()).toBe('OPEN');
      b.clock.increment(500);
      expect(b.state()).toBe('HALF_OPEN');
      b.succeed();
      expect(b.state()).toBe('CLOSED');
    }
    expect(b.context().counters).toMatchObject({ transitions: 9, failures: 6, successes: 3 });
    expect(b.changes.map((c) => c.to)).toEqual(
      Array(3).fill(['OPEN', 'HALF_OPEN', 'CLOSED']).flat(),
    );
  });

  it('trips on the failure rate once the minimum volume is reached', () => {
    const b = startBreaker({
      failureThreshold: 100,
      failureRate: { thresholdPercent: 50, minimumCalls: 10, windowMs: 10_000, buckets: 10 },
    });
    for (let i = 0; i < 4; i++) {
      b.fail();
      b.succeed();
    }
    expect(b.state()).toBe('CLOSED'); // 4 of 8: below the minimum volume
    b.fail();
    expect(b.state()).toBe('CLOSED'); // 5 of 9
    b.fail();
    expect(b.state()).toBe('OPEN'); // 6 of 10 = 60%
    expect(b.changes.at(-1)).toMatchObject({ reason: 'failure_rate' });
  });

  it('ages failures out of the rate window', () => {
    const b = startBreaker({
      failureThreshold: 100,
      failureRate: { thresholdPercent: 50, minimumCalls: 4, windowMs: 10_000, buckets: 10 },
    });
    b.fail(3);
    b.clock.increment(10_000); // those three leave the window
    b.succeed();
    b.succeed();
    b.fail();
    expect(b.state()).toBe('CLOSED');
    b.fail();
    expect(b.state()).toBe('OPEN'); // 2 of 4 within the window = 50%
  });

  it('rejects bad input with the option named', () => {
    expect(() => resolveBreakerSettings({ failureThreshold: 0 })).toThrow(InvalidOptionError);
    expect(() =>
      resolveBreakerSettings({ failureRate: { thresholdPercent: 120, minimumCalls: 1 } }),
    ).toThrow(/failureRate.thresholdPercent/);
  });

  it('reports state changes through the provided action only', () => {
    const reportStateChange = vi.fn();
    const clock = new SimulatedClock();
    const actor = createActor(circuitBreaker.provide({ actions: { reportStateChange } }), {
      clock,
      input: { failureThreshold: 1 },
    }).start();
    actor.send({ type: 'CALL_FAILED', error: { message: 'x' } });
    expect(reportStateChange).toHaveBeenCalledTimes(1);
    expect(reportStateChange.mock.calls[0]?.[1]).toMatchObject({ to: 'OPEN', code: 1 });
  });
});
