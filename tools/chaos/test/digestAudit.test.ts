import { NatsServer } from '@ballast/nats';
import { referenceFold, TickPublisher } from '@ballast/runtime';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import {
  auditEventually,
  auditSymbols,
  type CleanFold,
  cleanFold,
} from '../src/harness/digestAudit.js';
import { seededTicks, symbolNames } from '../src/harness/seededTicks.js';
import { spawnWorker } from '../src/harness/workerProcess.js';

describe('auditSymbols', () => {
  it('finds nothing wrong when books equal the clean fold, and counts ticks lost or applied twice when not', async () => {
    await using server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    const worker = await spawnWorker({
      servers: [server.url],
      id: 'w1',
      args: ['--partitions', '2'],
    });
    try {
      const js = jetstream(nc);
      const publisher = new TickPublisher({ js, partitions: 2, feed: 'audit' });
      for (const fields of seededTicks({ seed: 1, symbols: symbolNames(10), count: 600 })) {
        await publisher.publishNext(fields);
      }
      await publisher.close();
      const clean = await cleanFold(js, 2);
      expect(clean.applied).toBe(600);
      const equal = await auditEventually(nc, clean, 20_000);
      expect(equal).toMatchObject({
        symbols: 10,
        mismatchCount: 0,
        lost: 0,
        appliedTwice: 0,
        unanswered: 0,
      });

      // A clean fold that stops early: the books hold ticks it does not — as if applied twice.
      const early = await referenceFold({ js, partitions: 2, upToSeq: 500 });
      const earlyFold: CleanFold = { symbols: early, applied: 500, skipped: {} };
      const twice = await auditSymbols(nc, earlyFold);
      expect(twice.appliedTwice).toBe(100);
      expect(twice.lost).toBe(0);
      expect(twice.mismatchCount).toBeGreaterThan(0);

      // A clean fold with three more ticks for one symbol: the book lacks them — lost.
      const [symbol, folded] = [...clean.symbols][0] as [
        string,
        { digest: string; lastSeq: number; applied: number },
      ];
      const more = new Map(clean.symbols).set(symbol, {
        ...folded,
        applied: folded.applied + 3,
        digest: 'x',
      });
      const lost = await auditSymbols(nc, { ...clean, symbols: more });
      expect(lost).toMatchObject({ lost: 3, appliedTwice: 0, mismatchCount: 1 });
    } finally {
      await worker.kill('SIGKILL');
      await nc.close();
    }
  }, 60_000);
});
