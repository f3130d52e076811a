import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import { fairShare, leasePlan } from './leasePlan.js';

const owners = (entries: Record<number, string>) =>
  new Map(Object.entries(entries).map(([p, w]) => [Number(p), w] as const));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('leasePlan', () => {
  it('lets a lone worker claim every partition', () => {
    const plan = leasePlan({ partitions: 16, me: 'w1', workers: ['w1'], owners: new Map() });
    expect(plan.share).toBe(16);
    expect([...plan.claim].sort((a, b) => a - b)).toEqual(range(16));
    expect(plan.release).toEqual([]);
  });

  it('gives the first P mod W workers in sorted order one more partition', () => {
    const shares = ['c', 'a', 'b'].map(
      (me) => leasePlan({ partitions: 16, me, workers: ['c', 'a', 'b'], owners: new Map() }).share,
    );
    expect(shares).toEqual([5, 6, 5]);
    expect(fairShare(16, 3, 0) + fairShare(16, 3, 1) + fairShare(16, 3, 2)).toBe(16);
    expect(
      leasePlan({ partitions: 2, me: 'z', workers: ['x', 'y', 'z'], owners: new Map() }).share,
    ).toBe(0);
  });

  it('releases the excess deterministically, foreign partitions first', () => {
    const all = owners(Object.fromEntries(range(16).map((p) => [p, 'a'])));
    const plan = leasePlan({ partitions: 16, me: 'a', workers: ['b', 'a'], owners: all });
    // 'a' is rank 0: its home is the even partitions, so it gives up the odd ones.
    expect(plan.release).toEqual([15, 13, 11, 9, 7, 5, 3, 1]);
    expect(plan.claim).toEqual([]);
    expect(leasePlan({ partitions: 16, me: 'a', workers: ['a', 'b'], owners: all })).toEqual(plan);
  });

  it('sends two joiners to different partitions first', () => {
    const view = { partitions: 16, workers: ['a', 'b', 'c'], owners: new Map<number, string>() };
    const firsts = ['a', 'b', 'c'].map((me) => leasePlan({ ...view, me }).claim[0]);
    expect(new Set(firsts).size).toBe(3);
    const claims = ['a', 'b', 'c'].map((me) => leasePlan({ ...view, me }).claim);
    // Home sets are disjoint, so on an empty cluster nobody races anybody.
    expect(new Set(claims.flat()).size).toBe(16);
  });

  it('claims only free partitions, and no more than the missing share', () => {
    const plan = leasePlan({
      partitions: 8,
      me: 'b',
      workers: ['a', 'b'],
      owners: owners({ 0: 'a', 1: 'a', 2: 'gone', 3: '', 4: 'b' }),
    });
    expect(plan.share).toBe(4);
    expect(plan.claim).toEqual([5, 7, 6]);
  });

  it('refuses a bad partition count or an empty id', () => {
    expect(() => leasePlan({ partitions: 0, me: 'a', workers: [], owners: new Map() })).toThrow(
      InvalidRuntimeOptionError,
    );
    expect(() => leasePlan({ partitions: 16, me: '', workers: [], owners: new Map() })).toThrow(
      /non-empty worker id/,
    );
  });
});

/** A plain throw: `expect` in the simulation's inner loops would dominate the run time. */
function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

type Event = { type: 'join' } | { type: 'crash'; who: number } | { type: 'leave'; who: number };

interface SimWorker {
  readonly id: string;
  readonly held: Set<number>;
}

/** Deterministic shuffle (mulberry32), so fast-check can shrink and replay the order. */
function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * A cluster where every worker plans from the same snapshot taken at the start of a round
 * (so views are stale while others act) and plans are applied in a random interleaving.
 * The KV is a map with `create` semantics; a crashed worker's presence and leases expire
 * `ttlRounds` rounds later, as the bucket TTL would do.
 */
class Cluster {
  readonly kv = new Map<number, string>();
  readonly live: SimWorker[] = [];
  readonly dead = new Map<string, number>(); // crashed id -> round its keys expire
  #nextId = 0;
  round = 0;

  constructor(
    readonly partitions: number,
    readonly ttlRounds: number,
  ) {}

  apply(event: Event): void {
    if (event.type === 'join') {
      this.live.push({ id: `w${String(this.#nextId++).padStart(3, '0')}`, held: new Set() });
      return;
    }
    if (this.live.length === 0) return;
    const [worker] = this.live.splice(event.who % this.live.length, 1) as [SimWorker];
    if (event.type === 'crash') this.dead.set(worker.id, this.round + this.ttlRounds);
    else for (const p of worker.held) this.kv.delete(p);
  }

  /** One round; returns how many claims and releases happened. */
  step(seed: number): number {
    for (const [id, expiry] of this.dead) {
      if (expiry > this.round) continue;
      this.dead.delete(id);
      for (const [p, owner] of this.kv) if (owner === id) this.kv.delete(p);
    }
    this.round++;
    const workers = [...this.live.map((w) => w.id), ...this.dead.keys()];
    const snapshot = new Map(this.kv);
    const actions: { worker: SimWorker; kind: 'claim' | 'release'; p: number }[] = [];
    for (const worker of this.live) {
      const plan = leasePlan({
        partitions: this.partitions,
        me: worker.id,
        workers,
        owners: snapshot,
      });
      const mine = [...snapshot].filter(([, o]) => o === worker.id).map(([p]) => p);
      // The plan itself: claims are free and distinct, releases are own, never both.
      const what = `${worker.id} plan ${JSON.stringify(plan)}`;
      check(new Set(plan.claim).size === plan.claim.length, `${what}: duplicate claims`);
      check(new Set(plan.release).size === plan.release.length, `${what}: duplicate releases`);
      check(!plan.claim.some((p) => snapshot.has(p)), `${what}: claims a taken partition`);
      check(
        plan.release.every((p) => mine.includes(p)),
        `${what}: releases a foreign partition`,
      );
      check(plan.claim.length === 0 || plan.release.length === 0, `${what}: claims and releases`);
      check(
        plan.claim.length === 0 || mine.length + plan.claim.length <= plan.share,
        `${what}: claims beyond the share`,
      );
      check(
        plan.release.length === 0 || mine.length - plan.release.length === plan.share,
        `${what}: releases to other than the share`,
      );
      for (const p of plan.claim) actions.push({ worker, kind: 'claim', p });
      for (const p of plan.release) actions.push({ worker, kind: 'release', p });
    }
    // Interleave whole actions of all workers; each worker keeps its own order.
    const order = shuffle(
      actions.map((_, i) => i),
      seed,
    );
    const queues = new Map<SimWorker, typeof actions>();
    for (const a of actions) {
      const queue = queues.get(a.worker);
      if (queue) queue.push(a);
      else queues.set(a.worker, [a]);
    }
    const workerOrder = order.map((i) => (actions[i] as (typeof actions)[number]).worker);
    let changes = 0;
    for (const worker of workerOrder) {
      const action = queues.get(worker)?.shift();
      if (!action) continue;
      if (action.kind === 'release') {
        worker.held.delete(action.p);
        this.kv.delete(action.p);
        changes++;
      } else if (!this.kv.has(action.p)) {
        this.kv.set(action.p, worker.id);
        worker.held.add(action.p);
        changes++;
      }
      this.assertNoDoubleOwner();
    }
    return changes;
  }

  assertNoDoubleOwner(): void {
    const seen = new Map<number, string>();
    for (const w of this.live) {
      for (const p of w.held) {
        check(!seen.has(p), `partition ${p} held by ${seen.get(p)} and ${w.id}`);
        seen.set(p, w.id);
        check(this.kv.get(p) === w.id, `${w.id} holds ${p} but the KV says ${this.kv.get(p)}`);
      }
    }
  }
}

describe('leasePlan (simulated cluster)', () => {
  const event: fc.Arbitrary<Event> = fc.oneof(
    { weight: 3, arbitrary: fc.constant({ type: 'join' as const }) },
    { weight: 1, arbitrary: fc.nat(9).map((who) => ({ type: 'crash' as const, who })) },
    { weight: 1, arbitrary: fc.nat(9).map((who) => ({ type: 'leave' as const, who })) },
  );

  it('converges to a partition of 0..P-1 within shares, never double-owning', () => {
    let rounds = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.option(event, { nil: undefined }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer(), { minLength: 60, maxLength: 60 }),
        (partitions, ttlRounds, events, seeds) => {
          const cluster = new Cluster(partitions, ttlRounds);
          cluster.apply({ type: 'join' });
          let s = 0;
          for (const e of events) {
            if (e) cluster.apply(e);
            cluster.step(seeds[s++ % seeds.length] as number);
          }
          if (cluster.live.length === 0) cluster.apply({ type: 'join' });
          // Membership is now stable. Each round makes at least one claim while a partition is
          // free and someone is short, so P + TTL + 2 rounds is a hard bound.
          const bound = partitions + ttlRounds + 2;
          let settledAfter = -1;
          for (let r = 0; r < bound; r++) {
            const changes = cluster.step(seeds[s++ % seeds.length] as number);
            if (changes === 0 && cluster.dead.size === 0 && cluster.kv.size === partitions) {
              settledAfter = r;
              break;
            }
          }
          expect(settledAfter, 'did not converge').toBeGreaterThanOrEqual(0);
          rounds += settledAfter;
          runs++;
          const ids = cluster.live.map((w) => w.id).sort();
          const union = cluster.live.flatMap((w) => [...w.held]).sort((a, b) => a - b);
          expect(union).toEqual(range(partitions));
          for (const w of cluster.live) {
            expect(w.held.size).toBe(fairShare(partitions, ids.length, ids.indexOf(w.id)));
          }
        },
      ),
      { numRuns: 1000 },
    );
    // Typical convergence is a couple of rounds, far below the bound.
    expect(rounds / runs).toBeLessThan(6);
  }, 60_000);
});
