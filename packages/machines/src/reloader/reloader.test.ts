import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { clockAt, pendingTimers, settle, viaJson } from '../../test/support/clock.js';
import { reloader } from './reloader.js';
import type { ReloaderInput, ReloadFailure, ReloadInput } from './reloaderTypes.js';

/** A reloader whose reload actor records its starts and waits for the test to finish it. */
function setup(input: ReloaderInput = {}, clock = new SimulatedClock()) {
  const starts: { at: number; input: ReloadInput }[] = [];
  const failures: ReloadFailure[] = [];
  let finish: (error?: Error) => void = () => {};
  const machine = reloader.provide({
    actors: {
      reload: fromPromise<unknown, ReloadInput>(({ input: reloadInput }) => {
        starts.push({ at: clock.now(), input: reloadInput });
        return new Promise((resolve, reject) => {
          finish = (error) => (error ? reject(error) : resolve(undefined));
        });
      }),
    },
    actions: { reportReloadFailure: (_, failure) => failures.push(failure) },
  });
  const actor = createActor(machine, { clock, input }).start();
  const trigger = (times = 1) => {
    for (let i = 0; i < times; i++) actor.send({ type: 'TRIGGER' });
  };
  const complete = async (error?: Error) => {
    finish(error);
    await settle();
  };
  return { actor, clock, starts, failures, trigger, complete, machine };
}

describe('reloader', () => {
  it('turns 10 rapid triggers into one reload after the debounce', async () => {
    const r = setup();
    for (let i = 0; i < 10; i++) {
      r.trigger();
      r.clock.increment(50);
    }
    // The last trigger came at 450 ms: quiet until 1,450 ms.
    r.clock.increment(949);
    expect(r.starts).toHaveLength(0);
    r.clock.increment(1);
    expect(r.starts).toHaveLength(1);
    expect(r.starts[0]?.at).toBe(1_450);
    await r.complete();
    r.clock.increment(10_000);
    expect(r.starts).toHaveLength(1);
    expect(r.actor.getSnapshot().value).toBe('idle');
    expect(r.actor.getSnapshot().context.counters).toMatchObject({
      triggers: 10,
      coalesced: 9,
      reloads: 1,
    });
  });

  it('runs exactly one trailing reload when triggers land mid-reload', async () => {
    const r = setup();
    r.trigger(10);
    r.clock.increment(1_000);
    expect(r.starts).toHaveLength(1);
    r.trigger(3);
    r.clock.increment(200);
    await r.complete();
    expect(r.actor.getSnapshot().value).toBe('coolingDown');
    r.clock.increment(4_799); // min interval counts from the first start (1,000 + 5,000)
    expect(r.starts).toHaveLength(1);
    r.clock.increment(1);
    expect(r.starts).toHaveLength(2);
    expect(r.starts[1]?.at).toBe(6_000);
    await r.complete();
    r.clock.increment(60_000);
    expect(r.starts).toHaveLength(2);
    expect(r.actor.getSnapshot().context.counters).toMatchObject({
      triggers: 13,
      coalesced: 11,
      reloads: 2,
    });
  });

  it('keeps reload starts at least minIntervalMs apart under a steady trigger stream', async () => {
    const r = setup({ debounceMs: 100, minIntervalMs: 5_000, maxWaitMs: 1_000 });
    for (let t = 0; t < 30_000; t += 50) {
      r.trigger();
      r.clock.increment(50);
      await r.complete();
    }
    const gaps = r.starts.slice(1).map((s, i) => s.at - (r.starts[i]?.at ?? 0));
    expect(r.starts.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5_000);
  });

  it('reloads after maxWaitMs even when triggers never stop', () => {
    const r = setup({ debounceMs: 1_000, maxWaitMs: 3_000 });
    for (let t = 0; t < 3_000; t += 500) {
      r.trigger();
      r.clock.increment(500);
    }
    expect(r.starts.map((s) => s.at)).toEqual([3_000]);
  });

  it('reports a failed reload, keeps its error and backs off before the retry', async () => {
    const r = setup({
      debounceMs: 100,
      minIntervalMs: 1_000,
      backoffFactor: 2,
      maxBackoffMs: 10_000,
    });
    r.trigger();
    r.clock.increment(100);
    r.clock.increment(50);
    await r.complete(Object.assign(new Error('KV timeout'), { code: 'TIMEOUT' }));
    const context = r.actor.getSnapshot().context;
    expect(context.counters).toMatchObject({ failures: 1, reloads: 1, lastDurationMs: 50 });
    expect(context.lastError).toMatchObject({ message: 'KV timeout', code: 'TIMEOUT', at: 150 });
    expect(r.failures).toEqual([
      expect.objectContaining({ consecutiveFailures: 1, retryNotBefore: 1_150, durationMs: 50 }),
    ]);
    r.clock.increment(10_000);
    expect(r.starts).toHaveLength(1); // no retry without a trigger

    r.trigger();
    r.clock.increment(100);
    expect(r.starts).toHaveLength(2);
    await r.complete(new Error('again'));
    expect(r.failures[1]).toMatchObject({ consecutiveFailures: 2 });
    r.trigger(); // lands in the backoff: 2,000 ms after the second failure
    r.clock.increment(1_999);
    expect(r.starts).toHaveLength(2);
    r.clock.increment(1);
    expect(r.starts).toHaveLength(3);
    await r.complete();
    expect(r.actor.getSnapshot().context.consecutiveFailures).toBe(0);
  });

  it('reports a missing reload actor as a failure instead of hanging', async () => {
    const clock = new SimulatedClock();
    const failures: ReloadFailure[] = [];
    const actor = createActor(
      reloader.provide({ actions: { reportReloadFailure: (_, f) => failures.push(f) } }),
      { clock, input: {} },
    ).start();
    actor.send({ type: 'TRIGGER' });
    clock.increment(1_000);
    await settle();
    expect(failures[0]?.error.message).toMatch(/no reload actor supplied/);
  });

  it('cancels every timer on stop: advancing the clock starts nothing', async () => {
    for (const phase of ['debouncing', 'reloading', 'coolingDown'] as const) {
      const r = setup();
      r.trigger();
      if (phase !== 'debouncing') r.clock.increment(1_000);
      r.trigger();
      if (phase === 'coolingDown') await r.complete();
      expect(r.actor.getSnapshot().value).toBe(phase);
      const started = r.starts.length;
      r.actor.stop();
      expect(pendingTimers(r.clock)).toBe(0);
      r.clock.increment(3_600_000);
      await r.complete();
      expect(r.starts).toHaveLength(started);
    }
  });

  it('keeps its debounce deadline across persist and restore', () => {
    const r = setup({}, clockAt(10_000));
    r.trigger();
    r.clock.increment(400);
    const persisted = viaJson(r.actor.getPersistedSnapshot());
    r.actor.stop();
    const clock = clockAt(10_400);
    const starts: number[] = [];
    const machine = reloader.provide({
      actors: {
        reload: fromPromise<unknown, ReloadInput>(async () => {
          starts.push(clock.now());
        }),
      },
    });
    const restored = createActor(machine, { clock, snapshot: persisted }).start();
    expect(restored.getSnapshot().value).toBe('debouncing');
    clock.increment(599);
    expect(starts).toEqual([]);
    clock.increment(1);
    expect(starts).toEqual([11_000]);
    expect(restored.getSnapshot().context.counters).toMatchObject({ triggers: 1, reloads: 1 });
  });
});
