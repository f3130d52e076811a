import { bufferTime, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createTestScheduler } from '../test/testScheduler.js';
import { batch } from './batch.js';
import { InvalidOptionError } from './errors.js';

describe('batch', () => {
  it('flushes a full batch the moment it reaches maxSize', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('-abcd---|').pipe(batch({ maxSize: 3, maxWaitMs: 5, scheduler }));
      expectObservable(out).toBe('---x----(y|)', { x: ['a', 'b', 'c'], y: ['d'] });
    });
  });

  it('flushes a partial batch maxWaitMs after its first item', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('-ab--------|').pipe(batch({ maxSize: 3, maxWaitMs: 5, scheduler }));
      expectObservable(out).toBe('------x----|', { x: ['a', 'b'] });
    });
  });

  it('restarts the timer after a size flush', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // a..c flush by size at 3. The first batch's timer would have fired at 6; d arrives at 5
      // and gets its own full 5 ms, so it flushes at 10.
      const out = cold('-abc-d--------|').pipe(batch({ maxSize: 3, maxWaitMs: 5, scheduler }));
      expectObservable(out).toBe('---x------y---|', { x: ['a', 'b', 'c'], y: ['d'] });
    });
  });

  it('never emits an empty batch, unlike bufferTime', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-----------------|');
      expectObservable(source.pipe(batch({ maxSize: 3, maxWaitMs: 5, scheduler }))).toBe(
        '------x------------|',
        { x: ['a'] },
      );
      // The rxjs operator it replaces emits [] on every empty tick (FACTS.md).
      expectObservable(source.pipe(bufferTime(5, null, 3, scheduler), take(2))).toBe(
        '-----x----(y|)',
        { x: ['a'], y: [] },
      );
    });
  });

  it('emits nothing for an empty source', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('--------|').pipe(batch({ maxSize: 3, maxWaitMs: 2, scheduler }))).toBe(
        '--------|',
      );
    });
  });

  it('flushes the last partial batch on complete', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('-ab|').pipe(batch({ maxSize: 3, maxWaitMs: 5, scheduler }));
      expectObservable(out).toBe('---(x|)', { x: ['a', 'b'] });
    });
  });

  it('propagates an error at once and cancels the timer', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('-ab#', undefined, new Error('feed down')).pipe(
        batch({ maxSize: 3, maxWaitMs: 5, scheduler }),
      );
      expectObservable(out).toBe('---#', undefined, new Error('feed down'));
    });
  });

  it('cancels the timer and the source on unsubscribe', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-ab-------|');
      expectObservable(source.pipe(batch({ maxSize: 3, maxWaitMs: 5, scheduler })), '^--!').toBe(
        '----',
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('maxSize 1 emits every item alone at once', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('-a(bc)|').pipe(batch({ maxSize: 1, maxWaitMs: 5, scheduler }));
      expectObservable(out).toBe('-a(bc)|', { a: ['a'], b: ['b'], c: ['c'] });
    });
  });

  it('splits a synchronous burst into full batches', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('(abcdefg)').pipe(batch({ maxSize: 3, maxWaitMs: 4, scheduler }));
      expectObservable(out).toBe('(xy)z', {
        x: ['a', 'b', 'c'],
        y: ['d', 'e', 'f'],
        z: ['g'],
      });
    });
  });

  it('rejects bad options', () => {
    expect(() => batch({ maxSize: 0, maxWaitMs: 1 })).toThrow(InvalidOptionError);
    expect(() => batch({ maxSize: 1, maxWaitMs: Number.NaN })).toThrow(
      'maxWaitMs must be a finite number of milliseconds >= 0; got NaN',
    );
  });
});
