import type { KV } from '@nats-io/kv';
import { decodeLeaseHolder, leaseKey, presencePrefix } from './leaseRecords.js';
import type { PartitionLeaseCounters } from './PartitionLeaseCounters.js';

/** A lease as read from the bucket: its holder (`''` when unreadable) and revision. */
interface LeaseEntry {
  readonly holder: string;
  readonly revision: number;
}

/** The leases bucket as one worker read it in one round. */
export interface LeaseView {
  /** Live worker ids (presence keys present), sorted; at most `maxWorkers`. */
  readonly workers: string[];
  /** Valid leases by partition; a free partition has no entry. */
  readonly leases: Map<number, LeaseEntry>;
}

// Gets in flight at once: P may be up to 1024, and one burst of 1024 requests would sit in
// the connection's unbounded outbound buffer.
const getConcurrency = 64;

/** What {@link readLeaseView} needs besides the bucket. */
export interface LeaseViewOptions {
  /** The partition count `P`. */
  readonly partitions: number;
  /** Most presence keys kept; more are counted in `workersTruncated`. */
  readonly maxWorkers: number;
  /** Longest the key listing may take; it is stopped and the read fails beyond. */
  readonly timeoutMs: number;
  /** Where truncations and malformed values are counted. */
  readonly counters: PartitionLeaseCounters;
}

/**
 * Reads presence keys and every partition's lease: one short-lived `keys('worker.>')`
 * consumer plus `P` direct gets.
 *
 * Why a fresh read each round rather than a long-lived `kv.watch`: the bucket's TTL is the
 * stream's `max_age`, and JetStream removes aged-out messages without publishing anything, so a
 * watcher never hears that a crashed worker's lease or presence expired — it would keep them
 * forever. Reading costs `P + W` small requests every `ttl / 3`, which is bounded and cheap.
 *
 * @param kv - the leases bucket
 * @param options - partition count, worker bound, timeout, counters
 * @throws the bucket's error, or an `Error` when the key listing timed out
 * @example
 * const { workers, leases } = await readLeaseView(kv, { partitions: 16, maxWorkers: 1024, timeoutMs: 3000, counters });
 */
export async function readLeaseView(kv: KV, options: LeaseViewOptions): Promise<LeaseView> {
  const { partitions, maxWorkers, counters } = options;
  const workers: string[] = [];
  const keys = await kv.keys(`${presencePrefix}>`);
  // The listing is a push consumer: if the server goes away mid-way it may never finish on its
  // own, and a stuck read would stall the lease loop for good.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    keys.stop();
  }, options.timeoutMs);
  timer.unref();
  try {
    for await (const key of keys) {
      if (workers.length >= maxWorkers) {
        counters.workersTruncated++;
        continue;
      }
      workers.push(key.slice(presencePrefix.length));
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new Error(`listing presence keys took longer than ${options.timeoutMs} ms`);
  workers.sort();

  const leases = new Map<number, LeaseEntry>();
  for (let first = 0; first < partitions; first += getConcurrency) {
    const batch = Array.from({ length: Math.min(getConcurrency, partitions - first) }, (_, i) =>
      kv.get(leaseKey(first + i)),
    );
    const entries = await Promise.all(batch);
    entries.forEach((entry, i) => {
      // A release leaves a DEL marker: the key exists, the partition is free.
      if (entry === null || entry.operation !== 'PUT') return;
      const holder = decodeLeaseHolder(entry.value);
      if (holder === undefined) counters.malformedLeases++;
      leases.set(first + i, { holder: holder ?? '', revision: entry.revision });
    });
  }
  return { workers, leases };
}
