import type { SequencedTick } from '@ballast/machines';
import type { Tick } from '@ballast/protocol';
import { type InFlightSeq, InFlightSeqs } from './InFlightSeqs.js';

/** What the gate asks of the symbol host (`SymbolHost` is one). */
export interface HydratingHost {
  /** Whether the symbol's actor is live (without counting it as use). */
  isLive(symbol: string): boolean;
  /**
   * Folds ticks of one symbol, in log order, as one batch if its actor is live; `false`
   * (nothing done) otherwise.
   */
  foldLive(symbol: string, ticks: readonly SequencedTick[]): boolean;
  /**
   * Hydrates the symbol (or joins the hydration in progress) with the log replayed below
   * `untilSeq`; calls `onLive` synchronously the moment the actor is live (at once if it
   * already is). Resolves `null` when no actor was made live.
   */
  activate(
    symbol: string,
    partition: number,
    untilSeq: number,
    createEmpty: boolean,
    onLive: () => void,
  ): Promise<object | null>;
}

/** Dependencies of a {@link HydrationGate}. */
export interface HydrationGateDeps {
  readonly host: HydratingHost;
  readonly partition: number;
  /** `processed` before the first message. */
  readonly start: number;
  /** Most symbols hydrating at once. */
  readonly maxHydrations: number;
  /** Most ticks taken but not handled yet (parked, or finished behind one that is not). */
  readonly maxParked: number;
  /** A hydration attempt failed (it is retried), or a batch found its actor gone. */
  readonly failure: (error: unknown) => void;
  /** First retry delay, doubled per failure up to `maxRetryMs`. Default 100 ms. */
  readonly retryMs?: number;
  /** Default 5,000 ms. */
  readonly maxRetryMs?: number;
}

/** Counters of a {@link HydrationGate}. */
export interface HydrationGateCounters {
  /** Hydrations started (one per cold symbol; retries not counted). */
  hydrations: number;
  /** Most symbols hydrating at once so far. */
  maxConcurrent: number;
  /** Ticks parked behind a hydrating symbol. */
  parked: number;
  /** Times a tick had to wait because `maxHydrations` symbols were hydrating. */
  hydrationWaits: number;
  /** Times a tick had to wait because `maxParked` ticks were in flight. */
  parkedWaits: number;
  /** Hydration attempts repeated: failed, or ended without a live actor. */
  retries: number;
  /** Attempts that ended without a live actor and without an error (partition going away). */
  notLive: number;
}

/** What {@link HydrationGate.offer} did with a tick. */
export type GateOutcome =
  /** Taken for a live actor: folds at the next {@link HydrationGate.flush}. */
  | 'folded'
  /** Parked behind its symbol's hydration (started now or already running). */
  | 'parked'
  /** Not taken: too many hydrations or parked ticks; wait for {@link HydrationGate.room}. */
  | 'full';

interface ParkedTick {
  readonly tick: Tick;
  readonly slot: InFlightSeq;
}

/** A symbol being hydrated, with its ticks waiting in log order. */
interface ColdSymbol {
  readonly symbol: string;
  readonly ticks: ParkedTick[];
  failures: number;
  /** A fold that threw while draining: the attempt counts as failed. */
  error: unknown;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Lets one partition hydrate many cold symbols at once while keeping each symbol's ticks in
 * log order: a tick of a live symbol joins its symbol's batch, folded as one event by
 * {@link HydrationGate.flush}; a tick of a symbol that is not live starts
 * its hydration (the log is replayed below that tick, the first one waiting) and is parked;
 * later ticks of a hydrating symbol are parked behind it, live ones included. The moment the
 * host makes the actor live it calls back, synchronously, and the parked ticks fold before
 * anything else can reach the actor (an LRU eviction included). `processed` is the done prefix
 * of the partition's messages ({@link InFlightSeqs}).
 *
 * Batches exist only between an offer and the next flush, which the caller makes in the same
 * synchronous run (before any await): nothing else can stop an actor meanwhile, and one
 * machine event per symbol per read of the log costs the interpreter a fraction of one per
 * tick. Parked ticks also fold as one batch when their actor goes live.
 *
 * Bounded: at most `maxHydrations` symbols hydrate and `maxParked` ticks are in flight; past
 * either, {@link HydrationGate.offer} answers `full` and the consumer waits — nothing more is
 * pulled. A failed attempt keeps its ticks and is retried with backoff, never skipped; after
 * {@link HydrationGate.close} nothing is retried and the unfinished ticks stay above
 * `processed`, where the next owner or restart starts.
 *
 * @example
 * const gate = new HydrationGate({ host, partition: 3, start: floor, maxHydrations: 32,
 *   maxParked: 512, failure: (e) => report(e) });
 * for (const msg of chunk) {
 *   while (gate.offer(tick, msg.seq) === 'full') {
 *     gate.flush();
 *     await gate.room();
 *   }
 * }
 * gate.flush();
 * gate.processed; // every message up to here is folded or refused
 */
export class HydrationGate {
  readonly counters: HydrationGateCounters = {
    hydrations: 0,
    maxConcurrent: 0,
    parked: 0,
    hydrationWaits: 0,
    parkedWaits: 0,
    retries: 0,
    notLive: 0,
  };
  readonly #d: HydrationGateDeps;
  readonly #progress: InFlightSeqs;
  readonly #cold = new Map<string, ColdSymbol>();
  /** Ticks of live symbols taken since the last flush, per symbol in log order. */
  readonly #batches = new Map<string, SequencedTick[]>();
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  #parked = 0;
  /** Host calls not settled yet; {@link HydrationGate.settled} waits for zero. */
  #attempts = 0;
  #closed = false;
  #wakeRoom: (() => void) | null = null;
  #wakeSettled: (() => void) | null = null;

  constructor(deps: HydrationGateDeps) {
    this.#d = deps;
    this.#progress = new InFlightSeqs(deps.start, deps.maxParked);
    this.#retryMs = deps.retryMs ?? 100;
    this.#maxRetryMs = deps.maxRetryMs ?? 5_000;
  }

  /** Highest sequence with every message at or below it folded or refused. */
  get processed(): number {
    return this.#progress.processed;
  }

  /** Symbols hydrating now (including those waiting to retry). */
  get hydrating(): number {
    return this.#cold.size;
  }

  /** Ticks parked now. */
  get parked(): number {
    return this.#parked;
  }

  /** A message that needs no fold (refused, dead-lettered) was handled. */
  skip(seq: number): void {
    this.#progress.complete(seq);
  }

  /**
   * Folds the tick, parks it behind its symbol's hydration, or answers `full` without taking
   * it (call again after {@link HydrationGate.room}).
   */
  offer(tick: Tick, seq: number): GateOutcome {
    const cold = this.#cold.get(tick.symbol);
    if (cold !== undefined) {
      if (this.#progress.full) {
        this.counters.parkedWaits++;
        return 'full';
      }
      this.#park(cold, tick, seq);
      return 'parked';
    }
    const batch = this.#batches.get(tick.symbol);
    if (batch !== undefined || this.#d.host.isLive(tick.symbol)) {
      if (batch === undefined) this.#batches.set(tick.symbol, [{ tick, seq }]);
      else batch.push({ tick, seq });
      // Done as far as `processed` goes: flush() folds it before anything can read it.
      this.#progress.complete(seq);
      return 'folded';
    }
    if (this.#cold.size >= this.#d.maxHydrations) {
      this.counters.hydrationWaits++;
      return 'full';
    }
    if (this.#progress.full) {
      this.counters.parkedWaits++;
      return 'full';
    }
    const symbol: ColdSymbol = {
      symbol: tick.symbol,
      ticks: [],
      failures: 0,
      error: undefined,
      timer: undefined,
    };
    this.#cold.set(tick.symbol, symbol);
    this.counters.hydrations++;
    if (this.#cold.size > this.counters.maxConcurrent)
      this.counters.maxConcurrent = this.#cold.size;
    this.#park(symbol, tick, seq);
    this.#attempt(symbol);
    return 'parked';
  }

  /**
   * Folds the batches taken since the last flush, one machine event per symbol. Call it in the
   * same synchronous run as the offers, before any await.
   */
  flush(): void {
    if (this.#batches.size === 0) return;
    for (const [symbol, ticks] of this.#batches) {
      let folded = false;
      let error: unknown;
      try {
        folded = this.#d.host.foldLive(symbol, ticks);
      } catch (thrown) {
        error = thrown ?? new Error('fold threw');
      }
      // Only a broken host gets here (nothing ran between offer and flush). The ticks are in
      // the log above the symbol's snapshot, so its next hydration replays them.
      if (!folded) {
        this.#report(
          error ?? new Error(`${symbol} stopped before its ${ticks.length} ticks folded`),
        );
      }
    }
    this.#batches.clear();
  }

  /** Resolves when a hydration ended or a parked tick was folded (or the gate closed). */
  room(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#wakeRoom;
      this.#wakeRoom = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** No more attempts or retries; waiters of {@link HydrationGate.room} wake. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const cold of this.#cold.values()) {
      if (cold.timer !== undefined) clearTimeout(cold.timer);
      cold.timer = undefined;
    }
    this.#wake();
  }

  /** Resolves once no host call of this gate is in flight (after {@link HydrationGate.close}). */
  settled(): Promise<void> {
    if (this.#attempts === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#wakeSettled;
      this.#wakeSettled = () => {
        previous?.();
        resolve();
      };
    });
  }

  #park(cold: ColdSymbol, tick: Tick, seq: number): void {
    cold.ticks.push({ tick, slot: this.#progress.begin(seq) });
    this.#parked++;
    this.counters.parked++;
  }

  #attempt(cold: ColdSymbol): void {
    const first = cold.ticks[0] as ParkedTick;
    this.#attempts++;
    let pending: Promise<object | null>;
    try {
      // untilSeq = the first tick waiting: the replay covers exactly what precedes it.
      pending = this.#d.host.activate(cold.symbol, this.#d.partition, first.slot.seq, true, () =>
        this.#drain(cold),
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (entry) => this.#attempted(cold, entry !== null, undefined),
      (error: unknown) => this.#attempted(cold, false, error ?? new Error('hydration failed')),
    );
  }

  /** Folds the parked ticks as one batch if the actor is live; `true` when none is left. */
  #drain(cold: ColdSymbol): boolean {
    if (cold.ticks.length > 0 && cold.error === undefined) {
      let folded = false;
      try {
        folded = this.#d.host.foldLive(
          cold.symbol,
          cold.ticks.map(({ tick, slot }) => ({ tick, seq: slot.seq })),
        );
      } catch (error) {
        cold.error = error ?? new Error('fold threw');
      }
      // Not live: stopped meanwhile (by an earlier callback), so it hydrates again.
      if (!folded) return false;
      for (const { slot } of cold.ticks) this.#progress.finish(slot);
      this.#parked -= cold.ticks.length;
      cold.ticks.length = 0;
    }
    if (cold.ticks.length > 0) return false;
    if (this.#cold.get(cold.symbol) === cold) this.#cold.delete(cold.symbol);
    this.#wake();
    return true;
  }

  #attempted(cold: ColdSymbol, live: boolean, error: unknown): void {
    this.#attempts--;
    if (this.#attempts === 0 && this.#wakeSettled !== null) {
      const wake = this.#wakeSettled;
      this.#wakeSettled = null;
      wake();
    }
    if (this.#cold.get(cold.symbol) !== cold) return; // drained when the actor went live
    // Normally drained by the callback already; this covers a host that made it live without
    // calling back.
    if (live && error === undefined && cold.error === undefined && this.#drain(cold)) return;
    const failure = error ?? cold.error;
    cold.error = undefined;
    if (!live && failure === undefined) this.counters.notLive++;
    this.#retry(cold, failure);
  }

  #report(error: unknown): void {
    try {
      this.#d.failure(error);
    } catch {
      // A reporter that throws must not stop the fold or the retries.
    }
  }

  #retry(cold: ColdSymbol, error: unknown): void {
    if (this.#closed) {
      this.#wake();
      return;
    }
    this.counters.retries++;
    if (error !== undefined) this.#report(error);
    const delay = Math.min(this.#retryMs * 2 ** cold.failures, this.#maxRetryMs);
    cold.failures++;
    cold.timer = setTimeout(() => {
      cold.timer = undefined;
      cold.error = undefined;
      if (!this.#closed && this.#cold.get(cold.symbol) === cold) this.#attempt(cold);
    }, delay);
    cold.timer.unref();
  }

  #wake(): void {
    const wake = this.#wakeRoom;
    if (wake === null) return;
    this.#wakeRoom = null;
    wake();
  }
}
