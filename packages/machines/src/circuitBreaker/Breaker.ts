import { type MachineClock, systemClock } from '../clock/machineClock.js';
import { toErrorInfo } from '../errorInfo.js';
import { BreakerNotRunningError, BreakerOpenError, CallTimeoutError } from '../errors.js';
import { numberOption } from '../options.js';
import {
  type BreakerStateCode,
  breakerStateCode,
  type CircuitBreakerActor,
  type CircuitBreakerSnapshot,
} from './breakerState.js';

/** Options of {@link createBreaker}. */
export interface BreakerOptions {
  /** Timeout applied to every {@link Breaker.call} that gives none. Default: none. */
  readonly callTimeoutMs?: number;
  /**
   * Longest time fast-path counts wait before they reach the machine, in ms. Default 1,000.
   * {@link Breaker.snapshot} and every state-relevant event flush them first.
   */
  readonly flushIntervalMs?: number;
}

/** Options of one guarded call. */
export interface GuardedCallOptions {
  /** Settle within this many ms or count as a timeout (a failure). Default: the breaker's. */
  readonly timeoutMs?: number;
}

/** A function a breaker guards; it gets an `AbortSignal` when the call has a timeout. */
export type GuardedFunction<T> = (signal?: AbortSignal) => T | PromiseLike<T>;

/**
 * A thin, synchronous front for a {@link circuitBreaker} actor: asks it "may I call?", runs
 * the call, reports the outcome, rejects with {@link BreakerOpenError} when refused.
 *
 * Fast path: CLOSED admits every call, and a success while CLOSED with no failure run cannot
 * change state; OPEN refuses every call. Those outcomes are counted here and sent as one
 * `CALLS_BATCHED` event (before any other event, on {@link Breaker.flush}/{@link Breaker.snapshot},
 * and at most `flushIntervalMs` later), instead of two `actor.send` per call. Every decision
 * that can change state (failures, timeouts, HALF_OPEN trials, successes after a failure)
 * still goes through the machine, which stays the source of truth for transitions.
 *
 * @example
 * const breaker = createBreaker(createActor(circuitBreaker, { input: {} }).start());
 * const quote = await breaker.call(() => fetchQuote('BTC'), { timeoutMs: 2_000 });
 */
export class Breaker implements Disposable {
  readonly actor: CircuitBreakerActor;
  readonly #clock: MachineClock;
  readonly #callTimeoutMs: number | undefined;
  readonly #flushIntervalMs: number;
  #batchGeneration = -1;
  #admitted = 0;
  #succeeded = 0;
  #rejected = 0;
  #flushTimer: unknown;
  #disposed = false;

  constructor(actor: CircuitBreakerActor, options: BreakerOptions = {}) {
    this.actor = actor;
    this.#clock = systemClock(actor.system);
    this.#callTimeoutMs =
      options.callTimeoutMs === undefined
        ? undefined
        : numberOption('callTimeoutMs', options.callTimeoutMs, 0, { min: 1 });
    this.#flushIntervalMs = numberOption('flushIntervalMs', options.flushIntervalMs, 1_000);
    // No subscription to the actor: an observer without an `error` handler would change how
    // xstate reports the actor's own errors. The one flush timer ends on its own instead.
  }

  /** The breaker's state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN. */
  get state(): BreakerStateCode {
    return breakerStateCode(this.actor.getSnapshot());
  }

  /**
   * Decides synchronously whether a call may run. Returns a permit (the breaker generation
   * the call was admitted in) to pass to the report methods, or `undefined` when refused.
   *
   * @throws {BreakerNotRunningError} when the actor is not running, or when asked from inside
   *   the actor's own processing (its decision would not be known yet)
   */
  requestCall(): number | undefined {
    const snapshot = this.actor.getSnapshot();
    if (snapshot.status === 'active' && !this.#disposed) {
      const value = snapshot.value;
      if (value === 'CLOSED') {
        this.#batch(snapshot.context.generation);
        this.#admitted++;
        return snapshot.context.generation;
      }
      if (typeof value === 'object') {
        this.#batch(snapshot.context.generation);
        this.#rejected++;
        return undefined;
      }
    }
    return this.#requestFromMachine();
  }

  /** Reports that an admitted call succeeded. */
  reportSuccess(permit: number): void {
    const snapshot = this.actor.getSnapshot();
    const context = snapshot.context;
    if (
      snapshot.value === 'CLOSED' &&
      context.generation === permit &&
      context.consecutiveFailures === 0 &&
      this.#batchGeneration === permit &&
      !this.#disposed
    ) {
      this.#succeeded++;
      return;
    }
    this.flush();
    this.actor.send({ type: 'CALL_SUCCEEDED', generation: permit });
  }

  /** Reports that an admitted call failed; `error` is kept as plain {@link ErrorInfo}. */
  reportFailure(permit: number, error: unknown): void {
    this.flush();
    this.actor.send({ type: 'CALL_FAILED', generation: permit, error: toErrorInfo(error) });
  }

  /** Reports that an admitted call did not settle within `timeoutMs`. */
  reportTimeout(permit: number, timeoutMs: number): void {
    this.flush();
    this.actor.send({ type: 'CALL_TIMED_OUT', generation: permit, timeoutMs });
  }

  /**
   * Runs `fn` if the breaker admits it, reports the outcome and returns its result.
   *
   * @returns `fn`'s result; rejects with {@link BreakerOpenError} at once when refused, with
   *   {@link CallTimeoutError} when the timeout passes first, or with `fn`'s own error
   */
  async call<T>(fn: GuardedFunction<T>, options?: GuardedCallOptions): Promise<T> {
    const permit = this.requestCall();
    if (permit === undefined) throw this.#openError();
    const timeoutMs = options?.timeoutMs ?? this.#callTimeoutMs;
    if (timeoutMs !== undefined) return this.#callWithTimeout(fn, permit, timeoutMs);
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      this.reportFailure(permit, error);
      throw error;
    }
    this.reportSuccess(permit);
    return value;
  }

  /** Sends fast-path counts to the machine now. */
  flush(): void {
    if (this.#flushTimer !== undefined) {
      this.#clock.clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    if (this.#admitted + this.#succeeded + this.#rejected === 0) return;
    const event = {
      type: 'CALLS_BATCHED',
      admitted: this.#admitted,
      succeeded: this.#succeeded,
      rejected: this.#rejected,
      generation: this.#batchGeneration,
    } as const;
    this.#admitted = 0;
    this.#succeeded = 0;
    this.#rejected = 0;
    // A stopped actor has no counters left to update; its last persisted snapshot is final.
    if (this.actor.getSnapshot().status === 'active') this.actor.send(event);
  }

  /** The machine's snapshot with every fast-path count flushed into it. */
  snapshot(): CircuitBreakerSnapshot {
    this.flush();
    return this.actor.getSnapshot();
  }

  /**
   * Flushes, stops the flush timer and turns the fast path off (every later call goes through
   * the machine). Without it, the flush timer outlives a stopped actor by at most
   * `flushIntervalMs`, then nothing is left. The actor is the caller's to stop.
   */
  [Symbol.dispose](): void {
    this.flush();
    this.#disposed = true;
  }

  #batch(generation: number): void {
    if (generation !== this.#batchGeneration) {
      this.flush();
      this.#batchGeneration = generation;
    }
    if (this.#flushTimer === undefined) {
      this.#flushTimer = this.#clock.setTimeout(() => {
        this.#flushTimer = undefined;
        this.flush();
      }, this.#flushIntervalMs);
    }
  }

  #requestFromMachine(): number | undefined {
    const before = this.actor.getSnapshot();
    if (before.status !== 'active') {
      throw new BreakerNotRunningError(
        `circuit breaker actor ${this.actor.id} is ${before.status}: create and start a new one`,
      );
    }
    if (isProcessing(this.actor)) throw reentrantError();
    this.flush();
    this.actor.send({ type: 'CALL_REQUESTED' });
    const after = this.actor.getSnapshot();
    // Belt and braces should xstate's mailbox change shape: a queued request is undecided.
    if (after.context.counters.calls === before.context.counters.calls) throw reentrantError();
    return after.context.lastCallAdmitted ? after.context.generation : undefined;
  }

  #openError(): BreakerOpenError {
    const snapshot = this.actor.getSnapshot();
    return snapshot.value === 'HALF_OPEN'
      ? new BreakerOpenError('HALF_OPEN', null)
      : new BreakerOpenError('OPEN', snapshot.context.openUntil);
  }

  #callWithTimeout<T>(fn: GuardedFunction<T>, permit: number, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const controller = new AbortController();
      let settled = false;
      const timer = this.#clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        const error = new CallTimeoutError(timeoutMs);
        controller.abort(error);
        this.reportTimeout(permit, timeoutMs);
        reject(error);
      }, timeoutMs);
      const settle = (failed: boolean, outcome: unknown): void => {
        if (settled) return; // timed out first: already counted and rejected
        settled = true;
        this.#clock.clearTimeout(timer);
        if (failed) {
          this.reportFailure(permit, outcome);
          reject(outcome);
        } else {
          this.reportSuccess(permit);
          resolve(outcome as T);
        }
      };
      new Promise<T>((run) => run(fn(controller.signal))).then(
        (value) => settle(false, value),
        (error: unknown) => settle(true, error),
      );
    });
  }
}

/**
 * Whether the actor is in the middle of processing an event — i.e. we were called from one of
 * its actions or observers. xstate runs events one at a time through a mailbox; a send made
 * meanwhile is queued, so its decision cannot be read back, and once processed it would count
 * a call (and maybe take a half-open trial slot) nobody runs. `mailbox._current` is not public
 * API; the Breaker test "refuses a decision asked from inside..." fails if it stops working.
 */
function isProcessing(actor: CircuitBreakerActor): boolean {
  const mailbox = (actor as { mailbox?: { _current?: unknown } }).mailbox;
  return mailbox?._current !== null && mailbox?._current !== undefined;
}

function reentrantError(): BreakerNotRunningError {
  return new BreakerNotRunningError(
    'circuit breaker asked from inside its own processing (an action or subscribe callback of the same actor); ask outside it, e.g. after queueMicrotask',
  );
}

/**
 * Wraps a running circuit breaker actor in a {@link Breaker}.
 *
 * @param actor - from `createActor(circuitBreaker, { clock, input }).start()`
 * @example
 * const breaker = createBreaker(actor, { callTimeoutMs: 5_000 });
 * if (breaker.requestCall() === undefined) dropAndCount();
 */
export function createBreaker(actor: CircuitBreakerActor, options?: BreakerOptions): Breaker {
  return new Breaker(actor, options);
}
