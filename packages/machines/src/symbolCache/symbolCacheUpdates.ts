import type { Timeframe } from '@ballast/protocol';
import { timeframes } from '@ballast/protocol';
import { numberOption } from '../options.js';
import { SymbolBook } from './SymbolBook.js';
import type {
  SequencedTick,
  SnapshotReason,
  SymbolCacheContext,
  SymbolCacheEffect,
  SymbolCacheInput,
  SymbolCacheStep,
} from './symbolCacheTypes.js';

/**
 * Builds the context: restores the book from a snapshot or allocates a new one, checks options.
 * @throws {InvalidOptionError} naming a bad option
 * @internal
 */
export function initialSymbolCacheContext(
  input: SymbolCacheInput,
  now: number,
): SymbolCacheContext {
  const book = input.restore
    ? SymbolBook.restore(input.restore)
    : new SymbolBook(input.symbol, input.book);
  const housekeepingMs = numberOption('housekeepingMs', input.housekeepingMs, 5_000, { min: 1 });
  return {
    book,
    expiresAt: input.expiresAt ?? null,
    snapshotEveryEvents: numberOption('snapshotEveryEvents', input.snapshotEveryEvents, 1_000, {
      min: 1,
      integer: true,
    }),
    snapshotIntervalMs: numberOption('snapshotIntervalMs', input.snapshotIntervalMs, 30_000, {
      min: 1,
    }),
    idleAfterMs: numberOption('idleAfterMs', input.idleAfterMs, 300_000, { min: 1 }),
    housekeepingMs,
    housekeepingPhase: numberOption('housekeepingPhase', input.housekeepingPhase, 0.5, {
      below: 1,
    }),
    eventsSinceSnapshot: 0,
    lastSnapshotAt: now,
    dirtySince: null,
    lastTickAt: now,
    nextCheckAt: now + housekeepingMs,
    snapshotsRequested: 0,
  };
}

/**
 * Whether the interval rule asks for a snapshot now: the oldest unsnapshotted tick came
 * `snapshotIntervalMs` ago. With the event rule this bounds replay after a crash by both
 * N events and T time.
 */
function intervalSnapshotDue(context: SymbolCacheContext, now: number): boolean {
  return context.dirtySince !== null && now - context.dirtySince >= context.snapshotIntervalMs;
}

/** Whether no live tick came for `idleAfterMs`. */
export function idleDue(context: SymbolCacheContext, now: number): boolean {
  return now - context.lastTickAt >= context.idleAfterMs;
}

/**
 * Folds a replayed tick: state only, no effects (they happened before the crash or restart).
 * @internal
 */
export function replayFolded(
  context: SymbolCacheContext,
  { tick, seq }: SequencedTick,
  now: number,
): SymbolCacheStep {
  // A too-old tick still moves lastAppliedSeq, which is part of the state: it must be persisted.
  if (context.book.apply(tick, seq) === 'duplicate') return { changes: {}, effects: [] };
  return { changes: dirtied(context, now), effects: [] };
}

/**
 * Folds live ticks (in log order) and lists their effects: one candle update for the batch,
 * each closed candle and too-old tick, and a snapshot when `snapshotEveryEvents` is reached —
 * once, after the whole batch, so it covers every tick of it.
 * @internal
 */
export function liveFolded(
  context: SymbolCacheContext,
  ticks: readonly SequencedTick[],
  now: number,
): SymbolCacheStep {
  const { book } = context;
  const symbol = book.symbol;
  const effects: SymbolCacheEffect[] = [];
  let consumed = 0;
  let folded = false;
  for (const { tick, seq } of ticks) {
    const result = book.apply(tick, seq);
    if (result === 'duplicate') continue;
    // A too-old tick folds nothing, yet lastAppliedSeq moved: the snapshot must cover it too,
    // or a recovered book would differ from a clean fold in its last sequence.
    consumed++;
    if (result === 'too-old') {
      effects.push({ type: 'reportTooOld', params: { symbol, seq, ts: tick.ts } });
      continue;
    }
    folded = true;
    closedCandles(book, effects);
  }
  if (consumed === 0) return { changes: {}, effects };
  // Before the closed candles: the update shows the candle that replaced them.
  if (folded) {
    effects.unshift({ type: 'publishCandles', params: { symbol, seq: book.lastAppliedSeq } });
  }
  const changes = dirtied(context, now, consumed);
  if (!folded || changes.eventsSinceSnapshot < context.snapshotEveryEvents) {
    return { changes: folded ? { ...changes, lastTickAt: now } : changes, effects };
  }
  const persisted = snapshotRequested(context, 'events', now);
  return {
    changes: { ...persisted.changes, lastTickAt: now },
    effects: [...effects, ...persisted.effects],
  };
}

/** The first housekeeping deadline after going live: spread over a period by the phase. @internal */
export function firstCheckAt(context: SymbolCacheContext, now: number): number {
  return now + Math.round(context.housekeepingMs * (0.5 + context.housekeepingPhase));
}

/** The housekeeping check: an interval snapshot when due, and the next check's deadline. @internal */
export function housekept(context: SymbolCacheContext, now: number): SymbolCacheStep {
  const next = { nextCheckAt: now + context.housekeepingMs };
  if (!intervalSnapshotDue(context, now)) return { changes: next, effects: [] };
  const persisted = snapshotRequested(context, 'interval', now);
  return { changes: { ...persisted.changes, ...next }, effects: persisted.effects };
}

/** Asks for a snapshot and marks the context clean. @internal */
export function snapshotRequested(
  context: SymbolCacheContext,
  reason: SnapshotReason,
  now: number,
): SymbolCacheStep {
  const { book } = context;
  return {
    changes: {
      eventsSinceSnapshot: 0,
      dirtySince: null,
      lastSnapshotAt: now,
      snapshotsRequested: context.snapshotsRequested + 1,
    },
    effects: [
      {
        type: 'persistSnapshot',
        params: { symbol: book.symbol, reason, seq: book.lastAppliedSeq },
      },
    ],
  };
}

function dirtied(context: SymbolCacheContext, now: number, events = 1) {
  return {
    eventsSinceSnapshot: context.eventsSinceSnapshot + events,
    dirtySince: context.dirtySince ?? now,
  };
}

// The candle before one just opened is closed: no in-order tick can reach it again. (A late
// tick may still amend it; the sink gets the candle as it was when it closed.)
function closedCandles(book: SymbolBook, effects: SymbolCacheEffect[]): void {
  if (book.openedMask === 0) return;
  for (let i = 0; i < timeframes.length; i++) {
    if ((book.openedMask & (1 << i)) === 0) continue;
    const tf = timeframes[i] as Timeframe;
    const window = book.windows[tf];
    if (window.length >= 2) {
      effects.push({
        type: 'candleClosed',
        params: { symbol: book.symbol, tf, candle: window.candle(1) },
      });
    }
  }
}
