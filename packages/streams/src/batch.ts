import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { durationOption, integerOption } from './options.js';

/** Options of {@link batch}. */
export interface BatchOptions {
  /** Items per full batch; an integer >= 1. A batch is emitted the moment it holds this many. */
  readonly maxSize: number;
  /** Longest an item waits in a partial batch, counted from the batch's first item. */
  readonly maxWaitMs: number;
  /** Where the timeout is scheduled. Default `asyncScheduler`; tests pass a `TestScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Groups items into arrays of at most `maxSize`, emitted when full or when the oldest item has
 * waited `maxWaitMs`, whichever comes first.
 *
 * The timer belongs to a batch, not to the clock: it starts with the batch's first item and is
 * cancelled when the batch flushes by size, so the next batch gets a full `maxWaitMs` again.
 * With no items there is no timer, so, unlike `bufferTime(t, null, n)`, which emits `[]` on
 * every empty tick, an empty batch is never emitted. On completion the last partial batch is
 * emitted, then completion; an error is passed on at once and the partial batch discarded (as
 * `bufferTime` does). Memory held is at most `maxSize` items.
 *
 * @param options - size bound, time bound and scheduler
 * @returns an operator emitting non-empty arrays of at most `maxSize` items
 * @example
 * ticks$.pipe(batch({ maxSize: 500, maxWaitMs: 50 })).subscribe((ticks) => db.insertMany(ticks));
 */
export function batch<T>(options: BatchOptions): OperatorFunction<T, T[]> {
  const maxSize = integerOption('maxSize', options.maxSize, 1);
  const maxWaitMs = durationOption('maxWaitMs', options.maxWaitMs);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let buffer: T[] | null = null;
      let timer: Subscription | null = null;

      const flush = (): void => {
        const full = buffer;
        buffer = null;
        timer?.unsubscribe();
        timer = null;
        if (full) subscriber.next(full);
      };

      const upstream = source.subscribe({
        next: (item) => {
          if (subscriber.closed) return;
          if (buffer === null) buffer = [];
          buffer.push(item);
          if (buffer.length >= maxSize) flush();
          else if (timer === null) timer = scheduler.schedule(flush, maxWaitMs);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      subscriber.add(upstream);

      return () => {
        timer?.unsubscribe();
        timer = null;
        buffer = null;
      };
    });
}
