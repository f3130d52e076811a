/**
 * Counters of a bounded buffer, written by {@link BoundedQueue} and the
 * {@link boundedBuffer} operator, read by metrics. Invariant:
 * `offered === delivered + dropped + size`.
 *
 * One instance may be shared by several queues (e.g. every subscription of one pipeline);
 * it then holds their totals, and `highWaterMark` is the highest combined size seen.
 *
 * @example
 * const counters = new BufferCounters();
 * const queue = new BoundedQueue<number>({ capacity: 2, overflow: 'drop-oldest', counters });
 * queue.offer(1); queue.offer(2); queue.offer(3);
 * counters.dropped; // 1
 */
export class BufferCounters {
  /** Items offered, whether kept or not. */
  offered = 0;
  /** Items taken out (by `take`/`drain`, or handed to the operator's consumer). */
  delivered = 0;
  /** Items lost to the overflow policy, or discarded when the buffer was cleared. */
  dropped = 0;
  /** The largest `size` reached. */
  highWaterMark = 0;
  /** Items held right now. */
  size = 0;
}
