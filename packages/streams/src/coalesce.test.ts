import { defer, exhaustMap, of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createTestScheduler } from '../test/testScheduler.js';
import { CoalesceCounters, coalesce } from './coalesce.js';
import { InvalidOptionError } from './errors.js';

// A task of `duration` frames that records when each run started and emits its trigger.
function recordedTask(scheduler: TestScheduler, duration: string) {
  const starts: number[] = [];
  const task = (trigger: string) =>
    defer(() => {
      starts.push(scheduler.now());
      return scheduler.createColdObservable(`${duration}(r|)`, { r: trigger });
    });
  return { starts, task };
}

describe('coalesce', () => {
  it('debounces a burst of triggers into one run', () => {
    const scheduler = createTestScheduler();
    const counters = new CoalesceCounters();
    const { starts, task } = recordedTask(scheduler, '---');
    scheduler.run(({ hot, expectObservable }) => {
      const triggers = hot('abc----------');
      const out = triggers.pipe(
        coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler, counters }),
      );
      // The last trigger (c at 2) is 2 quiet frames old at 4; the run takes 3 frames.
      expectObservable(out).toBe('-------c-----');
    });
    expect(starts).toEqual([4]);
    expect(counters).toMatchObject({ triggers: 3, coalesced: 2, runs: 1 });
  });

  it('a trigger during a run gives exactly one more run, after the minimum interval', () => {
    const scheduler = createTestScheduler();
    const counters = new CoalesceCounters();
    const { starts, task } = recordedTask(scheduler, '---');
    scheduler.run(({ hot, expectObservable }) => {
      // a starts a run at 2 (ends 5); b at 4 arrives mid-run. The trailing run may start at
      // max(4 + 2, 2 + 10) = 12 and ends at 15.
      const out = hot('a---b-------------').pipe(
        coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler, counters }),
      );
      expectObservable(out).toBe('-----a---------b--');
    });
    expect(starts).toEqual([2, 12]);
    expect(counters).toMatchObject({ triggers: 2, coalesced: 0, runs: 2 });
  });

  it('many triggers during a run still give exactly one more run, with the latest trigger', () => {
    const scheduler = createTestScheduler();
    const counters = new CoalesceCounters();
    const { starts, task } = recordedTask(scheduler, '------');
    scheduler.run(({ hot, expectObservable }) => {
      // Run 1 is 2..8; b, c, d arrive at 3, 4, 5 and owe one run at max(5 + 2, 2 + 10) = 12.
      const out = hot('a--bcd----------------------').pipe(
        coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler, counters }),
      );
      expectObservable(out).toBe('--------a---------d---------');
    });
    expect(starts).toEqual([2, 12]);
    expect(counters).toMatchObject({ triggers: 4, coalesced: 2, runs: 2 });
  });

  it('respects the minimum interval between run starts after a run ends', () => {
    const scheduler = createTestScheduler();
    const { starts, task } = recordedTask(scheduler, '-');
    scheduler.run(({ hot, expectObservable }) => {
      // Run 1 is 2..3; b at 5 is in the cooldown, so its run waits for 2 + 10 = 12, not 7.
      const out = hot('a----b--------------c-------').pipe(
        coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler }),
      );
      // c at 20 is past the interval, so only the debounce applies: 22.
      expectObservable(out).toBe('---a---------b---------c----');
    });
    expect(starts).toEqual([2, 12, 22]);
  });

  it('a trigger during the debounce wait pushes the run back', () => {
    const scheduler = createTestScheduler();
    const { starts, task } = recordedTask(scheduler, '-');
    scheduler.run(({ hot, expectObservable }) => {
      const out = hot('a-b-c--------').pipe(
        coalesce({ debounceMs: 3, minIntervalMs: 0, task, scheduler }),
      );
      expectObservable(out).toBe('--------c----');
    });
    expect(starts).toEqual([7]);
  });

  it('completes only after the owed run finished', () => {
    const scheduler = createTestScheduler();
    const { task } = recordedTask(scheduler, '---');
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('a|').pipe(coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler }));
      expectObservable(out).toBe('-----(a|)');
    });
  });

  it('completes at once when nothing is owed', () => {
    const scheduler = createTestScheduler();
    const { task } = recordedTask(scheduler, '---');
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('---|').pipe(
        coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler }),
      );
      expectObservable(out).toBe('---|');
    });
  });

  it('accepts a promise-returning task', async () => {
    const results: number[] = [];
    let runs = 0;
    await new Promise<void>((resolve, reject) => {
      of('x', 'y')
        .pipe(coalesce({ debounceMs: 0, minIntervalMs: 0, task: async () => ++runs }))
        .subscribe({ next: (n) => results.push(n), error: reject, complete: resolve });
    });
    expect(results).toEqual([1]);
  });

  it('propagates a task error', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot, cold, expectObservable }) => {
      const out = hot('a-----').pipe(
        coalesce({
          debounceMs: 1,
          minIntervalMs: 0,
          task: () => cold('-#', undefined, new Error('reload failed')),
          scheduler,
        }),
      );
      expectObservable(out).toBe('--#', undefined, new Error('reload failed'));
    });
  });

  it('propagates a source error', () => {
    const scheduler = createTestScheduler();
    const { task } = recordedTask(scheduler, '---');
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('a#').pipe(coalesce({ debounceMs: 2, minIntervalMs: 10, task, scheduler }));
      expectObservable(out).toBe('-#');
    });
  });

  it('unsubscribes a running task on teardown and starts no more', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const run = cold('-----(r|)');
      const out = hot('a--b--------').pipe(
        coalesce({ debounceMs: 1, minIntervalMs: 0, task: () => run, scheduler }),
      );
      expectObservable(out, '^----!').toBe('------');
      expectSubscriptions(run.subscriptions).toBe('-^---!');
    });
  });

  it('exhaustMap, which it replaces, loses the trigger that came mid-run', () => {
    const scheduler = createTestScheduler();
    const { starts, task } = recordedTask(scheduler, '---');
    scheduler.run(({ hot, expectObservable }) => {
      expectObservable(hot('a-b-------').pipe(exhaustMap(task))).toBe('---a------');
    });
    expect(starts).toEqual([0]);
  });

  it('rejects bad options', () => {
    const task = () => of(1);
    expect(() => coalesce({ debounceMs: -1, minIntervalMs: 0, task })).toThrow(InvalidOptionError);
    expect(() =>
      coalesce({ debounceMs: 0, minIntervalMs: Number.POSITIVE_INFINITY, task }),
    ).toThrow('minIntervalMs must be a finite number of milliseconds >= 0; got Infinity');
  });
});
