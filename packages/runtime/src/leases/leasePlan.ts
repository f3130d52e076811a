import { maxPartitions } from '@ballast/protocol';
import { InvalidRuntimeOptionError } from '../errors.js';

/** What one worker sees at the start of a lease round. */
export interface LeasePlanInput {
  /** The partition count `P`: partitions are `0` to `P - 1`. */
  readonly partitions: number;
  /** This worker's id. */
  readonly me: string;
  /** Ids of the live workers (presence keys), with or without `me`; order does not matter. */
  readonly workers: readonly string[];
  /**
   * Holder of every partition under a valid lease, by partition. Any value other than `me`
   * (another worker, a dead one, or `''` for an unreadable lease) means "taken".
   */
  readonly owners: ReadonlyMap<number, string>;
}

/** What one worker should do this round. */
export interface LeasePlan {
  /** Free partitions to try to claim, best first; at most `share - owned`. */
  readonly claim: number[];
  /** Own partitions to give up, in order; exactly `owned - share` when over share. */
  readonly release: number[];
  /** How many partitions this worker should hold once the cluster has settled. */
  readonly share: number;
}

/**
 * The fair share of the worker at `rank` among `workers` sorted ids: the first `P mod W` get
 * `ceil(P / W)`, the rest `floor(P / W)`, so the shares always add up to `P`.
 *
 * @example
 * fairShare(16, 3, 0); // 6
 * fairShare(16, 3, 2); // 5
 */
export function fairShare(partitions: number, workers: number, rank: number): number {
  return Math.floor(partitions / workers) + (rank < partitions % workers ? 1 : 0);
}

/**
 * Decides which partitions one worker claims or releases, from a view of the cluster. Pure and
 * deterministic: every worker runs it on its own view, and the cluster converges because the
 * shares add up to `P` and a claim only succeeds on a free partition (KV `create`).
 *
 * Partition `p`'s "home" is the worker of rank `p mod W`; the home sets are exactly the fair
 * shares, so preferring them spreads claims: two joiners start on different partitions instead
 * of both racing for partition 0, and a settled cluster keeps a stable, predictable layout.
 * Claims take home partitions first, then other free ones from an offset derived from the rank;
 * releases give up foreign partitions first (highest first), home ones last.
 *
 * @param input - partition count, own id, live workers and current lease holders
 * @returns partitions to claim and to release, and this worker's share
 * @throws {InvalidRuntimeOptionError} for a partition count outside 1..1024 or an empty id
 * @example
 * leasePlan({ partitions: 4, me: 'b', workers: ['a', 'b'], owners: new Map([[0, 'a'], [1, 'a']]) });
 * // { claim: [3, 2], release: [], share: 2 }
 */
export function leasePlan(input: LeasePlanInput): LeasePlan {
  const { partitions, me, owners } = input;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > maxPartitions) {
    throw new InvalidRuntimeOptionError(
      'partitions',
      partitions,
      `an integer from 1 to ${maxPartitions}`,
    );
  }
  if (me === '') throw new InvalidRuntimeOptionError('me', me, 'a non-empty worker id');
  // Our own presence may not be visible yet (first round, failed put): count us in anyway.
  const sorted = [...new Set([...input.workers, me])].sort();
  const count = sorted.length;
  const rank = sorted.indexOf(me);
  const share = fairShare(partitions, count, rank);
  const isHome = (p: number) => p % count === rank;

  const mine: number[] = [];
  const free: number[] = [];
  for (let p = 0; p < partitions; p++) {
    const owner = owners.get(p);
    if (owner === me) mine.push(p);
    else if (owner === undefined) free.push(p);
  }

  if (mine.length > share) {
    const byPreference = [
      ...mine.filter((p) => !isHome(p)).reverse(),
      ...mine.filter(isHome).reverse(),
    ];
    return { claim: [], release: byPreference.slice(0, mine.length - share), share };
  }
  const missing = share - mine.length;
  if (missing === 0 || free.length === 0) return { claim: [], release: [], share };
  const offset = Math.floor((rank * partitions) / count);
  const rotated = (p: number) => (p - offset + partitions) % partitions;
  const byPreference = [
    ...free.filter(isHome),
    ...free.filter((p) => !isHome(p)).sort((a, b) => rotated(a) - rotated(b)),
  ];
  return { claim: byPreference.slice(0, missing), release: [], share };
}
