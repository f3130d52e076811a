/**
 * A fixed-capacity ring: pushing into a full ring overwrites the oldest item. Memory is
 * `capacity` slots from construction on, whatever the traffic.
 * @internal
 */
export class Ring<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds `item`; returns true when it overwrote the oldest one. */
  push(item: T): boolean {
    const overwrote = this.#size === this.capacity;
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (!overwrote) this.#size++;
    return overwrote;
  }

  /** Items oldest first, at most `limit` of the newest. */
  toArray(limit = this.#size): T[] {
    const count = Math.min(limit, this.#size);
    const out = new Array<T>(count);
    const start = (this.#next - count + this.capacity) % this.capacity;
    for (let i = 0; i < count; i++) out[i] = this.#items[(start + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
