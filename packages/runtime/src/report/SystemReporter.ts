import { causeOf, toErrorInfo } from '@ballast/machines';
import {
  type DeadLetter,
  type DeadLetterReason,
  deadLetterPayloadLimit,
  deadLetterReasons,
  type ErrorEntry,
  encodeDeadLetter,
  encodeErrorEntry,
  maxLabelLength,
  maxTextLength,
  systemSubjects,
} from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { InvalidRuntimeOptionError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';

/** Options of {@link SystemReporter}. */
export interface SystemReporterOptions {
  /** Core NATS connection (only `publish` is used). */
  readonly nc: Pick<NatsConnection, 'publish'>;
  readonly log?: Logger;
  /** Clock for `at` stamps and the rate limit. Default `Date.now`. */
  readonly now?: () => number;
  /** Dead letters and errors kept in memory, each. Default 500. */
  readonly recentCapacity?: number;
  /** Distinct error kinds counted; further kinds count as `other`. Default 100. */
  readonly maxErrorKinds?: number;
  /** Messages published per second per subject; more are counted, not sent. Default 100. */
  readonly maxPublishPerSecond?: number;
  /** How often a summary of the interval is logged (when anything happened); 0 = never. Default 60 s. */
  readonly summaryIntervalMs?: number;
}

/** An error to report: an {@link ErrorEntry} whose `v` is implied and `at` defaults to now. */
export type ErrorReport = Omit<ErrorEntry, 'v' | 'at'> & { readonly at?: number };

/** Totals since construction; plain fields a metrics module reads. */
export interface SystemReporterCounters {
  /** Dead letters by reason, published or not. */
  readonly deadLetters: Record<DeadLetterReason, number>;
  /** Errors by kind, published or not: at most `maxErrorKinds` keys plus `other`. */
  readonly errors: Record<string, number>;
  /** Messages put on `sys.deadletter` and `sys.errors`. */
  published: number;
  /** Messages over the rate limit: counted above, kept in memory, not published or logged one by one. */
  suppressed: number;
  /** Messages that could not be encoded or published (e.g. connection closed). */
  publishFailed: number;
}

/** The `counters.errors` key that kinds beyond `maxErrorKinds` are counted under. */
const otherKind = 'other';

/**
 * The one place a worker reports bad input and failures, so that none is silent: each dead
 * letter goes on `sys.deadletter` and each error on `sys.errors` (core NATS), is counted by
 * reason or kind, and is kept among the last `recentCapacity` in memory for `ballast top` and
 * the dashboard. Errors are logged at warn with their fields, dead letters at debug, with a
 * periodic summary at info.
 *
 * A flood (100k bad messages) must not flood NATS or the log: each subject gets at most
 * `maxPublishPerSecond` messages (a token bucket); the rest are counted as `suppressed`, still
 * counted by reason and kept in memory, and appear in the summary.
 *
 * @example
 * const reporter = new SystemReporter({ nc, log });
 * const admission = admitTick(msg.subject, msg.data, 16);
 * if (!admission.ok) reporter.deadLetter(admission.deadLetter);
 * reporter.failure('symbolCache/AAPL', 'symbolCache', error, 'live');
 */
export class SystemReporter implements Disposable {
  readonly counters: SystemReporterCounters;
  readonly maxErrorKinds: number;
  readonly maxPublishPerSecond: number;
  readonly #nc: Pick<NatsConnection, 'publish'>;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #recentDeadLetters: LatestRing<DeadLetter>;
  readonly #recentErrors: LatestRing<ErrorEntry>;
  readonly #deadLetterBucket: TokenBucket;
  readonly #errorBucket: TokenBucket;
  #errorKinds = 0;
  #lastPublishOk = true;
  #timer: NodeJS.Timeout | undefined;
  /** Counters at the previous summary, to log what changed since. */
  #lastSummary: { deadLetters: number; errors: number; suppressed: number; publishFailed: number };

  /** @throws {InvalidRuntimeOptionError} naming an option out of range */
  constructor(options: SystemReporterOptions) {
    this.#nc = options.nc;
    this.#log = options.log ?? silentLogger();
    this.#now = options.now ?? Date.now;
    const capacity = intOption('recentCapacity', options.recentCapacity ?? 500, 1);
    this.maxErrorKinds = intOption('maxErrorKinds', options.maxErrorKinds ?? 100, 1);
    this.maxPublishPerSecond = intOption(
      'maxPublishPerSecond',
      options.maxPublishPerSecond ?? 100,
      1,
    );
    const summaryMs = intOption('summaryIntervalMs', options.summaryIntervalMs ?? 60_000, 0);
    this.#recentDeadLetters = new LatestRing(capacity);
    this.#recentErrors = new LatestRing(capacity);
    const start = this.#now();
    this.#deadLetterBucket = new TokenBucket(this.maxPublishPerSecond, start);
    this.#errorBucket = new TokenBucket(this.maxPublishPerSecond, start);
    const deadLetters = {} as Record<DeadLetterReason, number>;
    for (const reason of deadLetterReasons) deadLetters[reason] = 0;
    // No prototype: an error kind named `__proto__` or `constructor` is just a key.
    const errors = Object.create(null) as Record<string, number>;
    this.counters = { deadLetters, errors, published: 0, suppressed: 0, publishFailed: 0 };
    this.#lastSummary = this.#totals();
    if (summaryMs > 0) {
      this.#timer = setInterval(() => this.summarize(), summaryMs);
      this.#timer.unref();
    }
  }

  /**
   * Counts, keeps and (within the rate limit) publishes and logs a dead letter.
   *
   * @example
   * reporter.deadLetter(deadLetterFor(error, { subject: msg.subject, payload: msg.data, at: Date.now() }));
   */
  deadLetter(letter: DeadLetter): void {
    const byReason = this.counters.deadLetters;
    if (Object.hasOwn(byReason, letter.reason)) byReason[letter.reason]++;
    // Copied and cut to the wire's limits: the payload is usually a view into the whole
    // message buffer, and a caller's object may carry more than a dead letter's fields.
    const kept: DeadLetter = {
      v: 1,
      reason: letter.reason,
      subject: clip(letter.subject, maxTextLength),
      detail: clip(letter.detail, maxTextLength),
      at: letter.at,
      payload: letter.payload.slice(0, deadLetterPayloadLimit),
      payloadSize: letter.payloadSize,
    };
    this.#recentDeadLetters.push(kept);
    if (!this.#deadLetterBucket.take(this.#now())) {
      this.counters.suppressed++;
      return;
    }
    this.#log.debug(
      { reason: letter.reason, subject: letter.subject, payloadSize: letter.payloadSize },
      letter.detail,
    );
    this.#publish(systemSubjects.deadLetter, () => encodeDeadLetter(kept));
  }

  /**
   * Counts, keeps and (within the rate limit) publishes and logs an error.
   *
   * @returns the entry as recorded
   * @example
   * reporter.error({ source: 'worker-1', kind: 'sequence', code: 'gap', message: 'sim-p03: 42..43 missing' });
   */
  error(report: ErrorReport): ErrorEntry {
    // Known fields only, cut to the wire's limits: what is kept in memory stays small.
    const entry: ErrorEntry = {
      v: 1,
      source: clip(report.source, maxLabelLength),
      kind: clip(report.kind, maxLabelLength),
      ...(report.state !== undefined && { state: clip(report.state, maxTextLength) }),
      code: clip(report.code, maxLabelLength),
      message: clip(report.message, maxTextLength),
      ...(report.cause !== undefined && { cause: clip(report.cause, maxTextLength) }),
      at: report.at ?? this.#now(),
    };
    this.#countKind(entry.kind);
    this.#recentErrors.push(entry);
    if (!this.#errorBucket.take(this.#now())) {
      this.counters.suppressed++;
      return entry;
    }
    const { v: _v, message, ...fields } = entry;
    this.#log.warn(fields, message);
    this.#publish(systemSubjects.errors, () => encodeErrorEntry(entry));
    return entry;
  }

  /**
   * Reports a thrown value: its code (or class name), message and cause chain.
   *
   * @param source - who failed: an actor id or task name
   * @param kind - the actor kind or task type, for grouping
   * @param state - the machine state (a string, or a value shown as JSON)
   * @example
   * task().catch((error) => reporter.failure('janitor', 'task', error));
   */
  failure(source: string, kind: string, error: unknown, state?: unknown): ErrorEntry {
    const info = toErrorInfo(error);
    const causes: string[] = [];
    // Bounded walk: a cause chain can be long or even circular.
    for (let e: unknown = error; causes.length < 5; e = (e as { cause?: unknown }).cause) {
      const cause = causeOf(e);
      if (cause === undefined) break;
      causes.push(cause.message);
    }
    return this.error({
      source,
      kind,
      code: info.code ?? info.name ?? 'error',
      message: info.message,
      ...(state !== undefined && { state: typeof state === 'string' ? state : jsonOf(state) }),
      ...(causes.length > 0 && { cause: causes.join(' <- ') }),
    });
  }

  /**
   * The last dead letters, oldest first.
   *
   * @example
   * for (const dl of reporter.recentDeadLetters().slice(-10)) show(dl.reason, dl.detail);
   */
  recentDeadLetters(): DeadLetter[] {
    return this.#recentDeadLetters.toArray();
  }

  /**
   * The last errors, oldest first.
   *
   * @example
   * reporter.recentErrors().at(-1)?.message;
   */
  recentErrors(): ErrorEntry[] {
    return this.#recentErrors.toArray();
  }

  /**
   * Logs at info what was reported since the previous summary, when anything was; the timer
   * calls it every `summaryIntervalMs`.
   *
   * @example
   * reporter.summarize();
   */
  summarize(): void {
    const now = this.#totals();
    const last = this.#lastSummary;
    this.#lastSummary = now;
    if (
      now.deadLetters === last.deadLetters &&
      now.errors === last.errors &&
      now.publishFailed === last.publishFailed
    ) {
      return;
    }
    this.#log.info(
      {
        deadLetters: now.deadLetters - last.deadLetters,
        errors: now.errors - last.errors,
        suppressed: now.suppressed - last.suppressed,
        publishFailed: now.publishFailed - last.publishFailed,
        deadLettersByReason: { ...this.counters.deadLetters },
      },
      'system report since the last summary (by-reason counts are totals)',
    );
  }

  /**
   * Stops the summary timer and logs a last summary.
   *
   * @example
   * reporter.stop();
   */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.summarize();
  }

  /** Same as {@link SystemReporter.stop}. */
  [Symbol.dispose](): void {
    this.stop();
  }

  #countKind(kind: string): void {
    const errors = this.counters.errors;
    if (errors[kind] !== undefined) {
      errors[kind]++;
    } else if (this.#errorKinds < this.maxErrorKinds && kind !== otherKind) {
      this.#errorKinds++;
      errors[kind] = 1;
    } else {
      errors[otherKind] = (errors[otherKind] ?? 0) + 1;
    }
  }

  #publish(subject: string, encode: () => Uint8Array): void {
    try {
      this.#nc.publish(subject, encode());
      this.counters.published++;
    } catch (error) {
      // Logged only at the first failure after a success: a closed connection fails them all.
      if (this.counters.publishFailed++ === 0 || this.#lastPublishOk) {
        this.#log.warn({ subject, err: toErrorInfo(error) }, 'system report publish failed');
      }
      this.#lastPublishOk = false;
      return;
    }
    this.#lastPublishOk = true;
  }

  #totals() {
    let deadLetters = 0;
    for (const reason of deadLetterReasons) deadLetters += this.counters.deadLetters[reason];
    let errors = 0;
    for (const kind in this.counters.errors) errors += this.counters.errors[kind] ?? 0;
    return {
      deadLetters,
      errors,
      suppressed: this.counters.suppressed,
      publishFailed: this.counters.publishFailed,
    };
  }
}

/** A fixed-capacity ring that overwrites its oldest item; memory is set at construction. */
class LatestRing<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  push(item: T): void {
    const capacity = this.#items.length;
    this.#items[this.#next] = item;
    this.#next = this.#next + 1 === capacity ? 0 : this.#next + 1;
    if (this.#size < capacity) this.#size++;
  }

  toArray(): T[] {
    const capacity = this.#items.length;
    const out = new Array<T>(this.#size);
    const start = (this.#next - this.#size + capacity) % capacity;
    for (let i = 0; i < this.#size; i++) out[i] = this.#items[(start + i) % capacity] as T;
    return out;
  }
}

/** `perSecond` tokens a second, at most `perSecond` saved up; refilled lazily from the clock. */
class TokenBucket {
  readonly #perSecond: number;
  #tokens: number;
  #at: number;

  constructor(perSecond: number, now: number) {
    this.#perSecond = perSecond;
    this.#tokens = perSecond;
    this.#at = now;
  }

  take(now: number): boolean {
    if (now > this.#at) {
      this.#tokens = Math.min(
        this.#perSecond,
        this.#tokens + ((now - this.#at) * this.#perSecond) / 1_000,
      );
      this.#at = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}

function intOption(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidRuntimeOptionError(name, value, `an integer >= ${min}`);
  }
  return value;
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
