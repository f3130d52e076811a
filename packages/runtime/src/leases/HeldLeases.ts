/** A lease this worker holds: the revision to update it with, and when it stops counting. */
export interface HeldLease {
  revision: number;
  /** Local monotonic time after which the lease may have expired on the server. */
  deadline: number;
}

/**
 * The leases one worker holds, each valid until its local deadline, with one timer at the
 * earliest deadline. The timer is what reports a loss while the lease loop is stuck on a
 * server that does not answer; {@link HeldLeases.owns} does not depend on it.
 *
 * @example
 * const held = new HeldLeases(() => performance.now(), (p) => lose(p, 'deadline passed'));
 * held.set(3, { revision: 7, deadline: performance.now() + 1200 });
 * held.owns(3); // true for 1.2 s
 */
export class HeldLeases {
  readonly #leases = new Map<number, HeldLease>();
  readonly #now: () => number;
  readonly #onExpired: (partition: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /**
   * @param now - monotonic milliseconds
   * @param onExpired - called for each lease whose deadline passed; it should delete it
   */
  constructor(now: () => number, onExpired: (partition: number) => void) {
    this.#now = now;
    this.#onExpired = onExpired;
  }

  get size(): number {
    return this.#leases.size;
  }

  get(partition: number): HeldLease | undefined {
    return this.#leases.get(partition);
  }

  /** Every held lease, past its deadline or not, ascending. */
  partitions(): number[] {
    return [...this.#leases.keys()].sort((a, b) => a - b);
  }

  /** Snapshot of the held leases, safe to iterate while they change. */
  entries(): [number, HeldLease][] {
    return [...this.#leases];
  }

  set(partition: number, lease: HeldLease): void {
    this.#leases.set(partition, lease);
    this.arm();
  }

  /** @returns whether `partition` was held */
  delete(partition: number): boolean {
    const deleted = this.#leases.delete(partition);
    if (deleted) this.arm();
    return deleted;
  }

  /** Whether `partition` is held and its deadline has not passed. */
  owns(partition: number): boolean {
    const lease = this.#leases.get(partition);
    return lease !== undefined && this.#now() < lease.deadline;
  }

  /** Partitions held and within their deadline, ascending. */
  owned(): number[] {
    const now = this.#now();
    const owned: number[] = [];
    for (const [p, lease] of this.#leases) if (now < lease.deadline) owned.push(p);
    return owned.sort((a, b) => a - b);
  }

  /** Re-arms the timer at the earliest deadline; call after changing a deadline. */
  arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#leases.size === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const lease of this.#leases.values()) earliest = Math.min(earliest, lease.deadline);
    const delay = Math.max(0, Math.ceil(earliest - this.#now()));
    this.#timer = setTimeout(() => this.expire(), delay);
    this.#timer.unref();
  }

  /** Reports every lease past its deadline to `onExpired`, then re-arms. */
  expire(): void {
    const now = this.#now();
    for (const [p, lease] of this.entries()) {
      if (lease.deadline > now) continue;
      this.#onExpired(p);
      this.#leases.delete(p); // in case the callback did not: never re-fire for the same lease
    }
    this.arm();
  }

  /** Clears the timer for good; the leases stay readable (a crashed worker's view). */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
