import { breakerStateName, circuitBreaker, reloader } from '@ballast/machines';
import type { KV, KvEntry } from '@nats-io/kv';
import { describe, expect, it } from 'vitest';
import { createActor, type SimulatedClock } from 'xstate';
import { clockAt } from '../../test/harness/clockAt.js';
import { InvalidRuntimeOptionError } from '../errors.js';
import { silentLogger } from '../logger.js';
import {
  breakerStateProblem,
  reconcileBreakerState,
  reloaderStateProblem,
} from './machineStateChecks.js';
import {
  ActorStateStore,
  actorStateKey,
  decodeActorState,
  encodeActorState,
} from './persistedActorState.js';

/** The part of a KV bucket the store uses, in memory; `put` can be held or made to fail. */
function memoryKv() {
  const values = new Map<string, Uint8Array>();
  let gate: Promise<void> | undefined;
  let failPuts = false;
  const kv = {
    puts: 0,
    values,
    hold(): () => void {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
    failPuts(fail: boolean) {
      failPuts = fail;
    },
    async get(key: string): Promise<KvEntry | null> {
      const value = values.get(key);
      return value ? ({ key, value, operation: 'PUT' } as KvEntry) : null;
    },
    async put(key: string, value: Uint8Array): Promise<number> {
      kv.puts++;
      if (gate) await gate;
      if (failPuts) throw new Error('nats: timeout');
      values.set(key, value);
      return kv.puts;
    },
  };
  return kv;
}

const asKv = (kv: ReturnType<typeof memoryKv>) => kv as unknown as KV;
const key = 'breaker.w1.candleSink';

function openBreaker(clock: SimulatedClock) {
  const actor = createActor(circuitBreaker, {
    clock,
    input: { failureThreshold: 1, resetTimeoutMs: 60_000 },
  }).start();
  actor.send({ type: 'CALL_REQUESTED' });
  actor.send({ type: 'CALL_FAILED', error: { message: 'no responders' } });
  return actor;
}

describe('actorStateKey', () => {
  it('joins KV-safe tokens and refuses dots, wildcards and empty parts', () => {
    expect(actorStateKey('breaker', 'worker-1', 'candleSink')).toBe('breaker.worker-1.candleSink');
    for (const bad of ['a.b', '*', '', 'x y', 'a>']) {
      expect(() => actorStateKey('breaker', bad)).toThrow(InvalidRuntimeOptionError);
    }
  });
});

describe('decodeActorState', () => {
  const snapshot = openBreaker(clockAt(1_000)).getPersistedSnapshot();

  it('round-trips a persisted snapshot through JSON', () => {
    const decoded = decodeActorState(
      encodeActorState('circuitBreaker', snapshot, 7),
      'circuitBreaker',
    );
    expect(decoded).toEqual({
      ok: true,
      snapshot: JSON.parse(JSON.stringify(snapshot)),
      savedAt: 7,
    });
  });

  it.each([
    ['bytes that are not UTF-8', new Uint8Array([0xff, 0xfe]), /UTF-8 JSON/],
    ['JSON that is not an object', new TextEncoder().encode('[1]'), /not a JSON object/],
    ['another machine', encodeActorState('reloader', snapshot, 1), /expected "circuitBreaker"/],
    [
      'a stopped snapshot',
      encodeActorState('circuitBreaker', { ...snapshot, status: 'stopped' }, 1),
      /status is stopped/,
    ],
    [
      'a child without src',
      encodeActorState('circuitBreaker', { ...snapshot, children: { resetTimer: {} } }, 1),
      /child resetTimer/,
    ],
  ])('refuses %s', (_name, bytes, problem) => {
    const decoded = decodeActorState(bytes, 'circuitBreaker');
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.problem).toMatch(problem);
  });
});

describe('machine state checks', () => {
  it('accept live snapshots and name what is wrong in damaged ones', () => {
    const open = openBreaker(clockAt(1_000)).getPersistedSnapshot() as never;
    expect(breakerStateProblem(open)).toBeUndefined();
    const ctx = (open as { context: object }).context;
    expect(breakerStateProblem({ ...(open as object), value: 'BOGUS' } as never)).toMatch(
      /unknown/,
    );
    expect(
      breakerStateProblem({ ...(open as object), context: { ...ctx, openUntil: null } } as never),
    ).toMatch(/without openUntil/);
    expect(
      breakerStateProblem({ ...(open as object), context: { ...ctx, counters: {} } } as never),
    ).toMatch(/counters.calls/);
    const idle = createActor(reloader, { input: {} }).getPersistedSnapshot() as never;
    expect(reloaderStateProblem(idle)).toBeUndefined();
    expect(reloaderStateProblem({ ...(idle as object), value: 'waiting' } as never)).toMatch(
      /unknown/,
    );
  });

  it('reconcile takes the current settings and forgets trial calls in flight', () => {
    const stored = openBreaker(clockAt(1_000)).getPersistedSnapshot() as never as {
      context: Record<string, unknown>;
    };
    const fresh = createActor(circuitBreaker, {
      input: { failureThreshold: 3, resetTimeoutMs: 5_000 },
    }).getPersistedSnapshot();
    const merged = reconcileBreakerState(
      { ...stored, context: { ...stored.context, trialsInFlight: 1 } } as never,
      fresh as never,
    ) as never as { context: Record<string, unknown> };
    expect(merged.context.settings).toMatchObject({ failureThreshold: 3, resetTimeoutMs: 5_000 });
    expect(merged.context.trialsInFlight).toBe(0);
    expect(merged.context.openUntil).toBe(stored.context.openUntil);
  });
});

describe('ActorStateStore', () => {
  const log = silentLogger();

  it('restores an OPEN breaker that then half-opens at its stored deadline', async () => {
    const kv = memoryKv();
    const first = new ActorStateStore(circuitBreaker, { kv: asKv(kv), key, log });
    const a = await first.restoreActor({ input: { failureThreshold: 1 }, clock: clockAt(1_000) });
    expect(first.counters.fresh).toBe(1);
    a.actor.send({ type: 'CALL_REQUESTED' });
    a.actor.send({ type: 'CALL_FAILED', error: { message: 'boom' } });
    first.save(a.actor.getPersistedSnapshot());
    await first.flush();
    a.actor.stop();

    const clock = clockAt(31_000);
    const second = new ActorStateStore(circuitBreaker, { kv: asKv(kv), key, log });
    const b = await second.restoreActor({
      input: { failureThreshold: 1 },
      clock,
      check: breakerStateProblem,
      reconcile: reconcileBreakerState,
    });
    expect(b.restored).toBe(true);
    expect(second.counters).toMatchObject({ restored: 1, corrupt: 0 });
    expect(breakerStateName(b.actor.getSnapshot())).toBe('OPEN');
    clock.increment(29_999);
    expect(breakerStateName(b.actor.getSnapshot())).toBe('OPEN');
    clock.increment(1);
    expect(breakerStateName(b.actor.getSnapshot())).toBe('HALF_OPEN');
    b.actor.stop();
  });

  it.each([
    ['garbage bytes', new Uint8Array([1, 2, 3])],
    ['an unknown state value', 'BOGUS'],
    ['a failing domain check', 'check'],
  ])('starts fresh (CLOSED) and counts %s as corrupt', async (_name, damage) => {
    const kv = memoryKv();
    const snapshot = openBreaker(clockAt(1_000)).getPersistedSnapshot() as Record<string, unknown>;
    const stored =
      damage instanceof Uint8Array
        ? damage
        : encodeActorState(
            'circuitBreaker',
            damage === 'BOGUS'
              ? { ...snapshot, value: 'BOGUS' }
              : { ...snapshot, context: { ...(snapshot.context as object), generation: -1 } },
            1,
          );
    kv.values.set(key, stored);
    const store = new ActorStateStore(circuitBreaker, { kv: asKv(kv), key, log });
    // Only the domain check catches a negative generation; xstate alone would accept it.
    const { actor, restored } = await store.restoreActor({
      input: {},
      clock: clockAt(2_000),
      ...(damage === 'check' && { check: breakerStateProblem }),
    });
    expect(restored).toBe(false);
    expect(store.counters.corrupt).toBe(1);
    expect(actor.getSnapshot().status).toBe('active');
    expect(breakerStateName(actor.getSnapshot())).toBe('CLOSED');
    actor.stop();
  });

  it('keeps one write in flight and only the latest snapshot waiting', async () => {
    const kv = memoryKv();
    const store = new ActorStateStore(circuitBreaker, { kv: asKv(kv), key, log });
    const clock = clockAt(1_000);
    const { actor } = await store.restoreActor({ input: { failureThreshold: 1_000 }, clock });
    const release = kv.hold();
    for (let i = 0; i < 100; i++) {
      actor.send({ type: 'CALL_REQUESTED' });
      actor.send({ type: 'CALL_FAILED', error: { message: `failure ${i}` } });
      store.save(actor.getPersistedSnapshot());
    }
    release();
    await store.flush();
    expect(kv.puts).toBe(2);
    expect(store.counters).toMatchObject({ writes: 2, coalesced: 98 });
    const last = decodeActorState(kv.values.get(key) as Uint8Array, 'circuitBreaker');
    expect(
      last.ok && (last.snapshot.context as { consecutiveFailures: number }).consecutiveFailures,
    ).toBe(100);
    actor.stop();
  });

  it('counts and survives a failed write', async () => {
    const kv = memoryKv();
    const store = new ActorStateStore(circuitBreaker, { kv: asKv(kv), key, log });
    const { actor } = await store.restoreActor({ input: {}, clock: clockAt(1) });
    kv.failPuts(true);
    store.save(actor.getPersistedSnapshot());
    await store.flush();
    kv.failPuts(false);
    store.save(actor.getPersistedSnapshot());
    await store.flush();
    expect(store.counters).toMatchObject({ writes: 1, writeFailures: 1 });
    actor.stop();
  });
});
