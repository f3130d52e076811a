import type { SequencedTick } from '@ballast/machines';
import type { Tick } from '@ballast/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type GateOutcome,
  type HydratingHost,
  HydrationGate,
  type HydrationGateDeps,
} from './HydrationGate.js';

function tick(symbol: string): Tick {
  return { v: 1, symbol, price: 1, size: 1, ts: 0, source: 'test', sourceSeq: 0 } as Tick;
}

interface PendingActivation {
  readonly symbol: string;
  readonly untilSeq: number;
  readonly callbacks: (() => void)[];
  readonly resolve: (entry: object | null) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A symbol host whose hydrations end when the test says so. Like SymbolHost, it calls the
 * callbacks synchronously when the actor goes live, and a live symbol folds a batch at once.
 */
class FakeHost implements HydratingHost {
  readonly live = new Set<string>();
  readonly folded = new Map<string, number[]>();
  readonly pending = new Map<string, PendingActivation>();
  readonly untilSeqs: { symbol: string; untilSeq: number }[] = [];
  /** Evicts the symbol right after this many more batches (an actor stopping after a fold). */
  evictAfterFolds = Number.POSITIVE_INFINITY;
  /** Batches folded, each as the symbol and its sequences. */
  readonly batches: string[] = [];
  maxPending = 0;
  onActivate: (symbol: string, untilSeq: number) => void = () => {};

  isLive(symbol: string): boolean {
    return this.live.has(symbol);
  }

  foldLive(symbol: string, ticks: readonly SequencedTick[]): boolean {
    if (!this.live.has(symbol)) return false;
    const list = this.folded.get(symbol) ?? [];
    for (const t of ticks) {
      if (t.tick.symbol !== symbol) throw new Error(`${t.tick.symbol} in a batch of ${symbol}`);
      list.push(t.seq);
    }
    this.folded.set(symbol, list);
    this.batches.push(`${symbol}:${ticks.map((t) => t.seq).join(',')}`);
    if (--this.evictAfterFolds === 0) {
      this.live.delete(symbol);
      this.evictAfterFolds = Number.POSITIVE_INFINITY;
    }
    return true;
  }

  activate(
    symbol: string,
    _partition: number,
    untilSeq: number,
    _createEmpty: boolean,
    onLive: () => void,
  ): Promise<object | null> {
    if (this.live.has(symbol)) {
      onLive();
      return Promise.resolve({});
    }
    if (this.pending.has(symbol)) throw new Error(`two attempts at once for ${symbol}`);
    this.onActivate(symbol, untilSeq);
    this.untilSeqs.push({ symbol, untilSeq });
    return new Promise((resolve, reject) => {
      this.pending.set(symbol, { symbol, untilSeq, callbacks: [onLive], resolve, reject });
      this.maxPending = Math.max(this.maxPending, this.pending.size);
    });
  }

  /**
   * Ends a hydration: the actor goes live (callbacks first), goes live but stops before the
   * callbacks run (an earlier one's fold stopped it), none is made, or it fails.
   */
  end(symbol: string, outcome: 'live' | 'stopped' | 'none' | 'fail'): void {
    const activation = this.pending.get(symbol);
    if (activation === undefined) return;
    this.pending.delete(symbol);
    if (outcome === 'live' || outcome === 'stopped') {
      if (outcome === 'live') this.live.add(symbol);
      for (const callback of activation.callbacks) callback();
      activation.resolve({});
    } else if (outcome === 'none') activation.resolve(null);
    else activation.reject(new Error(`KV down for ${symbol}`));
  }
}

/** A gate on partition 0 with room for 4 hydrations and 8 parked ticks, unless told otherwise. */
function gateOn(host: FakeHost, options: Partial<HydrationGateDeps> = {}): HydrationGate {
  return new HydrationGate({
    host,
    partition: 0,
    start: 0,
    maxHydrations: 4,
    maxParked: 8,
    failure: () => {},
    ...options,
  });
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('HydrationGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hydrates cold symbols concurrently while live ones fold at once, each in log order', async () => {
    const host = new FakeHost();
    host.live.add('L');
    const gate = gateOn(host, { maxHydrations: 8, maxParked: 16 });
    expect(gate.offer(tick('A'), 1)).toBe('parked');
    expect(gate.offer(tick('B'), 2)).toBe('parked');
    expect(gate.offer(tick('L'), 3)).toBe('folded');
    expect(gate.offer(tick('A'), 4)).toBe('parked');
    gate.skip(5);
    expect(host.pending.size).toBe(2); // A and B at once
    expect(host.untilSeqs).toEqual([
      { symbol: 'A', untilSeq: 1 },
      { symbol: 'B', untilSeq: 2 },
    ]);
    expect(gate.processed).toBe(0);
    host.end('B', 'live');
    expect(host.folded.get('B')).toEqual([2]);
    expect(gate.processed).toBe(0); // A's tick 1 still waits
    host.end('A', 'live');
    expect(host.folded.get('A')).toEqual([1, 4]);
    expect(gate.processed).toBe(5);
    gate.flush();
    expect(host.folded.get('L')).toEqual([3]);
    expect(gate.offer(tick('A'), 6)).toBe('folded');
    expect(gate.processed).toBe(6);
    gate.flush();
    expect(host.folded.get('A')).toEqual([1, 4, 6]);
    expect(gate.counters).toMatchObject({ hydrations: 2, maxConcurrent: 2, parked: 3 });
    await flush();
  });

  it('answers full at maxHydrations and at maxParked, and takes the tick once there is room', async () => {
    const host = new FakeHost();
    const gate = gateOn(host, { maxHydrations: 2, maxParked: 3 });
    expect(gate.offer(tick('A'), 1)).toBe('parked');
    expect(gate.offer(tick('B'), 2)).toBe('parked');
    expect(gate.offer(tick('C'), 3)).toBe('full');
    expect(gate.counters.hydrationWaits).toBe(1);
    expect(gate.offer(tick('A'), 3)).toBe('parked');
    expect(gate.offer(tick('A'), 4)).toBe('full'); // three in flight
    expect(gate.counters.parkedWaits).toBe(1);
    const room = gate.room();
    let woke = false;
    void room.then(() => {
      woke = true;
    });
    await flush();
    expect(woke).toBe(false);
    host.end('B', 'live');
    await flush();
    expect(woke).toBe(true);
    // B's slot is free, but tick 2 (B) finished behind tick 1 (A): still three entries held.
    expect(gate.offer(tick('A'), 4)).toBe('full');
    host.end('A', 'live');
    expect(gate.offer(tick('A'), 4)).toBe('folded');
    expect(gate.processed).toBe(4);
  });

  it('keeps the parked ticks of a failed hydration and retries with backoff, never skipping', async () => {
    const host = new FakeHost();
    const failures: unknown[] = [];
    const gate = gateOn(host, { start: 10, failure: (error) => failures.push(error) });
    gate.offer(tick('A'), 11);
    gate.offer(tick('A'), 12);
    host.end('A', 'fail');
    await flush();
    expect(failures).toHaveLength(1);
    expect(gate.counters.retries).toBe(1);
    expect(host.pending.size).toBe(0); // waiting 100 ms
    await vi.advanceTimersByTimeAsync(99);
    expect(host.pending.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.untilSeqs.at(-1)).toEqual({ symbol: 'A', untilSeq: 11 });
    host.end('A', 'fail');
    await vi.advanceTimersByTimeAsync(199);
    expect(host.pending.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1); // doubled
    host.end('A', 'none'); // e.g. joined a hydration that made nothing live
    await flush();
    expect(gate.counters.notLive).toBe(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(gate.processed).toBe(10);
    host.end('A', 'live');
    expect(host.folded.get('A')).toEqual([11, 12]);
    expect(gate.processed).toBe(12);
    expect(failures).toHaveLength(2);
  });

  it('parks a tick behind its waiting symbol even when a query made the symbol live meanwhile', async () => {
    const host = new FakeHost();
    const gate = gateOn(host);
    gate.offer(tick('A'), 1);
    host.end('A', 'fail');
    await flush();
    host.live.add('A'); // a query hydrated it while the gate waits to retry
    expect(gate.offer(tick('A'), 2)).toBe('parked');
    expect(host.folded.get('A')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100); // the retry finds it live and drains in order
    expect(host.folded.get('A')).toEqual([1, 2]);
    expect(gate.processed).toBe(2);
    expect(gate.hydrating).toBe(0);
  });

  it("folds a live symbol's ticks as one batch at flush, and parked ticks as one when live", async () => {
    const host = new FakeHost();
    host.live.add('L');
    host.live.add('M');
    const gate = gateOn(host);
    gate.offer(tick('L'), 1);
    gate.offer(tick('A'), 2);
    gate.offer(tick('M'), 3);
    gate.offer(tick('L'), 4);
    gate.offer(tick('A'), 5);
    gate.skip(6);
    gate.offer(tick('L'), 7);
    expect(host.batches).toEqual([]);
    gate.flush();
    expect(host.batches).toEqual(['L:1,4,7', 'M:3']);
    gate.flush(); // nothing left
    expect(host.batches).toHaveLength(2);
    expect(gate.processed).toBe(1); // A's tick 2 waits
    host.end('A', 'live');
    expect(host.batches.at(-1)).toBe('A:2,5');
    expect(gate.processed).toBe(7);
    await flush();
  });

  it('keeps every parked tick when the actor stops before they drain, and hydrates again below them', async () => {
    const host = new FakeHost();
    const gate = gateOn(host);
    for (const seq of [1, 2, 3]) gate.offer(tick('A'), seq);
    host.end('A', 'stopped');
    await flush();
    expect(host.folded.get('A')).toBeUndefined();
    expect(gate.processed).toBe(0);
    expect(gate.offer(tick('A'), 4)).toBe('parked'); // behind 1 to 3, not folded ahead
    await vi.advanceTimersByTimeAsync(100);
    expect(host.untilSeqs.at(-1)).toEqual({ symbol: 'A', untilSeq: 1 });
    host.end('A', 'live');
    expect(host.batches).toEqual(['A:1,2,3,4']);
    expect(gate.processed).toBe(4);
  });

  it('reports a batch whose actor is gone at flush (a host breaking the contract)', () => {
    const host = new FakeHost();
    host.live.add('L');
    const failures: unknown[] = [];
    const gate = gateOn(host, { failure: (error) => failures.push(error) });
    gate.offer(tick('L'), 1);
    host.live.delete('L');
    gate.flush();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/L stopped before its 1 ticks folded/);
  });

  it('after close retries nothing, keeps unfolded ticks above processed, and settles', async () => {
    const host = new FakeHost();
    const gate = gateOn(host);
    gate.offer(tick('A'), 1);
    gate.offer(tick('B'), 2);
    gate.offer(tick('C'), 3);
    host.end('C', 'fail');
    await flush(); // C waits to retry
    gate.close();
    let settled = false;
    void gate.settled().then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false); // A and B are in flight
    host.end('A', 'live'); // an attempt in flight still folds
    host.end('B', 'fail'); // not retried
    await vi.advanceTimersByTimeAsync(10_000);
    expect(settled).toBe(true);
    expect(host.pending.size).toBe(0);
    expect(gate.processed).toBe(1);
    await expect(gate.room()).resolves.toBeUndefined();
  });

  it('folds every tick exactly once, per symbol in log order, with processed the done prefix (property)', async () => {
    type Step =
      | { kind: 'offer'; symbol: number; refused: boolean }
      | { kind: 'end'; pick: number; outcome: 'live' | 'stopped' | 'none' | 'fail' }
      | { kind: 'evict'; symbol: number }
      | { kind: 'query'; symbol: number }
      | { kind: 'evictMidDrain' }
      | { kind: 'time' };
    const symbolIndex = fc.integer({ min: 0, max: 5 });
    const step: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('offer' as const),
          symbol: symbolIndex,
          refused: fc.nat(9).map((n) => n === 0),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('end' as const),
          pick: fc.nat(),
          outcome: fc.constantFrom(
            'live' as const,
            'live' as const,
            'stopped' as const,
            'none' as const,
            'fail' as const,
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('evict' as const), symbol: symbolIndex }),
      },
      // A query hydrates the symbol on its own (e.g. while the gate waits to retry it).
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('query' as const), symbol: symbolIndex }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('evictMidDrain' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('time' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(step, { minLength: 10, maxLength: 150, size: 'max' }),
        async (maxHydrations, maxParked, steps) => {
          const host = new FakeHost();
          const gate = gateOn(host, { maxHydrations, maxParked });
          /** Messages taken, in log order; `symbol` undefined for a refused one. */
          const taken: { seq: number; symbol: string | undefined }[] = [];
          let seq = 0;
          const foldedSeqs = () => new Set([...host.folded.values()].flat());
          const check = () => {
            const folded = foldedSeqs();
            let prefix = 0;
            for (const m of taken) {
              if (m.symbol !== undefined && !folded.has(m.seq)) break;
              prefix = m.seq;
            }
            expect(gate.processed).toBe(prefix);
            expect(gate.hydrating).toBeLessThanOrEqual(maxHydrations);
            expect(gate.parked).toBeLessThanOrEqual(maxParked);
            for (const [symbol, list] of host.folded) {
              const expected = taken.filter((m) => m.symbol === symbol).map((m) => m.seq);
              // What is folded is a prefix of the symbol's ticks: in order, none twice or skipped.
              expect(list).toEqual(expected.slice(0, list.length));
            }
          };
          let offering: { seq: number; symbol: string } | undefined;
          const offer = (symbol: string): GateOutcome => {
            offering = { seq: seq + 1, symbol };
            const outcome = gate.offer(tick(symbol), seq + 1);
            // The consumer flushes before any await; each step of this test ends with one.
            gate.flush();
            offering = undefined;
            if (outcome !== 'full') taken.push({ seq: ++seq, symbol });
            return outcome;
          };
          // The untilSeq rule: a hydration replays the log exactly below the symbol's first
          // tick that is taken and not folded yet.
          host.onActivate = (symbol, untilSeq) => {
            const folded = foldedSeqs();
            const waiting = [...taken, ...(offering ? [offering] : [])]
              .filter((m) => m.symbol === symbol && !folded.has(m.seq))
              .map((m) => m.seq);
            expect(untilSeq).toBe(Math.min(...waiting));
          };
          /** A tick the consumer holds because the gate was full: it must go in next. */
          let held: string | undefined;
          for (const s of steps) {
            if (s.kind === 'offer') {
              if (held !== undefined) {
                if (offer(held) !== 'full') held = undefined;
              } else if (s.refused) {
                gate.skip(++seq);
                taken.push({ seq, symbol: undefined });
              } else if (offer(`S${s.symbol}`) === 'full') held = `S${s.symbol}`;
            } else if (s.kind === 'end') {
              const pending = [...host.pending.keys()];
              const symbol = pending[s.pick % Math.max(1, pending.length)];
              if (symbol !== undefined) host.end(symbol, s.outcome);
            } else if (s.kind === 'evict') host.live.delete(`S${s.symbol}`);
            else if (s.kind === 'query') {
              if (!host.pending.has(`S${s.symbol}`)) host.live.add(`S${s.symbol}`);
            } else if (s.kind === 'evictMidDrain') host.evictAfterFolds = 2;
            else await vi.advanceTimersByTimeAsync(5_000);
            await flush();
            check();
          }
          // Then everything succeeds: every tick taken (and the held one) ends folded.
          host.evictAfterFolds = Number.POSITIVE_INFINITY;
          for (let round = 0; round < 50; round++) {
            if (held !== undefined && offer(held) !== 'full') held = undefined;
            for (const symbol of [...host.pending.keys()]) host.end(symbol, 'live');
            await vi.advanceTimersByTimeAsync(5_000);
            check();
          }
          expect(held).toBeUndefined();
          expect(gate.hydrating).toBe(0);
          expect(gate.processed).toBe(seq);
          expect(foldedSeqs().size).toBe(taken.filter((m) => m.symbol !== undefined).length);
          expect(host.untilSeqs.length).toBeGreaterThanOrEqual(gate.counters.hydrations);
          gate.close();
          await gate.settled();
        },
      ),
      { numRuns: 300 },
    );
  });
});
