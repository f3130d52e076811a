import { SnapshotConflictError } from '../errors.js';
import type { SnapshotStore } from './SnapshotStore.js';
import type { SnapshotCut, SymbolEntry } from './SymbolEntry.js';

/** Options of {@link SnapshotWriter}. */
/**
 * Snapshot writes in flight worker-wide unless configured: the floor waits for each
 * partition's slowest symbol, so write throughput bounds replay after a crash (README, Snapshots).
 */
export const defaultSnapshotConcurrency = 256;

export interface SnapshotWriterOptions {
  readonly store: SnapshotStore;
  /** Writes in flight at once, worker-wide. Default 256. */
  readonly concurrency?: number;
  /** First retry delay of a failed write; doubles up to 30 s. Default 500 ms. */
  readonly retryBaseMs?: number;
  /** A write lost its compare-and-set: the entry stops folding (see SnapshotConflictError). */
  readonly onConflict: (entry: SymbolEntry, error: SnapshotConflictError) => void;
  /** Any other failed attempt (it is retried). */
  readonly onFailure: (entry: SymbolEntry, error: unknown) => void;
}

/** Counters of a {@link SnapshotWriter}. */
export interface SnapshotWriterCounters {
  cuts: number;
  coalesced: number;
  written: number;
  failedAttempts: number;
  conflicts: number;
}

/**
 * Writes snapshot cuts to the {@link SnapshotStore}: one write in flight per symbol (the
 * compare-and-set chain needs each revision before the next write), at most `concurrency`
 * worker-wide, a newer cut replacing a queued one. Failed writes are retried with backoff and
 * keep holding the partition's floor meanwhile, so nothing is acknowledged that is not stored.
 * Memory: at most two cuts per entry, and entries are bounded by the live-actor and
 * passivation limits.
 *
 * @example
 * writer.cut(entry, store.encode(book.snapshot()), book.lastAppliedSeq, firstSeq);
 */
export class SnapshotWriter {
  readonly counters: SnapshotWriterCounters = {
    cuts: 0,
    coalesced: 0,
    written: 0,
    failedAttempts: 0,
    conflicts: 0,
  };
  readonly #o: Required<SnapshotWriterOptions>;
  /** Entries whose `queued` cut waits for a write slot; FIFO, each entry at most once. */
  readonly #waiting = new Set<SymbolEntry>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #inFlight = 0;

  constructor(options: SnapshotWriterOptions) {
    this.#o = { concurrency: defaultSnapshotConcurrency, retryBaseMs: 500, ...options };
  }

  /** Writes in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Entries waiting for a write slot. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /**
   * Hands over a cut. `firstSeq` is the lowest sequence it is the first to persist.
   */
  cut(entry: SymbolEntry, bytes: Uint8Array, lastSeq: number, firstSeq: number): void {
    if (entry.abandoned) return;
    this.counters.cuts++;
    if (entry.queued !== null) {
      this.counters.coalesced++;
      entry.queued = {
        bytes,
        lastSeq,
        firstSeq: Math.min(firstSeq, entry.queued.firstSeq),
        attempts: 0,
      };
    } else {
      entry.queued = { bytes, lastSeq, firstSeq, attempts: 0 };
    }
    if (entry.writing === null) this.#schedule(entry);
  }

  /** Forgets an entry's pending cuts: it lost ownership; the new owner writes from now on. */
  abandon(entry: SymbolEntry): void {
    entry.abandoned = true;
    entry.queued = null;
    this.#waiting.delete(entry);
    if (entry.writing === null) entry.notifySettled();
  }

  /** Cancels retry timers (on shutdown, after every entry settled or was abandoned). */
  stop(): void {
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
  }

  #schedule(entry: SymbolEntry): void {
    if (this.#inFlight < this.#o.concurrency) this.#start(entry);
    else this.#waiting.add(entry);
  }

  #start(entry: SymbolEntry): void {
    const cut = entry.queued;
    if (cut === null) return;
    entry.queued = null;
    entry.writing = cut;
    this.#inFlight++;
    void this.#write(entry, cut);
  }

  async #write(entry: SymbolEntry, cut: SnapshotCut): Promise<void> {
    let retryIn = 0;
    try {
      entry.revision = await this.#o.store.save(entry.symbol, cut.bytes, entry.revision);
      this.counters.written++;
      entry.writing = null;
    } catch (error) {
      entry.writing = null;
      if (error instanceof SnapshotConflictError) {
        this.counters.conflicts++;
        this.abandon(entry);
        this.#o.onConflict(entry, error);
      } else {
        this.counters.failedAttempts++;
        this.#o.onFailure(entry, error);
        // Put it back unless a newer cut is queued, which covers it (keeping its firstSeq).
        cut.attempts++;
        if (entry.queued === null) entry.queued = cut;
        else entry.queued.firstSeq = Math.min(entry.queued.firstSeq, cut.firstSeq);
        retryIn = Math.min(30_000, this.#o.retryBaseMs * 2 ** (cut.attempts - 1));
      }
    } finally {
      this.#inFlight--;
      this.#next();
    }
    if (entry.abandoned) return;
    if (retryIn > 0) {
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        if (entry.writing === null && !entry.abandoned) this.#schedule(entry);
      }, retryIn);
      timer.unref();
      this.#retryTimers.add(timer);
    } else if (entry.queued !== null) {
      this.#schedule(entry);
    } else {
      entry.notifySettled();
    }
  }

  #next(): void {
    for (const entry of this.#waiting) {
      if (this.#inFlight >= this.#o.concurrency) return;
      this.#waiting.delete(entry);
      if (entry.writing === null) this.#start(entry);
    }
  }
}
