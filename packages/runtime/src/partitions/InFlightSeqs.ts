/** A message whose handling did not finish when it was taken (its tick waits for a hydration). */
export interface InFlightSeq {
  /** Its log sequence. */
  readonly seq: number;
  /** Set by {@link InFlightSeqs.finish}. */
  done: boolean;
  /**
   * The highest sequence handled at once after this one and before the next in-flight one:
   * when this entry leaves the head, everything up to `through` is handled.
   */
  through: number;
}

/**
 * A partition's progress when messages finish out of order: `processed` is the highest log
 * sequence S such that every message of the partition at or below S was fully handled
 * (folded or refused). That is what checkpoint floors, consumer restarts and the stall check
 * may rely on; the highest sequence handled is not, while an earlier tick still waits.
 *
 * Messages are taken in increasing sequence order, so a FIFO of the unfinished ones is
 * enough: `processed` advances over its done prefix. A message handled at once does not take
 * an entry — it only extends the last entry's `through` (or moves `processed` directly when
 * nothing is in flight), so live ticks cost no allocation and cannot fill the FIFO. The FIFO
 * holds at most `capacity` entries; {@link InFlightSeqs.full} tells the caller to wait.
 *
 * @example
 * const progress = new InFlightSeqs(100, 512);
 * const cold = progress.begin(101); // waits for its actor
 * progress.complete(102); // folded at once
 * progress.processed; // 100: 101 is not folded yet
 * progress.finish(cold);
 * progress.processed; // 102
 */
export class InFlightSeqs {
  /** Most unfinished (or finished but not yet at the head) entries held. */
  readonly capacity: number;
  readonly #ring: (InFlightSeq | undefined)[];
  #head = 0;
  #size = 0;
  #processed: number;
  /** The last sequence taken, to refuse one that goes back. */
  #last: number;

  /**
   * @param start - `processed` before the first message (the consumer's start position)
   * @param capacity - most entries in flight, >= 1
   */
  constructor(start: number, capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`InFlightSeqs capacity = ${capacity}: expected an integer >= 1`);
    }
    this.capacity = capacity;
    this.#ring = new Array<InFlightSeq | undefined>(capacity);
    this.#processed = start;
    this.#last = start;
  }

  /** Highest sequence with every message at or below it handled. */
  get processed(): number {
    return this.#processed;
  }

  /** Entries held: in flight, or done behind one that is not. */
  get size(): number {
    return this.#size;
  }

  /** Whether {@link InFlightSeqs.begin} would be refused. */
  get full(): boolean {
    return this.#size === this.capacity;
  }

  /** The message `seq` was handled as soon as it was taken. */
  complete(seq: number): void {
    this.#take(seq);
    if (this.#size === 0) this.#processed = seq;
    else (this.#ring[(this.#head + this.#size - 1) % this.capacity] as InFlightSeq).through = seq;
  }

  /**
   * The message `seq` was taken but is not handled yet.
   *
   * @returns its entry, for {@link InFlightSeqs.finish}
   * @throws {RangeError} when full (check {@link InFlightSeqs.full} first)
   */
  begin(seq: number): InFlightSeq {
    if (this.#size === this.capacity) {
      throw new RangeError(
        `${this.capacity} messages are in flight already; wait until InFlightSeqs.full is false`,
      );
    }
    this.#take(seq);
    const entry: InFlightSeq = { seq, done: false, through: seq };
    this.#ring[(this.#head + this.#size) % this.capacity] = entry;
    this.#size++;
    return entry;
  }

  /** The message of `entry` is handled; `processed` moves over the done prefix. */
  finish(entry: InFlightSeq): void {
    entry.done = true;
    while (this.#size > 0) {
      const head = this.#ring[this.#head] as InFlightSeq;
      if (!head.done) break;
      this.#processed = head.through;
      this.#ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
    }
  }

  #take(seq: number): void {
    // An ordered consumer delivers in increasing order; anything else is a bug upstream, and
    // accepting it would let `processed` jump over a message that is not handled.
    if (!(seq > this.#last)) {
      throw new RangeError(
        `message seq ${seq} taken after seq ${this.#last}: sequences must increase`,
      );
    }
    this.#last = seq;
  }
}
