import { maxPartitions } from '@ballast/protocol';
import type { KV } from '@nats-io/kv';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PartitionLeaseCounters } from './PartitionLeaseCounters.js';

/** Why a worker gives a partition up on purpose. */
export type ReleaseReason = 'rebalance' | 'shutdown';

/** Options of {@link PartitionLeases}. */
export interface PartitionLeasesOptions {
  /** The `leases` bucket from `ensureTopology`; its `ttl` must equal `ttlMs`. */
  readonly kv: KV;
  /** This worker's id: one KV key token (letters, digits, `_`, `-`), unique in the cluster. */
  readonly workerId: string;
  /** The partition count `P`. */
  readonly partitions: number;
  /** Lease time-to-live: the bucket's `ttl` (`TopologyOptions.leaseTtlMs`). */
  readonly ttlMs: number;
  readonly log: Logger;
  /** The lease is held: start folding `p`. Throwing gives the lease back (counted). */
  readonly onAcquired: (partition: number) => Promise<void> | void;
  /**
   * The lease is about to be given up: snapshot and stop folding `p` before resolving. The lease
   * is deleted only after it resolves. If it throws, the lease is not deleted but left to
   * expire, so a half-stopped owner still has the TTL before anyone else starts.
   */
  readonly onReleasing: (partition: number, reason: ReleaseReason) => Promise<void>;
  /**
   * The lease is gone (changed behind our back, or not refreshed in time): stop folding `p`
   * at once, without writing. Synchronous on purpose: another worker may own `p` already.
   */
  readonly onLost: (partition: number, reason: string) => void;
  /** Time between rounds. Default `ttlMs / 3`. */
  readonly heartbeatMs?: number;
  /** Safety margin before the server-side expiry. Default `ttlMs / 5`. */
  readonly marginMs?: number;
  /** Most presence keys read per round. Default 1024. */
  readonly maxWorkers?: number;
  /** Monotonic milliseconds. Default `performance.now`. */
  readonly now?: () => number;
  /** Counters to write into. Default: a fresh instance. */
  readonly counters?: PartitionLeaseCounters;
}

/** {@link PartitionLeasesOptions} with defaults applied and ranges checked. */
export type ResolvedPartitionLeasesOptions = Required<PartitionLeasesOptions>;

const workerIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Applies defaults and checks ranges.
 *
 * @throws {InvalidRuntimeOptionError} naming the option that is out of range
 * @example
 * resolvePartitionLeasesOptions({ ...options, ttlMs: 3000 }).heartbeatMs; // 1000
 */
export function resolvePartitionLeasesOptions(
  options: PartitionLeasesOptions,
): ResolvedPartitionLeasesOptions {
  const { workerId, partitions, ttlMs } = options;
  // The id is one token of the presence key `worker.<id>`: a dot would nest it.
  if (!workerIdPattern.test(workerId)) {
    throw new InvalidRuntimeOptionError('workerId', workerId, 'letters, digits, _ or -, 1 to 128');
  }
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > maxPartitions) {
    throw new InvalidRuntimeOptionError(
      'partitions',
      partitions,
      `an integer from 1 to ${maxPartitions}`,
    );
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1_000) {
    throw new InvalidRuntimeOptionError('ttlMs', ttlMs, 'an integer >= 1000');
  }
  const marginMs = options.marginMs ?? Math.floor(ttlMs / 5);
  if (!(marginMs > 0 && marginMs < ttlMs / 2)) {
    throw new InvalidRuntimeOptionError('marginMs', marginMs, `between 0 and ${ttlMs / 2}`);
  }
  const heartbeatMs = options.heartbeatMs ?? Math.floor(ttlMs / 3);
  // At least one retry must fit before the deadline, or one slow answer loses every lease.
  if (!(heartbeatMs > 0 && 2 * heartbeatMs < ttlMs - marginMs)) {
    throw new InvalidRuntimeOptionError(
      'heartbeatMs',
      heartbeatMs,
      `above 0 and below (ttlMs - marginMs) / 2 = ${(ttlMs - marginMs) / 2}`,
    );
  }
  const maxWorkers = options.maxWorkers ?? 1024;
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
    throw new InvalidRuntimeOptionError('maxWorkers', maxWorkers, 'an integer >= 1');
  }
  return {
    ...options,
    heartbeatMs,
    marginMs,
    maxWorkers,
    now: options.now ?? (() => performance.now()),
    counters: options.counters ?? new PartitionLeaseCounters(),
  };
}
