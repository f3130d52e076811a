import {
  type Breaker,
  BreakerStateCode,
  breakerStateCode,
  type CandleClosedParams,
  type CircuitBreakerActor,
  type CircuitBreakerSnapshot,
  circuitBreaker,
  createBreaker,
  resolveBreakerSettings,
} from '@ballast/machines';
import { encodeCandle } from '@ballast/protocol';
import { BoundedQueue } from '@ballast/streams';
import { type NatsConnection, TimeoutError } from '@nats-io/nats-core';
import { createActor, type Subscription } from 'xstate';
import { unrefClock } from '../clock/unrefClock.js';
import type { Logger } from '../logger.js';
import { breakerStateProblem, reconcileBreakerState } from '../state/machineStateChecks.js';
import {
  type ActorStateCounters,
  ActorStateStore,
  actorStateKey,
} from '../state/persistedActorState.js';
import {
  type CandleSinkCounters,
  type CandleSinkOptions,
  resolveSinkSettings,
  type SinkSettings,
} from './candleSinkOptions.js';
import { decodeSinkReply, SinkRefusedError } from './sinkSubject.js';

/**
 * Sends closed candles to a downstream service by NATS request/reply on {@link sinkSubject},
 * behind a circuit breaker whose state survives restarts.
 *
 * `offer` is synchronous and never waits: the fold calls it per closed candle. The candle is
 * encoded and put in a bounded queue (drop-oldest, counted); a pool of at most `concurrency`
 * requests drains it, each admitted by the breaker. While the breaker is OPEN candles are
 * dropped and counted at once — at `offer`, and whatever was queued when it opened — never kept
 * for later: a candle is recomputable from the tick log, memory is not. While HALF_OPEN only
 * as many requests as the breaker has trial slots are in flight; the rest wait in the queue.
 *
 * The breaker's persisted snapshot is written to KV on every state change and on stop, and
 * restored by `start`: an OPEN breaker stays OPEN across a restart until its deadline.
 *
 * @example
 * const sink = await CandleSink.start({ nc, state: { kv: topology.snapshots, workerId }, log });
 * const cache = symbolCache.provide({ actions: { candleClosed: (_, closed) => sink.offer(closed) } });
 * // ctl.breaker.candleSink: command.action === 'reset' ? sink.reset() : sink.isolate();
 * await sink.stop();
 */
export class CandleSink implements AsyncDisposable {
  /** The breaker's name (`ctl.breaker.<name>`). */
  readonly name: string;
  readonly subject: string;
  readonly counters: CandleSinkCounters = {
    offered: 0,
    delivered: 0,
    failed: 0,
    timedOut: 0,
    rejected: 0,
    dropped: 0,
    overflowed: 0,
    invalid: 0,
    queueDepth: 0,
    inFlight: 0,
    transitions: 0,
    breakerErrors: 0,
  };
  /** Counters of the breaker state's persistence, or `undefined` when not persisted. */
  readonly persistence: Readonly<ActorStateCounters> | undefined;
  readonly #nc: Pick<NatsConnection, 'request'>;
  readonly #actor: CircuitBreakerActor;
  readonly #breaker: Breaker;
  readonly #store: ActorStateStore<typeof circuitBreaker> | undefined;
  readonly #queue: BoundedQueue<Uint8Array>;
  readonly #concurrency: number;
  readonly #requestTimeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #log: Logger;
  readonly #subscription: Subscription;
  #lastValue: string;
  #stopping: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  /** Use {@link CandleSink.start}: restoring the breaker reads KV first. */
  private constructor(
    settings: SinkSettings,
    actor: CircuitBreakerActor,
    store: ActorStateStore<typeof circuitBreaker> | undefined,
  ) {
    const { name, log } = settings;
    this.name = name;
    this.subject = settings.subject;
    this.#nc = settings.nc;
    this.#actor = actor;
    this.#store = store;
    this.persistence = store?.counters;
    this.#log = log;
    this.#concurrency = settings.concurrency;
    this.#requestTimeoutMs = settings.requestTimeoutMs;
    this.#drainTimeoutMs = settings.drainTimeoutMs;
    this.#queue = new BoundedQueue<Uint8Array>({
      capacity: settings.capacity,
      overflow: 'drop-oldest',
    });
    this.#breaker = createBreaker(actor);
    this.#lastValue = valueKey(actor.getSnapshot());
    this.#subscription = actor.subscribe({
      next: (snapshot) => this.#onBreakerSnapshot(snapshot),
      error: (error) => {
        this.counters.breakerErrors++;
        this.#log.error({ err: error }, 'candle sink breaker failed');
      },
    });
  }

  /**
   * Restores the breaker (from `options.state`) and returns a running sink.
   *
   * @throws {InvalidRuntimeOptionError} for a bad option (names it)
   * @example
   * const sink = await CandleSink.start({ nc, state: { kv: snapshots, workerId: 'w1' } });
   */
  static async start(options: CandleSinkOptions): Promise<CandleSink> {
    const settings = resolveSinkSettings(options);
    const clock = options.clock ?? unrefClock;
    const input = options.breaker ?? {};
    // Checks the breaker input before anything starts.
    resolveBreakerSettings(input);
    if (!options.state) {
      const actor = createActor(circuitBreaker, { clock, input }).start();
      return new CandleSink(settings, actor, undefined);
    }
    const key = actorStateKey('breaker', options.state.workerId, settings.name);
    const store = new ActorStateStore(circuitBreaker, {
      kv: options.state.kv,
      key,
      log: settings.log,
    });
    const { actor, restored } = await store.restoreActor({
      input,
      clock,
      check: breakerStateProblem,
      reconcile: reconcileBreakerState,
    });
    const sink = new CandleSink(settings, actor, store);
    if (restored) {
      settings.log.info({ state: sink.#lastValue, key }, 'restored candle sink breaker');
    }
    return sink;
  }

  /** The breaker's state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN. */
  get breakerState(): BreakerStateCode {
    return breakerStateCode(this.#actor.getSnapshot());
  }

  /** The breaker's snapshot with fast-path counts flushed (counters, last error, deadline). */
  breakerSnapshot(): CircuitBreakerSnapshot {
    return this.#breaker.snapshot();
  }

  /**
   * Queues a closed candle for the sink. Synchronous, never waits, never throws for a bad
   * candle (counted in `invalid` and logged).
   *
   * @returns whether the candle was queued (`false`: dropped or invalid, counted)
   * @example
   * symbolCache.provide({ actions: { candleClosed: (_, closed) => sink.offer(closed) } });
   */
  offer(closed: CandleClosedParams): boolean {
    const c = this.counters;
    c.offered++;
    if (this.#stopping) {
      c.dropped++;
      return false;
    }
    if (this.breakerState === BreakerStateCode.OPEN) {
      c.rejected++;
      c.dropped++;
      return false;
    }
    let bytes: Uint8Array;
    try {
      const k = closed.candle;
      bytes = encodeCandle({
        v: 1,
        symbol: closed.symbol,
        tf: closed.tf,
        start: k.start,
        open: k.open,
        high: k.high,
        low: k.low,
        close: k.close,
        volume: k.volume,
        trades: k.trades,
        closed: true,
      });
    } catch (error) {
      c.invalid++;
      this.#log.error(
        { err: error, symbol: closed.symbol, tf: closed.tf },
        'invalid closed candle',
      );
      return false;
    }
    if (this.#queue.size === this.#queue.capacity) {
      // drop-oldest: the queue makes room by evicting the candle that waited longest.
      c.overflowed++;
      c.dropped++;
    }
    this.#queue.offer(bytes);
    this.#pump();
    return true;
  }

  /** Closes the breaker (the worker's answer to `ctl.breaker.<name>` `reset`). */
  reset(): void {
    this.#breaker.flush();
    this.#actor.send({ type: 'RESET' });
  }

  /** Holds the breaker OPEN until {@link CandleSink.reset} (`ctl.breaker.<name>` `isolate`). */
  isolate(): void {
    this.#breaker.flush();
    this.#actor.send({ type: 'ISOLATE' });
  }

  /**
   * Stops taking candles, keeps sending queued ones for up to `drainTimeoutMs`, drops (and
   * counts) the rest, persists the breaker's final state and stops it. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #stop(): Promise<void> {
    if (this.#queue.size > 0 || this.counters.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#drainTimeoutMs);
        timer.unref();
        this.#idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#idle = undefined;
    }
    const left = this.#queue.clear();
    this.counters.dropped += left;
    this.counters.queueDepth = 0;
    if (left > 0) this.#log.warn({ dropped: left }, 'candle sink stopped with candles queued');
    this.#breaker[Symbol.dispose]();
    this.#subscription.unsubscribe();
    if (this.#store) {
      if (this.#actor.getSnapshot().status === 'active') {
        this.#store.save(this.#actor.getPersistedSnapshot());
      }
      await this.#store.flush();
    }
    this.#actor.stop();
  }

  #pump(): void {
    const c = this.counters;
    while (c.inFlight < this.#concurrency && this.#queue.size > 0) {
      const snapshot = this.#actor.getSnapshot();
      const state = breakerStateCode(snapshot);
      if (state === BreakerStateCode.OPEN) {
        this.#dropQueued();
        break;
      }
      // HALF_OPEN admits only its trial calls; more would be refused and their candles lost.
      if (
        state === BreakerStateCode.HALF_OPEN &&
        c.inFlight >= snapshot.context.settings.halfOpenMaxCalls
      ) {
        break;
      }
      let permit: number | undefined;
      try {
        permit = this.#breaker.requestCall();
      } catch (error) {
        // The breaker actor errored (its observer logged why): nothing can be admitted any
        // more. Counted per refusal, logged once.
        if (this.counters.breakerErrors++ === 0) {
          this.#log.error({ err: error }, 'candle sink breaker not running; dropping candles');
        }
        this.#dropQueued();
        break;
      }
      const bytes = this.#queue.take() as Uint8Array;
      if (permit === undefined) {
        c.rejected++;
        c.dropped++;
        continue;
      }
      void this.#send(bytes, permit);
    }
    c.queueDepth = this.#queue.size;
    if (this.#idle && c.inFlight === 0 && this.#queue.size === 0) this.#idle();
  }

  async #send(bytes: Uint8Array, permit: number): Promise<void> {
    const c = this.counters;
    c.inFlight++;
    let outcome: Outcome;
    try {
      const reply = decodeSinkReply(
        (await this.#nc.request(this.subject, bytes, { timeout: this.#requestTimeoutMs })).data,
      );
      outcome = reply.ok
        ? { kind: 'ok' }
        : { kind: 'failed', error: new SinkRefusedError(this.subject, reply.error) };
    } catch (error) {
      outcome = error instanceof TimeoutError ? { kind: 'timeout' } : { kind: 'failed', error };
    } finally {
      c.inFlight--;
    }
    if (outcome.kind === 'ok') {
      c.delivered++;
    } else {
      c.failed++;
      if (outcome.kind === 'timeout') c.timedOut++;
      this.#log.debug(
        { err: outcome.kind === 'failed' ? outcome.error : 'timeout' },
        'candle not delivered',
      );
    }
    // A call that outlived stop()'s drain finds the breaker stopped: counted above, nothing to tell it.
    if (this.#actor.getSnapshot().status === 'active') {
      if (outcome.kind === 'ok') this.#breaker.reportSuccess(permit);
      else if (outcome.kind === 'timeout')
        this.#breaker.reportTimeout(permit, this.#requestTimeoutMs);
      else this.#breaker.reportFailure(permit, outcome.error);
    }
    this.#pump();
  }

  #dropQueued(): void {
    const n = this.#queue.clear();
    this.counters.rejected += n;
    this.counters.dropped += n;
    this.counters.queueDepth = 0;
  }

  // Runs inside the breaker's processing: no breaker calls here, only reads and KV writes.
  #onBreakerSnapshot(snapshot: CircuitBreakerSnapshot): void {
    const value = valueKey(snapshot);
    if (value === this.#lastValue) return;
    const before = this.#lastValue;
    this.#lastValue = value;
    const context = snapshot.context;
    if (value.split('.')[0] !== before.split('.')[0]) this.counters.transitions++;
    const fields = {
      from: before,
      to: value,
      reason: context.lastChange?.reason,
      openUntil: context.openUntil,
      lastError: context.lastError,
    };
    if (value.startsWith('OPEN')) {
      this.#dropQueued();
      this.#log.warn(fields, 'candle sink breaker opened: dropping candles until it half-opens');
    } else {
      this.#log.info(fields, 'candle sink breaker changed state');
    }
    this.#store?.save(this.#actor.getPersistedSnapshot());
  }
}

type Outcome = { kind: 'ok' } | { kind: 'timeout' } | { kind: 'failed'; error: unknown };

function valueKey(snapshot: Pick<CircuitBreakerSnapshot, 'value'>): string {
  const value = snapshot.value;
  return typeof value === 'string' ? value : `OPEN.${value.OPEN}`;
}
