import { NatsServer } from '@ballast/nats';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { pack } from 'msgpackr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockAt } from '../../test/harness/clockAt.js';
import { until } from '../../test/harness/waitFor.js';
import { silentLogger } from '../logger.js';
import { decodeActorState } from '../state/persistedActorState.js';
import { ensureTopology } from '../topology.js';
import { InstrumentRegistry } from './InstrumentRegistry.js';
import { InvalidInstrumentError, RegistryFullError } from './instrumentErrors.js';
import { encodeInstrumentRecord } from './instrumentRecord.js';
import type { InstrumentChange, InstrumentRegistryOptions } from './instrumentRegistryTypes.js';

let server: NatsServer;
let nc: NatsConnection;
let snapshots: KV;
let buckets = 0;
const registries: InstrumentRegistry[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  ({ snapshots } = await ensureTopology(nc, await jetstreamManager(nc)));
});

afterEach(async () => {
  for (const registry of registries.splice(0)) await registry.stop();
});

afterAll(async () => {
  await nc?.close();
  await server?.[Symbol.asyncDispose]();
});

/** A fresh bucket shaped like `instruments`, so tests do not see each other's keys. */
async function freshBucket(): Promise<KV> {
  return new Kvm(nc).create(`instruments_t${++buckets}`, { history: 5 });
}

function registry(kv: KV, options: Partial<InstrumentRegistryOptions> = {}) {
  const changes: InstrumentChange[] = [];
  const r = new InstrumentRegistry({
    kv,
    log: silentLogger(),
    onChange: (change) => {
      changes.push(change);
    },
    ...options,
  });
  registries.push(r);
  return { registry: r, changes };
}

const all = (changes: InstrumentChange[], kind: keyof InstrumentChange) =>
  changes.flatMap((c) => c[kind]).sort();

describe('InstrumentRegistry (KV)', () => {
  it('adds, lists and removes instruments, refusing bad symbols, past expiries and overflow', async () => {
    const kv = await freshBucket();
    const { registry: r } = registry(kv, { maxInstruments: 2 });
    const expiresAt = Date.now() + 3_600_000;
    await r.add('BTC-USD', expiresAt);
    await r.add('AAPL');
    expect(await r.list()).toEqual([
      { symbol: 'AAPL', expiresAt: null, addedAt: expect.any(Number) },
      { symbol: 'BTC-USD', expiresAt, addedAt: expect.any(Number) },
    ]);
    await expect(r.add('BRK.B')).rejects.toThrow(InvalidInstrumentError);
    await expect(r.add('ETH', Date.now() - 1)).rejects.toThrow(/expiresAt/);
    await expect(r.add('ETH')).rejects.toThrow(RegistryFullError);
    expect(r.counters.rejected).toBe(1);
    await r.add('AAPL', expiresAt); // an update, not a new instrument
    await r.remove('AAPL');
    expect((await r.list()).map((x) => x.symbol)).toEqual(['BTC-USD']);
  });

  it('coalesces 10,000 quick KV changes into at most 3 reloads and ends equal to KV', async () => {
    const kv = await freshBucket();
    const { registry: r, changes } = registry(kv, {
      reloader: { debounceMs: 500, maxWaitMs: 20_000, minIntervalMs: 1_000 },
    });
    await r.start();
    expect(r.counters.reloads).toBe(1);
    const started = performance.now();
    const ops: (() => Promise<unknown>)[] = [];
    const later = Date.now() + 86_400_000;
    for (let i = 0; i < 5_000; i++) ops.push(() => kv.put(`S${i}`, record(`S${i}`, null)));
    for (let i = 0; i < 2_500; i++) ops.push(() => kv.put(`S${i}`, record(`S${i}`, later)));
    for (let i = 2_500; i < 5_000; i++) ops.push(() => kv.delete(`S${i}`));
    for (let i = 0; i < ops.length; i += 500) {
      await Promise.all(ops.slice(i, i + 500).map((op) => op()));
    }
    const writeMs = performance.now() - started;
    await until('10,000 triggers', () => r.counters.triggers === 10_000);
    await until('the reloader to settle', () => {
      const s = r.reloaderSnapshot();
      return s.value === 'idle' && r.size === 2_500;
    });
    const settleMs = performance.now() - started;
    console.info(
      `10,000 KV changes in ${writeMs.toFixed(0)} ms; view settled after ${settleMs.toFixed(0)} ms ` +
        `with ${r.counters.reloads} reloads (${r.counters.coalesced} triggers coalesced)`,
    );
    expect(r.counters.reloads).toBeGreaterThanOrEqual(2);
    expect(r.counters.reloads).toBeLessThanOrEqual(3);
    expect(r.counters.coalesced).toBeGreaterThanOrEqual(10_000 - 3);
    const kvView = await r.list();
    expect(kvView).toHaveLength(2_500);
    expect([...r.records()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1))).toEqual(kvView);
    for (const x of kvView) expect(r.expiresAt(x.symbol)).toBe(later);
    // Every reported addition that was not removed again is in the view.
    const net = new Set(all(changes, 'added'));
    for (const s of all(changes, 'removed')) net.delete(s);
    expect(net.size).toBe(2_500);
    expect(r.counters.reloadFailures).toBe(0);
  });

  it('reports expired instruments, from the janitor and from a reload', async () => {
    const kv = await freshBucket();
    const t = Date.now();
    const clock = clockAt(t);
    const { registry: r, changes } = registry(kv, {
      clock,
      reloader: { debounceMs: 1_000, minIntervalMs: 5_000 },
    });
    await r.start();
    await r.add('X', t + 10_000);
    await r.add('Y', t + 20_000);
    await r.add('Z');
    await until('three triggers', () => r.counters.triggers === 3);
    clock.increment(1_000);
    await until('the reload', () => r.size === 3);
    expect(changes).toEqual([{ added: ['X', 'Y', 'Z'], removed: [], expired: [] }]);

    clock.increment(9_000); // t + 10 s: X expires
    expect(r.expireNow()).toBe(1);
    expect(r.has('X')).toBe(false);
    expect(changes.at(-1)).toEqual({ added: [], removed: [], expired: ['X'] });

    clock.increment(10_000); // t + 20 s: Y expires; a reload notices it on its own
    r.trigger();
    clock.increment(1_000);
    await until('Y to leave', () => !r.has('Y'));
    expect(changes.at(-1)).toEqual({ added: [], removed: [], expired: ['Y'] });
    expect(r.counters).toMatchObject({ expired: 2, size: 1 });
    expect(r.expiresAt('Z')).toBeNull();
    expect(r.expireNow()).toBe(0);
  });

  it('counts and reports bad registry values without failing the reload', async () => {
    const kv = await freshBucket();
    await kv.put('BAD', new Uint8Array([0xc1, 0x00]));
    await kv.put('ETH', pack({ symbol: 'SOL', expiresAt: null, addedAt: Date.now() }));
    await kv.put('SOL', record('SOL', null));
    const invalid: InvalidInstrumentError[] = [];
    const { registry: r, changes } = registry(kv, { onInvalid: (e) => invalid.push(e) });
    await r.start();
    expect(r.size).toBe(1);
    expect(changes).toEqual([{ added: ['SOL'], removed: [], expired: [] }]);
    expect(r.counters.invalid).toBe(2);
    expect(invalid.map((e) => e.key).sort()).toEqual(['BAD', 'ETH']);
  });

  it('bounds the view at maxInstruments and admits skipped ones when room appears', async () => {
    const kv = await freshBucket();
    for (const s of ['A', 'B', 'C', 'D', 'E']) await kv.put(s, record(s, null));
    const { registry: r } = registry(kv, {
      maxInstruments: 3,
      reloader: { debounceMs: 20, minIntervalMs: 50 },
    });
    await r.start();
    expect(r.size).toBe(3);
    expect(r.counters.rejected).toBe(2);
    await expect(r.add('F')).rejects.toThrow(RegistryFullError);
    await r.remove('A');
    await r.remove('B');
    await until('D and E to get in', () => r.has('D') && r.has('E'));
    expect(r.size).toBe(3);
    expect(r.counters.reloadFailures).toBe(0);
  });

  it('reports a failed reload through the machine and keeps the last view', async () => {
    const real = await freshBucket();
    await real.put('A', record('A', null));
    let failing = false;
    const kv = new Proxy(real, {
      get(target, property) {
        if (property === 'status' && failing) {
          return () => Promise.reject(new Error('KV unavailable'));
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const clock = clockAt(Date.now());
    const { registry: r } = registry(kv, { clock, reloader: { debounceMs: 100 } });
    await r.start();
    failing = true;
    r.trigger();
    clock.increment(100);
    await until('the failure report', () => r.counters.reloadFailures === 1);
    expect(r.has('A')).toBe(true);
    expect(r.reloaderSnapshot().context.lastError?.message).toBe('KV unavailable');
  });

  it('re-creates a KV watch that ended and catches up on what it missed', async () => {
    const real = await freshBucket();
    const watchers: { stop(): void }[] = [];
    const kv = new Proxy(real, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== 'watch') return typeof value === 'function' ? value.bind(target) : value;
        return async (opts: { include?: string }) => {
          const watcher = await real.watch(opts as never);
          if (opts?.include === 'updates') watchers.push(watcher);
          return watcher;
        };
      },
    });
    const { registry: r } = registry(kv, {
      watchRetryMs: 50,
      reloader: { debounceMs: 20, minIntervalMs: 50 },
    });
    await r.start();
    expect(watchers).toHaveLength(1);
    watchers[0]?.stop(); // as when the connection or the consumer goes away
    await real.put('MISSED', record('MISSED', null)); // while no watch is open
    await until('a second watch', () => watchers.length === 2);
    expect(r.counters.watchRestarts).toBe(1);
    await until('the missed change', () => r.has('MISSED'));
    await real.put('LATER', record('LATER', null));
    await until('a change seen by the new watch', () => r.has('LATER'));
  });

  it('counts a throwing onChange handler and still updates the view', async () => {
    const kv = await freshBucket();
    await kv.put('A', record('A', null));
    const r = new InstrumentRegistry({
      kv,
      log: silentLogger(),
      onChange: () => {
        throw new Error('host refused');
      },
    });
    registries.push(r);
    await r.start();
    expect(r.has('A')).toBe(true);
    expect(r.counters.handlerFailures).toBe(1);
  });
});

describe('InstrumentRegistry reloader state across restarts', () => {
  it('restores a pending debounce: the reload fires at the stored deadline', async () => {
    const kv = await freshBucket();
    const state = { kv: snapshots, workerId: 'wr1' };
    const reloader = { debounceMs: 60_000, maxWaitMs: 120_000 };
    const t = Date.now();
    const { registry: first } = registry(kv, { state, reloader, clock: clockAt(t) });
    await first.start();
    await first.add('Q');
    await until('debouncing', () => first.reloaderSnapshot().value === 'debouncing');
    expect(first.has('Q')).toBe(false); // the debounce holds it back
    await until('debouncing in KV', async () => {
      const entry = await snapshots.get('reloader.wr1');
      const stored = entry && decodeActorState(entry.value, 'reloader');
      return stored?.ok === true && stored.snapshot.value === 'debouncing';
    });
    await first.stop();

    const clock = clockAt(t + 30_000);
    const { registry: second } = registry(kv, { state, reloader, clock });
    await second.start();
    expect(second.persistence).toMatchObject({ restored: 1, corrupt: 0 });
    const restored = second.reloaderSnapshot();
    expect(restored.value).toBe('debouncing');
    expect(restored.context.counters.triggers).toBe(1);
    expect(restored.context.debounceUntil).toBe(t + 60_000);
    expect(second.has('Q')).toBe(true); // start() reads the bucket itself
    clock.increment(29_999);
    expect(second.reloaderSnapshot().context.counters.reloads).toBe(0);
    clock.increment(1);
    expect(second.reloaderSnapshot().context.counters.reloads).toBe(1);
    await until(
      'the restored reload to finish',
      () => second.reloaderSnapshot().value === 'coolingDown',
    );
    expect(second.counters.reloads).toBe(2);
  });

  it('starts a fresh reloader and counts a corrupt stored state', async () => {
    await snapshots.put('reloader.wr2', new TextEncoder().encode('not json'));
    const { registry: r } = registry(await freshBucket(), {
      state: { kv: snapshots, workerId: 'wr2' },
    });
    await r.start();
    expect(r.persistence).toMatchObject({ corrupt: 1, restored: 0 });
    expect(r.reloaderSnapshot().value).toBe('idle');
  });
});

function record(symbol: string, expiresAt: number | null): Uint8Array {
  return encodeInstrumentRecord({ symbol, expiresAt, addedAt: Date.now() });
}
