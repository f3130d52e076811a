/**
 * Counts of keys over a sliding time window, kept in a fixed number of buckets: a key's count
 * drops as its bucket ages out, and at most `maxKeys` distinct keys are kept (others are
 * counted under `'(other)'`). Memory: buckets × keys, both bounded.
 * @internal
 */
export class PatternCounts {
  static readonly otherKey = '(other)';
  readonly #bucketMs: number;
  readonly #maxKeys: number;
  readonly #starts: number[];
  readonly #buckets: Map<string, number>[];
  readonly #totals = new Map<string, number>();
  #overflowed = 0;

  constructor(windowMs: number, bucketCount: number, maxKeys: number) {
    this.#bucketMs = Math.max(1, Math.ceil(windowMs / bucketCount));
    this.#maxKeys = maxKeys;
    this.#starts = new Array<number>(bucketCount).fill(-1);
    this.#buckets = Array.from({ length: bucketCount }, () => new Map<string, number>());
  }

  /** Adds one to `key` at time `now`; returns the key actually counted. */
  add(key: string, now: number): string {
    this.#expire(now);
    let counted = key;
    if (!this.#totals.has(key) && this.#distinctKeys() >= this.#maxKeys) {
      counted = PatternCounts.otherKey;
      this.#overflowed++;
    }
    const slice = Math.floor(now / this.#bucketMs);
    const index = slice % this.#buckets.length;
    const bucket = this.#buckets[index] as Map<string, number>;
    this.#starts[index] = slice * this.#bucketMs;
    bucket.set(counted, (bucket.get(counted) ?? 0) + 1);
    this.#totals.set(counted, (this.#totals.get(counted) ?? 0) + 1);
    return counted;
  }

  /** Counts within the window at `now`, largest first. */
  counts(now: number): [key: string, count: number][] {
    this.#expire(now);
    return [...this.#totals].sort((a, b) => b[1] - a[1]);
  }

  /** Adds that were counted under `'(other)'` because `maxKeys` was reached. */
  get overflowed(): number {
    return this.#overflowed;
  }

  #distinctKeys(): number {
    return this.#totals.size - (this.#totals.has(PatternCounts.otherKey) ? 1 : 0);
  }

  // Empties every bucket whose slice left the window, taking its counts off the totals.
  #expire(now: number): void {
    const oldest = (Math.floor(now / this.#bucketMs) - this.#buckets.length + 1) * this.#bucketMs;
    for (let i = 0; i < this.#buckets.length; i++) {
      const start = this.#starts[i] as number;
      if (start < 0 || start >= oldest) continue;
      const bucket = this.#buckets[i] as Map<string, number>;
      for (const [key, count] of bucket) {
        const left = (this.#totals.get(key) ?? 0) - count;
        if (left > 0) this.#totals.set(key, left);
        else this.#totals.delete(key);
      }
      bucket.clear();
      this.#starts[i] = -1;
    }
  }
}
