import {
  type MachineClock,
  type ReloadFailure,
  type ReloadInput,
  reloader,
} from '@ballast/machines';
import { type KV, type KvWatchEntry, KvWatchInclude } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/nats-core';
import { type Actor, createActor, fromPromise, type SnapshotFrom, type Subscription } from 'xstate';
import { unrefClock } from '../clock/unrefClock.js';
import { InvalidRuntimeOptionError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { reconcileReloaderState, reloaderStateProblem } from '../state/machineStateChecks.js';
import {
  type ActorStateCounters,
  ActorStateStore,
  actorStateKey,
} from '../state/persistedActorState.js';
import {
  InvalidInstrumentError,
  RegistryFullError,
  RegistryNotStartedError,
} from './instrumentErrors.js';
import {
  assertInstrumentSymbol,
  encodeInstrumentRecord,
  type InstrumentRecord,
} from './instrumentRecord.js';
import type {
  InstrumentChange,
  InstrumentRegistryCounters,
  InstrumentRegistryOptions,
} from './instrumentRegistryTypes.js';
import { type RegistryScan, scanRegistry } from './scanRegistry.js';

type ReloaderActor = Actor<typeof reloader>;

const maxInvalidLogsPerRead = 10;

/**
 * The instrument registry: KV bucket `instruments`, key = symbol, value an
 * {@link InstrumentRecord}. `add`, `remove` and `list` work against KV from anywhere (the CLI);
 * a worker also calls `start()` to keep a bounded in-memory view that a `reloader` actor
 * refreshes: every KV change is a `TRIGGER`, and the machine debounces, coalesces, runs one
 * reload at a time, keeps reloads `minIntervalMs` apart and follows a busy period with one
 * trailing reload. After each reload the difference to the previous view goes to `onChange`.
 * Expired instruments leave the view on the next reload or on {@link InstrumentRegistry.expireNow}
 * (the janitor); they stay in KV.
 *
 * @example
 * const registry = new InstrumentRegistry({
 *   kv: topology.instruments,
 *   state: { kv: topology.snapshots, workerId },
 *   onChange: ({ added, removed, expired }) => host.apply(added, [...removed, ...expired]),
 * });
 * await registry.start();
 * registry.has('AAPL');
 * await registry.stop();
 */
export class InstrumentRegistry implements AsyncDisposable {
  readonly counters: InstrumentRegistryCounters = {
    reloads: 0,
    reloadFailures: 0,
    triggers: 0,
    coalesced: 0,
    size: 0,
    rejected: 0,
    invalid: 0,
    expired: 0,
    watchRestarts: 0,
    handlerFailures: 0,
    reloaderErrors: 0,
  };
  /** Limit of the view. */
  readonly maxInstruments: number;
  readonly #kv: KV;
  readonly #options: InstrumentRegistryOptions;
  readonly #clock: MachineClock;
  readonly #log: Logger;
  readonly #readTimeoutMs: number;
  readonly #watchRetryMs: number;
  #view = new Map<string, InstrumentRecord>();
  #store: ActorStateStore<typeof reloader> | undefined;
  #actor: ReloaderActor | undefined;
  #subscription: Subscription | undefined;
  #watcher: QueuedIterator<KvWatchEntry> | undefined;
  #watching: Promise<void> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  // Reads may overlap (a restored reloader re-runs its reload while start() loads); only a
  // read newer than the last applied one may replace the view.
  #readSeq = 0;
  #appliedSeq = 0;

  /**
   * @param options - bucket, bounds, reloader timing, change handler, state persistence
   * @throws {InvalidRuntimeOptionError} naming a bad option
   */
  constructor(options: InstrumentRegistryOptions) {
    this.#options = options;
    this.#kv = options.kv;
    this.#clock = options.clock ?? unrefClock;
    this.#log = (options.log ?? createLogger('instruments')).child({ component: 'instruments' });
    this.maxInstruments = positiveInteger('maxInstruments', options.maxInstruments, 100_000);
    this.#readTimeoutMs = positiveInteger('readTimeoutMs', options.readTimeoutMs, 30_000);
    this.#watchRetryMs = positiveInteger('watchRetryMs', options.watchRetryMs, 1_000);
    if (options.state) actorStateKey('reloader', options.state.workerId);
  }

  /**
   * Adds (or updates) an instrument in KV. A running view picks it up on its next reload.
   *
   * @param expiresAt - when it expires, ms since the epoch; omitted or `null`: never
   * @returns the stored record
   * @throws {InvalidInstrumentError} for a bad symbol or an expiry that is not in the future
   * @throws {RegistryFullError} when `maxInstruments` instruments are registered already
   * @example
   * await registry.add('AAPL-C-190', Date.parse('2026-12-18T21:00:00Z'));
   */
  async add(symbol: string, expiresAt?: number | null): Promise<InstrumentRecord> {
    const now = this.#clock.now();
    const record: InstrumentRecord = { symbol, expiresAt: expiresAt ?? null, addedAt: now };
    const bytes = encodeInstrumentRecord(record);
    if (record.expiresAt !== null && record.expiresAt <= now) {
      throw new InvalidInstrumentError(
        'expiresAt',
        record.expiresAt,
        `a time after now (${now}); an expired instrument would never be activated`,
      );
    }
    if (!(await this.#hasRoomFor(symbol))) {
      this.counters.rejected++;
      throw new RegistryFullError(symbol, this.maxInstruments);
    }
    await this.#kv.put(symbol, bytes);
    return record;
  }

  /**
   * Deletes an instrument from KV; running views drop it on their next reload.
   *
   * @throws {InvalidInstrumentError} for a bad symbol
   * @example
   * await registry.remove('AAPL-C-190');
   */
  async remove(symbol: string): Promise<void> {
    assertInstrumentSymbol(symbol);
    await this.#kv.delete(symbol);
  }

  /**
   * Reads every valid record from KV (expired ones included), sorted by symbol, at most
   * `maxInstruments`; invalid values are counted and logged.
   *
   * @example
   * for (const r of await registry.list()) console.log(r.symbol, r.expiresAt);
   */
  async list(): Promise<InstrumentRecord[]> {
    const { records } = await this.#read(new Map(), true);
    return [...records.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  }

  /**
   * Loads the view and starts following KV (worker mode): restores the reloader's state, opens
   * the KV watch, then reads the bucket once (so a change during the read is not missed).
   * Calling it again returns the same promise.
   *
   * @throws the first read's error (after cleaning up): a worker without its registry should not run
   */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const machine = reloader.provide({
      actors: { reload: fromPromise<unknown, ReloadInput>(() => this.#reload()) },
      actions: { reportReloadFailure: (_, failure) => this.#reportReloadFailure(failure) },
    });
    const input = this.#options.reloader ?? {};
    const clock = this.#clock;
    const state = this.#options.state;
    let actor: ReloaderActor;
    if (state) {
      const key = actorStateKey('reloader', state.workerId);
      this.#store = new ActorStateStore(machine, { kv: state.kv, key, log: this.#log });
      const restored = await this.#store.restoreActor({
        input,
        clock,
        check: reloaderStateProblem,
        reconcile: reconcileReloaderState,
      });
      actor = restored.actor as ReloaderActor;
      if (restored.restored) {
        this.#log.info({ state: actor.getSnapshot().value, key }, 'restored instrument reloader');
      }
    } else {
      actor = createActor(machine, { clock, input }).start();
    }
    this.#observe(actor);
    try {
      this.#watcher = await this.#kv.watch({ include: KvWatchInclude.UpdatesOnly });
      this.#watching = this.#follow(this.#watcher);
      await this.#reload();
    } catch (error) {
      this.counters.reloadFailures++;
      this.#log.error({ err: error }, 'could not load the instrument registry');
      await this.stop();
      throw error;
    }
  }

  /** Asks for a reload (e.g. on `ctl.reload`); debounced and coalesced like a KV change. */
  trigger(): void {
    const actor = this.#actor;
    if (actor && !this.#stopping && actor.getSnapshot().status === 'active') {
      actor.send({ type: 'TRIGGER' });
    }
  }

  /** Whether `symbol` is in the view. */
  has(symbol: string): boolean {
    return this.#view.has(symbol);
  }

  /** The expiry of `symbol` in the view: a time, `null` (never) or `undefined` (not in the view). */
  expiresAt(symbol: string): number | null | undefined {
    return this.#view.get(symbol)?.expiresAt;
  }

  /** Instruments in the view. */
  get size(): number {
    return this.#view.size;
  }

  /** The records in the view. */
  records(): IterableIterator<InstrumentRecord> {
    return this.#view.values();
  }

  /**
   * The reloader's snapshot (state, pending flag, deadlines, machine counters).
   *
   * @throws {RegistryNotStartedError} before `start()` created the reloader
   */
  reloaderSnapshot(): SnapshotFrom<typeof reloader> {
    if (!this.#actor) throw new RegistryNotStartedError();
    return this.#actor.getSnapshot();
  }

  /** Counters of the reloader state's persistence, or `undefined` when not persisted. */
  get persistence(): Readonly<ActorStateCounters> | undefined {
    return this.#store?.counters;
  }

  /**
   * Removes every instrument whose `expiresAt <= now` from the view and reports them to
   * `onChange` as `expired`. The janitor calls it; reloads do the same.
   *
   * @returns how many were removed
   * @example
   * janitor.every(60_000, () => registry.expireNow());
   */
  expireNow(now: number = this.#clock.now()): number {
    const expired: string[] = [];
    for (const [symbol, record] of this.#view) {
      if (record.expiresAt !== null && record.expiresAt <= now) expired.push(symbol);
    }
    if (expired.length === 0) return 0;
    for (const symbol of expired) this.#view.delete(symbol);
    this.counters.size = this.#view.size;
    this.counters.expired += expired.length;
    this.#emit({ added: [], removed: [], expired });
    return expired.length;
  }

  /** Stops the watch and the reloader and persists the reloader's last state. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #stop(): Promise<void> {
    this.#watcher?.stop();
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#wake?.();
    const actor = this.#actor;
    this.#subscription?.unsubscribe();
    if (actor && actor.getSnapshot().status === 'active') {
      this.#store?.save(actor.getPersistedSnapshot());
    }
    await this.#store?.flush();
    actor?.stop();
    await this.#watching;
  }

  #observe(actor: ReloaderActor): void {
    this.#actor = actor;
    const base = actor.getSnapshot().context.counters;
    let last = '';
    const onSnapshot = (snapshot: ReturnType<ReloaderActor['getSnapshot']>): void => {
      const { counters, pending } = snapshot.context;
      this.counters.triggers = counters.triggers - base.triggers;
      this.counters.coalesced = counters.coalesced - base.coalesced;
      // Persist state changes and the pending flag; not every trigger's counter bump.
      const key = `${String(snapshot.value)}:${pending}`;
      if (key === last) return;
      last = key;
      this.#store?.save(actor.getPersistedSnapshot());
    };
    onSnapshot(actor.getSnapshot());
    this.#subscription = actor.subscribe({
      next: onSnapshot,
      error: (error) => {
        this.counters.reloaderErrors++;
        this.#log.error({ err: error }, 'instrument reloader failed');
      },
    });
  }

  async #follow(first: QueuedIterator<KvWatchEntry>): Promise<void> {
    let watcher = first;
    for (;;) {
      try {
        for await (const _change of watcher) this.trigger();
      } catch (error) {
        if (!this.#stopping) this.#log.warn({ err: error }, 'instrument registry watch failed');
      }
      if (this.#stopping) return;
      this.counters.watchRestarts++;
      this.#log.warn(
        { retryInMs: this.#watchRetryMs },
        'instrument registry watch ended; re-creating it',
      );
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#retryTimer = setTimeout(resolve, this.#watchRetryMs);
        this.#retryTimer.unref();
      });
      this.#wake = undefined;
      if (this.#stopping) return;
      try {
        watcher = await this.#kv.watch({ include: KvWatchInclude.UpdatesOnly });
        this.#watcher = watcher;
        // Changes made while no watch was open would otherwise go unnoticed.
        this.trigger();
      } catch (error) {
        this.#log.warn({ err: error }, 'could not re-create the instrument registry watch');
      }
    }
  }

  async #reload(): Promise<void> {
    const seq = ++this.#readSeq;
    this.counters.reloads++;
    const read = await this.#read(this.#view, false);
    const { records, skipped } = read;
    let expired = read.expired;
    if (this.#stopping || seq < this.#appliedSeq) return;
    this.#appliedSeq = seq;
    // Compared with the view as it is now: expireNow() may have trimmed it during the read.
    const previous = this.#view;
    const added: string[] = [];
    for (const symbol of records.keys()) if (!previous.has(symbol)) added.push(symbol);
    const gone = new Set(expired.filter((symbol) => previous.has(symbol)));
    const removed: string[] = [];
    for (const symbol of previous.keys()) {
      if (!records.has(symbol) && !gone.has(symbol)) removed.push(symbol);
    }
    expired = [...gone];
    this.#view = records;
    this.counters.size = records.size;
    this.counters.expired += expired.length;
    if (added.length + removed.length + expired.length > 0) {
      this.#emit({ added, removed, expired });
    }
    // Records skipped for the bound get in once deletions made room; ask for that reload.
    if (skipped > 0 && records.size < this.maxInstruments) this.trigger();
  }

  /** Scans KV; counts and logs what the scan skipped or could not use. */
  async #read(
    previous: ReadonlyMap<string, InstrumentRecord>,
    keepExpired: boolean,
  ): Promise<RegistryScan> {
    let logged = 0;
    const scan = await scanRegistry(this.#kv, {
      previous,
      maxInstruments: this.maxInstruments,
      now: keepExpired ? null : this.#clock.now(),
      timeoutMs: this.#readTimeoutMs,
      onInvalid: (error) => {
        this.counters.invalid++;
        // Counted one by one, logged only the first few times per read: a bucket full of
        // junk must not flood the log.
        if (logged++ < maxInvalidLogsPerRead) {
          this.#log.warn(
            { err: error, key: error.key },
            'invalid instrument registry value skipped',
          );
        }
        this.#reportInvalid(error);
      },
    });
    if (scan.skipped > 0) {
      this.counters.rejected += scan.skipped;
      this.#log.warn(
        { skipped: scan.skipped, maxInstruments: this.maxInstruments },
        'instrument registry holds more than maxInstruments; the newest instruments were skipped',
      );
    }
    return scan;
  }

  async #hasRoomFor(symbol: string): Promise<boolean> {
    if (this.#actor) return this.#view.has(symbol) || this.#view.size < this.maxInstruments;
    // Not running a view (the CLI): count keys in KV, stopping as soon as the answer is known.
    const keys = await this.#kv.keys();
    let count = 0;
    try {
      for await (const key of keys) {
        if (key === symbol) return true;
        if (++count >= this.maxInstruments) return false;
      }
    } finally {
      keys.stop();
    }
    return true;
  }

  #reportReloadFailure(failure: ReloadFailure): void {
    this.counters.reloadFailures++;
    this.#log.error(
      {
        error: failure.error,
        consecutiveFailures: failure.consecutiveFailures,
        retryNotBefore: failure.retryNotBefore,
      },
      'instrument registry reload failed; the next change retries it after the backoff',
    );
  }

  #reportInvalid(error: InvalidInstrumentError): void {
    const handler = this.#options.onInvalid;
    if (!handler) return;
    try {
      handler(error);
    } catch (failure) {
      this.#handlerFailed('onInvalid', failure);
    }
  }

  #emit(change: InstrumentChange): void {
    const handler = this.#options.onChange;
    if (!handler) return;
    try {
      const result = handler(change);
      if (result && typeof result.then === 'function') {
        result.then(undefined, (failure: unknown) => this.#handlerFailed('onChange', failure));
      }
    } catch (failure) {
      this.#handlerFailed('onChange', failure);
    }
  }

  #handlerFailed(handler: string, failure: unknown): void {
    this.counters.handlerFailures++;
    this.#log.error({ err: failure, handler }, 'instrument registry handler failed');
  }
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new InvalidRuntimeOptionError(option, resolved, 'an integer >= 1');
  }
  return resolved;
}
