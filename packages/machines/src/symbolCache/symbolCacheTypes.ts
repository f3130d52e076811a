import type { Tick, Timeframe } from '@ballast/protocol';
import type { Candle } from '@ballast/streams';
import type { SymbolBook, SymbolBookSnapshot } from './SymbolBook.js';
import type { SymbolBookOptions } from './symbolBookOptions.js';

/** Input of the `symbolCache` machine. */
export interface SymbolCacheInput {
  /** A validated symbol token. */
  readonly symbol: string;
  /** Window bounds for a new book; ignored when restoring (the snapshot carries them). */
  readonly book?: SymbolBookOptions;
  /** The latest persisted snapshot, when re-hydrating. */
  readonly restore?: SymbolBookSnapshot;
  /** Clock time (ms) at which the instrument expires (options); `null`/absent: never. */
  readonly expiresAt?: number | null;
  /** Persist after this many applied ticks. Default 1,000. */
  readonly snapshotEveryEvents?: number;
  /** Persist when the oldest unsnapshotted tick is this old. Default 30 s. */
  readonly snapshotIntervalMs?: number;
  /** Go idle after this long without a live tick. Default 5 minutes. */
  readonly idleAfterMs?: number;
  /** How often the housekeeping timer checks the two rules above. Default 5 s. */
  readonly housekeepingMs?: number;
  /**
   * Where in [0, 1) this actor's housekeeping falls: the first check comes `(0.5 + phase) x
   * housekeepingMs` after going live, the next ones every `housekeepingMs`. Actors hydrated
   * together with different phases do not all check at the same instant. Default 0.5.
   */
  readonly housekeepingPhase?: number;
}

/** Context of the `symbolCache` machine. */
export interface SymbolCacheContext {
  /** The fold. Mutated in place by ticks (typed arrays); copied out by `book.snapshot()`. */
  readonly book: SymbolBook;
  readonly expiresAt: number | null;
  readonly snapshotEveryEvents: number;
  readonly snapshotIntervalMs: number;
  readonly idleAfterMs: number;
  readonly housekeepingMs: number;
  readonly housekeepingPhase: number;
  /** Ticks applied since the last persisted snapshot. */
  readonly eventsSinceSnapshot: number;
  readonly lastSnapshotAt: number;
  /** Clock time of the first tick after the last snapshot; null when clean. */
  readonly dirtySince: number | null;
  /** Clock time of the last live tick (not replayed ones). */
  readonly lastTickAt: number;
  /** Absolute clock time of the next housekeeping check (re-armed on restore). */
  readonly nextCheckAt: number;
  readonly snapshotsRequested: number;
}

/** A decoded tick with its log sequence. */
export interface SequencedTick {
  readonly tick: Tick;
  /** JetStream stream sequence: increasing, unique. */
  readonly seq: number;
}

/** Events of the `symbolCache` machine. */
export type SymbolCacheEvent =
  | ({ readonly type: 'TICK' } & SequencedTick)
  /**
   * Live ticks of this symbol in log order, folded as one step: what arrived in one read of
   * the log. The same state and effects as one TICK each, except one `publishCandles` for the
   * batch and at most one `persistSnapshot`, after the whole batch.
   */
  | { readonly type: 'TICKS'; readonly ticks: readonly SequencedTick[] }
  | ({ readonly type: 'REPLAY' } & SequencedTick)
  | { readonly type: 'HYDRATED' }
  | { readonly type: 'PASSIVATE' }
  | { readonly type: 'HOUSEKEEPING_DUE'; readonly deadline: number }
  | { readonly type: 'EXPIRY_REACHED'; readonly deadline: number };

/** Why the machine asks the runtime to persist a snapshot. */
export type SnapshotReason = 'events' | 'interval' | 'passivated' | 'expired';

/** Params of the `persistSnapshot` action. The runtime reads `context.book.snapshot()`. */
export interface PersistSnapshotParams {
  readonly symbol: string;
  readonly reason: SnapshotReason;
  readonly seq: number;
}

/** Params of the `candleClosed` action: a candle that a newer bucket just closed. */
export interface CandleClosedParams {
  readonly symbol: string;
  readonly tf: Timeframe;
  readonly candle: Candle;
}

/** Params of the `publishCandles` action: live ticks changed the newest candles. */
export interface PublishCandlesParams {
  readonly symbol: string;
  /** Log sequence of the last tick folded. */
  readonly seq: number;
}

/** Params of the `reportTooOld` action: a tick no window could hold. */
export interface TooOldParams {
  readonly symbol: string;
  readonly seq: number;
  readonly ts: number;
}

/** The lifecycle states, as `ballast query` and the dashboard show them. */
export type SymbolLifecycle = 'hydrating' | 'live' | 'idle' | 'passivated' | 'expired';

/** A named action with its params, as the fold asks for it. */
export type SymbolCacheEffect =
  | { readonly type: 'publishCandles'; readonly params: PublishCandlesParams }
  | { readonly type: 'candleClosed'; readonly params: CandleClosedParams }
  | { readonly type: 'persistSnapshot'; readonly params: PersistSnapshotParams }
  | { readonly type: 'reportTooOld'; readonly params: TooOldParams };

/** Context changes and effects one event causes. */
export interface SymbolCacheStep {
  readonly changes: Partial<SymbolCacheContext>;
  readonly effects: readonly SymbolCacheEffect[];
}
