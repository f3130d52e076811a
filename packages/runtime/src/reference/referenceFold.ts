import { SymbolBook, type SymbolBookOptions } from '@ballast/machines';
import { type DeadLetterReason, maxPartitions } from '@ballast/protocol';
import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { InvalidRuntimeOptionError } from '../errors.js';
import { admitTick } from '../ingest/tickAdmission.js';
import { topologyNames } from '../topology.js';

/** One symbol's state after the clean fold. */
export interface FoldedSymbol {
  /** `SymbolBook.digest()`: equal digests mean equal books. */
  readonly digest: string;
  /** Log sequence of the last tick folded. */
  readonly lastSeq: number;
  /** Ticks folded into at least one window. */
  readonly applied: number;
}

/** Options of {@link referenceFold}. */
export interface ReferenceFoldOptions {
  /** The JetStream client to read the tick log with. */
  readonly js: Pick<JetStreamClient, 'consumers' | 'streams'>;
  /** The tick stream's partition count `P`, as the workers use it. */
  readonly partitions: number;
  /** Window bounds, as the workers use them. */
  readonly book?: SymbolBookOptions;
  /** Fold up to and including this log sequence; default the stream's last one at the start. */
  readonly upToSeq?: number;
  /** Stream name. Default `TICKS`. */
  readonly stream?: string;
  /** Most symbols folded; more is an error (this is a test and audit tool). Default 100,000. */
  readonly maxSymbols?: number;
  /** Gives up when the log is not read in this time. Default 60 s. */
  readonly timeoutMs?: number;
  /** Called for each message not folded: a dead letter's reason, or `duplicate` (sourceSeq). */
  readonly onSkip?: (seq: number, reason: DeadLetterReason) => void;
}

/** {@link referenceFold} could not finish: a timeout, too many symbols, or a read error. */
export class ReferenceFoldError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReferenceFoldError';
  }
}

/**
 * The clean fold tests compare workers with (invariant I1): reads the tick log from its first
 * message with an ordered consumer and folds every symbol by the workers' rules, in log order:
 * `admitTick` refuses bad messages; `new SymbolBook(symbol, book).apply(tick, seq)` folds the
 * rest, each once by log sequence. A `source:sourceSeq` logged twice (a resend past the
 * stream's duplicate window) folds twice here as in a worker, whose sequence tracker only
 * reports it: dropping by a tracker's verdict would make a fold depend on where it started.
 *
 * A symbol none of whose ticks was admitted has no entry. The fold holds one book per symbol
 * in memory: it is for tests and audits, not for a production-size log.
 *
 * @returns digest, last folded sequence and applied count per symbol
 * @throws {ReferenceFoldError} on a timeout, more than `maxSymbols` symbols, or a read error
 * @example
 * const clean = await referenceFold({ js: jetstream(nc), partitions: 16 });
 * expect(await recoveredDigest('AAPL')).toBe(clean.get('AAPL')?.digest);
 */
export async function referenceFold(
  options: ReferenceFoldOptions,
): Promise<Map<string, FoldedSymbol>> {
  const { js, partitions } = options;
  const stream = options.stream ?? topologyNames.ticks;
  const maxSymbols = options.maxSymbols ?? 100_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > maxPartitions) {
    throw new InvalidRuntimeOptionError(
      'partitions',
      partitions,
      `an integer from 1 to ${maxPartitions}`,
    );
  }
  if (!Number.isSafeInteger(maxSymbols) || maxSymbols < 1) {
    throw new InvalidRuntimeOptionError('maxSymbols', maxSymbols, 'an integer >= 1');
  }
  if (
    options.upToSeq !== undefined &&
    !(Number.isSafeInteger(options.upToSeq) && options.upToSeq >= 0)
  ) {
    throw new InvalidRuntimeOptionError('upToSeq', options.upToSeq, 'an integer >= 0');
  }
  const { state } = await (await js.streams.get(stream)).info();
  const lastSeq = Math.min(state.last_seq, options.upToSeq ?? Number.POSITIVE_INFINITY);
  const books = new Map<string, SymbolBook>();
  if (state.messages === 0 || lastSeq < state.first_seq) return results(books);

  const fold = (msg: JsMsg): void => {
    const admission = admitTick(msg.subject, msg.data, partitions, 0);
    if (!admission.ok) {
      options.onSkip?.(msg.seq, admission.deadLetter.reason);
      return;
    }
    const { tick } = admission;
    let book = books.get(tick.symbol);
    if (book === undefined) {
      if (books.size >= maxSymbols) {
        throw new ReferenceFoldError(
          `the log holds more than ${maxSymbols} symbols; raise maxSymbols to fold them all`,
        );
      }
      book = new SymbolBook(tick.symbol, options.book);
      books.set(tick.symbol, book);
    }
    book.apply(tick, msg.seq);
  };

  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  let finished = false;
  const messages = await consumer.consume({
    max_messages: 1_000,
    callback: (msg) => {
      if (finished || msg.seq > lastSeq) {
        finished = true;
        settle();
        return;
      }
      try {
        fold(msg);
      } catch (error) {
        finished = true;
        settle(error);
        return;
      }
      // pending counts the messages after this one: 0 means the log's end as of now.
      if (msg.seq >= lastSeq || msg.info.pending === 0) {
        finished = true;
        settle();
      }
    },
  });
  const timer = setTimeout(() => {
    finished = true;
    settle(
      new ReferenceFoldError(
        `reading ${stream} up to seq ${lastSeq} took over ${timeoutMs} ms; raise timeoutMs`,
      ),
    );
  }, timeoutMs);
  timer.unref();
  try {
    await done;
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  return results(books);
}

function results(books: Map<string, SymbolBook>): Map<string, FoldedSymbol> {
  const out = new Map<string, FoldedSymbol>();
  for (const [symbol, book] of books) {
    out.set(symbol, {
      digest: book.digest(),
      lastSeq: book.lastAppliedSeq,
      applied: book.counters.applied,
    });
  }
  return out;
}
