import type { CandleClosedParams } from '@ballast/machines';
import { NatsServer } from '@ballast/nats';
import { decodeCandle } from '@ballast/protocol';
import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockAt } from '../../test/harness/clockAt.js';
import { until } from '../../test/harness/waitFor.js';
import { silentLogger } from '../logger.js';
import { decodeActorState, encodeActorState } from '../state/persistedActorState.js';
import { ensureTopology } from '../topology.js';
import { CandleSink } from './CandleSink.js';
import type { CandleSinkCounters } from './candleSinkOptions.js';
import { decodeSinkReply, encodeSinkReply, sinkSubject } from './sinkSubject.js';

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 5, 9, 30);

function closed(i: number, symbol = 'AAPL'): CandleClosedParams {
  return {
    symbol,
    tf: '1m',
    candle: {
      start: t0 + i * minute,
      open: 10,
      high: 11,
      low: 9,
      close: 10.5,
      volume: 100,
      trades: 3,
    },
  };
}

/** Every offered candle is accounted for exactly once. */
function accounted(c: CandleSinkCounters): number {
  return c.delivered + c.failed + c.dropped + c.invalid + c.queueDepth + c.inFlight;
}

let server: NatsServer;
let nc: NatsConnection;
let responderNc: NatsConnection;
let snapshots: KV;
const responders: Subscription[] = [];
const sinks: CandleSink[] = [];
let workers = 0;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  responderNc = await connect({ servers: server.url });
  ({ snapshots } = await ensureTopology(nc, await jetstreamManager(nc)));
});

afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop();
  for (const sub of responders.splice(0)) sub.unsubscribe();
  // Until the server has the UNSUB, it routes requests to a subscription that is gone: the next
  // test would see a timeout where it expects "no responders".
  await responderNc.flush();
});

afterAll(async () => {
  await nc?.close();
  await responderNc?.close();
  await server?.[Symbol.asyncDispose]();
});

/** A responder on the sink subject; `answer` decides each reply (or holds it by returning undefined). */
async function respond(answer: (msg: Msg) => Uint8Array | undefined): Promise<void> {
  responders.push(
    responderNc.subscribe(sinkSubject, {
      callback: (_error, msg) => {
        const reply = answer(msg);
        if (reply) msg.respond(reply);
      },
    }),
  );
  await responderNc.flush();
}

async function startSink(options: Partial<Parameters<typeof CandleSink.start>[0]> = {}) {
  const sink = await CandleSink.start({ nc, log: silentLogger(), ...options });
  sinks.push(sink);
  return sink;
}

describe('CandleSink', () => {
  it('delivers closed candles as encodeCandle messages with at most `concurrency` in flight', async () => {
    const received: number[] = [];
    let outstanding = 0;
    let maxOutstanding = 0;
    await respond((msg) => {
      const candle = decodeCandle(msg.data);
      expect(candle).toMatchObject({ symbol: 'AAPL', tf: '1m', closed: true, trades: 3 });
      received.push((candle.start - t0) / minute);
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      // Answer a little later so requests overlap.
      setTimeout(() => {
        outstanding--;
        msg.respond(encodeSinkReply({ ok: true }));
      }, 2);
      return undefined;
    });
    const sink = await startSink({ concurrency: 4 });
    for (let i = 0; i < 200; i++) expect(sink.offer(closed(i))).toBe(true);
    await until('200 deliveries', () => sink.counters.delivered === 200);
    expect(received.sort((a, b) => a - b)).toEqual([...Array(200).keys()]);
    expect(maxOutstanding).toBeGreaterThan(1);
    expect(maxOutstanding).toBeLessThanOrEqual(4);
    expect(sink.counters).toMatchObject({ offered: 200, failed: 0, dropped: 0, queueDepth: 0 });
    expect(sink.breakerState).toBe(0);
  });

  it('opens after the failure threshold and then drops candles at once, counted', async () => {
    await respond(() => encodeSinkReply({ ok: false, error: 'disk full' }));
    const sink = await startSink({
      concurrency: 1,
      breaker: { failureThreshold: 3 },
      clock: clockAt(t0),
    });
    for (let i = 0; i < 10; i++) sink.offer(closed(i));
    await until('the breaker to open', () => sink.breakerState === 1);
    // The three failures tripped it; the seven queued behind them were dropped, not kept.
    expect(sink.counters).toMatchObject({ failed: 3, rejected: 7, dropped: 7, queueDepth: 0 });
    expect(sink.offer(closed(10))).toBe(false);
    expect(sink.counters).toMatchObject({ offered: 11, rejected: 8, dropped: 8, transitions: 1 });
    expect(accounted(sink.counters)).toBe(sink.counters.offered);
    expect(sink.breakerSnapshot().context.lastError).toMatchObject({
      name: 'SinkRefusedError',
      message: expect.stringMatching(/disk full/),
    });
  });

  it('counts no responders and timeouts as failures', async () => {
    const sink = await startSink({ concurrency: 2, requestTimeoutMs: 500, clock: clockAt(t0) });
    sink.offer(closed(0)); // nobody listens: no responders
    await until('a failure', () => sink.counters.failed === 1);
    await respond(() => undefined); // listens, never answers
    sink.offer(closed(1));
    await until('a timeout', () => sink.counters.timedOut === 1);
    expect(sink.breakerSnapshot().context.counters).toMatchObject({ failures: 2, timeouts: 1 });
  });

  it('keeps the newest `capacity` candles when the sink is slow (drop-oldest)', async () => {
    const held: Msg[] = [];
    let release = false;
    const received: number[] = [];
    await respond((msg) => {
      received.push((decodeCandle(msg.data).start - t0) / minute);
      if (release) return encodeSinkReply({ ok: true });
      held.push(msg);
      return undefined;
    });
    const sink = await startSink({ capacity: 10, concurrency: 2, requestTimeoutMs: 10_000 });
    for (let i = 0; i < 100; i++) sink.offer(closed(i));
    expect(sink.counters).toMatchObject({
      offered: 100,
      inFlight: 2,
      queueDepth: 10,
      overflowed: 88,
    });
    expect(sink.counters.dropped).toBe(88);
    expect(accounted(sink.counters)).toBe(100);
    await until('the first two requests', () => held.length === 2);
    release = true;
    for (const msg of held) msg.respond(encodeSinkReply({ ok: true }));
    await until('12 deliveries', () => sink.counters.delivered === 12);
    expect(received).toEqual([0, 1, ...Array.from({ length: 10 }, (_, i) => 90 + i)]);
  });

  it('never waits in offer: 10,000 offers against a silent sink return at once', async () => {
    await respond(() => undefined);
    const sink = await startSink({ requestTimeoutMs: 10_000, drainTimeoutMs: 1 });
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) sink.offer(closed(i % 1_000, `S${i % 10}`));
    const elapsedMs = performance.now() - started;
    expect(sink.counters.offered).toBe(10_000);
    expect(sink.counters.inFlight).toBe(4);
    expect(sink.counters.queueDepth).toBe(9_996);
    // ~µs per offer; an offer that awaited a reply would take seconds here.
    expect(elapsedMs).toBeLessThan(2_000);
    console.info(`offer: ${((elapsedMs * 1_000) / 10_000).toFixed(2)} µs per candle`);
  });

  it('counts an invalid candle instead of throwing', async () => {
    const sink = await startSink();
    const bad = { ...closed(0), candle: { ...closed(0).candle, high: 1 } };
    expect(sink.offer(bad)).toBe(false);
    expect(sink.counters).toMatchObject({ offered: 1, invalid: 1, queueDepth: 0 });
  });

  it('isolates and resets on command', async () => {
    await respond(() => encodeSinkReply({ ok: true }));
    const sink = await startSink({ clock: clockAt(t0) });
    sink.isolate();
    expect(sink.breakerState).toBe(1);
    expect(sink.offer(closed(0))).toBe(false);
    expect(sink.counters.rejected).toBe(1);
    sink.reset();
    expect(sink.breakerState).toBe(0);
    sink.offer(closed(1));
    await until('a delivery', () => sink.counters.delivered === 1);
    expect(sink.counters.transitions).toBe(2);
  });

  it('drains queued candles on stop and drops (counts) offers after it', async () => {
    await respond(() => encodeSinkReply({ ok: true }));
    const sink = await startSink({ concurrency: 1 });
    for (let i = 0; i < 20; i++) sink.offer(closed(i));
    await sink.stop();
    expect(sink.counters.delivered).toBe(20);
    expect(sink.offer(closed(20))).toBe(false);
    expect(sink.counters.dropped).toBe(1);
  });
});

describe('CandleSink breaker state across restarts', () => {
  const key = (workerId: string) => `breaker.${workerId}.candleSink`;

  it('stays OPEN after a restart and half-opens at its deadline, then closes on a trial', async () => {
    const workerId = `w${++workers}`;
    const state = { kv: snapshots, workerId };
    const breaker = { failureThreshold: 2, resetTimeoutMs: 60_000 };
    const first = await startSink({ state, breaker, concurrency: 1, clock: clockAt(t0) });
    // Nobody answers on sink.candles: two "no responders" failures open the breaker.
    first.offer(closed(0));
    first.offer(closed(1));
    await until('the breaker to open', () => first.breakerState === 1);
    // Written on the state change itself, not only on stop (a SIGKILL skips stop).
    await until('OPEN in KV', async () => {
      const entry = await snapshots.get(key(workerId));
      const stored = entry && decodeActorState(entry.value, 'circuitBreaker');
      return stored?.ok === true && JSON.stringify(stored.snapshot.value) === '{"OPEN":"cooling"}';
    });
    await first.stop();

    // A new process 30 s later: same KV, new clock.
    const clock = clockAt(t0 + 30_000);
    const second = await startSink({ state, breaker, clock });
    expect(second.persistence).toMatchObject({ restored: 1, corrupt: 0 });
    expect(second.breakerState).toBe(1);
    expect(second.offer(closed(2))).toBe(false);
    clock.increment(29_999);
    expect(second.breakerState).toBe(1);
    clock.increment(1);
    expect(second.breakerState).toBe(2);

    await respond(() => encodeSinkReply({ ok: true }));
    second.offer(closed(3));
    await until('the trial to close it', () => second.breakerState === 0);
    expect(second.counters).toMatchObject({ delivered: 1, transitions: 2 });
    // The closed state is persisted too.
    await second.stop();
    const entry = await snapshots.get(key(workerId));
    const last = decodeActorState(entry?.value ?? new Uint8Array(), 'circuitBreaker');
    expect(last.ok && last.snapshot.value).toBe('CLOSED');
  });

  it('starts CLOSED and counts a corrupt or foreign stored value', async () => {
    for (const value of [
      new TextEncoder().encode('{"v":1,"machine":"circuitBreaker"'),
      encodeActorState('reloader', { status: 'active', value: 'idle', context: {} }, 1),
    ]) {
      const workerId = `w${++workers}`;
      await snapshots.put(key(workerId), value);
      const sink = await startSink({ state: { kv: snapshots, workerId }, clock: clockAt(t0) });
      expect(sink.persistence).toMatchObject({ corrupt: 1, restored: 0 });
      expect(sink.breakerState).toBe(0);
    }
  });

  it('decodes sink replies defensively', () => {
    expect(decodeSinkReply(new Uint8Array(0))).toEqual({ ok: true });
    expect(decodeSinkReply(encodeSinkReply({ ok: false, error: 'no disk' }))).toEqual({
      ok: false,
      error: 'no disk',
    });
    expect(decodeSinkReply(new Uint8Array([0xc1])).ok).toBe(false);
    expect(decodeSinkReply(new TextEncoder().encode('ok')).ok).toBe(false);
  });
});
