import { BufferCounters } from './BufferCounters.js';
import { BufferOverflowError } from './errors.js';
import { integerOption } from './options.js';

/**
 * What a full bounded buffer does with one more item: `drop-oldest` evicts the item that has
 * waited longest (fresh data wins, e.g. quotes), `drop-newest` refuses the new one (work
 * already queued wins), `error` refuses it and throws {@link BufferOverflowError}.
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** Options of {@link BoundedQueue}. */
export interface BoundedQueueOptions<T> {
  /** Most items held at once; an integer >= 1. Enforced at insert. */
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  /** Counters to write into, e.g. shared with a metrics exporter. Default: a fresh instance. */
  readonly counters?: BufferCounters;
  /**
   * Called with every item the queue lets go of without delivering it (overflow, `clear`),
   * after the queue is consistent again, so a dead-letter sink can see what was lost.
   */
  readonly onDrop?: (item: T) => void;
}

/**
 * A FIFO queue with a fixed capacity, on a preallocated circular array: `offer`, `take` and
 * overflow are O(1) and nothing grows after construction. Slots are cleared as items leave,
 * so dropped and delivered items are collectable at once.
 *
 * This is the pull side of the package's backpressure design: a producer `offer`s, a consumer
 * `take`s or `drain`s when it is ready. The {@link boundedBuffer} operator puts one in front
 * of an async consumer.
 *
 * @example
 * const queue = new BoundedQueue<Tick>({ capacity: 1000, overflow: 'drop-oldest' });
 * nc.subscribe('md.tick.>', { callback: (_e, msg) => queue.offer(decode(msg.data)) });
 * setInterval(() => writeBatch(queue.drain(100)), 10);
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly counters: BufferCounters;
  readonly #onDrop: ((item: T) => void) | undefined;
  // Preallocated once; `undefined` marks a free slot so nothing leaving the queue stays reachable.
  readonly #items: (T | undefined)[];
  #head = 0;
  #length = 0;

  /**
   * @param options - capacity, overflow policy, optional shared counters and drop callback
   * @throws {InvalidOptionError} when capacity is not an integer >= 1
   */
  constructor(options: BoundedQueueOptions<T>) {
    this.capacity = integerOption('capacity', options.capacity, 1);
    this.overflow = options.overflow;
    this.counters = options.counters ?? new BufferCounters();
    this.#onDrop = options.onDrop;
    this.#items = new Array<T | undefined>(this.capacity).fill(undefined);
  }

  /** Items held right now. */
  get size(): number {
    return this.#length;
  }

  /**
   * Adds an item at the tail, applying the overflow policy when full.
   *
   * @returns `true` when the item was queued, `false` when `drop-newest` refused it
   * @throws {BufferOverflowError} when full and the policy is `error` (the item is counted as dropped)
   * @example
   * if (!queue.offer(tick)) deadLetter(tick, 'buffer full');
   */
  offer(item: T): boolean {
    const counters = this.counters;
    counters.offered++;
    if (this.#length === this.capacity) {
      counters.dropped++;
      if (this.overflow === 'drop-oldest') {
        // Full, so the tail slot is the head slot: overwrite the oldest and move the head on.
        const oldest = this.#items[this.#head] as T;
        this.#items[this.#head] = item;
        this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
        this.#onDrop?.(oldest);
        return true;
      }
      this.#onDrop?.(item);
      if (this.overflow === 'error') throw new BufferOverflowError(this.capacity, counters.offered);
      return false;
    }
    let tail = this.#head + this.#length;
    if (tail >= this.capacity) tail -= this.capacity;
    this.#items[tail] = item;
    this.#length++;
    counters.size++;
    if (counters.size > counters.highWaterMark) counters.highWaterMark = counters.size;
    return true;
  }

  /**
   * Removes and returns the oldest item.
   *
   * @returns the oldest item, or `undefined` when empty
   * @example
   * for (let t = queue.take(); t !== undefined; t = queue.take()) handle(t);
   */
  take(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#removeHead();
    this.counters.delivered++;
    return item;
  }

  /**
   * Removes and returns up to `max` of the oldest items, oldest first.
   *
   * @param max - most items to take; default all
   * @returns the items, possibly none
   * @example
   * await db.insertMany(queue.drain(500));
   */
  drain(max: number = Number.POSITIVE_INFINITY): T[] {
    const count = Math.min(this.#length, Math.max(0, Math.floor(max)));
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = this.#removeHead();
    this.counters.delivered += count;
    return out;
  }

  /**
   * Discards every held item, counting each as dropped and passing it to `onDrop`.
   *
   * @returns how many items were discarded
   * @example
   * subscription.add(() => queue.clear());
   */
  clear(): number {
    const count = this.#length;
    const dropped: T[] = this.#onDrop ? new Array<T>(count) : [];
    for (let i = 0; i < count; i++) {
      const item = this.#removeHead();
      if (this.#onDrop) dropped[i] = item;
    }
    this.counters.dropped += count;
    for (const item of dropped) this.#onDrop?.(item);
    return count;
  }

  #removeHead(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
    this.#length--;
    this.counters.size--;
    return item;
  }
}
