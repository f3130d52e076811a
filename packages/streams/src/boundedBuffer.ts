import {
  from,
  Observable,
  type ObservableInput,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';
import { BoundedQueue, type OverflowPolicy } from './BoundedQueue.js';
import type { BufferCounters } from './BufferCounters.js';
import { integerOption } from './options.js';

/** Options of {@link boundedBuffer}. */
export interface BoundedBufferOptions<T, TResult> {
  /** Most items waiting for the consumer; an integer >= 1. In-flight items are not counted. */
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  /**
   * Handles one item; the item counts as in flight until what it returns completes (or, for a
   * promise, settles). Its values are emitted downstream; its error errors the stream.
   */
  readonly consumer: (item: T, index: number) => ObservableInput<TResult>;
  /** Items in flight at once; an integer >= 1. Default 1. */
  readonly concurrency?: number;
  /** Counters to write into (offered, delivered = handed to the consumer, dropped, ...). */
  readonly counters?: BufferCounters;
  /** Sees every item dropped by the overflow policy or discarded on teardown. */
  readonly onDrop?: (item: T) => void;
}

/**
 * Decouples a fast producer from a slow async consumer with a bounded queue between them.
 *
 * RxJS pushes and has no backpressure: `mergeMap(fn, n)` and `concatMap` queue every item the
 * consumer is not ready for, without bound. Here the consumer's readiness is explicit: an item
 * is handed to `consumer` only while fewer than `concurrency` earlier items are in flight, and
 * the rest wait in a {@link BoundedQueue} of `capacity` items whose overflow policy decides
 * what a burst costs. Memory held is at most `capacity + concurrency` items.
 *
 * With `overflow: 'error'` the stream errors with {@link BufferOverflowError} on the first
 * item that does not fit. The output completes once the source completed and every queued item
 * was consumed. On teardown the queued items are discarded and counted as dropped.
 *
 * @param options - bound, policy, consumer and concurrency
 * @returns an operator emitting the consumer's results
 * @example
 * const counters = new BufferCounters();
 * ticks$.pipe(
 *   boundedBuffer({ capacity: 10_000, overflow: 'drop-oldest', counters,
 *     consumer: (tick) => js.publish(subject(tick), encode(tick)) }),
 * ).subscribe();
 * setInterval(() => metrics.set('ticks_dropped', counters.dropped), 1000);
 */
export function boundedBuffer<T, TResult>(
  options: BoundedBufferOptions<T, TResult>,
): OperatorFunction<T, TResult> {
  const concurrency = integerOption('concurrency', options.concurrency ?? 1, 1);
  const { consumer } = options;
  const queueOptions = {
    capacity: integerOption('capacity', options.capacity, 1),
    overflow: options.overflow,
    ...(options.counters && { counters: options.counters }),
    ...(options.onDrop && { onDrop: options.onDrop }),
  };
  return (source) =>
    new Observable<TResult>((subscriber) => {
      let queue = new BoundedQueue<T>(queueOptions);
      let active = 0;
      let index = 0;
      let sourceDone = false;
      let pumping = false;

      const startConsumer = (item: T): void => {
        let work: Observable<TResult>;
        try {
          // from() throws too, on a return value that is no ObservableInput.
          work = from(consumer(item, index++));
        } catch (error) {
          subscriber.error(error);
          return;
        }
        const inner: Subscription = work.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            active--;
            pump();
          },
        });
        subscriber.add(inner);
      };

      // A loop, not recursion: a consumer that completes synchronously would otherwise start
      // the next item from inside its own completion, one stack frame per queued item.
      const pump = (): void => {
        if (pumping || subscriber.closed) return;
        pumping = true;
        while (active < concurrency && queue.size > 0 && !subscriber.closed) {
          active++;
          startConsumer(queue.take() as T);
        }
        pumping = false;
        if (sourceDone && active === 0 && queue.size === 0) subscriber.complete();
      };

      const upstream = source.subscribe({
        next: (item) => {
          // A synchronous source keeps emitting after we errored or were unsubscribed.
          if (subscriber.closed) return;
          try {
            queue.offer(item);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          pump();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          pump();
        },
      });
      subscriber.add(upstream);

      return () => {
        queue.clear();
        queue = null!;
      };
    });
}
