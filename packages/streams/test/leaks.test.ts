import { Observable, of, Subject, type Subscriber, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  BoundedQueue,
  BufferCounters,
  batch,
  boundedBuffer,
  CandleWindow,
  CoalesceCounters,
  coalesce,
  LruWindow,
  lruEvictions,
  objectLru,
  RingColumns,
} from '../src/index.js';
import { finalizedTokens, leakBoundBytes, retainedGrowth } from './memory.js';

const million = 1_000_000;
const warmUpEvents = 200_000;
const symbols = Array.from({ length: 10_000 }, (_, i) => `SYM${i}`);

// Every test: steady state first (full windows, optimized code), then 1e6 events, and at most
// 1 MB more in use after a forced GC.
describe('memory stays flat over 1e6 events', () => {
  it('boundedBuffer with a slow consumer, dropping', () => {
    const counters = new BufferCounters();
    const inFlight: { current: Subscriber<number> | null } = { current: null };
    const source = new Subject<{ n: number }>();
    let received = 0;
    const subscription = source
      .pipe(
        boundedBuffer({
          capacity: 1000,
          overflow: 'drop-oldest',
          counters,
          consumer: ({ n }) =>
            new Observable<number>((subscriber) => {
              inFlight.current = subscriber;
              return () => n;
            }),
        }),
      )
      .subscribe(() => received++);
    // The consumer finishes one item per three offered.
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) {
        source.next({ n: i });
        if (i % 3 === 0 && inFlight.current) {
          const done = inFlight.current;
          inFlight.current = null;
          done.next(i);
          done.complete();
        }
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    subscription.unsubscribe();
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(counters.highWaterMark).toBe(1000);
    expect(counters.dropped).toBeGreaterThan(million / 2);
    expect(received).toBe(counters.delivered - 1);
  });

  it('batch, flushing by size and by timeout', () => {
    const scheduler = new VirtualTimeScheduler();
    const source = new Subject<{ n: number }>();
    let items = 0;
    const subscription = source
      .pipe(batch({ maxSize: 100, maxWaitMs: 10, scheduler }))
      .subscribe((b) => (items += b.length));
    // 130 events between clock advances: one batch flushes by size, one by timeout.
    const feed = (count: number) => {
      for (let i = 1; i <= count; i++) {
        source.next({ n: i });
        if (i % 130 === 0) scheduler.flush();
      }
      scheduler.flush();
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    subscription.unsubscribe();
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(items).toBe(warmUpEvents + million);
  });

  it('coalesce, with runs between bursts', () => {
    const scheduler = new VirtualTimeScheduler();
    const counters = new CoalesceCounters();
    const source = new Subject<{ n: number }>();
    const subscription = source
      .pipe(coalesce({ debounceMs: 5, minIntervalMs: 20, task: () => of(1), scheduler, counters }))
      .subscribe();
    const feed = (count: number) => {
      for (let i = 1; i <= count; i++) {
        source.next({ n: i });
        if (i % 100 === 0) scheduler.flush();
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    subscription.unsubscribe();
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(counters.runs).toBe((warmUpEvents + million) / 100);
  });

  it('lruEvictions over 10k keys with room for 5k', () => {
    const source = new Subject<{ key: string; value: { n: number } }>();
    let evictions = 0;
    const subscription = source.pipe(lruEvictions({ maxKeys: 5000 })).subscribe(() => evictions++);
    let seed = 1;
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) {
        seed = (seed * 48_271) % 2_147_483_647;
        source.next({ key: symbols[seed % symbols.length] as string, value: { n: i } });
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    subscription.unsubscribe();
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(evictions).toBeGreaterThan(million / 4);
  });

  it('LruWindow with mixed set/get', () => {
    const window = new LruWindow<string, { n: number }>({ maxKeys: 5000 });
    let seed = 1;
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) {
        seed = (seed * 48_271) % 2_147_483_647;
        const key = symbols[seed % symbols.length] as string;
        if (seed & 1) window.set(key, { n: i });
        else window.get(key);
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(window.size).toBe(5000);
  });

  it('objectLru with 10k keys and room for 5k', () => {
    const lru = objectLru<string, { n: number }>({ maxEntries: 5000 });
    let seed = 1;
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) {
        seed = (seed * 48_271) % 2_147_483_647;
        lru.set(symbols[seed % symbols.length] as string, { n: i });
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(lru.size).toBe(5000);
  });

  it('BoundedQueue with a consumer draining less than is offered', () => {
    const queue = new BoundedQueue<{ n: number }>({ capacity: 1000, overflow: 'drop-newest' });
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) {
        queue.offer({ n: i });
        if (i % 10 === 0) queue.drain(5);
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(queue.size).toBe(1000);
  });

  it('CandleWindow with in-order and late ticks', () => {
    const window = new CandleWindow({ capacity: 1440, bucketMs: 60_000 });
    let ts = 0;
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) {
        ts += 500;
        window.apply(i % 50 === 0 ? ts - 300_000 : ts, 100 + (i % 7), 1);
      }
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(window.length).toBe(1440);
    expect(window.counters.lateUpdated).toBeGreaterThan(0);
  });

  it('RingColumns', () => {
    const ring = new RingColumns(['ts', 'openInterest'], 288);
    const feed = (count: number) => {
      for (let i = 0; i < count; i++) ring.push({ ts: i, openInterest: i * 2 });
    };
    const growth = retainedGrowth(
      () => feed(warmUpEvents),
      () => feed(million),
    );
    expect(growth).toBeLessThan(leakBoundBytes);
    expect(ring.length).toBe(288);
  });
});

// Each test keeps the structure alive and checks that what it let go of is collected.
describe('what leaves a structure is collectable', () => {
  it('a value LruWindow evicted', async () => {
    const finalized = await finalizedTokens((register) => {
      const window = new LruWindow<string, object>({ maxKeys: 1 });
      const value = {};
      register(value, 'evicted');
      window.set('a', value).set('b', {});
      return window;
    });
    expect(finalized).toEqual(new Set(['evicted']));
  });

  it('values LruWindow deleted or cleared', async () => {
    const finalized = await finalizedTokens((register) => {
      const window = new LruWindow<string, object>({ maxKeys: 4 });
      const deleted = {};
      const cleared = {};
      register(deleted, 'deleted');
      register(cleared, 'cleared');
      window.set('a', deleted).set('b', cleared);
      window.delete('a');
      window.clear();
      return window;
    });
    expect(finalized).toEqual(new Set(['deleted', 'cleared']));
  });

  it('an entry lruEvictions evicted and emitted', async () => {
    const finalized = await finalizedTokens((register) => {
      const source = new Subject<{ key: string; value: object }>();
      const subscription = source.pipe(lruEvictions({ maxKeys: 1 })).subscribe();
      const value = {};
      register(value, 'evicted');
      source.next({ key: 'a', value });
      source.next({ key: 'b', value: {} });
      return { source, subscription };
    });
    expect(finalized).toEqual(new Set(['evicted']));
  });

  it('items BoundedQueue dropped or delivered', async () => {
    const finalized = await finalizedTokens((register) => {
      const oldest = new BoundedQueue<object>({ capacity: 1, overflow: 'drop-oldest' });
      const newest = new BoundedQueue<object>({ capacity: 1, overflow: 'drop-newest' });
      const items = { dropOldest: {}, dropNewest: {}, taken: {} };
      for (const [token, item] of Object.entries(items)) register(item, token);
      oldest.offer(items.dropOldest);
      oldest.offer({});
      newest.offer({});
      newest.offer(items.dropNewest);
      newest.take();
      newest.offer(items.taken);
      newest.take();
      return { oldest, newest };
    });
    expect(finalized).toEqual(new Set(['dropOldest', 'dropNewest', 'taken']));
  });

  it('items boundedBuffer dropped, and those waiting when it was unsubscribed', async () => {
    const finalized = await finalizedTokens((register) => {
      const source = new Subject<object>();
      const pipeline = source.pipe(
        boundedBuffer({
          capacity: 1,
          overflow: 'drop-oldest',
          consumer: () => new Observable<never>(() => undefined),
        }),
      );
      const subscription = pipeline.subscribe();
      const items = { inFlight: {}, dropped: {}, waiting: {} };
      for (const [token, item] of Object.entries(items)) register(item, token);
      source.next(items.inFlight);
      source.next(items.dropped);
      source.next(items.waiting);
      subscription.unsubscribe();
      return { source, pipeline };
    });
    expect(finalized).toEqual(new Set(['inFlight', 'dropped', 'waiting']));
  });

  it('items of a batch batch emitted', async () => {
    const finalized = await finalizedTokens((register) => {
      const source = new Subject<object>();
      const subscription = source
        .pipe(batch({ maxSize: 2, maxWaitMs: 1000, scheduler: new VirtualTimeScheduler() }))
        .subscribe();
      const item = {};
      register(item, 'batched');
      source.next(item);
      source.next({});
      return { source, subscription };
    });
    expect(finalized).toEqual(new Set(['batched']));
  });

  it('a trigger coalesce handed to a run', async () => {
    const finalized = await finalizedTokens((register) => {
      const scheduler = new VirtualTimeScheduler();
      const source = new Subject<object>();
      const subscription = source
        .pipe(coalesce({ debounceMs: 1, minIntervalMs: 1, task: () => of(1), scheduler }))
        .subscribe();
      const trigger = {};
      register(trigger, 'trigger');
      source.next(trigger);
      scheduler.flush();
      return { source, subscription };
    });
    expect(finalized).toEqual(new Set(['trigger']));
  });

  it('a value objectLru evicted', async () => {
    const finalized = await finalizedTokens((register) => {
      const lru = objectLru<string, object>({ maxEntries: 1 });
      const value = {};
      register(value, 'evicted');
      lru.set('a', value);
      lru.set('b', {});
      return lru;
    });
    expect(finalized).toEqual(new Set(['evicted']));
  });
});
