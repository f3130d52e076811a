import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { InvalidRuntimeOptionError, RuntimeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type HeldLease, HeldLeases } from './HeldLeases.js';
import { leasePlan } from './leasePlan.js';
import {
  decodeLeaseHolder,
  encodeLease,
  encodePresence,
  leaseKey,
  presenceKey,
} from './leaseRecords.js';
import { type LeaseView, readLeaseView } from './leaseView.js';
import type { PartitionLeaseCounters } from './PartitionLeaseCounters.js';
import {
  type PartitionLeasesOptions,
  type ReleaseReason,
  type ResolvedPartitionLeasesOptions,
  resolvePartitionLeasesOptions,
} from './partitionLeasesOptions.js';

/** Claims (create + `onAcquired`) in flight at once within a round. */
const claimConcurrency = 8;

/**
 * Holds this worker's share of the `P` partitions through KV leases, and guarantees that two
 * workers never hold the same partition at the same time.
 *
 * Every `heartbeatMs` one round runs (never two at once): refresh the presence key `worker.<id>`
 * and every held lease `partition.<p>` with a compare-and-set `update`; read the bucket; apply
 * {@link leasePlan}: release the excess (`onReleasing`, then delete with the revision) or claim
 * free partitions (`create`, then `onAcquired`).
 *
 * Why it is safe: a lease key expires `ttlMs` after the server stored its last write, and that
 * write was sent at or after the local time `t` recorded before sending. So the lease is valid
 * at least until `t + ttlMs`; locally it counts only until `t + ttlMs - marginMs`. Past that,
 * {@link PartitionLeases.owns} is false and `onLost` fires — even when NATS is unreachable and
 * no answer ever comes. Another worker can only `create` the key once it expired or was
 * deleted, which happens after the local deadline or after `onReleasing` resolved.
 *
 * @example
 * const { leases: kv, options } = await ensureTopology(nc, jsm);
 * await using leases = new PartitionLeases({
 *   kv, workerId: 'w1', partitions: 16, ttlMs: options.leaseTtlMs, log,
 *   onAcquired: (p) => host.startPartition(p),
 *   onReleasing: (p) => host.stopPartition(p),
 *   onLost: (p) => host.dropPartition(p),
 * });
 * await leases.start();
 */
export class PartitionLeases implements AsyncDisposable {
  readonly workerId: string;
  readonly partitions: number;
  readonly ttlMs: number;
  readonly heartbeatMs: number;
  readonly marginMs: number;
  readonly counters: PartitionLeaseCounters;
  readonly #o: ResolvedPartitionLeasesOptions;
  readonly #kv: KV;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #held: HeldLeases;
  #view: LeaseView = { workers: [], leases: new Map() };
  #state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  #abandoned = false;
  #round: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #roundTimer: NodeJS.Timeout | undefined;
  #beatTimer: NodeJS.Timeout | undefined;
  #beat: Promise<void> | undefined;
  #lastHeartbeat = Number.NEGATIVE_INFINITY;

  /**
   * @param options - bucket, identity, partition count, TTL and the owner's callbacks
   * @throws {InvalidRuntimeOptionError} naming the option that is out of range
   */
  constructor(options: PartitionLeasesOptions) {
    const o = resolvePartitionLeasesOptions(options);
    this.#o = o;
    this.workerId = o.workerId;
    this.partitions = o.partitions;
    this.ttlMs = o.ttlMs;
    this.heartbeatMs = o.heartbeatMs;
    this.marginMs = o.marginMs;
    this.counters = o.counters;
    this.#kv = o.kv;
    this.#log = o.log.child({ component: 'partitionLeases', worker: o.workerId });
    this.#now = o.now;
    this.#held = new HeldLeases(o.now, (p) =>
      this.#lose(
        p,
        `no successful heartbeat for ${leaseKey(p)} within ttl - margin (${o.ttlMs - o.marginMs} ms)`,
      ),
    );
  }

  /**
   * Checks the bucket's TTL, runs the first round (claims what is free) and keeps rounds going
   * every `heartbeatMs`. Errors of rounds are logged and counted, never thrown.
   *
   * @throws {InvalidRuntimeOptionError} when the bucket's TTL differs from `ttlMs`
   * @throws the bucket's own error when its status cannot be read (e.g. NATS unreachable)
   * @throws {RuntimeError} `worker_stopped` after {@link PartitionLeases.stop}
   * @example
   * await leases.start();
   * leases.owned(); // [0, 1, ..., 15] when alone
   */
  async start(): Promise<void> {
    if (this.#state === 'running') return;
    if (this.#state !== 'idle') {
      throw new RuntimeError(
        'worker_stopped',
        `partition leases of ${this.workerId} were stopped; create a new PartitionLeases to start again`,
      );
    }
    const bucketTtl = (await this.#kv.status()).ttl;
    // The local deadline assumes the server expires a lease no sooner than ttlMs after it.
    if (bucketTtl !== this.ttlMs) {
      throw new InvalidRuntimeOptionError(
        'ttlMs',
        this.ttlMs,
        `the leases bucket's ttl (${bucketTtl} ms); pass topology.options.leaseTtlMs`,
      );
    }
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    // Heartbeats also run on their own timer: a round can sit in a slow onAcquired (a consumer
    // created during a leader election waits for its API timeout) longer than the TTL.
    this.#beatTimer = setInterval(
      () => {
        if (!this.#abandoned && this.#state !== 'stopped') void this.#heartbeatIfDue();
      },
      Math.max(50, Math.floor(this.heartbeatMs / 4)),
    );
    this.#beatTimer.unref();
    await this.#runRound();
  }

  /**
   * Releases every held partition (`onReleasing(p, 'shutdown')`, then delete), deletes the
   * presence key and stops. Idempotent.
   *
   * @example
   * await leases.stop(); // other workers take the partitions over at their next round
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /**
   * Stops the loop and timers without releasing anything or calling back, as a crash would:
   * the leases expire by TTL. For tests.
   *
   * @example
   * await leases.abandon(); // others take over after ttlMs
   */
  async abandon(): Promise<void> {
    this.#abandoned = true;
    this.#state = 'stopped';
    this.#stopped ??= Promise.resolve();
    if (this.#roundTimer) clearTimeout(this.#roundTimer);
    if (this.#beatTimer) clearInterval(this.#beatTimer);
    this.#held.close();
    await this.#round;
  }

  /** {@link PartitionLeases.stop} */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Whether this worker holds `p` right now: a lease whose local deadline has not passed.
   * The owner checks it before any write that must come from the owner only.
   *
   * @example
   * if (!leases.owns(p)) return; // do not snapshot a partition we may have lost
   */
  owns(partition: number): boolean {
    return this.#held.owns(partition);
  }

  /**
   * Partitions held right now, ascending.
   *
   * @example
   * leases.owned(); // [0, 2, 4, 6, 8, 10, 12, 14]
   */
  owned(): number[] {
    return this.#held.owned();
  }

  /**
   * The holder of `p`: this worker when it {@link PartitionLeases.owns} it, else as read in
   * the last round (may be stale by up to `heartbeatMs`).
   *
   * @example
   * leases.ownerOf(3); // 'w2'
   */
  ownerOf(partition: number): string | undefined {
    if (this.owns(partition)) return this.workerId;
    const holder = this.#view.leases.get(partition)?.holder;
    return holder === this.workerId || holder === '' ? undefined : holder;
  }

  /**
   * Live workers as read in the last round, sorted.
   *
   * @example
   * leases.workers(); // ['w1', 'w2']
   */
  workers(): string[] {
    return [...this.#view.workers];
  }

  async #stop(): Promise<void> {
    if (this.#state === 'idle') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    if (this.#roundTimer) clearTimeout(this.#roundTimer);
    await this.#round;
    for (const p of this.#held.partitions()) {
      if (this.#abandoned) break;
      // Slow onReleasing calls must not let the leases still waiting their turn lapse.
      await this.#heartbeatIfDue();
      await this.#release(p, 'shutdown');
    }
    if (this.#beatTimer) clearInterval(this.#beatTimer);
    await this.#beat;
    this.#held.close();
    if (!this.#abandoned) {
      try {
        await this.#kv.delete(presenceKey(this.workerId));
      } catch (error) {
        this.counters.heartbeatFailures++;
        this.#log.warn({ err: error }, 'could not delete presence key; it expires by TTL');
      }
    }
    this.#state = 'stopped';
  }

  #runRound(): Promise<void> {
    if (this.#state !== 'running') return Promise.resolve();
    const started = this.#now();
    const round = this.#roundBody()
      .catch((error: unknown) => {
        this.counters.roundFailures++;
        this.#log.error({ err: error }, 'lease round failed; retrying next heartbeat');
      })
      .finally(() => {
        this.#round = undefined;
        if (this.#state !== 'running') return;
        const delay = Math.max(0, this.heartbeatMs - (this.#now() - started));
        this.#roundTimer = setTimeout(() => void this.#runRound(), delay);
        this.#roundTimer.unref();
      });
    this.#round = round;
    return round;
  }

  async #roundBody(): Promise<void> {
    this.counters.rounds++;
    await this.#heartbeat();
    if (this.#state !== 'running') return;
    const view = await readLeaseView(this.#kv, {
      partitions: this.partitions,
      maxWorkers: this.#o.maxWorkers,
      timeoutMs: this.ttlMs,
      counters: this.counters,
    });
    if (this.#state !== 'running') return;
    this.#view = view;
    const owners = await this.#reconcile(view);
    const plan = leasePlan({
      partitions: this.partitions,
      me: this.workerId,
      workers: view.workers,
      owners,
    });
    for (const p of plan.release) {
      if (this.#state !== 'running') return;
      await this.#heartbeatIfDue();
      await this.#release(p, 'rebalance');
    }
    if (this.#state !== 'running' || plan.claim.length === 0) return;
    await this.#heartbeatIfDue();
    // Claims are independent — one key each, created by compare-and-set, each with its own
    // deadline from its own send time — so they run side by side: a worker (re)starting with
    // many free partitions opens their checkpoints and starts their consumers in a few round
    // trips instead of one after another, while the first ones already fold. Bounded, so a
    // large P does not burst the server; heartbeats keep their own timer meanwhile.
    const queue = [...plan.claim];
    const claimNext = async (): Promise<void> => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
        if (this.#state !== 'running') return;
        await this.#claim(p);
      }
    };
    await Promise.all(Array.from({ length: Math.min(claimConcurrency, queue.length) }, claimNext));
  }

  /**
   * Squares the local state with the fresh view: a held lease whose revision changed is lost;
   * a lease naming us that we do not hold (a previous process with our id, a write that timed
   * out but landed) is deleted so it does not block the partition until it expires.
   */
  async #reconcile(view: LeaseView): Promise<Map<number, string>> {
    for (const [p, lease] of this.#held.entries()) {
      const entry = view.leases.get(p);
      if (entry?.revision === lease.revision) continue;
      if (entry?.holder === this.workerId) {
        // Our own write: a heartbeat whose answer had not come back when the bucket was read,
        // or one that timed out but landed. Taking it for a loss made an overloaded worker drop
        // every partition each round and never settle (the chaos suite's node-loss scenario).
        // A newer revision is adopted so the next compare-and-set matches; an older one is a
        // read from before our last heartbeat. The deadline moves only with an answered
        // heartbeat, whose send time is known.
        if (entry.revision > lease.revision) {
          lease.revision = entry.revision;
          this.counters.revisionsAdopted++;
        }
        continue;
      }
      this.#lose(
        p,
        entry
          ? `lease ${leaseKey(p)} was rewritten by ${entry.holder || 'an unknown writer'} (revision ${entry.revision}, ours ${lease.revision})`
          : `lease ${leaseKey(p)} vanished (expired or deleted) behind this worker`,
      );
    }
    const owners = new Map<number, string>();
    for (const [p, entry] of view.leases) {
      if (entry.holder !== this.workerId || this.#held.get(p)) {
        owners.set(p, entry.holder);
        continue;
      }
      try {
        await this.#kv.delete(leaseKey(p), { previousSeq: entry.revision });
        this.counters.orphansReleased++;
        this.#log.info(
          { partition: p },
          'deleted a lease naming this worker that it does not hold',
        );
      } catch (error) {
        owners.set(p, ''); // still taken: let the plan skip it
        this.#countDeleteFailure(p, error);
      }
    }
    for (const p of this.#held.partitions()) owners.set(p, this.workerId);
    return owners;
  }

  async #heartbeatIfDue(): Promise<void> {
    if (this.#beat !== undefined) return this.#beat;
    if (this.#now() - this.#lastHeartbeat >= this.heartbeatMs) await this.#heartbeat();
  }

  /** One heartbeat at a time: the round's and the timer's share the one in flight. */
  #heartbeat(): Promise<void> {
    this.#beat ??= this.#sendHeartbeat().finally(() => {
      this.#beat = undefined;
    });
    return this.#beat;
  }

  async #sendHeartbeat(): Promise<void> {
    const sentAt = this.#now();
    this.#lastHeartbeat = sentAt;
    const presence = this.#kv
      .put(presenceKey(this.workerId), encodePresence(this.workerId, Date.now()), {
        timeout: this.heartbeatMs,
      })
      .catch((error: unknown) => {
        this.counters.heartbeatFailures++;
        this.#log.warn({ err: error }, 'presence heartbeat failed');
      });
    const value = encodeLease(this.workerId, Date.now());
    const updates = this.#held
      .entries()
      .map(([p, lease]) => this.#refresh(p, lease, value, sentAt));
    await Promise.all([presence, ...updates]);
    this.#held.arm();
  }

  /** One held lease's heartbeat: a compare-and-set that moves its deadline when answered. */
  async #refresh(p: number, lease: HeldLease, value: Uint8Array, sentAt: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const revision = await this.#kv.update(
          leaseKey(p),
          value,
          lease.revision,
          this.heartbeatMs,
        );
        // Lost meanwhile (deadline): the write is now an orphan the next view cleans up.
        if (this.#held.get(p) !== lease || this.#abandoned) return;
        lease.revision = revision;
        lease.deadline = sentAt + this.ttlMs - this.marginMs;
        return;
      } catch (error) {
        if (this.#held.get(p) !== lease) return;
        if (isWrongLastSequence(error)) {
          // Once: the retry carries the adopted revision, so this beat still moves the deadline.
          if (attempt === 1 && (await this.#adoptOwnWrite(p, lease))) continue;
          if (this.#held.get(p) !== lease) return;
          this.#lose(
            p,
            `lease ${leaseKey(p)} is no longer at revision ${lease.revision}: overwritten or expired`,
          );
          return;
        }
        // Not proof of loss (timeout, disconnect): the deadline decides.
        this.counters.heartbeatFailures++;
        this.#log.warn({ err: error, partition: p }, 'lease heartbeat failed');
        return;
      }
    }
  }

  /**
   * After a compare-and-set failed: whether the key names this worker at a newer revision — an
   * earlier heartbeat that timed out here but landed (common while an R3 bucket elects or
   * catches up) — and if so takes that revision. Taking the miss for a loss made every slow
   * heartbeat drop the partition, delete its "orphan" and claim it again, round after round.
   * The deadline stays: it moves only with an answered heartbeat.
   */
  async #adoptOwnWrite(p: number, lease: HeldLease): Promise<boolean> {
    let entry: Awaited<ReturnType<KV['get']>>;
    try {
      entry = await this.#kv.get(leaseKey(p));
    } catch {
      return false;
    }
    if (entry === null || entry.operation !== 'PUT' || this.#held.get(p) !== lease) return false;
    if (decodeLeaseHolder(entry.value) !== this.workerId || entry.revision <= lease.revision) {
      return false;
    }
    lease.revision = entry.revision;
    this.counters.revisionsAdopted++;
    return true;
  }

  async #claim(p: number): Promise<void> {
    const sentAt = this.#now();
    let revision: number;
    try {
      revision = await this.#kv.create(leaseKey(p), encodeLease(this.workerId, Date.now()));
    } catch (error) {
      if (isWrongLastSequence(error)) {
        this.counters.claimConflicts++;
        this.#log.debug({ partition: p }, 'partition taken by another worker first');
      } else {
        this.counters.claimFailures++;
        this.#log.warn({ err: error, partition: p }, 'lease create failed');
      }
      return;
    }
    const lease: HeldLease = { revision, deadline: sentAt + this.ttlMs - this.marginMs };
    if (this.#abandoned) return;
    if (this.#state !== 'running' || this.#now() >= lease.deadline) {
      // Too late to use (answer slower than the deadline) or shutting down: give it back.
      this.counters.claimFailures++;
      await this.#deleteLease(p, revision);
      return;
    }
    this.#held.set(p, lease);
    this.counters.claims++;
    this.#log.info({ partition: p, revision }, 'partition lease acquired');
    try {
      await this.#o.onAcquired(p);
    } catch (error) {
      this.counters.acquireFailures++;
      this.#log.error({ err: error, partition: p }, 'onAcquired failed; giving the lease back');
      if (this.#held.get(p) !== lease) return;
      this.#held.delete(p);
      await this.#deleteLease(p, lease.revision);
    }
  }

  async #release(p: number, reason: ReleaseReason): Promise<void> {
    const lease = this.#held.get(p);
    if (!lease) return;
    if (this.#now() >= lease.deadline) {
      // Past the deadline it may be someone else's already: report the loss, delete nothing.
      this.#held.expire();
      return;
    }
    try {
      await this.#o.onReleasing(p, reason);
    } catch (error) {
      this.counters.releaseFailures++;
      this.#log.error(
        { err: error, partition: p, reason },
        'onReleasing failed; lease left to expire',
      );
      if (this.#held.get(p) === lease) this.#held.delete(p);
      return;
    }
    // Lost while the owner was stopping: someone else may hold the key now.
    if (this.#held.get(p) !== lease) return;
    this.#held.delete(p);
    this.counters.releases++;
    this.#log.info({ partition: p, reason }, 'partition lease released');
    await this.#deleteLease(p, lease.revision);
  }

  /** Deletes a lease only if it is still at `revision`, so we never delete someone else's. */
  async #deleteLease(p: number, revision: number): Promise<void> {
    try {
      await this.#kv.delete(leaseKey(p), { previousSeq: revision });
    } catch (error) {
      this.#countDeleteFailure(p, error);
    }
  }

  #countDeleteFailure(p: number, error: unknown): void {
    if (isWrongLastSequence(error)) return; // already changed: nothing of ours to delete
    this.counters.releaseFailures++;
    this.#log.warn({ err: error, partition: p }, 'lease delete failed; it expires by TTL');
  }

  #lose(p: number, reason: string): void {
    if (!this.#held.delete(p)) return;
    this.counters.lost++;
    this.#log.warn({ partition: p, reason }, 'partition lease lost');
    try {
      this.#o.onLost(p, reason);
    } catch (error) {
      this.counters.callbackFailures++;
      this.#log.error({ err: error, partition: p }, 'onLost threw; the lease is lost anyway');
    }
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
