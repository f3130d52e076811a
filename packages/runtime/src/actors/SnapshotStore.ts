import type { SymbolBookSnapshot } from '@ballast/machines';
import { decodeSnapshot, encodeSnapshot } from '@ballast/protocol';
import type { KV } from '@nats-io/kv';
import { SnapshotConflictError } from '../errors.js';
import { snapshotKey } from './snapshotKey.js';

/** A stored snapshot with the KV revision a compare-and-set update must name. */
interface StoredSnapshot {
  readonly snapshot: SymbolBookSnapshot;
  readonly revision: number;
  readonly bytes: number;
}

/** What {@link SnapshotStore.load} found. */
export type LoadedSnapshot =
  | ({ readonly found: true } & StoredSnapshot)
  | { readonly found: false; readonly revision: number; readonly corrupt?: unknown };

/** Counters of a {@link SnapshotStore}. */
export interface SnapshotStoreCounters {
  loads: number;
  loadedBytes: number;
  corrupt: number;
  writes: number;
  writtenBytes: number;
  conflicts: number;
}

/**
 * Symbol snapshots in the KV bucket `snapshots`, one key per symbol, written by compare-and-set
 * on the revision the writer last saw. A worker that lost a partition but has not noticed yet
 * therefore cannot overwrite the new owner's snapshot: its write fails with
 * {@link SnapshotConflictError}.
 *
 * @example
 * const loaded = await store.load('AAPL');
 * const rev = await store.save('AAPL', encodeSnapshot(book.snapshot()), loaded.revision);
 */
export class SnapshotStore {
  readonly counters: SnapshotStoreCounters = {
    loads: 0,
    loadedBytes: 0,
    corrupt: 0,
    writes: 0,
    writtenBytes: 0,
    conflicts: 0,
  };
  readonly #kv: KV;

  constructor(kv: KV) {
    this.#kv = kv;
  }

  /**
   * Reads the latest snapshot of a symbol. A value that does not decode is reported as
   * `corrupt` (with its revision, so the next save replaces it) rather than thrown: the
   * caller then rebuilds the state from the log.
   */
  async load(symbol: string): Promise<LoadedSnapshot> {
    const entry = await this.#kv.get(snapshotKey(symbol));
    this.counters.loads++;
    if (entry === null) return { found: false, revision: 0 };
    if (entry.operation !== 'PUT') return { found: false, revision: entry.revision };
    this.counters.loadedBytes += entry.value.length;
    try {
      const snapshot = decodeSnapshot(entry.value) as SymbolBookSnapshot;
      if (snapshot?.v !== 1 || snapshot.symbol !== symbol) {
        throw new TypeError(`snapshot under ${snapshotKey(symbol)} is not a v1 book of ${symbol}`);
      }
      return { found: true, snapshot, revision: entry.revision, bytes: entry.value.length };
    } catch (error) {
      this.counters.corrupt++;
      return { found: false, revision: entry.revision, corrupt: error };
    }
  }

  /**
   * Encodes a book snapshot. Split from {@link SnapshotStore.save} so the copy is taken
   * synchronously, between two ticks, while the write happens later.
   */
  encode(snapshot: SymbolBookSnapshot): Uint8Array {
    return encodeSnapshot(snapshot);
  }

  /**
   * Writes a snapshot if the stored revision is still `revision` (0: no value yet).
   *
   * @returns the new revision
   * @throws {SnapshotConflictError} when another writer stored a snapshot meanwhile
   */
  async save(symbol: string, bytes: Uint8Array, revision: number): Promise<number> {
    const key = snapshotKey(symbol);
    try {
      const next =
        revision === 0
          ? await this.#kv.create(key, bytes)
          : await this.#kv.update(key, bytes, revision);
      this.counters.writes++;
      this.counters.writtenBytes += bytes.length;
      return next;
    } catch (error) {
      if (isWrongLastSequence(error)) {
        this.counters.conflicts++;
        throw new SnapshotConflictError(symbol, { cause: error });
      }
      throw error;
    }
  }
}

/** JetStream's answer to a stale expected revision (API error 10071). */
function isWrongLastSequence(error: unknown): boolean {
  const e = error as { message?: string; api_error?: { err_code?: number }; code?: number };
  return (
    e?.api_error?.err_code === 10071 ||
    (typeof e?.message === 'string' && e.message.includes('wrong last sequence'))
  );
}
