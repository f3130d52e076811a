import { decodeSnapshot, encodeSnapshot, type Tick } from '@ballast/protocol';
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import type { SymbolBookSnapshot } from './SymbolBook.js';
import { symbolCache, symbolLifecycle } from './symbolCache.js';
import type { SymbolCacheEffect, SymbolCacheInput } from './symbolCacheTypes.js';

const t0 = Date.UTC(2026, 10, 23, 9, 30);
const minute = 60_000;

function tick(ts: number, price: number, size = 1): Tick {
  return { v: 1, symbol: 'AAPL', price, size, ts, source: 'test', sourceSeq: 0 };
}

/** A symbolCache on a simulated clock that records every effect it asks for. */
function start(input: Partial<SymbolCacheInput> = {}, clock = new SimulatedClock()) {
  clock.set(t0);
  const effects: SymbolCacheEffect[] = [];
  const snapshots: Uint8Array[] = [];
  const machine = symbolCache.provide({
    actions: {
      publishCandles: (_, params) => effects.push({ type: 'publishCandles', params }),
      candleClosed: (_, params) => effects.push({ type: 'candleClosed', params }),
      reportTooOld: (_, params) => effects.push({ type: 'reportTooOld', params }),
      persistSnapshot: ({ context }, params) => {
        effects.push({ type: 'persistSnapshot', params });
        snapshots.push(encodeSnapshot(context.book.snapshot()));
      },
    },
  });
  const actor = createActor(machine, { clock, input: { symbol: 'AAPL', ...input } }).start();
  const of = <TType extends SymbolCacheEffect['type']>(type: TType) =>
    effects.filter((e): e is Extract<SymbolCacheEffect, { type: TType }> => e.type === type);
  return { actor, clock, effects, snapshots, of };
}

describe('symbolCache', () => {
  it('replays while hydrating without effects, then goes live', () => {
    const { actor, effects } = start();
    expect(actor.getSnapshot().value).toBe('hydrating');
    actor.send({ type: 'REPLAY', tick: tick(t0, 100), seq: 1 });
    actor.send({ type: 'REPLAY', tick: tick(t0 + minute, 101), seq: 2 });
    expect(effects).toEqual([]);
    actor.send({ type: 'HYDRATED' });
    expect(actor.getSnapshot().value).toEqual({ active: 'live' });
    expect(actor.getSnapshot().context.book.lastAppliedSeq).toBe(2);
  });

  it('publishes candle updates for live ticks and sends closed candles on a new bucket', () => {
    const { actor, of } = start();
    actor.send({ type: 'HYDRATED' });
    actor.send({ type: 'TICK', tick: tick(t0 + 1_000, 100), seq: 1 });
    actor.send({ type: 'TICK', tick: tick(t0 + 2_000, 103), seq: 2 });
    expect(of('publishCandles')).toHaveLength(2);
    expect(of('candleClosed')).toEqual([]);
    actor.send({ type: 'TICK', tick: tick(t0 + minute, 99), seq: 3 });
    expect(of('candleClosed')).toEqual([
      {
        type: 'candleClosed',
        params: {
          symbol: 'AAPL',
          tf: '1m',
          candle: { start: t0, open: 100, high: 103, low: 100, close: 103, volume: 2, trades: 2 },
        },
      },
    ]);
  });

  it('ignores a duplicate live tick and reports one no window can hold', () => {
    const { actor, of } = start({
      book: { candles: { '1m': 1, '5m': 1, '15m': 1, '30m': 1, '1h': 1, '4h': 1, '1d': 1 } },
    });
    actor.send({ type: 'HYDRATED' });
    actor.send({ type: 'TICK', tick: tick(t0, 100), seq: 1 });
    actor.send({ type: 'TICK', tick: tick(t0, 100), seq: 1 });
    expect(of('publishCandles')).toHaveLength(1);
    actor.send({ type: 'TICK', tick: tick(t0 - 3 * 86_400_000, 90), seq: 2 });
    expect(of('reportTooOld')).toEqual([
      { type: 'reportTooOld', params: { symbol: 'AAPL', seq: 2, ts: t0 - 3 * 86_400_000 } },
    ]);
    // The too-old tick moved lastAppliedSeq, so the next snapshot must include it.
    expect(actor.getSnapshot().context.book.lastAppliedSeq).toBe(2);
    expect(actor.getSnapshot().context.eventsSinceSnapshot).toBe(2);
  });

  it('asks for a snapshot every snapshotEveryEvents ticks', () => {
    const { actor, of } = start({ snapshotEveryEvents: 3 });
    actor.send({ type: 'HYDRATED' });
    for (let i = 1; i <= 7; i++) actor.send({ type: 'TICK', tick: tick(t0 + i, 100), seq: i });
    expect(of('persistSnapshot').map((e) => e.params)).toEqual([
      { symbol: 'AAPL', reason: 'events', seq: 3 },
      { symbol: 'AAPL', reason: 'events', seq: 6 },
    ]);
    expect(actor.getSnapshot().context.eventsSinceSnapshot).toBe(1);
  });

  it('asks for a snapshot when dirty after snapshotIntervalMs, and not when clean', () => {
    const { actor, clock, of } = start({ snapshotIntervalMs: 10_000, housekeepingMs: 1_000 });
    actor.send({ type: 'HYDRATED' });
    clock.increment(30_000);
    expect(of('persistSnapshot')).toEqual([]); // nothing to save
    actor.send({ type: 'TICK', tick: tick(t0, 100), seq: 1 });
    clock.increment(9_000);
    expect(of('persistSnapshot')).toEqual([]);
    clock.increment(1_000);
    expect(of('persistSnapshot').map((e) => e.params.reason)).toEqual(['interval']);
  });

  it('goes idle without live ticks and back to live on the next one', () => {
    const { actor, clock } = start({ idleAfterMs: 60_000, housekeepingMs: 5_000 });
    actor.send({ type: 'HYDRATED' });
    actor.send({ type: 'TICK', tick: tick(t0, 100), seq: 1 });
    clock.increment(55_000);
    expect(actor.getSnapshot().value).toEqual({ active: 'live' });
    clock.increment(5_000);
    expect(actor.getSnapshot().value).toEqual({ active: 'idle' });
    actor.send({ type: 'TICK', tick: tick(t0 + minute, 100), seq: 2 });
    expect(actor.getSnapshot().value).toEqual({ active: 'live' });
    clock.increment(55_000);
    expect(actor.getSnapshot().value).toEqual({ active: 'live' });
  });

  it('persists then stops when passivated', () => {
    const { actor, of } = start();
    actor.send({ type: 'HYDRATED' });
    actor.send({ type: 'TICK', tick: tick(t0, 100), seq: 7 });
    actor.send({ type: 'PASSIVATE' });
    expect(of('persistSnapshot').map((e) => e.params)).toEqual([
      { symbol: 'AAPL', reason: 'passivated', seq: 7 },
    ]);
    expect(actor.getSnapshot().value).toBe('passivated');
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('expires at expiresAt with a final snapshot, and at once when restored after it', () => {
    const { actor, clock, of } = start({ expiresAt: t0 + 3_600_000 });
    actor.send({ type: 'HYDRATED' });
    clock.increment(3_599_999);
    expect(actor.getSnapshot().status).toBe('active');
    clock.increment(1);
    expect(actor.getSnapshot().value).toBe('expired');
    expect(of('persistSnapshot').map((e) => e.params.reason)).toEqual(['expired']);

    const late = new SimulatedClock();
    const again = start({ expiresAt: t0 - 1 }, late);
    again.actor.send({ type: 'HYDRATED' });
    late.increment(0);
    expect(again.actor.getSnapshot().value).toBe('expired');
  });

  it('recovers from a persisted snapshot plus replay to the same digest as a clean fold', () => {
    const events = Array.from({ length: 250 }, (_, i) => ({
      tick: tick(t0 + i * 13_000 - (i % 9 === 0 ? 200_000 : 0), 100 + (i % 17), i % 4),
      seq: i + 1,
    }));
    const clean = start({ snapshotEveryEvents: 1_000_000 });
    clean.actor.send({ type: 'HYDRATED' });
    for (const e of events) clean.actor.send({ type: 'TICK', ...e });

    const first = start({ snapshotEveryEvents: 40 });
    first.actor.send({ type: 'HYDRATED' });
    for (const e of events.slice(0, 190)) first.actor.send({ type: 'TICK', ...e });
    first.actor.stop(); // a crash: the last snapshot was taken at seq 160
    const stored = decodeSnapshot(first.snapshots.at(-1)!) as SymbolBookSnapshot;
    expect(stored.lastAppliedSeq).toBe(160);

    const second = start({ restore: stored });
    for (const e of events.slice(stored.lastAppliedSeq))
      second.actor.send({ type: 'REPLAY', ...e });
    second.actor.send({ type: 'HYDRATED' });
    // Replay was bounded by the snapshot interval, and nothing was published twice.
    expect(events.length - stored.lastAppliedSeq).toBe(90);
    expect(second.of('publishCandles')).toEqual([]);
    expect(second.actor.getSnapshot().context.book.digest()).toBe(
      clean.actor.getSnapshot().context.book.digest(),
    );
  });

  it('folds a TICKS batch like its ticks one by one, with one update and one snapshot', () => {
    // Late, too-old and duplicate ticks and bucket changes, cut into batches of 1 to 9.
    const events = Array.from({ length: 300 }, (_, i) => ({
      tick: tick(t0 + i * 7_000 - (i % 11 === 5 ? 5 * 86_400_000 : 0), 100 + (i % 13), 1 + (i % 3)),
      seq: i % 23 === 0 ? i : i + 1,
    }));
    const options = {
      snapshotEveryEvents: 25,
      book: { candles: { '1m': 5, '5m': 2, '15m': 1, '30m': 1, '1h': 1, '4h': 1, '1d': 1 } },
    };
    const single = start(options);
    single.actor.send({ type: 'HYDRATED' });
    for (const e of events) single.actor.send({ type: 'TICK', ...e });

    const batched = start(options);
    batched.actor.send({ type: 'HYDRATED' });
    let batches = 0;
    for (let i = 0; i < events.length; batches++) {
      const size = 1 + ((i * 7) % 9);
      batched.actor.send({ type: 'TICKS', ticks: events.slice(i, i + size) });
      i += size;
    }
    const book = (run: typeof single) => run.actor.getSnapshot().context.book;
    expect(book(batched).digest()).toBe(book(single).digest());
    expect(batched.of('candleClosed')).toEqual(single.of('candleClosed'));
    expect(batched.of('reportTooOld')).toEqual(single.of('reportTooOld'));
    expect(batched.of('reportTooOld').length).toBeGreaterThan(0);
    expect(batched.of('publishCandles').length).toBeLessThanOrEqual(batches);
    expect(single.of('publishCandles').length).toBeGreaterThan(batches);
    // Every snapshot comes after a whole batch: it holds the batch's last sequence.
    const persisted = batched.of('persistSnapshot').map((e) => e.params.seq);
    expect(persisted.length).toBeGreaterThanOrEqual(Math.floor(270 / 33));
    for (const [i, seq] of persisted.entries()) {
      const stored = decodeSnapshot(batched.snapshots[i] as Uint8Array) as SymbolBookSnapshot;
      expect(stored.lastAppliedSeq).toBe(seq);
    }
    expect(batched.actor.getSnapshot().context.eventsSinceSnapshot).toBeLessThan(25);
  });

  it('goes live from idle on a TICKS batch, and ignores a batch of duplicates', () => {
    const { actor, clock, of } = start({ idleAfterMs: 10_000, housekeepingMs: 1_000 });
    actor.send({ type: 'HYDRATED' });
    actor.send({ type: 'TICK', tick: tick(t0, 100), seq: 5 });
    for (let i = 0; i < 10; i++) clock.increment(1_000);
    expect(actor.getSnapshot().value).toEqual({ active: 'idle' });
    actor.send({ type: 'TICKS', ticks: [{ tick: tick(t0 + 1, 101), seq: 4 }] });
    expect(of('publishCandles')).toHaveLength(1);
    actor.send({
      type: 'TICKS',
      ticks: [
        { tick: tick(t0 + 2, 102), seq: 6 },
        { tick: tick(t0 + 3, 103), seq: 7 },
      ],
    });
    expect(actor.getSnapshot().value).toEqual({ active: 'live' });
    expect(of('publishCandles').map((e) => e.params.seq)).toEqual([5, 7]);
    expect(actor.getSnapshot().context.book.quote?.price).toBe(103);
  });

  it('spreads the first housekeeping check over a period by phase, then checks every period', () => {
    const at = (phase: number) => {
      const { actor, clock } = start({ housekeepingMs: 1_000, housekeepingPhase: phase });
      actor.send({ type: 'HYDRATED' });
      const first = actor.getSnapshot().context.nextCheckAt - t0;
      clock.increment(first);
      return { first, next: actor.getSnapshot().context.nextCheckAt - t0 };
    };
    expect(at(0)).toEqual({ first: 500, next: 1_500 });
    expect(at(0.5)).toEqual({ first: 1_000, next: 2_000 });
    expect(at(0.99)).toEqual({ first: 1_490, next: 2_490 });
    const bad = createActor(symbolCache, { input: { symbol: 'AAPL', housekeepingPhase: 1 } });
    const errors: unknown[] = [];
    bad.subscribe({ error: (error) => errors.push(error) });
    bad.start();
    expect(String(errors[0])).toMatch(/housekeepingPhase = 1.*\[0, 1\)/);
  });

  it('fails to start on a bad option, naming it', () => {
    const actor = createActor(symbolCache, { input: { symbol: 'AAPL', snapshotEveryEvents: 0 } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toMatch(/snapshotEveryEvents = 0/);
  });
});

describe('symbolLifecycle', () => {
  it('flattens the machine state for queries', () => {
    const { actor, clock } = start({ idleAfterMs: 10_000, housekeepingMs: 1_000 });
    expect(symbolLifecycle(actor.getSnapshot())).toBe('hydrating');
    actor.send({ type: 'HYDRATED' });
    expect(symbolLifecycle(actor.getSnapshot())).toBe('live');
    // Step like a real clock: housekeeping checks once a second.
    for (let i = 0; i < 10; i++) clock.increment(1_000);
    expect(symbolLifecycle(actor.getSnapshot())).toBe('idle');
    actor.send({ type: 'PASSIVATE' });
    expect(symbolLifecycle(actor.getSnapshot())).toBe('passivated');
  });
});
