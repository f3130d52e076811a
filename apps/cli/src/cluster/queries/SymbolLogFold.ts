import { type LastQuote, SymbolBook, type SymbolBookOptions } from '@ballast/machines';
import type { DeadLetterReason, Tick } from '@ballast/protocol';
import { admitTick } from '@ballast/runtime';

/** What the fold did with one logged message: `applied`, or why a worker would not fold it. */
type ReplayOutcome = 'applied' | DeadLetterReason;

/** One message of a symbol's log, as `ballast replay` shows it. */
export interface ReplayEvent {
  /** Log (TICKS stream) sequence. */
  readonly seq: number;
  /** The decoded tick; `null` when it did not decode (`outcome` says why). */
  readonly tick: Tick | null;
  readonly outcome: ReplayOutcome;
}

/** The state folded from a symbol's log. */
export interface SymbolFoldResult {
  readonly symbol: string;
  /** `SymbolBook.digest()`, the value the live actor reports for the same events. */
  readonly digest: string;
  readonly lastAppliedSeq: number;
  readonly quote: LastQuote | null;
  /** Messages read. */
  readonly events: number;
  readonly applied: number;
  /** Messages not applied, by reason. */
  readonly skipped: Readonly<Partial<Record<DeadLetterReason, number>>>;
}

/** Options of {@link SymbolLogFold}. */
export interface SymbolLogFoldOptions {
  /** Window bounds, as the workers use them (default: the design's). */
  readonly book?: SymbolBookOptions;
}

/**
 * Folds one symbol's logged ticks by the workers' rules, one message at a time: `admitTick`
 * refuses what a worker dead-letters and `SymbolBook.apply` folds the rest (a resent
 * `sourceSeq` too: a worker only reports it) — so after the messages up to the live
 * actor's `lastAppliedSeq` the digest equals the actor's (runtime's `referenceFold` applies
 * the same rules to the whole log; this reads only the symbol's subject).
 *
 * @example
 * const fold = new SymbolLogFold('AAPL', 16);
 * fold.apply(msg.seq, msg.subject, msg.data).outcome; // 'applied'
 * fold.result().digest;
 */
export class SymbolLogFold {
  readonly symbol: string;
  readonly partitions: number;
  readonly book: SymbolBook;
  readonly #skipped: Partial<Record<DeadLetterReason, number>> = {};
  #events = 0;

  /** @throws {InvalidOptionError} on a bad window bound */
  constructor(symbol: string, partitions: number, options: SymbolLogFoldOptions = {}) {
    this.symbol = symbol;
    this.partitions = partitions;
    this.book = new SymbolBook(symbol, options.book);
  }

  /**
   * Folds one logged message.
   *
   * @param seq - its stream sequence (increasing)
   * @param subject - the subject it was logged on
   * @param data - its payload
   * @returns the event and what happened to it
   * @example
   * const { tick, outcome } = fold.apply(12, 'md.tick.3.AAPL', bytes);
   */
  apply(seq: number, subject: string, data: Uint8Array): ReplayEvent {
    this.#events++;
    const admission = admitTick(subject, data, this.partitions, 0);
    if (!admission.ok) return this.#skip(seq, null, admission.deadLetter.reason);
    const tick = admission.tick;
    const result = this.book.apply(tick, seq);
    if (result === 'applied') return { seq, tick, outcome: 'applied' };
    return this.#skip(seq, tick, result === 'too-old' ? 'too_old' : 'duplicate');
  }

  /**
   * The folded state now.
   *
   * @example
   * const { digest, lastAppliedSeq } = fold.result();
   */
  result(): SymbolFoldResult {
    return {
      symbol: this.symbol,
      digest: this.book.digest(),
      lastAppliedSeq: this.book.lastAppliedSeq,
      quote: this.book.quote,
      events: this.#events,
      applied: this.book.counters.applied,
      skipped: { ...this.#skipped },
    };
  }

  #skip(seq: number, tick: Tick | null, reason: DeadLetterReason): ReplayEvent {
    this.#skipped[reason] = (this.#skipped[reason] ?? 0) + 1;
    return { seq, tick, outcome: reason };
  }
}
