import { NatsServer } from '@ballast/nats';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { TickPublisher } from '../src/ingest/TickPublisher.js';
import { silentLogger } from '../src/logger.js';
import { referenceFold } from '../src/reference/referenceFold.js';
import { Worker } from '../src/worker/Worker.js';
import { digestMismatchesEventually } from './harness/digests.js';
import { seededTicks, symbols } from './harness/seededFeed.js';
import { waitFor } from './harness/waitFor.js';
import { spawnWorker } from './harness/workerProcess.js';

const P = 8;
const leaseTtlMs = 2_000;

describe('failover between two workers', () => {
  it('the survivor owns every partition within lease TTL + 2 s of a SIGKILL, with correct digests', async () => {
    await using server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    await using survivor = await Worker.start({
      servers: server.url,
      workerId: 'w1',
      partitions: P,
      log: silentLogger(),
      http: false,
      topology: { leaseTtlMs },
      actors: { snapshotEveryEvents: 100 },
    });
    const victim = await spawnWorker([server.url], 'w2', [
      '--partitions',
      String(P),
      '--lease-ttl-ms',
      String(leaseTtlMs),
      '--snapshot-every',
      '100',
    ]);
    try {
      // Fair share: 4 and 4, never both owning one partition.
      await waitFor('partitions split 4/4', () => survivor.ownedPartitions().length === 4, 20_000);
      const publisher = new TickPublisher({ js, partitions: P, feed: 'failover', maxInFlight: 64 });
      const names = symbols(80);
      for (const fields of seededTicks({ seed: 3, symbols: names, count: 6_000 })) {
        await publisher.publishNext(fields);
      }
      await publisher.flush();
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      await waitFor(
        'survivor owns all partitions',
        () => survivor.ownedPartitions().length === P,
        leaseTtlMs + 5_000,
        20,
      );
      const takeover = Date.now() - killedAt;
      console.log(`takeover after SIGKILL: ${takeover} ms (lease TTL ${leaseTtlMs} ms)`);
      expect(takeover).toBeLessThanOrEqual(leaseTtlMs + 2_000);
      const reference = await referenceFold({ js, partitions: P });
      expect(reference.size).toBe(80);
      expect(await digestMismatchesEventually(nc, reference, 20_000)).toEqual([]);
    } finally {
      await victim.kill('SIGKILL');
      await nc.close();
    }
  }, 90_000);
});
