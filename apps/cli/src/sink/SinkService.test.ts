import type { CandleClosedParams } from '@ballast/machines';
import { NatsServer } from '@ballast/nats';
import { type Candle, decodePlain, encodeCandle, encodePlain } from '@ballast/protocol';
import { CandleSink, decodeSinkReply, silentLogger, sinkSubject } from '@ballast/runtime';
import { errors, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test/pubsub/until.js';
import { SinkService, type SinkServiceOptions, type SinkSettingsEvent } from './SinkService.js';
import { decodeSinkControlReply, sinkControlSubject, sinkStatsSubject } from './sinkSettings.js';
import type { SinkCounters, SinkStats } from './sinkStats.js';

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 5, 9, 30);

function candle(i: number, symbol = 'AAPL'): Candle {
  return {
    v: 1,
    symbol,
    tf: '1m',
    start: t0 + i * minute,
    open: 10,
    high: 11,
    low: 9,
    close: 10.5,
    volume: 100,
    trades: 3,
    closed: true,
  };
}

/** Every request is counted once on arrival and once by its outcome. */
function accounted(c: SinkCounters): number {
  return (
    c.acked + c.failed + c.refused + c.ignoredWhileDown + c.invalid + c.notRequests + c.inFlight
  );
}

let server: NatsServer;
let nc: NatsConnection;
let client: NatsConnection;
const sinks: SinkService[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  client = await connect({ servers: server.url });
});

afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop();
});

afterAll(async () => {
  await nc?.close();
  await client?.close();
  await server?.[Symbol.asyncDispose]();
});

async function startSink(options: Partial<SinkServiceOptions> = {}): Promise<SinkService> {
  const sink = await SinkService.start({ nc, statsIntervalMs: 0, ...options });
  sinks.push(sink);
  return sink;
}

async function send(c: Candle, timeout = 2_000) {
  return decodeSinkReply((await client.request(sinkSubject, encodeCandle(c), { timeout })).data);
}

async function setFaults(patch: object) {
  const reply = await client.request(sinkControlSubject, encodePlain(patch), { timeout: 2_000 });
  return decodeSinkControlReply(reply.data);
}

describe('SinkService', () => {
  it('acks valid candles with an empty reply and keeps a count and the last candle per symbol', async () => {
    const sink = await startSink();
    for (let i = 0; i < 5; i++) expect(await send(candle(i))).toEqual({ ok: true });
    expect(await send(candle(0, 'MSFT'))).toEqual({ ok: true });
    expect(sink.counters).toMatchObject({ received: 6, acked: 6, failed: 0, inFlight: 0 });
    expect(sink.symbol('AAPL')).toEqual({ count: 5, last: candle(4) });
    expect(sink.symbolCount).toBe(2);
    expect(accounted(sink.counters)).toBe(sink.counters.received);
  });

  it('answers every candle with an error reply at fail rate 1', async () => {
    const sink = await startSink({ faults: { failRate: 1 } });
    for (let i = 0; i < 3; i++) {
      expect(await send(candle(i))).toEqual({
        ok: false,
        error: 'injected failure (fail rate 1)',
      });
    }
    expect(sink.counters).toMatchObject({ received: 3, failed: 3, acked: 0 });
    expect(sink.symbolCount).toBe(0);
  });

  it('fails about failRate of the candles, drawn per candle', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    const sink = await startSink({ faults: { failRate: 0.5 }, random: () => draws.shift() ?? 0 });
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push((await send(candle(i))).ok);
    expect(replies).toEqual([false, true, false, true]);
    expect(sink.counters).toMatchObject({ failed: 2, acked: 2 });
  });

  it('when down, answers nothing: the request times out instead of finding no responders', async () => {
    const sink = await startSink({ faults: { down: true } });
    const outcome = await send(candle(0), 300).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(errors.TimeoutError);
    expect(sink.counters).toMatchObject({ received: 1, ignoredWhileDown: 1, acked: 0 });
  });

  it('changes its faults at run time through ctl.sink.set and refuses invalid ones', async () => {
    const events: SinkSettingsEvent[] = [];
    const sink = await startSink({ onSettings: (event) => events.push(event) });
    expect(await send(candle(0))).toEqual({ ok: true });

    expect(await setFaults({ down: true })).toEqual({
      ok: true,
      settings: { down: true, failRate: 0, latencyMs: 0, maxInFlight: 256 },
    });
    expect(await send(candle(1), 300).catch((e: unknown) => e)).toBeInstanceOf(errors.TimeoutError);

    expect(await setFaults({ down: false, failRate: 1, latencyMs: 5 })).toMatchObject({
      ok: true,
      settings: { down: false, failRate: 1, latencyMs: 5 },
    });
    expect((await send(candle(2))).ok).toBe(false);

    for (const bad of [{ failRate: 2 }, { down: 'yes' }, { speed: 1 }, { latencyMs: -1 }]) {
      const reply = await setFaults(bad);
      expect(reply.ok).toBe(false);
      expect(!reply.ok && reply.error).toMatch(/invalid ctl\.sink\.set request/);
    }
    const garbage = await client.request(sinkControlSubject, new Uint8Array([0xc1]), {
      timeout: 2_000,
    });
    expect(decodeSinkControlReply(garbage.data).ok).toBe(false);
    // Refusals changed nothing; an empty request only reads.
    expect(await setFaults({})).toMatchObject({
      ok: true,
      settings: { failRate: 1, latencyMs: 5 },
    });
    expect(sink.counters).toMatchObject({ settingsApplied: 3, settingsRejected: 5 });
    expect(events.map((e) => (e.applied ? (e.changed ? 'changed' : 'same') : 'refused'))).toEqual([
      'changed',
      'changed',
      'refused',
      'refused',
      'refused',
      'refused',
      'refused',
      'same',
    ]);
  });

  it('holds at most maxInFlight requests during its latency and refuses the rest at once, counted', async () => {
    const sink = await startSink({ faults: { latencyMs: 400 }, maxInFlight: 3 });
    const started = performance.now();
    const replies = Array.from({ length: 10 }, (_, i) =>
      send(candle(i)).then((reply) => ({ reply, ms: performance.now() - started })),
    );
    await until(
      '3 in flight and 7 refused',
      () => sink.counters.inFlight === 3 && sink.counters.refused === 7,
    );
    expect(accounted(sink.counters)).toBe(10);
    const settled = await Promise.all(replies);
    const refused = settled.filter(({ reply }) => !reply.ok);
    expect(refused).toHaveLength(7);
    expect(refused[0]?.reply).toEqual({
      ok: false,
      error: 'sink busy: 3 requests already in flight',
    });
    // Refusals come back at once; acks after the latency.
    for (const { ms } of refused) expect(ms).toBeLessThan(300);
    for (const { reply, ms } of settled.filter(({ reply }) => reply.ok)) {
      expect(reply.ok).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(390);
    }
    expect(sink.counters).toMatchObject({ received: 10, acked: 3, refused: 7, inFlight: 0 });
  });

  it('drops requests waiting out their latency when it goes down meanwhile', async () => {
    const sink = await startSink({ faults: { latencyMs: 300 } });
    const pending = send(candle(0), 1_000).catch((e: unknown) => e);
    await until('one in flight', () => sink.counters.inFlight === 1);
    sink.update({ down: true });
    expect(await pending).toBeInstanceOf(errors.TimeoutError);
    expect(sink.counters).toMatchObject({ received: 1, ignoredWhileDown: 1, inFlight: 0 });
  });

  it('answers an invalid candle with an error reply naming the problem', async () => {
    const sink = await startSink();
    const reply = decodeSinkReply(
      (await client.request(sinkSubject, encodePlain({ symbol: 'AAPL' }), { timeout: 2_000 })).data,
    );
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatch(/^invalid candle: /);
    client.publish(sinkSubject, encodeCandle(candle(0))); // not a request
    await client.flush();
    await until('the plain publish', () => sink.counters.notRequests === 1);
    expect(sink.counters).toMatchObject({ received: 2, invalid: 1, notRequests: 1 });
  });

  it('publishes its stats on sys.sink', async () => {
    const seen: SinkStats[] = [];
    const sub = client.subscribe(sinkStatsSubject, {
      callback: (_e, msg) => {
        seen.push(decodePlain(msg.data) as SinkStats);
      },
    });
    await client.flush();
    try {
      const sink = await startSink({ statsIntervalMs: 50, id: 'sink-test' });
      await send(candle(0));
      await until('stats with one ack', () => seen.some((s) => s.counters.acked === 1));
      expect(seen.at(-1)).toMatchObject({
        v: 1,
        id: 'sink-test',
        settings: { down: false, failRate: 0, latencyMs: 0, maxInFlight: 256 },
        symbols: 1,
      });
      await sink.stop();
      const published = sink.counters.statsPublished;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(sink.counters.statsPublished).toBe(published);
    } finally {
      sub.unsubscribe();
    }
  });

  it('bounds the per-symbol table and counts what does not fit', async () => {
    const sink = await startSink({ maxSymbols: 2 });
    for (const symbol of ['A', 'B', 'C', 'D', 'A']) await send(candle(0, symbol));
    expect(sink.symbolCount).toBe(2);
    expect(sink.counters).toMatchObject({ acked: 5, symbolsOverflowed: 2 });
    expect(sink.symbol('A')?.count).toBe(2);
  });

  it("is what a worker's CandleSink delivers to, and an outage opens its breaker", async () => {
    const service = await startSink();
    const worker = await CandleSink.start({
      nc: client,
      log: silentLogger(),
      requestTimeoutMs: 200,
      breaker: { failureThreshold: 2 },
      concurrency: 1,
    });
    try {
      const closed = (i: number): CandleClosedParams => {
        const { symbol, tf, ...rest } = candle(i);
        return { symbol, tf, candle: rest };
      };
      for (let i = 0; i < 10; i++) worker.offer(closed(i));
      await until('10 deliveries', () => worker.counters.delivered === 10);
      expect(service.counters.acked).toBe(10);

      expect(await setFaults({ down: true })).toMatchObject({ ok: true });
      for (let i = 10; i < 13; i++) worker.offer(closed(i));
      await until('the breaker to open', () => worker.breakerState === 1);
      expect(worker.counters.timedOut).toBe(2);
      expect(service.counters.ignoredWhileDown).toBe(2);
    } finally {
      await worker.stop();
    }
  });
});
