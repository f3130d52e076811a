import type { symbolCache } from '@ballast/machines';
import type { Actor, Subscription } from 'xstate';

/** A running symbolCache actor. */
export type SymbolActor = Actor<typeof symbolCache>;

/** A snapshot cut of a book, waiting to be written or being written. */
export interface SnapshotCut {
  bytes: Uint8Array;
  /** The lowest log sequence whose effect this cut is the first to persist. */
  firstSeq: number;
  /** The book's last applied sequence when cut. */
  readonly lastSeq: number;
  attempts: number;
}

/**
 * What the host keeps per symbol: the actor and the bookkeeping that lets the partition's
 * acknowledged floor advance only past events that are in a persisted snapshot.
 *
 * A symbol's un-persisted events are `openSince` (applied, not cut yet) plus the cuts being
 * written (`writing`) or waiting (`queued`, coalesced: a newer cut replaces it but keeps the
 * older `firstSeq`). {@link SymbolEntry.unpersistedFrom} is the lowest of the three.
 */
export class SymbolEntry {
  readonly symbol: string;
  readonly partition: number;
  actor: SymbolActor | null = null;
  subscription: Subscription | null = null;
  /** KV revision of the stored snapshot this entry's next write must replace. */
  revision: number;
  /** First sequence that dirtied the fold since the last cut; null when every change is cut. */
  openSince: number | null = null;
  /** The first sequence of the ticks being sent, so a cut made while folding them covers them. */
  currentSeq: number | null = null;
  writing: SnapshotCut | null = null;
  queued: SnapshotCut | null = null;
  /** Set once the entry must not write again (ownership lost, or the write kept conflicting). */
  abandoned = false;
  /** Why the actor stopped, once it did. */
  stopReason: 'lru' | 'idle' | 'expired' | 'release' | 'removed' | 'failed' | null = null;
  /** Resolves when nothing of this entry is left to persist (see {@link SymbolEntry.settled}). */
  #settled: { promise: Promise<void>; resolve: () => void } | null = null;
  /** Subjects of its candle updates, built once: string concatenation per tick adds up. */
  readonly candleSubjects: Readonly<Record<string, string>>;

  constructor(
    symbol: string,
    partition: number,
    revision: number,
    candleSubjects: Readonly<Record<string, string>>,
  ) {
    this.symbol = symbol;
    this.partition = partition;
    this.revision = revision;
    this.candleSubjects = candleSubjects;
  }

  /** The lowest sequence whose effect is not yet persisted, or `Infinity`. */
  unpersistedFrom(): number {
    let from = this.openSince ?? Number.POSITIVE_INFINITY;
    if (this.writing !== null && this.writing.firstSeq < from) from = this.writing.firstSeq;
    if (this.queued !== null && this.queued.firstSeq < from) from = this.queued.firstSeq;
    return from;
  }

  /** Whether nothing is waiting to be written. */
  get persisted(): boolean {
    return this.openSince === null && this.writing === null && this.queued === null;
  }

  /** Resolves once nothing is left to write (at once if already so). */
  settled(): Promise<void> {
    if (this.writing === null && this.queued === null) return Promise.resolve();
    if (this.#settled === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#settled = { promise, resolve };
    }
    return this.#settled.promise;
  }

  /** Called by the writer when `writing` and `queued` became empty. */
  notifySettled(): void {
    this.#settled?.resolve();
    this.#settled = null;
  }
}
