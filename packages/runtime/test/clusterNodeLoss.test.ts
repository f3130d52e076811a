import { startNatsCluster } from '@ballast/nats';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { TickPublisher } from '../src/ingest/TickPublisher.js';
import { silentLogger } from '../src/logger.js';
import { referenceFold } from '../src/reference/referenceFold.js';
import { topologyNames } from '../src/topology.js';
import { Worker } from '../src/worker/Worker.js';
import { digestMismatchesEventually } from './harness/digests.js';
import { seededTicks, symbols } from './harness/seededFeed.js';
import { retrying, waitFor } from './harness/waitFor.js';

const P = 4;
const ticks = 8_000;

describe('NATS node loss on a 3-node cluster (R3)', () => {
  it('loses no event and applies none twice when the TICKS stream leader is SIGKILLed during ingest', async () => {
    await using cluster = await startNatsCluster({ size: 3 });
    const nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1 });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await using worker = await Worker.start({
      servers: cluster.urls,
      workerId: 'w1',
      partitions: P,
      log: silentLogger(),
      http: false,
      topology: { replicas: 3, leaseTtlMs: 3_000 },
      actors: { snapshotEveryEvents: 200 },
    });
    await waitFor('partitions owned', () => worker.ownedPartitions().length === P, 30_000);
    const publisher = new TickPublisher({ js, partitions: P, feed: 'r3', maxInFlight: 64 });
    let killed = false;
    let leaderName = '';
    let victim: Awaited<ReturnType<typeof cluster.streamLeader>>;
    for (const fields of seededTicks({ seed: 11, symbols: symbols(50), count: ticks })) {
      await publisher.publishNext(fields);
      if (!killed && publisher.counters.published >= ticks / 3) {
        killed = true;
        const leader = await cluster.streamLeader(topologyNames.ticks);
        expect(leader).toBeDefined();
        leaderName = leader?.name ?? '';
        await leader?.kill('SIGKILL');
      }
    }
    await publisher.flush();
    expect(killed).toBe(true);
    console.log(
      `killed stream leader ${leaderName}; publisher retries ${publisher.counters.retries}, duplicates ${publisher.counters.duplicates}`,
    );
    // No loss: every tick is in the log (msgID dedup absorbs retries within one leader's
    // term; a retry across the election may land twice — then the source sequence catches it).
    const state = (await retrying('stream info', () => jsm.streams.info(topologyNames.ticks)))
      .state;
    expect(state.messages).toBeGreaterThanOrEqual(ticks);
    const diagnose = () =>
      JSON.stringify({
        folded: worker.host.counters.ticksFolded,
        owned: worker.ownedPartitions(),
        lag: worker.ownedPartitions().map((p) => worker.consumers().get(p)?.lag),
        consumers: worker.ownedPartitions().map((p) => worker.consumers().get(p)?.counters),
        leases: worker.leases.counters,
        stalls: worker.stalls,
      });
    await waitFor(
      'worker caught up',
      () => worker.host.counters.ticksFolded >= ticks && worker.ownedPartitions().length === P,
      60_000,
      100,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${diagnose()}`);
    });
    // The node comes back (as an operator would restart it) and rejoins before the audit.
    await victim?.restart();
    await cluster.waitForMetaLeader();
    // Nothing applied twice: the clean fold applies each (source, sourceSeq) once, and each
    // live digest (which includes the last applied sequence) equals it.
    const reference = await retrying('reference fold', () => referenceFold({ js, partitions: P }));
    expect([...reference.values()].reduce((n, s) => n + s.applied, 0)).toBe(ticks);
    // Leases may still be moving after the election (a lost lease is re-claimed after its TTL),
    // so the audit waits until every symbol answers again.
    expect(await digestMismatchesEventually(nc, reference, 60_000)).toEqual([]);
    console.log(
      'leases',
      JSON.stringify(worker.leases.counters),
      'stalled consumers restarted',
      worker.stalls,
    );
    await nc.close();
  }, 150_000);
});
