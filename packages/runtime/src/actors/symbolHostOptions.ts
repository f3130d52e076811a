import type { SymbolBookOptions } from '@ballast/machines';
import { InvalidRuntimeOptionError } from '../errors.js';
import { defaultSnapshotConcurrency } from './SnapshotWriter.js';

/** Tunables of the symbol actors a worker hosts. */
export interface SymbolActorOptions {
  /** Most live actors per worker; one more passivates the least recently used. Default 5,000. */
  readonly maxLiveActors?: number;
  /**
   * Most passivated actors whose final snapshot is still being written; at the bound, the
   * partition consumer waits (backpressure) instead of holding more. Default 256.
   */
  readonly maxPassivating?: number;
  /** Snapshot after this many applied ticks. Default 1,000. */
  readonly snapshotEveryEvents?: number;
  /** Snapshot when the oldest unsnapshotted tick is this old. Default 30 s. */
  readonly snapshotIntervalMs?: number;
  /** An actor without live ticks this long goes idle and is passivated. Default 5 min. */
  readonly idleAfterMs?: number;
  /** Housekeeping timer period of each actor. Default 5 s. */
  readonly housekeepingMs?: number;
  /** Window bounds of new books. Default: the design's 1440/864/672/672/720/360/365, OI 288. */
  readonly book?: SymbolBookOptions;
  /** Snapshot writes in flight at once. Default 256. */
  readonly snapshotConcurrency?: number;
  /**
   * Timeframes published on every live tick; the others are published at most once per
   * `candleUpdateIntervalMs` per symbol (and always when a candle closes). Default `['1m']`.
   */
  readonly perTickTimeframes?: readonly string[];
  /** Period of the coalesced candle updates. Default 1,000 ms. */
  readonly candleUpdateIntervalMs?: number;
}

/** {@link SymbolActorOptions} with defaults applied. */
export type ResolvedSymbolActorOptions = Required<Omit<SymbolActorOptions, 'book'>> & {
  readonly book: SymbolBookOptions;
};

/**
 * Applies defaults and checks ranges.
 *
 * @throws {InvalidRuntimeOptionError} naming the option
 * @example
 * resolveSymbolActorOptions({ maxLiveActors: 1_000 }).maxPassivating; // 256
 */
export function resolveSymbolActorOptions(
  options: SymbolActorOptions = {},
): ResolvedSymbolActorOptions {
  const resolved: ResolvedSymbolActorOptions = {
    maxLiveActors: options.maxLiveActors ?? 5_000,
    maxPassivating: options.maxPassivating ?? 256,
    snapshotEveryEvents: options.snapshotEveryEvents ?? 1_000,
    snapshotIntervalMs: options.snapshotIntervalMs ?? 30_000,
    idleAfterMs: options.idleAfterMs ?? 300_000,
    housekeepingMs: options.housekeepingMs ?? 5_000,
    book: options.book ?? {},
    snapshotConcurrency: options.snapshotConcurrency ?? defaultSnapshotConcurrency,
    perTickTimeframes: options.perTickTimeframes ?? ['1m'],
    candleUpdateIntervalMs: options.candleUpdateIntervalMs ?? 1_000,
  };
  for (const key of [
    'maxLiveActors',
    'maxPassivating',
    'snapshotEveryEvents',
    'snapshotIntervalMs',
    'idleAfterMs',
    'housekeepingMs',
    'snapshotConcurrency',
    'candleUpdateIntervalMs',
  ] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidRuntimeOptionError(key, value, 'an integer >= 1');
    }
  }
  return resolved;
}
