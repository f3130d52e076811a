/**
 * A fixed-capacity ring: pushing onto a full ring overwrites the oldest item. The bound holds
 * at insert, so a history fed by the network never grows past `capacity`.
 *
 * @example
 * const errors = new Ring<ErrorEntry>(50);
 * errors.push(entry);
 * errors.toArray(); // oldest first, at most 50
 */
export class Ring<T> {
  readonly capacity: number;
  /** Items overwritten since creation. */
  overwritten = 0;
  #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.capacity) this.overwritten++;
    else this.#size++;
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The newest item, or undefined when empty. */
  last(): T | undefined {
    if (this.#size === 0) return undefined;
    return this.#items[(this.#next - 1 + this.capacity) % this.capacity];
  }

  /** Items oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(start + i) % this.capacity] as T);
    return out;
  }
}
