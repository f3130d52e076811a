import type { MachineClock } from '@ballast/machines';
import type { KV } from '@nats-io/kv';
import {
  type Actor,
  type AnyStateMachine,
  createActor,
  type InputFrom,
  type Snapshot,
} from 'xstate';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';

/** A persisted snapshot as `actor.getPersistedSnapshot()` returns it: plain JSON data. */
export type PersistedSnapshot = Snapshot<unknown> & {
  readonly value?: unknown;
  readonly context?: unknown;
  readonly children?: unknown;
};

/** What {@link decodeActorState} found in a stored value. */
export type DecodedActorState =
  | { readonly ok: true; readonly snapshot: PersistedSnapshot; readonly savedAt: number }
  | { readonly ok: false; readonly problem: string };

// KV keys are NATS subjects: tokens of these characters joined by dots. Parts may not hold
// dots themselves, so `breaker.<worker>.<name>` always has exactly three tokens.
const keyToken = /^[-/=\w]{1,64}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The KV key an actor's state is stored under: `<kind>.<part>...`.
 *
 * @throws {InvalidRuntimeOptionError} when a part is empty, longer than 64 characters, or holds
 *   a character other than `A-Z a-z 0-9 - / = _`
 * @example
 * actorStateKey('breaker', 'worker-1', 'candleSink'); // 'breaker.worker-1.candleSink'
 */
export function actorStateKey(kind: string, ...parts: string[]): string {
  for (const [i, part] of [kind, ...parts].entries()) {
    if (!keyToken.test(part)) {
      throw new InvalidRuntimeOptionError(
        i === 0 ? 'state kind' : 'state key part',
        part,
        '1-64 characters of A-Z a-z 0-9 - / = _ (a KV key token; no dots)',
      );
    }
  }
  return [kind, ...parts].join('.');
}

/**
 * Encodes a persisted snapshot as JSON in an envelope naming the machine, so a value written
 * by another machine (or a future format) is recognised instead of misread. JSON, not msgpack:
 * machine contexts are plain JSON by design, and `nats kv get snapshots breaker.w1.candleSink`
 * stays readable.
 *
 * @example
 * await kv.put(key, encodeActorState('circuitBreaker', actor.getPersistedSnapshot(), Date.now()));
 */
export function encodeActorState(
  machineId: string,
  snapshot: unknown,
  savedAt: number,
): Uint8Array {
  return encoder.encode(JSON.stringify({ v: 1, machine: machineId, savedAt, snapshot }));
}

/**
 * Decodes and checks the envelope of a stored actor state. Never throws: a bad value is a
 * `problem` the caller counts and logs before starting fresh.
 *
 * @example
 * const stored = decodeActorState(entry.value, 'circuitBreaker');
 * if (!stored.ok) log.warn({ problem: stored.problem }, 'starting fresh');
 */
export function decodeActorState(bytes: Uint8Array, machineId: string): DecodedActorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    return { ok: false, problem: `not UTF-8 JSON (${(error as Error).message})` };
  }
  if (!isObject(parsed)) return { ok: false, problem: 'not a JSON object' };
  if (parsed.v !== 1) return { ok: false, problem: `unknown format version ${String(parsed.v)}` };
  if (parsed.machine !== machineId) {
    return {
      ok: false,
      problem: `stored for machine ${JSON.stringify(parsed.machine)}, expected ${JSON.stringify(machineId)}`,
    };
  }
  const savedAt = parsed.savedAt;
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt)) {
    return { ok: false, problem: 'savedAt is not a finite number' };
  }
  const snapshot = parsed.snapshot;
  if (!isObject(snapshot)) return { ok: false, problem: 'snapshot is not an object' };
  // A stopped or errored snapshot restores into an actor that never runs.
  if (snapshot.status !== 'active') {
    return { ok: false, problem: `snapshot status is ${String(snapshot.status)}, not active` };
  }
  if (typeof snapshot.value !== 'string' && !isObject(snapshot.value)) {
    return { ok: false, problem: 'snapshot value is neither a state name nor a state object' };
  }
  if (!isObject(snapshot.context))
    return { ok: false, problem: 'snapshot context is not an object' };
  const children = snapshot.children;
  if (children !== undefined) {
    if (!isObject(children)) return { ok: false, problem: 'snapshot children is not an object' };
    for (const [id, child] of Object.entries(children)) {
      // xstate silently skips a malformed child, and a skipped deadline timer never fires.
      if (!isObject(child) || typeof child.src !== 'string' || !isObject(child.snapshot)) {
        return { ok: false, problem: `child ${id} lacks src or snapshot` };
      }
    }
  }
  return { ok: true, snapshot: snapshot as PersistedSnapshot, savedAt };
}

/** Counters of an {@link ActorStateStore}. */
export interface ActorStateCounters {
  /** Stored states restored into a running actor. */
  restored: number;
  /** Starts with nothing stored. */
  fresh: number;
  /** Stored values that could not be restored (bad bytes, wrong machine, failed checks). */
  corrupt: number;
  /** Reads that failed (e.g. NATS unavailable); the actor then starts fresh. */
  loadFailures: number;
  /** Snapshots written. */
  writes: number;
  writeFailures: number;
  /** Saves merged into a write already queued (only the latest snapshot is written). */
  coalesced: number;
}

/** Options of {@link ActorStateStore}. */
export interface ActorStateStoreOptions {
  /** The bucket, usually `snapshots` from `ensureTopology`. */
  readonly kv: KV;
  /** From {@link actorStateKey}. */
  readonly key: string;
  readonly log: Logger;
}

/** Options of {@link ActorStateStore.restoreActor}. */
export interface RestoreActorOptions<TLogic extends AnyStateMachine> {
  /** Input for a fresh actor; also used to build `fresh` for `reconcile`. */
  readonly input: InputFrom<TLogic>;
  readonly clock: MachineClock;
  /** Why a decoded snapshot must not be restored (a domain check of its context), or undefined. */
  readonly check?: (snapshot: PersistedSnapshot) => string | undefined;
  /**
   * Adapts a stored snapshot to this process before it is restored: e.g. takes the current
   * settings from `fresh` and forgets calls that were in flight in the old process.
   */
  readonly reconcile?: (stored: PersistedSnapshot, fresh: PersistedSnapshot) => PersistedSnapshot;
}

/**
 * Keeps one actor's persisted snapshot in a KV bucket so its state survives a restart:
 * `restoreActor` reads it back (or starts fresh, counted and logged, when the value is missing
 * or unusable), `save` writes the latest snapshot with at most one write in flight and one
 * waiting (later saves replace the waiting one), `flush` waits for the writes.
 *
 * Pending `after` delays are not restored by xstate (#5331); the machines of
 * `@ballast/machines` keep deadlines in context and re-arm invoked `deadlineTimer`s on restore,
 * so restoring the snapshot is enough.
 *
 * @example
 * const store = new ActorStateStore(circuitBreaker, { kv: topology.snapshots, key, log });
 * const actor = await store.restoreActor({ input: {}, clock: unrefClock });
 * actor.subscribe(() => store.save(actor.getPersistedSnapshot()));
 */
export class ActorStateStore<TLogic extends AnyStateMachine> {
  readonly key: string;
  readonly counters: ActorStateCounters = {
    restored: 0,
    fresh: 0,
    corrupt: 0,
    loadFailures: 0,
    writes: 0,
    writeFailures: 0,
    coalesced: 0,
  };
  readonly #logic: TLogic;
  readonly #kv: KV;
  readonly #log: Logger;
  readonly #machineId: string;
  #now: () => number = Date.now;
  #waiting: PersistedSnapshot | undefined;
  #writing: Promise<void> | undefined;

  /**
   * @param logic - the machine (with its implementations provided)
   * @param options - bucket, key and logger
   */
  constructor(logic: TLogic, options: ActorStateStoreOptions) {
    this.#logic = logic;
    this.#kv = options.kv;
    this.key = options.key;
    this.#log = options.log;
    this.#machineId = logic.id;
  }

  /**
   * Creates and starts the actor from the stored snapshot, or fresh from `input` when nothing
   * usable is stored. Never throws for a bad stored value: counts it in `corrupt`, logs it and
   * starts fresh.
   *
   * @returns the started actor and whether it was restored
   */
  async restoreActor(
    options: RestoreActorOptions<TLogic>,
  ): Promise<{ actor: Actor<TLogic>; restored: boolean }> {
    this.#now = () => options.clock.now();
    const stored = await this.#load();
    if (stored !== undefined) {
      const problem = options.check?.(stored);
      if (problem === undefined) {
        const snapshot = options.reconcile
          ? options.reconcile(stored, this.#create({ input: options.input }).getPersistedSnapshot())
          : stored;
        const restored = this.#startRestored(snapshot, options.clock);
        if (restored.actor) {
          this.counters.restored++;
          return { actor: restored.actor, restored: true };
        }
        this.#reportCorrupt(restored.problem);
      } else {
        this.#reportCorrupt(problem);
      }
    }
    const actor = this.#create({ input: options.input, clock: options.clock });
    actor.start();
    return { actor, restored: false };
  }

  /** Writes `snapshot` soon; while a write is in flight only the latest snapshot waits. */
  save(snapshot: Snapshot<unknown>): void {
    if (this.#waiting !== undefined) this.counters.coalesced++;
    this.#waiting = snapshot as PersistedSnapshot;
    this.#writing ??= this.#writeLoop();
  }

  /** Resolves when every saved snapshot has been written (or its write failed and was logged). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #writeLoop(): Promise<void> {
    try {
      for (let next = this.#waiting; next !== undefined; next = this.#waiting) {
        this.#waiting = undefined;
        try {
          await this.#kv.put(this.key, encodeActorState(this.#machineId, next, this.#now()));
          this.counters.writes++;
        } catch (error) {
          this.counters.writeFailures++;
          this.#log.error({ err: error, key: this.key }, 'could not persist actor state');
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #load(): Promise<PersistedSnapshot | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      const entry = await this.#kv.get(this.key);
      bytes = entry && entry.operation === 'PUT' ? entry.value : undefined;
    } catch (error) {
      this.counters.loadFailures++;
      this.#log.error({ err: error, key: this.key }, 'could not read actor state; starting fresh');
      return undefined;
    }
    if (bytes === undefined) {
      this.counters.fresh++;
      return undefined;
    }
    const decoded = decodeActorState(bytes, this.#machineId);
    if (decoded.ok) return decoded.snapshot;
    this.#reportCorrupt(decoded.problem);
    return undefined;
  }

  #startRestored(
    snapshot: PersistedSnapshot,
    clock: MachineClock,
  ): { actor: Actor<TLogic>; problem?: undefined } | { actor?: undefined; problem: string } {
    let actor: Actor<TLogic>;
    try {
      actor = this.#create({ snapshot, clock });
    } catch (error) {
      return { problem: `restore threw: ${(error as Error).message}` };
    }
    // xstate reports an unknown state value as an errored snapshot, not a throw.
    const before = actor.getSnapshot() as Snapshot<unknown>;
    if (before.status !== 'active') return { problem: restoreProblem(before) };
    // An observer with an error handler, so a failure while starting is reported to us rather
    // than rethrown asynchronously by xstate.
    const probe = actor.subscribe({ error: () => {} });
    try {
      actor.start();
    } catch (error) {
      return { problem: `start threw: ${(error as Error).message}` };
    } finally {
      probe.unsubscribe();
    }
    const after = actor.getSnapshot() as Snapshot<unknown>;
    if (after.status !== 'active') {
      actor.stop();
      return { problem: restoreProblem(after) };
    }
    return { actor };
  }

  #create(options: { input?: unknown; snapshot?: Snapshot<unknown>; clock?: MachineClock }) {
    // createActor's conditional option types do not resolve for a generic machine.
    return createActor(this.#logic as AnyStateMachine, options as never) as Actor<TLogic>;
  }

  #reportCorrupt(problem: string): void {
    this.counters.corrupt++;
    this.#log.warn(
      { key: this.key, machine: this.#machineId, problem },
      'stored actor state is unusable; starting fresh',
    );
  }
}

function restoreProblem(snapshot: Snapshot<unknown>): string {
  const error = (snapshot as { error?: unknown }).error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return `restored snapshot is ${snapshot.status}${detail}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
