import { NatsServer } from '@ballast/nats';
import { partition } from '@ballast/protocol';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { TickPublisher } from '../src/ingest/TickPublisher.js';
import { silentLogger } from '../src/logger.js';
import { referenceFold } from '../src/reference/referenceFold.js';
import { ensureTopology } from '../src/topology.js';
import { Worker } from '../src/worker/Worker.js';
import { digestMismatchesEventually } from './harness/digests.js';
import { seededTicks, symbols } from './harness/seededFeed.js';
import { waitFor } from './harness/waitFor.js';

const P = 4;
const symbolCount = 2_000;
const ticksPerSymbol = 3;
const ticks = symbolCount * ticksPerSymbol;
const maxLiveActors = 500;

describe('concurrent hydration', () => {
  it(`folds ${symbolCount} symbols x ${ticksPerSymbol} ticks through ${maxLiveActors} live actors with hydrations overlapping, digests equal to the clean fold`, async () => {
    await using server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    try {
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc);
      await ensureTopology(nc, jsm, { leaseTtlMs: 2_000 });
      // The whole log is there before the worker starts: every partition meets a backlog of
      // cold symbols, the case hydrating one at a time made slow.
      const publisher = new TickPublisher({ js, partitions: P, feed: 'hyd', maxInFlight: 256 });
      const names = symbols(symbolCount);
      // Each round visits every symbol once, in the same scrambled order: with 500 live of
      // 2,000, every tick after the first round finds its actor passivated (LRU) and hydrates
      // it from its final snapshot.
      for (const fields of seededTicks({
        seed: 11,
        symbols: names,
        count: ticks,
        pick: (i) => names[(i * 7_919) % symbolCount] as string,
      })) {
        await publisher.publishNext(fields);
      }
      await publisher.flush();
      const last = (await jsm.streams.info('TICKS')).state.last_seq;
      expect(last).toBe(ticks);

      await using worker = await Worker.start({
        servers: server.url,
        workerId: 'hyd',
        partitions: P,
        log: silentLogger(),
        http: false,
        topology: { leaseTtlMs: 2_000 },
        actors: { maxLiveActors, snapshotEveryEvents: 1_000 },
      });
      await waitFor('all partitions owned', () => worker.ownedPartitions().length === P);
      let maxLive = 0;
      const sampler = setInterval(() => {
        maxLive = Math.max(maxLive, worker.host.liveActors);
      }, 20);
      const started = performance.now();
      try {
        await waitFor(
          'every partition processed to the end of the log',
          () => {
            let done = 0;
            for (const c of worker.consumers().values()) if (c.gate.hydrating === 0) done++;
            const handled = [...worker.consumers().values()].reduce(
              (n, c) => n + c.counters.received,
              0,
            );
            return done === P && handled >= ticks;
          },
          60_000,
          20,
        );
      } finally {
        clearInterval(sampler);
      }
      const foldMs = performance.now() - started;
      const gates = [...worker.consumers().values()].map((c) => c.gate.counters);
      const host = worker.host.counters;
      console.log(
        JSON.stringify({
          foldMs: Math.round(foldMs),
          ticksFolded: host.ticksFolded,
          hydrations: host.hydrations,
          maxHydrating: host.maxHydrating,
          passivatedLru: host.passivatedLru,
          passivationBackpressure: host.passivationBackpressure,
          maxLive,
          gates,
        }),
      );
      // Every tick folded once: nothing refused here but the machine's own late ticks, which
      // are still sent to the actor (and counted folded) before it dead-letters them.
      expect(host.ticksFolded).toBe(ticks);
      // Hydrations overlapped, within each partition and across the worker.
      expect(host.maxHydrating).toBeGreaterThan(1);
      expect(Math.max(...gates.map((g) => g.maxConcurrent))).toBeGreaterThan(1);
      for (const g of gates) expect(g.maxConcurrent).toBeLessThanOrEqual(32);
      // It churned: most ticks after the first round found their actor passivated.
      expect(host.hydrations).toBeGreaterThan(symbolCount * 2);
      expect(host.passivatedLru).toBeGreaterThan(symbolCount);
      expect(maxLive).toBeLessThanOrEqual(maxLiveActors);
      expect(host.failed).toBe(0);
      expect(worker.leases.counters.lost).toBe(0);

      // processed reached the end of each partition's log once nothing was left in flight.
      const lastByPartition = new Map<number, number>();
      const reference = await referenceFold({ js, partitions: P });
      expect(reference.size).toBe(symbolCount);
      for (const [symbol, folded] of reference) {
        const p = partition(symbol, P);
        lastByPartition.set(p, Math.max(lastByPartition.get(p) ?? 0, folded.lastSeq));
      }
      expect(lastByPartition.size).toBe(P);
      for (const [p, lastSeq] of lastByPartition) {
        expect(worker.processed(p)).toBeGreaterThanOrEqual(lastSeq);
      }
      expect(await digestMismatchesEventually(nc, reference, 30_000)).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 120_000);
});
