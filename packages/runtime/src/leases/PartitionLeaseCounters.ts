/**
 * Counters of one {@link PartitionLeases}, plain numbers the metrics module reads in
 * `collect()`. Every failure path of the lease loop increments one of them.
 *
 * @example
 * const leases = new PartitionLeases({ ...options });
 * leases.counters.lost; // 0 while every heartbeat succeeds
 */
export class PartitionLeaseCounters {
  /** Lease rounds started (heartbeat + view + plan). */
  rounds = 0;
  /** Rounds that threw (e.g. the view could not be read); the loop went on. */
  roundFailures = 0;
  /** Leases created by this worker. */
  claims = 0;
  /** Creates refused because another worker held or had just taken the partition. */
  claimConflicts = 0;
  /** Creates that failed otherwise (timeout, disconnected, late answer past the deadline). */
  claimFailures = 0;
  /** `onAcquired` threw; the lease was deleted again. */
  acquireFailures = 0;
  /** Leases given up on purpose (rebalance or shutdown) after `onReleasing`. */
  releases = 0;
  /** `onReleasing` threw, or the lease delete failed; the lease is left to expire. */
  releaseFailures = 0;
  /** Leases lost: changed behind this worker's back, or the local deadline passed. */
  lost = 0;
  /** Presence puts or lease updates that failed without proving the lease lost. */
  heartbeatFailures = 0;
  /**
   * Newer revisions of held leases found naming this worker — its own heartbeats that timed
   * out or were answered late but landed — taken over instead of counting the lease lost.
   */
  revisionsAdopted = 0;
  /** Leases in KV naming this worker that it does not hold (a restart, a late write): deleted. */
  orphansReleased = 0;
  /** `onLost` threw (it must not; the loss stands anyway). */
  callbackFailures = 0;
  /** Presence keys beyond `maxWorkers`, ignored in a round. */
  workersTruncated = 0;
  /** Lease values that were not `{ worker: string }`; the partition counts as taken. */
  malformedLeases = 0;
}
