import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedQueue, type OverflowPolicy } from './BoundedQueue.js';
import { BufferCounters } from './BufferCounters.js';
import { BufferOverflowError, InvalidOptionError } from './errors.js';

describe('BoundedQueue', () => {
  it('takes items in FIFO order', () => {
    const queue = new BoundedQueue<number>({ capacity: 3, overflow: 'error' });
    queue.offer(1);
    queue.offer(2);
    expect(queue.take()).toBe(1);
    queue.offer(3);
    queue.offer(4);
    expect(queue.drain()).toEqual([2, 3, 4]);
    expect(queue.take()).toBeUndefined();
  });

  it('drop-oldest keeps the newest items and reports the dropped one', () => {
    const dropped: number[] = [];
    const queue = new BoundedQueue<number>({
      capacity: 2,
      overflow: 'drop-oldest',
      onDrop: (item) => dropped.push(item),
    });
    expect([1, 2, 3, 4].map((i) => queue.offer(i))).toEqual([true, true, true, true]);
    expect(queue.drain()).toEqual([3, 4]);
    expect(dropped).toEqual([1, 2]);
  });

  it('drop-newest refuses items while full', () => {
    const queue = new BoundedQueue<number>({ capacity: 2, overflow: 'drop-newest' });
    expect([1, 2, 3].map((i) => queue.offer(i))).toEqual([true, true, false]);
    expect(queue.drain()).toEqual([1, 2]);
  });

  it('error throws BufferOverflowError with the capacity and keeps what it held', () => {
    const queue = new BoundedQueue<number>({ capacity: 2, overflow: 'error' });
    queue.offer(1);
    queue.offer(2);
    let thrown: unknown;
    try {
      queue.offer(3);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BufferOverflowError);
    expect(thrown).toMatchObject({ code: 'buffer_overflow', capacity: 2, offered: 3 });
    expect(queue.drain()).toEqual([1, 2]);
    expect(queue.counters).toMatchObject({ offered: 3, delivered: 2, dropped: 1 });
  });

  it('drain(n) takes at most n items', () => {
    const queue = new BoundedQueue<number>({ capacity: 5, overflow: 'error' });
    for (let i = 0; i < 5; i++) queue.offer(i);
    expect(queue.drain(2)).toEqual([0, 1]);
    expect(queue.drain(0)).toEqual([]);
    expect(queue.size).toBe(3);
  });

  it('clear counts and reports the discarded items', () => {
    const dropped: string[] = [];
    const queue = new BoundedQueue<string>({
      capacity: 3,
      overflow: 'error',
      onDrop: (item) => dropped.push(item),
    });
    queue.offer('a');
    queue.offer('b');
    expect(queue.clear()).toBe(2);
    expect(dropped).toEqual(['a', 'b']);
    expect(queue.counters).toMatchObject({ offered: 2, dropped: 2, size: 0 });
  });

  it('shared counters hold totals and the combined high-water mark', () => {
    const counters = new BufferCounters();
    const a = new BoundedQueue<number>({ capacity: 2, overflow: 'drop-newest', counters });
    const b = new BoundedQueue<number>({ capacity: 2, overflow: 'drop-newest', counters });
    a.offer(1);
    b.offer(2);
    b.offer(3);
    b.offer(4);
    a.take();
    expect(counters).toMatchObject({ offered: 4, delivered: 1, dropped: 1, size: 2 });
    expect(counters.highWaterMark).toBe(3);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new BoundedQueue({ capacity: 0, overflow: 'error' })).toThrow(InvalidOptionError);
    expect(() => new BoundedQueue({ capacity: 1.5, overflow: 'error' })).toThrow(
      'capacity must be an integer >= 1; got 1.5',
    );
  });

  it('behaves like an array queue with the same policy (property)', () => {
    const policy = fc.constantFrom<OverflowPolicy>('drop-oldest', 'drop-newest', 'error');
    const command = fc.oneof(
      fc.record({ op: fc.constant('offer' as const), item: fc.integer() }),
      fc.record({ op: fc.constant('take' as const) }),
      fc.record({ op: fc.constant('drain' as const), max: fc.nat(6) }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        policy,
        fc.array(command),
        (cap, overflow, cmds) => {
          const queue = new BoundedQueue<number>({ capacity: cap, overflow });
          const model: number[] = [];
          let offered = 0;
          let delivered = 0;
          let dropped = 0;
          let highWaterMark = 0;
          for (const cmd of cmds) {
            if (cmd.op === 'offer') {
              offered++;
              let expected: boolean | 'throws' = true;
              if (model.length === cap) {
                dropped++;
                if (overflow === 'drop-oldest') model.shift();
                expected =
                  overflow === 'drop-newest' ? false : overflow === 'error' ? 'throws' : true;
              }
              if (expected === true) model.push(cmd.item);
              highWaterMark = Math.max(highWaterMark, model.length);
              if (expected === 'throws') {
                expect(() => queue.offer(cmd.item)).toThrow(BufferOverflowError);
              } else {
                expect(queue.offer(cmd.item)).toBe(expected);
              }
            } else if (cmd.op === 'take') {
              const expected = model.shift();
              if (expected !== undefined) delivered++;
              expect(queue.take()).toBe(expected);
            } else if (cmd.op === 'drain') {
              const expected = model.splice(0, cmd.max);
              delivered += expected.length;
              expect(queue.drain(cmd.max)).toEqual(expected);
            } else {
              dropped += model.length;
              expect(queue.clear()).toBe(model.splice(0).length);
            }
            expect(queue.size).toBe(model.length);
            expect(queue.size).toBeLessThanOrEqual(cap);
          }
          expect(queue.counters).toEqual({
            offered,
            delivered,
            dropped,
            highWaterMark,
            size: model.length,
          });
          expect(offered).toBe(delivered + dropped + model.length);
        },
      ),
    );
  });
});
