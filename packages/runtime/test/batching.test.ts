import { NatsServer } from '@ballast/nats';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { TickPublisher } from '../src/ingest/TickPublisher.js';
import { silentLogger } from '../src/logger.js';
import { referenceFold } from '../src/reference/referenceFold.js';
import { ensureTopology } from '../src/topology.js';
import { Worker } from '../src/worker/Worker.js';
import { digestMismatches } from './harness/digests.js';
import { seededTicks, symbols } from './harness/seededFeed.js';
import { waitFor } from './harness/waitFor.js';

const P = 4;
const ticks = 3_000;

describe('batched fold', () => {
  it('folds a backlog with far fewer machine events than ticks, to the clean fold', async () => {
    await using server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    try {
      await ensureTopology(nc, await jetstreamManager(nc));
      const js = jetstream(nc);
      const publisher = new TickPublisher({ js, partitions: P, feed: 'batching' });
      for (const fields of seededTicks({ seed: 9, symbols: symbols(8), count: ticks })) {
        await publisher.publishNext(fields);
      }
      await publisher.flush();
      // The whole log is there before the worker starts: every read delivers many ticks of
      // each of the 2 symbols per partition.
      await using worker = await Worker.start({
        servers: server.url,
        workerId: 'batching',
        partitions: P,
        log: silentLogger(),
        http: false,
        actors: { snapshotEveryEvents: 250 },
      });
      const { counters } = worker.host;
      await waitFor('the backlog folded', () => counters.ticksFolded >= ticks, 30_000);
      expect(counters.ticksFolded).toBe(ticks);
      // One event per tick would be 3,000; a read of the log carries dozens per symbol.
      expect(counters.foldEvents).toBeGreaterThan(0);
      expect(counters.foldEvents).toBeLessThanOrEqual(ticks / 10);
      const reference = await referenceFold({ js, partitions: P });
      expect(reference.size).toBe(8);
      expect(await digestMismatches(nc, reference)).toEqual([]);
    } finally {
      await nc.close();
    }
  });
});
