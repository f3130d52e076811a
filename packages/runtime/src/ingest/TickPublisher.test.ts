import { NatsServer } from '@ballast/nats';
import { decodeTick, ProtocolError, partition, type Tick, tickSubject } from '@ballast/protocol';
import {
  type JetStreamClient,
  type JetStreamPublishOptions,
  jetstream,
  jetstreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import { ensureTopology } from '../topology.js';
import { TickPublishError, TickPublisher } from './TickPublisher.js';

const P = 8;
const t0 = Date.UTC(2026, 0, 2, 9, 30);

function tick(i: number, source = 'csv'): Tick {
  return {
    v: 1,
    symbol: `SYM${i % 50}`,
    price: 100 + (i % 7),
    size: 1 + (i % 3),
    ts: t0 + i,
    source,
    sourceSeq: i,
  };
}

interface Call {
  readonly subject: string;
  readonly msgID: string | undefined;
  readonly settle: (outcome: PubAck | Error) => void;
}

/** A JetStream client whose publishes the test settles by hand (or by a rule). */
class FakeJetStream {
  readonly calls: Call[] = [];
  readonly pending: Call[] = [];
  rule: ((call: Call, attempt: number) => PubAck | Error | undefined) | undefined;
  #seq = 0;

  publish(
    subject: string,
    _data?: unknown,
    options?: Partial<JetStreamPublishOptions>,
  ): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      const call: Call = {
        subject,
        msgID: options?.msgID,
        settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
      };
      const attempt = this.calls.filter((c) => c.msgID === call.msgID).length;
      this.calls.push(call);
      const outcome = this.rule?.(call, attempt);
      if (outcome === undefined) this.pending.push(call);
      else queueMicrotask(() => call.settle(outcome));
    });
  }

  ack(duplicate = false): PubAck {
    return { stream: 'TICKS', seq: ++this.#seq, duplicate } as PubAck;
  }

  ackOldest(): void {
    const call = this.pending.shift();
    if (call === undefined) throw new Error('nothing pending');
    call.settle(this.ack());
  }
}

function named(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function asJs(fake: FakeJetStream): Pick<JetStreamClient, 'publish'> {
  return fake as unknown as Pick<JetStreamClient, 'publish'>;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TickPublisher', () => {
  it('keeps at most maxInFlight publishes unacked and makes the next caller wait', async () => {
    const js = new FakeJetStream();
    const pub = new TickPublisher({ js: asJs(js), partitions: P, maxInFlight: 3 });
    for (let i = 0; i < 3; i++) await pub.publish(tick(i));
    let fourthSent = false;
    const fourth = pub.publish(tick(3)).then(() => {
      fourthSent = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fourthSent).toBe(false);
    expect(js.calls).toHaveLength(3);
    js.ackOldest();
    await fourth;
    expect(js.calls).toHaveLength(4);
    while (js.pending.length > 0) js.ackOldest();
    await pub.flush();
    expect(pub.counters).toMatchObject({
      published: 4,
      inFlight: 0,
      maxInFlightSeen: 3,
      waited: 1,
    });
  });

  it('retries a transient failure with the same msgID', async () => {
    const js = new FakeJetStream();
    js.rule = (_call, attempt) =>
      attempt === 0
        ? named('JetStreamNotEnabled', 'jetstream is not enabled')
        : attempt === 1
          ? named('TimeoutError', 'timeout')
          : js.ack();
    const pub = new TickPublisher({ js: asJs(js), partitions: P, retryBackoffMs: 1 });
    await pub.publish(tick(7));
    await pub.flush();
    expect(js.calls.map((c) => c.msgID)).toEqual(['csv:7', 'csv:7', 'csv:7']);
    expect(pub.counters).toMatchObject({ published: 1, retries: 2, failed: 0 });
  });

  it('gives up after retryTimeoutMs, and the next flush reports it once', async () => {
    const js = new FakeJetStream();
    const failure = named('JetStreamNotEnabled', 'jetstream is not enabled');
    js.rule = () => failure;
    let now = 0;
    const pub = new TickPublisher({
      js: asJs(js),
      partitions: P,
      retryTimeoutMs: 1_000,
      retryBackoffMs: 1,
      now: () => now,
    });
    await pub.publish(tick(1));
    await until(() => pub.counters.retries >= 3);
    expect(pub.counters.failed).toBe(0);
    now = 1_000;
    const flushed = pub.flush();
    await expect(flushed).rejects.toThrow(TickPublishError);
    await expect(flushed).rejects.toMatchObject({
      code: 'publish_failed',
      failed: 1,
      cause: failure,
    });
    await expect(flushed).rejects.toThrow(/1 tick publish\(es\) failed.*JetStreamNotEnabled/);
    expect(pub.counters.failed).toBe(1);
    await expect(pub.flush()).resolves.toBeUndefined();
  });

  it('does not retry a permanent error', async () => {
    const js = new FakeJetStream();
    js.rule = () => named('JetStreamApiError', 'maximum payload exceeded');
    const pub = new TickPublisher({ js: asJs(js), partitions: P });
    await pub.publish(tick(1));
    await expect(pub.flush()).rejects.toMatchObject({ failed: 1 });
    expect(pub.counters).toMatchObject({ retries: 0, failed: 1 });
    expect(js.calls).toHaveLength(1);
  });

  it('gives each partition its own source and consecutive seqs from startSeq', async () => {
    const js = new FakeJetStream();
    js.rule = () => js.ack();
    const pub = new TickPublisher({ js: asJs(js), partitions: P, feed: 'sim', startSeq: 100 });
    const sent: Tick[] = [];
    for (let i = 0; i < 200; i++) {
      sent.push(await pub.publishNext({ symbol: `SYM${i % 13}`, price: 1, size: 1, ts: t0 + i }));
    }
    await pub.flush();
    const bySource = new Map<string, number[]>();
    for (const t of sent) {
      const p = partition(t.symbol, P);
      expect(t.source).toBe(`sim-p0${p}`);
      bySource.set(t.source, [...(bySource.get(t.source) ?? []), t.sourceSeq]);
    }
    expect(js.calls.map((c) => c.msgID)).toEqual(sent.map((t) => `${t.source}:${t.sourceSeq}`));
    const next = pub.nextSeqs();
    for (const [source, seqs] of bySource) {
      expect(seqs).toEqual(seqs.map((_, i) => 100 + i));
      expect(next[Number(source.slice(-2))]).toBe(100 + seqs.length);
    }
    // A restart continues where the previous run stopped.
    const resumed = new TickPublisher({ js: asJs(js), partitions: P, feed: 'sim', startSeq: next });
    const first = await resumed.publishNext({ symbol: 'SYM0', price: 1, size: 1, ts: t0 });
    expect(first.sourceSeq).toBe(next[partition('SYM0', P)]);
  });

  it('refuses an invalid tick without taking a seq, and counts it', async () => {
    const js = new FakeJetStream();
    js.rule = () => js.ack();
    const pub = new TickPublisher({ js: asJs(js), partitions: P, feed: 'sim' });
    const bad = pub.publishNext({ symbol: 'AAPL', price: Number.NaN, size: 1, ts: t0 });
    await expect(bad).rejects.toThrow(ProtocolError);
    const good = await pub.publishNext({ symbol: 'AAPL', price: 1, size: 1, ts: t0 });
    expect(good.sourceSeq).toBe(0);
    await expect(pub.publish({ ...tick(1), symbol: 'A.B' })).rejects.toThrow(ProtocolError);
    expect(pub.counters.rejected).toBe(2);
    await pub.flush();
  });

  it('refuses callers beyond maxWaiting, and publishes after close', async () => {
    const js = new FakeJetStream();
    const pub = new TickPublisher({ js: asJs(js), partitions: P, maxInFlight: 1, maxWaiting: 1 });
    await pub.publish(tick(0));
    const waiting = pub.publish(tick(1));
    await expect(pub.publish(tick(2))).rejects.toMatchObject({ code: 'backlog_full' });
    js.ackOldest();
    await waiting;
    js.ackOldest();
    await pub.close();
    await expect(pub.publish(tick(3))).rejects.toMatchObject({ code: 'closed' });
    expect(pub.counters).toMatchObject({ published: 2, rejected: 2 });
  });

  it('gives concurrent publishNext calls distinct seqs, and a refused one leaves no gap', async () => {
    const js = new FakeJetStream();
    const pub = new TickPublisher({
      js: asJs(js),
      partitions: P,
      feed: 'sim',
      maxInFlight: 2,
      maxWaiting: 2,
    });
    const fields = { symbol: 'AAPL', price: 1, size: 1, ts: t0 };
    const calls = [0, 1, 2, 3].map(() => pub.publishNext(fields));
    await expect(pub.publishNext(fields)).rejects.toMatchObject({ code: 'backlog_full' });
    js.rule = () => js.ack();
    while (js.pending.length > 0) js.ackOldest();
    const sent = await Promise.all(calls);
    expect(sent.map((t) => t.sourceSeq)).toEqual([0, 1, 2, 3]);
    expect((await pub.publishNext(fields)).sourceSeq).toBe(4);
    await pub.close();
    expect(js.calls.map((c) => c.msgID)).toEqual([0, 1, 2, 3, 4].map((i) => `sim-p03:${i}`));
  });

  it('refuses bad options, naming them', () => {
    const js = asJs(new FakeJetStream());
    expect(() => new TickPublisher({ js, partitions: 0 })).toThrow(InvalidRuntimeOptionError);
    expect(() => new TickPublisher({ js, partitions: P, maxInFlight: 0 })).toThrow(/maxInFlight/);
    expect(() => new TickPublisher({ js, partitions: P, feed: 'a.b' })).toThrow(/feed/);
    expect(() => new TickPublisher({ js, partitions: P, feed: 'x'.repeat(62) })).toThrow(/feed/);
    const noFeed = new TickPublisher({ js, partitions: P });
    return expect(noFeed.publishNext({ symbol: 'A', price: 1, size: 1, ts: t0 })).rejects.toThrow(
      /feed/,
    );
  });

  it('stores 5,000 ticks once, and counts a republish of them as duplicates', async () => {
    await using server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(nc, jsm);
      const js = jetstream(nc);
      const pub = new TickPublisher({ js, partitions: P, maxInFlight: 64, feed: 'sim' });
      const sent: Tick[] = [];
      const started = performance.now();
      for (let i = 0; i < 5_000; i++) {
        sent.push(
          await pub.publishNext({
            symbol: `SYM${i % 50}`,
            price: 100 + (i % 7),
            size: 1,
            ts: t0 + i,
          }),
        );
      }
      await pub.flush();
      const perSecond = Math.round(5_000 / ((performance.now() - started) / 1_000));
      expect((await jsm.streams.info('TICKS')).state.messages).toBe(5_000);
      expect(pub.counters).toMatchObject({
        published: 5_000,
        duplicates: 0,
        failed: 0,
        inFlight: 0,
      });
      expect(pub.counters.maxInFlightSeen).toBeLessThanOrEqual(64);
      expect(pub.counters.maxInFlightSeen).toBeGreaterThan(1);

      const again = new TickPublisher({ js, partitions: P, maxInFlight: 64 });
      for (const t of sent) await again.publish(t);
      await again.close();
      expect(again.counters).toMatchObject({ published: 0, duplicates: 5_000, failed: 0 });
      expect((await jsm.streams.info('TICKS')).state.messages).toBe(5_000);

      // The stored ticks are the ones sent, on their subjects.
      const last = await jsm.streams.getMessage('TICKS', { last_by_subj: tickSubject('SYM7', P) });
      const stored = decodeTick(last?.data ?? new Uint8Array(0));
      expect(stored).toEqual(sent.findLast((t) => t.symbol === 'SYM7'));
      console.info(`TickPublisher: 5,000 ticks, 64 in flight, file storage: ${perSecond}/s`);
    } finally {
      await nc.close();
    }
  });

  it('rides out a server restart by retrying, without storing a tick twice', async () => {
    await using server = await NatsServer.start();
    const nc = await connect({
      servers: server.url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(nc, jsm);
      const js = jetstream(nc);
      const pub = new TickPublisher({
        js,
        partitions: P,
        feed: 'sim',
        ackTimeoutMs: 500,
        retryBackoffMs: 50,
      });
      for (let i = 0; i < 500; i++) {
        await pub.publishNext({ symbol: `SYM${i % 10}`, price: 1, size: 1, ts: t0 + i });
      }
      await pub.flush();
      await server.stop();
      const during: Promise<Tick>[] = [];
      for (let i = 500; i < 700; i++) {
        during.push(pub.publishNext({ symbol: `SYM${i % 10}`, price: 1, size: 1, ts: t0 + i }));
      }
      await until(() => pub.counters.retries > 0);
      await server.restart();
      await Promise.all(during);
      await pub.flush();
      expect(pub.counters.failed).toBe(0);
      expect(pub.counters.published + pub.counters.duplicates).toBe(700);
      expect((await jsm.streams.info('TICKS')).state.messages).toBe(700);
    } finally {
      await nc.close();
    }
  });
});
