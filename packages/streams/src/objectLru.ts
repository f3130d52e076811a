import { LRUCache } from 'lru-cache';
import { integerOption } from './options.js';

/** Why {@link objectLru} let go of an entry (lru-cache's `DisposeReason`). */
export type ObjectLruDisposeReason = LRUCache.DisposeReason;

/** Options of {@link objectLru}. */
export interface ObjectLruOptions<TKey extends {}, TValue extends {}> {
  /** Most entries held; an integer >= 1. Required: lru-cache also allows TTL-only caches, whose entry count has no bound. */
  readonly maxEntries: number;
  /**
   * Called when an entry leaves: `evict` (made room: passivate it), `delete`, `set` (replaced).
   * Runs synchronously inside the call that caused it; start async work (a snapshot) from here
   * and report its failures, do not await it.
   */
  readonly onDispose?: (value: TValue, key: TKey, reason: ObjectLruDisposeReason) => void;
}

/**
 * An LRU of objects for actor passivation: lru-cache 11 (`LRUCache`), configured with a
 * mandatory count bound. Returned as is, so its whole API (`peek`, `entries`, `rentries`,
 * dispose reasons) is available; this wrapper only refuses an unbounded configuration.
 *
 * Why lru-cache here and {@link LruWindow} for per-tick windows: passivation evicts a few
 * actors a second, so speed does not matter there, while lru-cache's dispose reasons and wide
 * use do; see the package README for the measured numbers.
 *
 * @example
 * const actors = objectLru<string, SymbolActor>({
 *   maxEntries: 5000,
 *   onDispose: (actor, _symbol, reason) => {
 *     if (reason === 'evict') void actor.passivate().catch(supervisor.report);
 *   },
 * });
 * actors.set('BTCUSDT', actor);
 */
export function objectLru<TKey extends {}, TValue extends {}>(
  options: ObjectLruOptions<TKey, TValue>,
): LRUCache<TKey, TValue> {
  const max = integerOption('maxEntries', options.maxEntries, 1);
  return new LRUCache<TKey, TValue>({
    max,
    ...(options.onDispose && { dispose: options.onDispose }),
  });
}
