import { integerOption } from './options.js';

/** Options of {@link LruWindow}. */
export interface LruWindowOptions<TKey, TValue> {
  /** Most keys held; an integer >= 1. Enforced at insert: never exceeded, even briefly. */
  readonly maxKeys: number;
  /**
   * Called after a key was evicted to make room (not on `delete`, `clear` or overwrite), once
   * the window is consistent again, so it may read or change the window.
   */
  readonly onEvict?: (value: TValue, key: TKey) => void;
}

// No slot: marks "no neighbour" at the ends of the recency list. Negative rather than
// 0xffffffff so every link read from an Int32Array stays a small integer for V8.
const NIL = -1;

/**
 * Keyed latest-value window with exact LRU eviction: holds at most `maxKeys` keys, and a new
 * key evicts the least recently used one. `get` and `set` count as use; `peek` and `has` do not.
 *
 * Layout, chosen for speed (it is a hot path: one `set` per tick): entries live in slots
 * `0..maxKeys-1` of preallocated arrays; a `Map` finds a key's slot; the recency list is a
 * doubly linked list whose links are two `Int32Array`s indexed by slot, so moving an entry to
 * the front rewrites four integers and allocates nothing. Evicting reuses the evicted slot;
 * `delete` puts the slot on a free stack. Slots are cleared as entries leave, so evicted
 * values are collectable at once. This is the design of mnemonist's `LRUMap`, written anew.
 *
 * @example
 * const quotes = new LruWindow<string, Quote>({
 *   maxKeys: 5000,
 *   onEvict: (_quote, symbol) => unsubscribe(symbol),
 * });
 * quotes.set('BTCUSDT', quote);
 * quotes.get('BTCUSDT'); // quote, now the most recently used
 */
export class LruWindow<TKey, TValue> {
  readonly maxKeys: number;
  // TS-private rather than #private: plain properties keep this hot path as fast as it can be.
  private readonly slotOf = new Map<TKey, number>();
  private readonly keyAt: (TKey | undefined)[] = [];
  private readonly valueAt: (TValue | undefined)[] = [];
  /** Slot's neighbour toward the most recently used end, or NIL. */
  private readonly newer: Int32Array;
  /** Slot's neighbour toward the least recently used end, or NIL. */
  private readonly older: Int32Array;
  private readonly freeSlots: Int32Array;
  private readonly onEvict: ((value: TValue, key: TKey) => void) | undefined;
  private freeCount = 0;
  private head = NIL;
  private tail = NIL;
  private count = 0;
  private evictions = 0;

  /**
   * @param options - the bound and the eviction callback
   * @throws {InvalidOptionError} when maxKeys is not an integer >= 1
   */
  constructor(options: LruWindowOptions<TKey, TValue>) {
    this.maxKeys = integerOption('maxKeys', options.maxKeys, 1);
    this.onEvict = options.onEvict;
    this.newer = new Int32Array(this.maxKeys);
    this.older = new Int32Array(this.maxKeys);
    this.freeSlots = new Int32Array(this.maxKeys);
    // Filled by push so the arrays are packed (holey arrays cost a check on every read).
    for (let i = 0; i < this.maxKeys; i++) {
      this.keyAt.push(undefined);
      this.valueAt.push(undefined);
    }
  }

  /** Keys held right now, at most `maxKeys`. */
  get size(): number {
    return this.count;
  }

  /** Keys evicted to make room since construction. */
  get evicted(): number {
    return this.evictions;
  }

  /**
   * Reads a key's value and marks it most recently used.
   *
   * @returns the value, or `undefined` when the key is not held
   * @example
   * const quote = quotes.get('ETHUSDT');
   */
  get(key: TKey): TValue | undefined {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return undefined;
    this.moveToFront(slot);
    return this.valueAt[slot];
  }

  /**
   * Reads a key's value without marking it used.
   *
   * @returns the value, or `undefined` when the key is not held
   * @example
   * inspector.show(quotes.peek('ETHUSDT'));
   */
  peek(key: TKey): TValue | undefined {
    const slot = this.slotOf.get(key);
    return slot === undefined ? undefined : this.valueAt[slot];
  }

  /**
   * Whether the key is held; does not mark it used.
   *
   * @example
   * if (!quotes.has(symbol)) subscribe(symbol);
   */
  has(key: TKey): boolean {
    return this.slotOf.has(key);
  }

  /**
   * Sets a key's value and marks it most recently used. A new key in a full window first
   * evicts the least recently used key and then calls `onEvict` with it.
   *
   * @returns this window
   * @example
   * quotes.set(tick.symbol, tick);
   */
  set(key: TKey, value: TValue): this {
    let slot = this.slotOf.get(key);
    if (slot !== undefined) {
      this.valueAt[slot] = value;
      this.moveToFront(slot);
      return this;
    }
    if (this.count === this.maxKeys) {
      slot = this.tail;
      const evictedKey = this.keyAt[slot] as TKey;
      const evictedValue = this.valueAt[slot] as TValue;
      this.slotOf.delete(evictedKey);
      this.slotOf.set(key, slot);
      this.keyAt[slot] = key;
      this.valueAt[slot] = value;
      this.moveToFront(slot);
      this.evictions++;
      this.onEvict?.(evictedValue, evictedKey);
      return this;
    }
    // Not full: every used slot below count + freeCount is live or free, so a fresh one is next.
    slot = this.freeCount > 0 ? (this.freeSlots[--this.freeCount] as number) : this.count;
    this.slotOf.set(key, slot);
    this.keyAt[slot] = key;
    this.valueAt[slot] = value;
    this.newer[slot] = NIL;
    this.older[slot] = this.head;
    if (this.head === NIL) this.tail = slot;
    else this.newer[this.head] = slot;
    this.head = slot;
    this.count++;
    return this;
  }

  /**
   * Removes a key without calling `onEvict`.
   *
   * @returns whether the key was held
   * @example
   * quotes.delete(delistedSymbol);
   */
  delete(key: TKey): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.slotOf.delete(key);
    const newer = this.newer[slot] as number;
    const older = this.older[slot] as number;
    if (newer === NIL) this.head = older;
    else this.older[newer] = older;
    if (older === NIL) this.tail = newer;
    else this.newer[older] = newer;
    this.keyAt[slot] = undefined;
    this.valueAt[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
    this.count--;
    return true;
  }

  /**
   * Removes every key without calling `onEvict`; the evicted counter is kept.
   *
   * @example
   * quotes.clear();
   */
  clear(): void {
    this.slotOf.clear();
    this.keyAt.fill(undefined);
    this.valueAt.fill(undefined);
    this.head = NIL;
    this.tail = NIL;
    this.count = 0;
    this.freeCount = 0;
  }

  /**
   * Entries from most to least recently used. Do not change the window while iterating.
   *
   * @example
   * for (const [symbol, quote] of quotes.entries()) publish(symbol, quote);
   */
  *entries(): IterableIterator<[TKey, TValue]> {
    for (let slot = this.head; slot !== NIL; slot = this.older[slot] as number) {
      yield [this.keyAt[slot] as TKey, this.valueAt[slot] as TValue];
    }
  }

  /**
   * Keys from most to least recently used.
   *
   * @example
   * const coldest = [...quotes.keys()].at(-1);
   */
  *keys(): IterableIterator<TKey> {
    for (let slot = this.head; slot !== NIL; slot = this.older[slot] as number) {
      yield this.keyAt[slot] as TKey;
    }
  }

  /** Same as {@link LruWindow.entries}. */
  [Symbol.iterator](): IterableIterator<[TKey, TValue]> {
    return this.entries();
  }

  private moveToFront(slot: number): void {
    const head = this.head;
    if (slot === head) return;
    const newer = this.newer[slot] as number;
    const older = this.older[slot] as number;
    // slot is not the head, so it has a newer neighbour.
    this.older[newer] = older;
    if (older === NIL) this.tail = newer;
    else this.newer[older] = newer;
    this.newer[slot] = NIL;
    this.older[slot] = head;
    this.newer[head] = slot;
    this.head = slot;
  }
}
