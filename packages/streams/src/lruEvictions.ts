import { Observable, type OperatorFunction } from 'rxjs';
import { LruWindow } from './LruWindow.js';
import { integerOption } from './options.js';

/** A value under a key: the items {@link lruEvictions} takes and the evictions it emits. */
export interface KeyedValue<TKey, TValue> {
  readonly key: TKey;
  readonly value: TValue;
}

/** Options of {@link lruEvictions}. */
export interface LruEvictionsOptions<TKey, TValue> {
  /** Most keys held; an integer >= 1. */
  readonly maxKeys: number;
  /** Called with the subscription's window once, on subscribe, so its contents can be read. */
  readonly onWindow?: (window: LruWindow<TKey, TValue>) => void;
}

/**
 * The operator form of {@link LruWindow}: keeps the latest value per key in a window of
 * `maxKeys` keys and emits each entry the window evicts to make room, e.g. so a symbol that
 * fell out can be unsubscribed. (Not named `lruWindow`: a file `lruWindow.ts` next to
 * `LruWindow.ts` breaks on case-insensitive file systems.)
 *
 * The window lives in the subscription's closure and is cleared on teardown; `onWindow` hands
 * it out for reading (current quotes). Nothing is emitted for updates of held keys.
 *
 * @param options - the bound and an optional window observer
 * @returns an operator emitting evicted entries
 * @example
 * let latest: LruWindow<string, Quote> | undefined;
 * quotes$.pipe(
 *   map((q) => ({ key: q.symbol, value: q })),
 *   lruEvictions({ maxKeys: 5000, onWindow: (w) => { latest = w; } }),
 * ).subscribe(({ key }) => unsubscribe(key));
 */
export function lruEvictions<TKey, TValue>(
  options: LruEvictionsOptions<TKey, TValue>,
): OperatorFunction<KeyedValue<TKey, TValue>, KeyedValue<TKey, TValue>> {
  const maxKeys = integerOption('maxKeys', options.maxKeys, 1);
  const { onWindow } = options;
  return (source) =>
    new Observable<KeyedValue<TKey, TValue>>((subscriber) => {
      let window = new LruWindow<TKey, TValue>({
        maxKeys,
        onEvict: (value, key) => subscriber.next({ key, value }),
      });
      onWindow?.(window);
      const upstream = source.subscribe({
        next: (item) => {
          if (!subscriber.closed) window.set(item.key, item.value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      subscriber.add(upstream);
      return () => {
        window.clear();
        window = null!;
      };
    });
}
