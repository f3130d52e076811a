import { setTimeout as sleep } from 'node:timers/promises';
import { NatsServer } from '@ballast/nats';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { ensureTopology } from '../topology.js';
import { encodeLease, leaseKey } from './leaseRecords.js';
import { PartitionLeases } from './PartitionLeases.js';
import type { PartitionLeasesOptions } from './partitionLeasesOptions.js';

const ttlMs = 1500;
const partitions = 16;
const all = Array.from({ length: partitions }, (_, p) => p);
const evens = all.filter((p) => p % 2 === 0);
const odds = all.filter((p) => p % 2 === 1);

type EventType = 'acquired' | 'releasing' | 'released' | 'lost';

interface TimelineEvent {
  readonly worker: string;
  readonly type: EventType;
  readonly p: number;
  /** Wall clock, comparable with the server's message timestamps on the same host. */
  readonly wall: number;
  readonly detail?: string;
}

interface TestWorker {
  readonly id: string;
  readonly nc: NatsConnection;
  readonly kv: KV;
  readonly leases: PartitionLeases;
  /** Partitions the owner is "folding": from onAcquired until onReleasing resolved or onLost. */
  readonly folding: Set<number>;
  /** Set by {@link Cluster.crash}: its process is gone, so its folding set means nothing. */
  crashed: boolean;
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
  return performance.now() - started;
}

/** The bucket with `update` and `keys` replaced, to play slow or lost answers. */
function intercept(kv: KV, replace: { update: KV['update']; keys: KV['keys'] }): KV {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === 'update') return replace.update;
      if (prop === 'keys') return replace.keys;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * One nats-server, a leases bucket and workers on their own connections. Every callback checks
 * the one invariant that matters: when a worker starts folding `p`, nobody else folds it or
 * `owns` it. Violations are collected (a throw inside a callback would only be counted).
 */
class Cluster implements AsyncDisposable {
  readonly timeline: TimelineEvent[] = [];
  readonly violations: string[] = [];
  readonly workers: TestWorker[] = [];
  #connections: NatsConnection[] = [];
  #sampler: NodeJS.Timeout | undefined;
  samples = 0;

  private constructor(
    readonly server: NatsServer,
    readonly admin: KV,
  ) {}

  static async start(): Promise<Cluster> {
    const server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    const { leases } = await ensureTopology(nc, await jetstreamManager(nc), { leaseTtlMs: ttlMs });
    const cluster = new Cluster(server, leases);
    cluster.#connections.push(nc);
    return cluster;
  }

  /** The leases bucket on a connection of its own, closed on dispose. */
  async bucket(): Promise<{ kv: KV } & AsyncDisposable> {
    const nc = await connect({ servers: this.server.url });
    const kv = await new Kvm(nc).open('leases');
    return { kv, [Symbol.asyncDispose]: () => nc.close() };
  }

  async worker(id: string, options: Partial<PartitionLeasesOptions> = {}): Promise<TestWorker> {
    const nc = await connect({ servers: this.server.url, maxReconnectAttempts: -1 });
    this.#connections.push(nc);
    const kv = await new Kvm(nc).open('leases');
    const folding = new Set<number>();
    const record = (type: EventType, p: number, detail?: string) =>
      this.timeline.push({ worker: id, type, p, wall: Date.now(), ...(detail && { detail }) });
    const leases = new PartitionLeases({
      kv,
      workerId: id,
      partitions,
      ttlMs,
      log: silentLogger(),
      onAcquired: (p) => {
        record('acquired', p);
        for (const other of this.workers) {
          if (other.id === id) continue;
          if (other.folding.has(p) && !other.crashed)
            this.violations.push(`${id} acquired ${p} while ${other.id} folds it`);
          if (other.leases.owns(p))
            this.violations.push(`${id} acquired ${p} while ${other.id} owns it`);
        }
        folding.add(p);
      },
      onReleasing: async (p) => {
        record('releasing', p);
        await sleep(30); // a snapshot write
        folding.delete(p);
        record('released', p);
      },
      onLost: (p, reason) => {
        record('lost', p, reason);
        folding.delete(p);
      },
      ...options,
    });
    const worker = { id, nc, kv, leases, folding, crashed: false };
    this.workers.push(worker);
    return worker;
  }

  /**
   * Stops a worker as SIGKILL would: no callbacks, no releases, leases left to expire, and its
   * connection gone (which also ends a round blocked on a dead server at once).
   */
  async crash(worker: TestWorker): Promise<void> {
    worker.crashed = true;
    const abandoned = worker.leases.abandon();
    await worker.nc.close();
    await abandoned;
  }

  /** Checks every 20 ms that no partition is owned by two workers. */
  sample(): void {
    this.#sampler = setInterval(() => {
      this.samples++;
      const seen = new Map<number, string>();
      for (const w of this.workers) {
        for (const p of w.leases.owned()) {
          const other = seen.get(p);
          if (other)
            this.violations.push(`sample ${this.samples}: ${p} owned by ${other} and ${w.id}`);
          seen.set(p, w.id);
        }
      }
    }, 20);
  }

  events(worker: string, type: EventType): TimelineEvent[] {
    return this.timeline.filter((e) => e.worker === worker && e.type === type);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#sampler);
    await Promise.all(this.workers.map((w) => w.leases.stop()));
    await Promise.all(this.#connections.map((nc) => nc.close()));
    await this.server[Symbol.asyncDispose]();
  }
}

describe('PartitionLeases', () => {
  it('lets a lone worker claim all 16 partitions in its first round', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1');
    await a.leases.start();
    expect(a.leases.owned()).toEqual(all);
    expect(a.leases.counters.claims).toBe(16);
    expect(a.leases.workers()).toEqual(['w1']);
    expect(a.leases.ownerOf(3)).toBe('w1');
    const entry = await cluster.admin.get(leaseKey(3));
    expect(JSON.parse(entry?.string() ?? '{}')).toMatchObject({ worker: 'w1' });
  });

  it('claims the partitions of a round side by side, at most 8 at once', async () => {
    await using cluster = await Cluster.start();
    let running = 0;
    let most = 0;
    const a = await cluster.worker('w1', {
      // A partition start that takes a while: checkpoint read, consumer creation.
      onAcquired: async () => {
        running++;
        most = Math.max(most, running);
        await sleep(100);
        running--;
      },
    });
    const started = performance.now();
    await a.leases.start();
    const ms = performance.now() - started;
    expect(a.leases.owned()).toEqual(all);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    // One after another, 16 starts of 100 ms would take 1.6 s.
    expect(ms).toBeLessThan(1_000);
  });

  it('rebalances to 8/8 when a second worker joins, never owning a partition twice', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1');
    await a.leases.start();
    cluster.sample();
    const b = await cluster.worker('w2');
    const roundsBefore = a.leases.counters.rounds;
    await b.leases.start();
    const ms = await until(
      '8/8',
      () => a.leases.owned().length === 8 && b.leases.owned().length === 8,
      5_000,
    );
    // w1 (rank 0) keeps its home partitions, the even ones; w2 gets the odd ones.
    expect(a.leases.owned()).toEqual(evens);
    expect(b.leases.owned()).toEqual(odds);
    expect(a.leases.counters.rounds - roundsBefore).toBeLessThanOrEqual(4);
    expect(a.leases.counters.releases).toBe(8);
    expect(b.leases.counters.claims).toBe(8);
    await sleep(200); // keep sampling a settled cluster for a moment
    expect(cluster.violations).toEqual([]);
    expect(cluster.samples).toBeGreaterThan(ms / 40);
    // For every moved partition: w1's onReleasing resolved before w2's onAcquired began.
    for (const p of odds) {
      const released = cluster.timeline.findIndex(
        (e) => e.worker === 'w1' && e.type === 'released' && e.p === p,
      );
      const acquired = cluster.timeline.findIndex(
        (e) => e.worker === 'w2' && e.type === 'acquired' && e.p === p,
      );
      expect(released, `w1 released ${p}`).toBeGreaterThanOrEqual(0);
      expect(acquired, `w1 released ${p} before w2 acquired it`).toBeGreaterThan(released);
    }
    expect(b.leases.workers()).toEqual(['w1', 'w2']);
    expect(b.leases.ownerOf(0)).toBe('w1');
  });

  it('hands every partition over within ttl + 2 s when a worker stops', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1');
    const b = await cluster.worker('w2');
    await a.leases.start();
    await b.leases.start();
    await until('8/8', () => a.leases.owned().length === 8 && b.leases.owned().length === 8, 5_000);
    cluster.sample();
    const stopping = b.leases.stop();
    const ms = await until('w1 owns 16', () => a.leases.owned().length === 16, ttlMs + 2_000);
    await stopping;
    expect(
      cluster
        .events('w2', 'released')
        .map((e) => e.p)
        .sort((x, y) => x - y),
    ).toEqual(odds);
    expect(b.leases.owned()).toEqual([]);
    expect(await cluster.admin.get('worker.w2')).toMatchObject({ operation: 'DEL' });
    expect(cluster.violations).toEqual([]);
    // A clean stop deletes leases and presence: no need to wait for the TTL.
    expect(ms).toBeLessThan(ttlMs);
    await expect(b.leases.start()).rejects.toThrow(/were stopped/);
  });

  it('takes a crashed worker’s partitions over only after its leases expired', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1');
    const b = await cluster.worker('w2');
    await a.leases.start();
    await b.leases.start();
    await until('8/8', () => a.leases.owned().length === 8 && b.leases.owned().length === 8, 5_000);
    cluster.sample();
    await cluster.crash(b);
    const crashedAt = performance.now();
    const crashedWall = Date.now();
    const expiry = new Map<number, number>();
    for (const p of odds) {
      const entry = await cluster.admin.get(leaseKey(p));
      expect(entry?.operation).toBe('PUT');
      expiry.set(p, (entry?.created.getTime() ?? 0) + ttlMs);
    }
    const ms = await until('w1 owns 16', () => a.leases.owned().length === 16, ttlMs + 2_000);
    for (const p of odds) {
      const acquired = cluster
        .events('w1', 'acquired')
        .find((e) => e.p === p && e.wall >= crashedWall);
      // Server timestamps have millisecond precision; allow that much.
      expect(
        acquired?.wall ?? 0,
        `w1 acquired ${p} before the lease expired`,
      ).toBeGreaterThanOrEqual((expiry.get(p) ?? 0) - 2);
    }
    expect(ms).toBeGreaterThan(ttlMs - a.leases.heartbeatMs - 100);
    // The frozen worker's local view lapsed before anyone took over (checked in onAcquired too).
    expect(b.leases.owned()).toEqual([]);
    expect(cluster.events('w2', 'released')).toEqual([]);
    expect(cluster.violations).toEqual([]);
    expect(a.leases.workers()).toEqual(['w1']);
    expect(performance.now() - crashedAt).toBeLessThan(ttlMs + 2_000);
  });

  it('reports a lease overwritten behind the owner’s back as lost', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1');
    await a.leases.start();
    await cluster.admin.put(leaseKey(5), encodeLease('intruder', Date.now()));
    await until('onLost(5)', () => cluster.events('w1', 'lost').length > 0, ttlMs);
    expect(cluster.events('w1', 'lost').map((e) => e.p)).toEqual([5]);
    expect(cluster.events('w1', 'lost')[0]?.detail).toMatch(/partition\.5/);
    expect(a.leases.owns(5)).toBe(false);
    expect(a.folding.has(5)).toBe(false);
    expect(a.leases.counters.lost).toBe(1);
    expect(a.leases.owned()).toEqual(all.filter((p) => p !== 5));
    await until('view shows intruder', () => a.leases.ownerOf(5) === 'intruder', ttlMs);
    // The intruder's key is not ours: the worker neither deletes nor re-claims it.
    expect((await cluster.admin.get(leaseKey(5)))?.string()).toMatch(/intruder/);
  });

  it('keeps a lease whose newer revision is its own heartbeat, read before its answer came', async () => {
    await using cluster = await Cluster.start();
    // Slow answers, as on an overloaded machine or during an election: a heartbeat's update
    // lands at once but is answered 450 ms later, and listing the workers starts 300 ms late.
    // A timer heartbeat then lands while a round reads the bucket, which sees a revision its
    // worker does not know yet — its own.
    let slow = false;
    await using bucket = await cluster.bucket();
    const kv = intercept(bucket.kv, {
      update: async (...args) => {
        const revision = await bucket.kv.update(...args);
        if (slow) await sleep(450);
        return revision;
      },
      keys: async (...args) => {
        if (slow) await sleep(300);
        return bucket.kv.keys(...args);
      },
    });
    const a = await cluster.worker('w1', { kv });
    await a.leases.start();
    slow = true;
    const rounds = a.leases.counters.rounds;
    await until('six more rounds', () => a.leases.counters.rounds >= rounds + 6, 20 * ttlMs);
    slow = false;
    expect(cluster.events('w1', 'lost')).toEqual([]);
    expect(a.leases.owned()).toEqual(all);
  });

  it('keeps a lease whose heartbeat timed out but landed, instead of losing it next beat', async () => {
    await using cluster = await Cluster.start();
    // A slow R3 bucket: the update is stored, the answer never comes in time. That round's
    // read of the bucket fails too, so the next heartbeat, not a view of the bucket, is the
    // first to meet the unknown revision.
    let timeOutNext = false;
    let failListing = false;
    await using bucket = await cluster.bucket();
    const kv = intercept(bucket.kv, {
      update: async (...args) => {
        const revision = await bucket.kv.update(...args);
        if (timeOutNext && args[0] === leaseKey(5)) {
          timeOutNext = false;
          failListing = true;
          const error = new Error('timeout');
          error.name = 'TimeoutError';
          throw error;
        }
        return revision;
      },
      keys: async (...args) => {
        if (failListing) {
          failListing = false;
          throw new Error('listing failed');
        }
        return bucket.kv.keys(...args);
      },
    });
    const a = await cluster.worker('w1', { kv });
    await a.leases.start();
    timeOutNext = true;
    await until('the timed-out heartbeat', () => !timeOutNext, 4 * ttlMs);
    const rounds = a.leases.counters.rounds;
    await until('three more rounds', () => a.leases.counters.rounds >= rounds + 3, 10 * ttlMs);
    expect(cluster.events('w1', 'lost')).toEqual([]);
    expect(a.leases.owned()).toEqual(all);
    expect(a.leases.counters.revisionsAdopted).toBe(1);
    expect(a.leases.counters.heartbeatFailures).toBe(1);
    expect(a.leases.counters.roundFailures).toBe(1);
  });

  it('stops owning by the local deadline when NATS goes away', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1');
    await a.leases.start();
    await sleep(ttlMs / 2); // a few heartbeats in
    expect(a.leases.owned()).toEqual(all);
    await cluster.server.stop();
    const outageAt = performance.now();
    const ms = await until('owns nothing', () => a.leases.owned().length === 0, ttlMs + 500);
    // Deadline = send time of the last good heartbeat + ttl - margin, and that heartbeat was
    // sent before the server was gone and at most one heartbeat (plus shutdown) before.
    expect(ms).toBeLessThanOrEqual(ttlMs - a.leases.marginMs + 150);
    expect(ms).toBeGreaterThan(ttlMs - a.leases.marginMs - a.leases.heartbeatMs - 300);
    await until('onLost x16', () => cluster.events('w1', 'lost').length === 16, 200);
    expect(cluster.events('w1', 'lost')[0]?.detail).toMatch(/no successful heartbeat/);
    expect(a.leases.counters.lost).toBe(16);
    expect(a.folding.size).toBe(0);
    expect(performance.now() - outageAt).toBeLessThan(ttlMs + 500);
    await cluster.crash(a); // nothing left to release; skip waiting for the dead server
  });

  it('gives a lease back when onAcquired throws, and counts it', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1', {
      onAcquired: (p) => {
        if (p === 3) throw new Error('hydration failed');
      },
    });
    await a.leases.start();
    expect(a.leases.owned()).toEqual(all.filter((p) => p !== 3));
    expect(a.leases.counters.acquireFailures).toBe(1);
    expect((await cluster.admin.get(leaseKey(3)))?.operation).toBe('DEL');
    // It is retried at the next round (and fails again): never silently held.
    await until('retried', () => a.leases.counters.acquireFailures >= 2, ttlMs);
    expect(a.leases.owns(3)).toBe(false);
  });

  it('refuses a ttlMs other than the bucket’s ttl, and a bad worker id', async () => {
    await using cluster = await Cluster.start();
    const a = await cluster.worker('w1', { ttlMs: 3_000 });
    await expect(a.leases.start()).rejects.toThrow(InvalidRuntimeOptionError);
    expect(() => new PartitionLeases({ ...baseOptions(cluster.admin), workerId: 'a.b' })).toThrow(
      /workerId/,
    );
  });
});

function baseOptions(kv: KV): PartitionLeasesOptions {
  return {
    kv,
    workerId: 'w',
    partitions,
    ttlMs,
    log: silentLogger(),
    onAcquired: () => {},
    onReleasing: async () => {},
    onLost: () => {},
  };
}
