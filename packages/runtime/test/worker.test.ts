import { NatsServer } from '@ballast/nats';
import {
  type DeadLetter,
  decodeDeadLetter,
  encodeTick,
  systemSubjects,
  tickSubject,
} from '@ballast/protocol';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TickPublisher } from '../src/ingest/TickPublisher.js';
import { silentLogger } from '../src/logger.js';
import { referenceFold } from '../src/reference/referenceFold.js';
import { Worker } from '../src/worker/Worker.js';
import { digestMismatches, querySymbol } from './harness/digests.js';
import { seededTicks, symbols } from './harness/seededFeed.js';
import { waitFor } from './harness/waitFor.js';

const P = 4;

describe('Worker', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('folds the log, answers queries with the clean fold, and dead-letters bad input without stopping', async () => {
    const nc = await connect({ servers: server.url });
    const letters: DeadLetter[] = [];
    const sub = nc.subscribe(systemSubjects.deadLetter, {
      callback: (_, msg) => {
        letters.push(decodeDeadLetter(msg.data));
      },
    });
    await using worker = await Worker.start({
      servers: server.url,
      workerId: 'w1',
      partitions: P,
      log: silentLogger(),
      http: false,
      topology: { leaseTtlMs: 2_000 },
      actors: { snapshotEveryEvents: 100, maxLiveActors: 20 },
    });
    await waitFor('all partitions owned', () => worker.ownedPartitions().length === P);
    const js = jetstream(nc);
    const publisher = new TickPublisher({ js, partitions: P, feed: 'test' });
    const names = symbols(40);
    for (const fields of seededTicks({ seed: 1, symbols: names, count: 3_000 })) {
      await publisher.publishNext(fields);
    }
    // Bad input of every kind, between good ticks.
    const good = {
      v: 1,
      symbol: names[0],
      price: 10,
      size: 1,
      ts: Date.UTC(2026, 0, 5),
      source: 'x',
      sourceSeq: 1,
    };
    const bad: [string, Uint8Array][] = [
      [tickSubject('S0001', P), new Uint8Array([0xc1, 0xff, 0x00])], // not msgpack
      [tickSubject('S0001', P), pack({ hello: 'world' })], // wrong schema
      [tickSubject('S0001', P), pack({ ...good, symbol: 'S0001', price: Number.NaN })], // NaN
      [tickSubject('S0001', P), new Uint8Array(70_000)], // oversize
      [tickSubject('S0002', P), encodeTick({ ...good, symbol: 'S0001' } as never)], // symbol mismatch
      [
        `md.tick.${(Number(tickSubject('S0001', P).split('.')[2]) + 1) % P}.S0001`,
        encodeTick({ ...good, symbol: 'S0001' } as never),
      ], // wrong partition
    ];
    for (const [subject, data] of bad) await js.publish(subject, data);
    for (const fields of seededTicks({
      seed: 2,
      symbols: names,
      count: 1_000,
      startTs: Date.UTC(2026, 0, 5, 16),
    })) {
      await publisher.publishNext(fields);
    }
    await publisher.flush();
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info('TICKS')).state.last_seq;
    const deadLettered = () =>
      Object.values(worker.reporter.counters.deadLetters).reduce((n, c) => n + c, 0);
    await waitFor(
      'every message folded or dead-lettered',
      () => worker.host.counters.ticksFolded >= 4_000 && deadLettered() >= bad.length,
      30_000,
    );
    expect(last).toBe(4_000 + bad.length);

    const reference = await referenceFold({ js, partitions: P });
    expect(reference.size).toBe(40);
    // 20 live at most: half of the symbols are hydrated again (snapshot + replay) to answer.
    expect(await digestMismatches(nc, reference)).toEqual([]);
    expect(worker.host.liveActors).toBeLessThanOrEqual(20);
    expect(worker.host.counters.passivatedLru).toBeGreaterThan(0);

    await waitFor('dead letters published', () => letters.length >= bad.length);
    expect(letters.map((l) => l.reason).sort()).toEqual(
      [
        'bad_subject',
        'decode_failed',
        'oversize',
        'schema_violation',
        'schema_violation',
        'schema_violation',
      ].sort(),
    );
    const reply = await querySymbol(nc, 'NOPE');
    expect(reply?.found).toBe(false);
    sub.unsubscribe();
    await nc.close();
  });
});
