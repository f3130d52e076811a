import { map, Observable, of, Subject, type Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createTestScheduler } from '../test/testScheduler.js';
import { BufferCounters } from './BufferCounters.js';
import { boundedBuffer } from './boundedBuffer.js';
import { BufferOverflowError, InvalidOptionError } from './errors.js';

describe('boundedBuffer', () => {
  // The consumer takes 4 frames per item; a..d arrive one frame apart, so with capacity 2
  // and concurrency 1, d finds b and c waiting.
  const slow = '----(v|)';

  it('drop-oldest: a burst loses its oldest waiting items, counted', () => {
    const counters = new BufferCounters();
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-abcd-----|').pipe(
        boundedBuffer({
          capacity: 2,
          overflow: 'drop-oldest',
          counters,
          consumer: (x: string) => cold(slow, { v: x }),
        }),
      );
      expectObservable(out).toBe('-----a---c---(d|)');
    });
    expect(counters).toEqual(
      Object.assign(new BufferCounters(), {
        offered: 4,
        delivered: 3,
        dropped: 1,
        highWaterMark: 2,
        size: 0,
      }),
    );
  });

  it('drop-newest: a burst loses the items that did not fit', () => {
    const dropped: string[] = [];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-abcd-----|').pipe(
        boundedBuffer({
          capacity: 2,
          overflow: 'drop-newest',
          onDrop: (x) => dropped.push(x),
          consumer: (x: string) => cold(slow, { v: x }),
        }),
      );
      expectObservable(out).toBe('-----a---b---(c|)');
    });
    expect(dropped).toEqual(['d']);
  });

  it('error: the stream errors with BufferOverflowError at the first item that does not fit', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-abcd-----|');
      const out = source.pipe(
        boundedBuffer({
          capacity: 2,
          overflow: 'error',
          consumer: (x: string) => cold(slow, { v: x }),
        }),
      );
      expectObservable(out).toBe('----#', undefined, new BufferOverflowError(2, 4));
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('runs up to `concurrency` consumers at once, emitting in completion order', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const durations: Record<string, string> = { a: '------(v|)', b: '--(v|)', c: '--(v|)' };
      const out = cold('-abc---|').pipe(
        boundedBuffer({
          capacity: 1,
          overflow: 'error',
          concurrency: 2,
          consumer: (x: string) => cold(durations[x] ?? '', { v: x }),
        }),
      );
      // a runs 1..7, b runs 2..4, c waits for b and runs 4..6; the output completes with a.
      expectObservable(out).toBe('----b-c(a|)');
    });
  });

  it('passes items straight through while the consumer keeps up', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-a-b-c|').pipe(
        boundedBuffer({
          capacity: 1,
          overflow: 'error',
          consumer: (x: string, i) => of(`${x}${i}`),
        }),
      );
      expectObservable(out).toBe('-a-b-c|', { a: 'a0', b: 'b1', c: 'c2' });
    });
  });

  it('propagates a consumer error and unsubscribes the source', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-ab----|');
      const out = source.pipe(
        boundedBuffer({
          capacity: 2,
          overflow: 'error',
          consumer: (x: string) => (x === 'a' ? cold('--#', undefined, 'boom') : cold('(v|)')),
        }),
      );
      expectObservable(out).toBe('---#', undefined, 'boom');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('propagates a consumer that throws', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-a|').pipe(
        boundedBuffer({
          capacity: 1,
          overflow: 'error',
          consumer: (): Observable<never> => {
            throw new Error('bad consumer');
          },
        }),
      );
      expectObservable(out).toBe('-#', undefined, new Error('bad consumer'));
    });
  });

  it('errors when the consumer returns something that is not an ObservableInput', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-a|').pipe(
        boundedBuffer({
          capacity: 1,
          overflow: 'error',
          consumer: () => null as unknown as Observable<never>,
        }),
      );
      expectObservable(out).toBe(
        '-#',
        undefined,
        new TypeError(
          "You provided 'null' where a stream was expected. You can provide an Observable, Promise, ReadableStream, Array, AsyncIterable, or Iterable.",
        ),
      );
    });
  });

  it('propagates a source error at once, discarding waiting items', () => {
    const counters = new BufferCounters();
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-ab#').pipe(
        boundedBuffer({
          capacity: 2,
          overflow: 'error',
          counters,
          consumer: (x: string) => cold(slow, { v: x }),
        }),
      );
      expectObservable(out).toBe('---#');
    });
    expect(counters).toMatchObject({ offered: 2, delivered: 1, dropped: 1, size: 0 });
  });

  it('on unsubscribe, stops the consumer and the source and drops what waits', () => {
    const counters = new BufferCounters();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-abc------|');
      const consumer = cold(slow, { v: 'x' });
      const out = source.pipe(
        boundedBuffer({ capacity: 3, overflow: 'error', counters, consumer: () => consumer }),
      );
      expectObservable(out, '^---!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(consumer.subscriptions).toBe('-^--!');
    });
    expect(counters).toMatchObject({ offered: 3, delivered: 1, dropped: 2, size: 0 });
  });

  it('holds at most capacity items however large the burst', () => {
    const counters = new BufferCounters();
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('(abcdefghij)').pipe(
        boundedBuffer({
          capacity: 3,
          overflow: 'drop-oldest',
          counters,
          consumer: (x: string) => cold('-(v|)', { v: x }),
        }),
      );
      // a goes straight to the consumer; b..j pass through a 3-slot queue, leaving h, i, j.
      expectObservable(out).toBe('-ahij');
    });
    expect(counters).toMatchObject({ offered: 10, delivered: 4, dropped: 6, highWaterMark: 3 });
  });

  it('does not grow the stack when queued items are consumed synchronously', () => {
    const gate = new Subject<void>();
    const source = new Subject<number>();
    let sum = 0;
    let completed = false;
    source
      .pipe(
        boundedBuffer({
          capacity: 200_000,
          overflow: 'error',
          consumer: (n: number) => (n === 0 ? gate.pipe(map(() => n)) : of(n)),
        }),
      )
      .subscribe({ next: (n) => (sum += n), complete: () => (completed = true) });
    for (let i = 0; i <= 200_000; i++) source.next(i);
    source.complete();
    gate.next();
    gate.complete();
    expect(completed).toBe(true);
    expect(sum).toBe((200_000 * 200_001) / 2);
  });

  it('keeps each subscription apart', () => {
    const held: Subscriber<string>[] = [];
    const out = of('a', 'b', 'c').pipe(
      boundedBuffer({
        capacity: 1,
        overflow: 'drop-newest',
        consumer: () => new Observable<string>((s) => void held.push(s)),
      }),
    );
    out.subscribe();
    out.subscribe();
    // Each subscription has its own queue and in-flight count, so each started a consumer.
    expect(held).toHaveLength(2);
  });

  it('rejects bad options', () => {
    const consumer = () => of(1);
    expect(() => boundedBuffer({ capacity: 0, overflow: 'error', consumer })).toThrow(
      InvalidOptionError,
    );
    expect(() =>
      boundedBuffer({ capacity: 1, overflow: 'error', concurrency: 0, consumer }),
    ).toThrow('concurrency must be an integer >= 1; got 0');
  });
});
