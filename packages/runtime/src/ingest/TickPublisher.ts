import {
  encodeTick,
  maxPartitions,
  partition,
  type Tick,
  tickMessageId,
  tickSubject,
} from '@ballast/protocol';
import type { JetStreamClient } from '@nats-io/jetstream';
import { InvalidRuntimeOptionError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { isTransientNatsError } from '../nats/isTransientNatsError.js';

/** Why a {@link TickPublisher} refused or gave up. */
export type TickPublishErrorCode = 'publish_failed' | 'backlog_full' | 'closed';

/**
 * A {@link TickPublisher} gave up on ticks (`publish_failed`, from `flush`), or refused one
 * (`backlog_full`: too many callers waiting for a slot; `closed`: after `close`).
 */
export class TickPublishError extends Error {
  readonly code: TickPublishErrorCode;
  /** Publishes given up on since the previous `flush` (for `publish_failed`). */
  readonly failed: number;

  constructor(
    code: TickPublishErrorCode,
    message: string,
    failed = 0,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TickPublishError';
    this.code = code;
    this.failed = failed;
  }
}

/** Options of {@link TickPublisher}. */
export interface TickPublisherOptions {
  /** The JetStream client (only `publish` is used). */
  readonly js: Pick<JetStreamClient, 'publish'>;
  /** The tick stream's partition count `P`. */
  readonly partitions: number;
  /** Publishes awaiting their ack at once. Default 512. */
  readonly maxInFlight?: number;
  /** Callers blocked in `publish` waiting for a slot; more are refused. Default 1,024. */
  readonly maxWaiting?: number;
  /**
   * How long one tick is retried (same msgID) before it counts as failed. Default 30 s. Keep it
   * below the stream's duplicate window (default 2 min), or a late retry may store a copy.
   */
  readonly retryTimeoutMs?: number;
  /** Ack timeout of one attempt. Default 5 s. */
  readonly ackTimeoutMs?: number;
  /** First pause between attempts, doubling up to 2 s. Default 100 ms. */
  readonly retryBackoffMs?: number;
  /** Feed name for {@link TickPublisher.publishNext}: sources are `<feed>-p<NN>`. */
  readonly feed?: string;
  /**
   * First `sourceSeq` {@link TickPublisher.publishNext} gives: one for every partition, or one
   * per partition (e.g. the {@link TickPublisher.nextSeqs} a previous run saved). Default 0.
   * A feed that keeps no state can pass a clock-based start (`Date.now() * 1000`): a restart
   * then continues above the previous run's seqs, which consumers report as one gap.
   */
  readonly startSeq?: number | readonly number[];
  readonly log?: Logger;
  /** Clock for retry deadlines. Default `Date.now`. */
  readonly now?: () => number;
}

/** Totals since construction; plain fields a metrics module reads. */
export interface TickPublisherCounters {
  /** Acked as new messages. */
  published: number;
  /** Acked as duplicates: the stream already held this msgID (a resend or a retry). */
  duplicates: number;
  /** Attempts repeated after a timeout or no-responders error. */
  retries: number;
  /** Given up on: a permanent error, or retried for `retryTimeoutMs`. */
  failed: number;
  /** Refused before sending: an invalid tick, a full backlog or a closed publisher. */
  rejected: number;
  /** Publishes awaiting their ack now (a gauge). */
  inFlight: number;
  /** Highest `inFlight` seen; never above `maxInFlight`. */
  maxInFlightSeen: number;
  /** `publish` calls that had to wait for a slot (backpressure). */
  waited: number;
}

/** The tick fields a feed supplies to {@link TickPublisher.publishNext}. */
export type TickFields = Omit<Tick, 'v' | 'source' | 'sourceSeq'>;

const maxBackoffMs = 2_000;

/**
 * Publishes ticks to the `TICKS` stream with many publishes in flight: awaited one by one
 * JetStream does ≈ 5 k/s here, with ~500 in flight 18–31 k/s (FACTS.md). `publish` resolves
 * once the tick is sent, and waits only while `maxInFlight` publishes await their ack, so a
 * fast feed is held back rather than buffered. Each tick's msgID is `<source>:<sourceSeq>`: a
 * publish that times out or finds no responders (a stream leader election; nats.js reports
 * `JetStreamNotEnabled` then) is retried with the same msgID, so the stream stores it once.
 * A tick still unacked after `retryTimeoutMs` is counted as failed, logged, and reported by
 * the next `flush`.
 *
 * **Sequence contract.** A source numbers its ticks consecutively per partition (see
 * `SequenceTracker`). {@link TickPublisher.publishNext} keeps it: with `feed: 'sim'` it
 * publishes as source `sim-p<NN>` in partition NN, with consecutive seqs from `startSeq` (a
 * restarted feed passes the previous run's {@link TickPublisher.nextSeqs}). {@link TickPublisher.publish} sends ticks whose
 * source and seq the caller chose (a CSV replay), as they are.
 *
 * @example
 * await using pub = new TickPublisher({ js: jetstream(nc), partitions: 16, feed: 'sim' });
 * for (const t of trades) await pub.publishNext({ symbol: t.sym, price: t.px, size: t.qty, ts: t.ts });
 * await pub.flush(); // throws TickPublishError when some ticks could not be stored
 */
export class TickPublisher implements AsyncDisposable {
  readonly counters: TickPublisherCounters = {
    published: 0,
    duplicates: 0,
    retries: 0,
    failed: 0,
    rejected: 0,
    inFlight: 0,
    maxInFlightSeen: 0,
    waited: 0,
  };
  readonly partitions: number;
  readonly maxInFlight: number;
  readonly maxWaiting: number;
  readonly retryTimeoutMs: number;
  readonly ackTimeoutMs: number;
  readonly #js: Pick<JetStreamClient, 'publish'>;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #backoffMs: number;
  /** Per partition: the source `publishNext` uses and its next seq. */
  readonly #sources: readonly string[];
  readonly #nextSeq: number[];
  /** Callers waiting for a slot, oldest first; at most `maxWaiting`. */
  readonly #waiting: (() => void)[] = [];
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;
  #failedSinceFlush = 0;
  #firstFailure: unknown;
  #closed = false;

  /** @throws {InvalidRuntimeOptionError} naming the option that is out of range */
  constructor(options: TickPublisherOptions) {
    this.#js = options.js;
    this.#log = options.log ?? silentLogger();
    this.#now = options.now ?? Date.now;
    this.partitions = intOption('partitions', options.partitions, 1, maxPartitions);
    this.maxInFlight = intOption('maxInFlight', options.maxInFlight ?? 512, 1);
    this.maxWaiting = intOption('maxWaiting', options.maxWaiting ?? 1_024, 1);
    this.retryTimeoutMs = intOption('retryTimeoutMs', options.retryTimeoutMs ?? 30_000, 0);
    this.ackTimeoutMs = intOption('ackTimeoutMs', options.ackTimeoutMs ?? 5_000, 1);
    this.#backoffMs = intOption('retryBackoffMs', options.retryBackoffMs ?? 100, 1);
    const feed = options.feed;
    const width = Math.max(2, String(this.partitions - 1).length);
    this.#sources =
      feed === undefined
        ? []
        : Array.from(
            { length: this.partitions },
            (_, p) => `${feed}-p${String(p).padStart(width, '0')}`,
          );
    const start = options.startSeq ?? 0;
    if (typeof start !== 'number' && start.length !== this.partitions) {
      throw new InvalidRuntimeOptionError(
        'startSeq',
        start,
        `one seq per partition (${this.partitions})`,
      );
    }
    this.#nextSeq = this.#sources.map((_, p) =>
      intOption('startSeq', typeof start === 'number' ? start : (start[p] as number), 0),
    );
    if (feed !== undefined) checkFeed(feed, this.#sources.at(-1) as string);
  }

  /**
   * Publishes a tick as it is (its own source and seq). Resolves when it is sent; its ack is
   * awaited in the background (see {@link TickPublisher.flush}).
   *
   * @throws {ProtocolError} for an invalid tick (counted as rejected)
   * @throws {TickPublishError} `backlog_full` or `closed`
   * @example
   * for (const row of csv) await pub.publish(row);
   */
  async publish(tick: Tick): Promise<void> {
    let data: Uint8Array;
    let subject: string;
    try {
      this.#assertOpen();
      data = encodeTick(tick);
      subject = tickSubject(tick.symbol, this.partitions);
    } catch (error) {
      this.counters.rejected++;
      throw error;
    }
    const slot = this.#acquire();
    if (slot !== undefined) await slot;
    this.#start(subject, data, tickMessageId(tick));
  }

  /**
   * Publishes a tick as source `<feed>-p<NN>` of its partition with the partition's next seq.
   * The seq is taken only when the tick is valid, so an invalid tick leaves no gap.
   *
   * @returns the tick as published, once it is sent
   * @throws {InvalidRuntimeOptionError} when the publisher has no `feed`
   * @throws {ProtocolError} for an invalid tick (counted as rejected)
   * @example
   * const tick = await pub.publishNext({ symbol: 'AAPL', price: 187.2, size: 100, ts: Date.now() });
   * tick.source; // 'sim-p11'
   */
  async publishNext(fields: TickFields): Promise<Tick> {
    if (this.#sources.length === 0) {
      throw new InvalidRuntimeOptionError('feed', undefined, 'a feed name to use publishNext');
    }
    let tick: Tick;
    let data: Uint8Array;
    let subject: string;
    let p: number;
    try {
      this.#assertOpen();
      p = partition(fields.symbol, this.partitions);
      subject = tickSubject(fields.symbol, this.partitions);
      tick = {
        v: 1,
        symbol: fields.symbol,
        price: fields.price,
        size: fields.size,
        ts: fields.ts,
        source: this.#sources[p] as string,
        sourceSeq: this.#nextSeq[p] as number,
        ...(fields.openInterest !== undefined && { openInterest: fields.openInterest }),
      };
      data = encodeTick(tick);
    } catch (error) {
      this.counters.rejected++;
      throw error;
    }
    // Taken before waiting for a slot, so concurrent calls get distinct seqs, and only after
    // #acquire accepted the call, so a refused tick leaves no gap.
    const slot = this.#acquire();
    this.#nextSeq[p] = tick.sourceSeq + 1;
    if (slot !== undefined) await slot;
    this.#start(subject, data, tickMessageId(tick));
    return tick;
  }

  /**
   * The seqs {@link TickPublisher.publishNext} gives next, one per partition (empty without a
   * feed); a restarted feed passes them back as `startSeq`.
   *
   * @example
   * await writeFile('feed-state.json', JSON.stringify(pub.nextSeqs()));
   */
  nextSeqs(): number[] {
    return [...this.#nextSeq];
  }

  /**
   * Waits until every publish sent so far is acked or given up on.
   *
   * @throws {TickPublishError} `publish_failed` naming how many ticks failed since the
   *   previous flush, with the first failure as `cause` (each failure is reported once)
   * @example
   * await pub.flush();
   */
  async flush(): Promise<void> {
    if (this.counters.inFlight > 0 || this.#waiting.length > 0) {
      if (this.#idle === undefined) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        this.#idle = { promise, resolve };
      }
      await this.#idle.promise;
    }
    const failed = this.#failedSinceFlush;
    if (failed === 0) return;
    const cause = this.#firstFailure;
    this.#failedSinceFlush = 0;
    this.#firstFailure = undefined;
    throw new TickPublishError(
      'publish_failed',
      `${failed} tick publish(es) failed since the last flush (first: ${errorText(cause)}); ` +
        'they are not in the stream: check the stream and the server, then republish them ' +
        '(the same source and sourceSeq are deduplicated within the duplicate window)',
      failed,
      { cause },
    );
  }

  /**
   * Refuses further publishes and waits for the ones in flight, like {@link TickPublisher.flush}:
   * at most `retryTimeoutMs` plus one ack timeout, since retries go on until their deadline
   * (stopping them early would lose ticks the caller was told were sent).
   *
   * @example
   * await pub.close();
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Same as {@link TickPublisher.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new TickPublishError('closed', 'TickPublisher is closed; create a new one to publish');
    }
  }

  /**
   * Takes an in-flight slot: `undefined` when taken at once, else a promise that resolves
   * when #release hands one over (inFlight then already counts it).
   * @throws {TickPublishError} `backlog_full`, synchronously
   */
  #acquire(): Promise<void> | undefined {
    const counters = this.counters;
    if (counters.inFlight >= this.maxInFlight || this.#waiting.length > 0) {
      if (this.#waiting.length >= this.maxWaiting) {
        counters.rejected++;
        throw new TickPublishError(
          'backlog_full',
          `${this.#waiting.length} publish() calls already wait for one of ${this.maxInFlight} ` +
            'in-flight slots; await each publish() before the next, or raise maxWaiting',
        );
      }
      counters.waited++;
      return new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    counters.inFlight++;
    if (counters.inFlight > counters.maxInFlightSeen) counters.maxInFlightSeen = counters.inFlight;
    return undefined;
  }

  #start(subject: string, data: Uint8Array, msgID: string): void {
    void this.#deliver(subject, data, msgID).finally(() => this.#release());
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) {
      next();
      return;
    }
    this.counters.inFlight--;
    if (this.counters.inFlight === 0 && this.#idle !== undefined) {
      this.#idle.resolve();
      this.#idle = undefined;
    }
  }

  /** Publishes until acked, retrying transient errors with the same msgID; never rejects. */
  async #deliver(subject: string, data: Uint8Array, msgID: string): Promise<void> {
    const counters = this.counters;
    const started = this.#now();
    for (let attempt = 0; ; attempt++) {
      try {
        const ack = await this.#js.publish(subject, data, { msgID, timeout: this.ackTimeoutMs });
        if (ack.duplicate) counters.duplicates++;
        else counters.published++;
        return;
      } catch (error) {
        const left = this.retryTimeoutMs - (this.#now() - started);
        if (isTransientNatsError(error) && left > 0) {
          counters.retries++;
          await sleep(Math.min(left, this.#backoffMs * 2 ** Math.min(attempt, 16), maxBackoffMs));
          continue;
        }
        counters.failed++;
        if (this.#failedSinceFlush++ === 0) {
          this.#firstFailure = error;
          this.#log.error(
            { subject, msgID, attempts: attempt + 1, err: errorText(error) },
            'tick publish failed; further failures until the next flush are counted only',
          );
        }
        return;
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  // Unref'd: a pending retry must not keep a process alive that is otherwise done.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function intOption(
  name: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new InvalidRuntimeOptionError(name, value, range);
  }
  return value;
}

/** Checks the longest source name the feed gives is a valid tick source. */
function checkFeed(feed: string, longestSource: string): void {
  try {
    encodeTick({
      v: 1,
      symbol: 'X',
      price: 1,
      size: 0,
      ts: Date.UTC(2000, 0, 1),
      source: longestSource,
      sourceSeq: 0,
    });
  } catch {
    throw new InvalidRuntimeOptionError(
      'feed',
      feed,
      `a subject token (no '.', '*', '>' or whitespace) short enough for '${longestSource}' to fit 64 bytes`,
    );
  }
}
