import {
  type CandleClosedParams,
  type PersistSnapshotParams,
  type SequencedTick,
  type SymbolBook,
  type SymbolCacheInput,
  symbolCache,
  symbolLifecycle,
  type TooOldParams,
} from '@ballast/machines';
import { candleSubject, fnv1a32, tickSubject, timeframes } from '@ballast/protocol';
import { LruWindow } from '@ballast/streams';
import { createActor } from 'xstate';
import type { SnapshotConflictError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CandlePublisher } from './CandlePublisher.js';
import type { ClosedCandleSink, HostContext, HostReporter } from './hostPorts.js';
import type { SnapshotStore } from './SnapshotStore.js';
import { SnapshotWriter } from './SnapshotWriter.js';
import { type SymbolActor, SymbolEntry } from './SymbolEntry.js';
import type { SymbolReplayer } from './SymbolReplayer.js';
import type { ResolvedSymbolActorOptions } from './symbolHostOptions.js';

/** Dependencies of a {@link SymbolHost}. */
export interface SymbolHostDeps {
  readonly nc: import('@nats-io/nats-core').NatsConnection;
  readonly store: SnapshotStore;
  readonly replayer: SymbolReplayer;
  readonly sink: ClosedCandleSink;
  readonly reporter: HostReporter;
  readonly context: HostContext;
  readonly log: Logger;
  readonly partitions: number;
  readonly options: ResolvedSymbolActorOptions;
  /** Called with each new actor before it starts (the inspection relay watches selected ones). */
  readonly onActorCreated?: (symbol: string, actor: SymbolActor) => void;
}

/** Counters of a {@link SymbolHost}. */
export interface SymbolHostCounters {
  ticksFolded: number;
  /** Machine events that carried live ticks (`TICKS`): ticksFolded / foldEvents is the batch. */
  foldEvents: number;
  hydrations: number;
  passivated: number;
  passivatedIdle: number;
  passivatedLru: number;
  expired: number;
  failed: number;
  conflicts: number;
  snapshotFailures: number;
  /** Times a hydration waited because too many final snapshots were being written. */
  passivationBackpressure: number;
  /** Hydrations in progress now (every partition, queries included). */
  hydrating: number;
  /** Most hydrations in progress at once so far. */
  maxHydrating: number;
}

/** A hydration in progress, shared by everyone who asks for the same symbol meanwhile. */
interface Activation {
  readonly promise: Promise<SymbolEntry | null>;
  /** Whether it creates an actor for a symbol with neither a snapshot nor logged ticks. */
  readonly createEmpty: boolean;
  /** Called synchronously once the actor is live, before anything else can reach it. */
  readonly onLive: ((entry: SymbolEntry) => void)[];
}

/**
 * Hosts the symbol actors of the partitions a worker owns: routes each tick to its actor,
 * hydrating it on demand (snapshot + replay of the log since), passivates the least recently
 * used one beyond `maxLiveActors` (snapshot, then stop) and idle ones, persists snapshots
 * through the {@link SnapshotWriter}, and computes each partition's acknowledged floor: the
 * highest sequence below which every event's effect is in a persisted snapshot.
 *
 * Ticks reach an actor with a synchronous `send` between two awaits of the partition's
 * consumer — a symbol's ticks of one read of the log as one `TICKS` event — so an actor's
 * state is never read half-applied and XState's own mailbox stays empty: the actor's mailbox
 * is the consumer's bounded pull buffer (plus the ticks its `HydrationGate` parks behind a
 * hydrating symbol).
 *
 * @example
 * const ticks = [{ tick, seq: msg.seq }];
 * if (!host.foldLive(tick.symbol, ticks)) {
 *   // not live: hydrate with the log replayed below this tick, fold it the moment it is live
 *   await host.activate(tick.symbol, partition, msg.seq, true, () => host.foldLive(tick.symbol, ticks));
 * }
 */
export class SymbolHost {
  readonly counters: SymbolHostCounters = {
    ticksFolded: 0,
    foldEvents: 0,
    hydrations: 0,
    passivated: 0,
    passivatedIdle: 0,
    passivatedLru: 0,
    expired: 0,
    failed: 0,
    conflicts: 0,
    snapshotFailures: 0,
    passivationBackpressure: 0,
    hydrating: 0,
    maxHydrating: 0,
  };
  readonly writer: SnapshotWriter;
  readonly candles: CandlePublisher;
  readonly #d: SymbolHostDeps;
  readonly #o: ResolvedSymbolActorOptions;
  readonly #live: LruWindow<string, SymbolEntry>;
  /** Entries not yet retired: live and hydrating, by symbol (the actions find theirs here). */
  readonly #current = new Map<string, SymbolEntry>();
  /** Hydrations in progress, shared by the consumer and queries of the same symbol. */
  readonly #activating = new Map<string, Activation>();
  /** Stopped entries whose last snapshot is still being written. */
  readonly #retiring = new Map<string, SymbolEntry>();
  /** Every entry holding a partition's floor: current and retiring. */
  readonly #byPartition: Set<SymbolEntry>[];
  readonly #machine;
  #stopped = false;

  constructor(deps: SymbolHostDeps) {
    this.#d = deps;
    this.#o = deps.options;
    this.#byPartition = Array.from({ length: deps.partitions }, () => new Set<SymbolEntry>());
    this.writer = new SnapshotWriter({
      store: deps.store,
      concurrency: deps.options.snapshotConcurrency,
      onConflict: (entry, error) => this.#onConflict(entry, error),
      onFailure: (entry, error) => {
        this.counters.snapshotFailures++;
        deps.reporter.failure(`symbol/${entry.symbol}`, 'snapshot', error);
      },
    });
    this.candles = new CandlePublisher(
      deps.nc,
      deps.options.perTickTimeframes,
      deps.options.candleUpdateIntervalMs,
    );
    this.#live = new LruWindow({
      maxKeys: deps.options.maxLiveActors,
      onEvict: (entry) => this.#retire(entry, 'lru'),
    });
    this.#machine = symbolCache.provide({
      actions: {
        publishCandles: ({ context }) => this.#publishCandles(context.book),
        candleClosed: (_, params: CandleClosedParams) => this.#candleClosed(params),
        persistSnapshot: ({ context }, params: PersistSnapshotParams) =>
          this.#cut(params.symbol, context.book),
        reportTooOld: (_, params: TooOldParams) => this.#tooOld(params),
      },
    });
  }

  /** Live actors now. */
  get liveActors(): number {
    return this.#live.size;
  }

  /** Stopped actors whose final snapshot is still being written. */
  get retiringActors(): number {
    return this.#retiring.size;
  }

  /** Whether the symbol's actor is live, without counting it as use. */
  isLive(symbol: string): boolean {
    return this.#live.has(symbol);
  }

  /**
   * Folds ticks of one symbol (in log order, as one event) if its actor is live,
   * synchronously; `false`, with nothing done, when it is not — then the caller hydrates it
   * with {@link SymbolHost.activate}.
   */
  foldLive(symbol: string, ticks: readonly SequencedTick[]): boolean {
    const entry = this.#live.get(symbol);
    if (entry === undefined) return false;
    if (ticks.length > 0) this.#send(entry, ticks);
    return true;
  }

  /**
   * The symbol's live entry, hydrating it first if needed, with the log replayed up to (not
   * including) `untilSeq`; a hydration in progress is shared. `null` when no actor was made
   * live: the partition is no longer owned, the host stopped, the actor stopped or failed
   * meanwhile, or — with `createEmpty` false, as queries ask — the symbol has neither a
   * snapshot nor logged ticks (nothing is created then).
   *
   * `onLive` runs synchronously the moment the actor is live (at once if it already is), so
   * ticks that waited for it fold before anything else can reach it — not even an LRU
   * eviction by another hydration finishing in the same turn.
   */
  activate(
    symbol: string,
    partition: number,
    untilSeq: number,
    createEmpty = true,
    onLive?: (entry: SymbolEntry) => void,
  ): Promise<SymbolEntry | null> {
    const live = this.#live.get(symbol);
    if (live !== undefined) {
      onLive?.(live);
      return Promise.resolve(live);
    }
    const pending = this.#activating.get(symbol);
    if (pending !== undefined) {
      if (onLive !== undefined) pending.onLive.push(onLive);
      if (pending.createEmpty || !createEmpty) return pending.promise;
      // A query's hydration creates nothing for an unknown symbol; a tick needs the actor.
      return pending.promise.then(
        (entry) => entry ?? this.activate(symbol, partition, untilSeq, true, onLive),
      );
    }
    const onLiveList = onLive === undefined ? [] : [onLive];
    const promise = this.#hydrate(symbol, partition, untilSeq, createEmpty, onLiveList).finally(
      () => this.#activating.delete(symbol),
    );
    this.#activating.set(symbol, { promise, createEmpty, onLive: onLiveList });
    return promise;
  }

  /** The live entry of a symbol, without counting it as use. */
  peek(symbol: string): SymbolEntry | undefined {
    return this.#live.peek(symbol);
  }

  /** Live actors by symbol, without counting it as use (for inspection selections). */
  *liveSymbolActors(): IterableIterator<[string, SymbolActor]> {
    for (const [symbol, entry] of this.#live) if (entry.actor !== null) yield [symbol, entry.actor];
  }

  /**
   * The partition's acknowledged floor: every event up to it is in a persisted snapshot, or
   * needed none. `processed` is the last sequence the consumer finished routing.
   */
  floor(partition: number, processed: number): number {
    let floor = processed;
    for (const entry of this.#byPartition[partition] ?? []) {
      const from = entry.unpersistedFrom();
      if (from - 1 < floor) floor = from - 1;
    }
    return floor;
  }

  /** Passivates every idle actor; returns how many. Runs on the housekeeping period. */
  passivateIdle(): number {
    const idle: SymbolEntry[] = [];
    for (const [, entry] of this.#live) {
      const actor = entry.actor;
      if (actor !== null && symbolLifecycle(actor.getSnapshot()) === 'idle') idle.push(entry);
    }
    for (const entry of idle) this.#retire(entry, 'idle');
    return idle.length;
  }

  /** Passivates a symbol removed from the registry (final snapshot kept). */
  remove(symbol: string): boolean {
    const entry = this.#live.peek(symbol);
    if (entry === undefined) return false;
    this.#retire(entry, 'removed');
    return true;
  }

  /**
   * Gives a partition up in order: passivates its actors (final snapshots) and waits until
   * every snapshot of it is written. The caller then writes the checkpoint and the lease.
   */
  async releasePartition(partition: number): Promise<void> {
    const entries = [...(this.#byPartition[partition] ?? [])];
    for (const entry of entries) if (entry.actor !== null) this.#retire(entry, 'release');
    await Promise.all(entries.map((entry) => entry.settled()));
  }

  /**
   * Drops a partition whose lease was lost: stops its actors at once, writes nothing more
   * (the new owner's snapshots win) — the unpersisted tail is refolded from the log there.
   */
  dropPartition(partition: number): void {
    const entries = this.#byPartition[partition];
    if (entries === undefined) return;
    for (const entry of [...entries]) {
      this.writer.abandon(entry);
      this.#stopActor(entry, 'release');
      this.#forget(entry);
    }
  }

  /** Stops every actor; callers release partitions first for final snapshots. */
  stop(): void {
    this.#stopped = true;
    for (const set of this.#byPartition)
      for (const entry of [...set]) this.#stopActor(entry, 'release');
    this.candles.stop();
    this.writer.stop();
  }

  #send(entry: SymbolEntry, ticks: readonly SequencedTick[]): void {
    const actor = entry.actor as SymbolActor;
    const firstSeq = (ticks[0] as SequencedTick).seq;
    entry.currentSeq = firstSeq;
    actor.send({ type: 'TICKS', ticks });
    entry.currentSeq = null;
    this.counters.ticksFolded += ticks.length;
    this.counters.foldEvents++;
    // A cut during this send (after the whole batch) covered it; otherwise it dirtied the fold.
    if (entry.openSince === null && entry.actor !== null) {
      if (actor.getSnapshot().context.dirtySince !== null) entry.openSince = firstSeq;
    }
  }

  async #hydrate(
    symbol: string,
    partition: number,
    untilSeq: number,
    createEmpty: boolean,
    onLive: readonly ((entry: SymbolEntry) => void)[],
  ): Promise<SymbolEntry | null> {
    this.counters.hydrating++;
    if (this.counters.hydrating > this.counters.maxHydrating) {
      this.counters.maxHydrating = this.counters.hydrating;
    }
    try {
      return await this.#hydrateNow(symbol, partition, untilSeq, createEmpty, onLive);
    } finally {
      this.counters.hydrating--;
    }
  }

  async #hydrateNow(
    symbol: string,
    partition: number,
    untilSeq: number,
    createEmpty: boolean,
    onLive: readonly ((entry: SymbolEntry) => void)[],
  ): Promise<SymbolEntry | null> {
    const retiring = this.#retiring.get(symbol);
    if (retiring !== undefined) await retiring.settled();
    await this.#roomToRetire();
    const loaded = await this.#d.store.load(symbol);
    if (loaded.found === false && loaded.corrupt !== undefined) {
      this.#d.reporter.failure(`symbol/${symbol}`, 'snapshot', loaded.corrupt, 'hydrating');
    }
    const subjects = Object.fromEntries(timeframes.map((tf) => [tf, candleSubject(tf, symbol)]));
    const entry = new SymbolEntry(symbol, partition, loaded.revision, subjects);
    const input: { -readonly [K in keyof SymbolCacheInput]: SymbolCacheInput[K] } = {
      symbol,
      book: this.#o.book,
      ...(loaded.found && { restore: loaded.snapshot }),
      expiresAt: this.#d.context.expiresAt(symbol),
      snapshotEveryEvents: this.#o.snapshotEveryEvents,
      snapshotIntervalMs: this.#o.snapshotIntervalMs,
      idleAfterMs: this.#o.idleAfterMs,
      housekeepingMs: this.#o.housekeepingMs,
      // A phase from the symbol's hash: actors hydrated together (a restart, a warm-up) would
      // otherwise all run housekeeping in the same timer callback, a stall of tens of ms.
      housekeepingPhase: (fnv1a32(symbol) % 1_024) / 1_024,
    };
    const actor = createActor(this.#machine, { input });
    this.#d.onActorCreated?.(symbol, actor);
    entry.actor = actor;
    entry.subscription = actor.subscribe({
      complete: () => {
        if (entry.stopReason === null) this.#retire(entry, 'expired');
      },
      error: (error) => this.#onActorError(entry, error),
    });
    this.#current.set(symbol, entry);
    this.#byPartition[partition]?.add(entry);
    actor.start();
    // XState keeps the input for the actor's life; the decoded snapshot is only needed to build
    // the context, which start() just did.
    delete input.restore;
    this.counters.hydrations++;
    const from = loaded.found ? loaded.snapshot.lastAppliedSeq + 1 : 1;
    let replayed = 0;
    try {
      replayed = await this.#d.replayer.replay(
        symbol,
        tickSubject(symbol, this.#d.partitions),
        from,
        untilSeq,
        (tick, seq) => {
          if (entry.actor === null) return;
          entry.currentSeq = seq;
          actor.send({ type: 'REPLAY', tick, seq });
          entry.currentSeq = null;
          if (entry.openSince === null && actor.getSnapshot().context.dirtySince !== null) {
            entry.openSince = seq;
          }
        },
      );
    } catch (error) {
      this.#stopActor(entry, 'failed');
      this.#forget(entry);
      throw error;
    }
    // Checked again right before the insert that may evict (and retire) one actor: with many
    // hydrations in flight, a check at their start alone would let each of them retire one
    // more than the bound.
    if (this.#retiring.size >= this.#o.maxPassivating) await this.#roomToRetire();
    if (
      entry.actor === null ||
      this.#stopped ||
      !this.#d.context.owns(partition) ||
      (!createEmpty && !loaded.found && replayed === 0)
    ) {
      this.#stopActor(entry, 'release');
      this.#forget(entry);
      return null;
    }
    actor.send({ type: 'HYDRATED' });
    this.#live.set(symbol, entry);
    for (const callback of onLive) {
      if (entry.actor === null) break; // stopped by an earlier callback's fold
      try {
        callback(entry);
      } catch (error) {
        this.#d.reporter.failure(`symbol/${symbol}`, 'hydration', error);
      }
    }
    return entry;
  }

  /** Backpressure: wait while too many final snapshots are being written. */
  async #roomToRetire(): Promise<void> {
    while (this.#retiring.size >= this.#o.maxPassivating) {
      this.counters.passivationBackpressure++;
      const oldest = this.#retiring.values().next().value as SymbolEntry;
      await oldest.settled();
      // settled() resolves before the map is cleaned up; clean it here too.
      if (oldest.writing === null && oldest.queued === null) this.#retiring.delete(oldest.symbol);
    }
  }

  #retire(entry: SymbolEntry, reason: NonNullable<SymbolEntry['stopReason']>): void {
    if (entry.stopReason !== null) return;
    entry.stopReason = reason;
    const actor = entry.actor;
    // PASSIVATE makes the machine ask for its final snapshot (if anything is unsaved).
    if (actor !== null && reason !== 'expired' && actor.getSnapshot().status === 'active') {
      actor.send({ type: 'PASSIVATE' });
    }
    this.counters.passivated++;
    if (reason === 'idle') this.counters.passivatedIdle++;
    if (reason === 'lru') this.counters.passivatedLru++;
    if (reason === 'expired') this.counters.expired++;
    this.#stopActor(entry, reason);
    this.#current.delete(entry.symbol);
    if (entry.writing === null && entry.queued === null) {
      this.#forget(entry);
      return;
    }
    this.#retiring.set(entry.symbol, entry);
    void entry.settled().then(() => this.#forget(entry));
  }

  #stopActor(entry: SymbolEntry, reason: NonNullable<SymbolEntry['stopReason']>): void {
    entry.stopReason ??= reason;
    const actor = entry.actor;
    if (actor === null) return;
    entry.actor = null;
    entry.subscription?.unsubscribe();
    entry.subscription = null;
    actor.stop();
    this.candles.forget(entry);
    if (this.#live.peek(entry.symbol) === entry) this.#live.delete(entry.symbol);
  }

  #forget(entry: SymbolEntry): void {
    if (this.#current.get(entry.symbol) === entry) this.#current.delete(entry.symbol);
    if (this.#retiring.get(entry.symbol) === entry) this.#retiring.delete(entry.symbol);
    this.#byPartition[entry.partition]?.delete(entry);
  }

  #cut(symbol: string, book: SymbolBook): void {
    const entry = this.#current.get(symbol);
    if (entry === undefined) return;
    const firstSeq = entry.openSince ?? entry.currentSeq;
    entry.openSince = null;
    // Nothing changed since the last cut: the stored (or in-flight) snapshot is current.
    if (firstSeq === null) return;
    this.writer.cut(entry, this.#d.store.encode(book.snapshot()), book.lastAppliedSeq, firstSeq);
  }

  #publishCandles(book: SymbolBook): void {
    const entry = this.#current.get(book.symbol);
    if (entry !== undefined) this.candles.onFold(entry, book);
  }

  #candleClosed(params: CandleClosedParams): void {
    const entry = this.#current.get(params.symbol);
    if (entry !== undefined) this.candles.closed(entry, params.tf, params.candle);
    this.#d.sink.offer(params);
  }

  #tooOld(params: TooOldParams): void {
    this.#d.reporter.deadLetter({
      v: 1,
      reason: 'too_old',
      subject: tickSubject(params.symbol, this.#d.partitions),
      detail: `tick seq ${params.seq} at ts ${params.ts} is older than every candle window of ${params.symbol} can hold`,
      at: Date.now(),
      payload: new Uint8Array(0),
      payloadSize: 0,
    });
  }

  #onActorError(entry: SymbolEntry, error: unknown): void {
    this.counters.failed++;
    const state = entry.actor ? JSON.stringify(entry.actor.getSnapshot().value) : 'error';
    this.#d.reporter.failure(`symbol/${entry.symbol}`, 'symbolCache', error, state);
    this.#d.context.actorFailed(entry.symbol, error, state);
    // Restart is lazy: the next tick or query hydrates it again from its snapshot and the log.
    this.#stopActor(entry, 'failed');
    this.#current.delete(entry.symbol);
    if (entry.persisted) this.#forget(entry);
    else {
      this.#retiring.set(entry.symbol, entry);
      void entry.settled().then(() => this.#forget(entry));
    }
  }

  #onConflict(entry: SymbolEntry, error: SnapshotConflictError): void {
    this.counters.conflicts++;
    this.#d.log.warn({ symbol: entry.symbol, partition: entry.partition }, error.message);
    // If it is still the live entry, drop it: the next tick hydrates from the newer snapshot.
    if (this.#current.get(entry.symbol) === entry) this.#stopActor(entry, 'failed');
    this.#forget(entry);
  }
}
