/**
 * Figure 3, latency tick -> candle: a worker process folds ticks published with core
 * `nc.publish` (JetStream captures them into TICKS without a publish-ack round trip) at half
 * its live maximum, and this process, subscribed to `md.candle.1m.>`, matches each candle
 * update to its tick by (symbol, close): every tick of a symbol carries a price that symbol
 * has not had before. Percentiles over ~10 s after a warm-up second.
 *
 * The live maximum is measured first: ticks offered at figure 1's rate for 3 s, the worker's
 * fold rate over the last 2 s. Figure 1 reads a stored backlog with the publisher idle; live,
 * the same two cores also run this publisher and the server's JetStream writes, so the
 * worker sustains less, and half of figure 1's rate would be a saturated pipeline whose
 * latency is its queue.
 *
 * The baseline is the floor of the same two hops without JetStream and the fold: a process
 * that republishes `bench.echo.in` on `bench.echo.out`, driven at the same rate with payloads
 * of the same size.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Figure, makeFigure } from '@ballast/bench';
import { decodeCandle, encodeTick, partition, tickSubject } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { symbols } from '../test/harness/seededFeed.js';
import { spawnWorker } from '../test/harness/workerProcess.js';
import { benchPartitions, startBenchStream } from './benchStream.js';
import { LatencySampler, type LatencySummary, sendPaced } from './LatencySampler.js';
import { note } from './sampleStats.js';
import { requestStatus } from './workerProbe.js';

const symbolCount = 1_000;
const warmupMs = 1_000;
const measureMs = 10_000;
const echoMeasureMs = 5_000;
/** How long replies may trail the last send before the run is summed up. */
const drainMs = 2_000;

/** Runs figure 3 at half the live maximum; `ingestRate` (figure 1's) is offered to find it. */
export async function latencyFigures(ingestRate: number): Promise<Figure[]> {
  await using stream = await startBenchStream();
  const { nc } = stream;
  const worker = await spawnWorker([stream.server.url], 'bench-latency', [
    '--partitions',
    String(benchPartitions),
    '--max-live',
    String(2 * symbolCount),
  ]);
  let pipeline: LatencySummary;
  let echo: LatencySummary;
  let target: number;
  try {
    const feed = liveFeed(nc);
    // Every actor hydrated before anything is timed.
    for (let i = 0; i < symbolCount; i++) feed.send();
    await waitFolded(nc, feed.sent);
    const offered = Math.max(200, Math.round(ingestRate));
    const capacity = await liveCapacity(nc, feed, offered);
    target = Math.max(100, Math.round(Math.min(capacity, offered) / 2));
    // Folding (nearly) all that was offered means the maximum is at least that: a lower bound.
    const saturated = capacity < 0.95 * offered;
    note(
      `latency: offered ${offered}/s live, the worker folded ${Math.round(capacity)}/s${saturated ? '' : ' (not saturated: the live maximum is higher)'}`,
    );
    await waitFolded(nc, feed.sent, 60_000);
    echo = await measureEcho(nc, stream.server.url, target);
    pipeline = await measurePipeline(nc, feed, target);
  } finally {
    await worker.kill('SIGKILL');
  }
  for (const [name, s] of [
    ['pipeline', pipeline],
    ['echo', echo],
  ] as const) {
    note(
      `latency ${name} at ${target}/s: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms; p50 of the first/last tenth ${s.firstTenthP50.toFixed(2)}/${s.lastTenthP50.toFixed(2)} ms; ${s.matched} of ${s.sent} matched, ${s.evicted} evicted`,
    );
  }
  const label = `${(target / 1_000).toFixed(1)}k ticks/s (half the live max)`;
  return [
    makeFigure({
      name: `latency tick -> 1m candle p99 at ${label}`,
      unit: 'ms',
      value: pipeline.p99,
      baselineName: 'core NATS echo, 2 hops, p99',
      baseline: echo.p99,
      goal: { on: 'value', op: '<=', target: 5 },
    }),
    makeFigure({
      name: `latency tick -> 1m candle p50 at ${label}`,
      unit: 'ms',
      value: pipeline.p50,
      baselineName: 'core NATS echo, 2 hops, p50',
      baseline: echo.p50,
    }),
  ];
}

/** Ticks over {@link symbolCount} symbols, each at a price its symbol never had. */
interface LiveFeed {
  /** Publishes the next tick; with a sampler, times it. */
  send(sampler?: LatencySampler): void;
  readonly sent: number;
}

function liveFeed(nc: NatsConnection): LiveFeed {
  const names = symbols(symbolCount);
  const subjects = names.map((s) => tickSubject(s, benchPartitions));
  const sources = names.map(
    (s) => `lat-p${String(partition(s, benchPartitions)).padStart(2, '0')}`,
  );
  const nextSeq = new Map<string, number>();
  const ticksOf = new Array<number>(symbolCount).fill(0);
  let sent = 0;
  return {
    get sent() {
      return sent;
    },
    send(sampler) {
      const k = sent++ % symbolCount;
      const symbol = names[k] as string;
      const source = sources[k] as string;
      const sourceSeq = nextSeq.get(source) ?? 0;
      nextSeq.set(source, sourceSeq + 1);
      // A price this symbol never had: cents above 100, one more per tick.
      const n = (ticksOf[k] ?? 0) + 1;
      ticksOf[k] = n;
      const price = 100 + n / 100;
      const at = performance.now();
      nc.publish(
        subjects[k] as string,
        encodeTick({ v: 1, symbol, price, size: 1, ts: Date.now(), source, sourceSeq }),
      );
      sampler?.sent(`${symbol}|${price}`, at);
    },
  };
}

/** Offers `rate` ticks/s for 3 s; returns what the worker folded per second in the last 2 s. */
async function liveCapacity(nc: NatsConnection, feed: LiveFeed, rate: number): Promise<number> {
  const sending = sendPaced(rate, 3_000, () => feed.send());
  await sleep(1_000);
  const from = await requestStatus(nc, 2_000);
  const fromAt = performance.now();
  await sending;
  const to = await requestStatus(nc, 2_000);
  const seconds = (performance.now() - fromAt) / 1_000;
  if (from === undefined || to === undefined) throw new Error('the latency worker did not answer');
  return (to.ticksFolded - from.ticksFolded) / seconds;
}

async function measurePipeline(
  nc: NatsConnection,
  feed: LiveFeed,
  rate: number,
): Promise<LatencySummary> {
  const sampler = new LatencySampler(performance.now() + warmupMs);
  const sub = nc.subscribe('md.candle.1m.>', {
    callback: (error, msg) => {
      if (error) return;
      const at = performance.now();
      const candle = decodeCandle(msg.data);
      if (!candle.closed) sampler.received(`${candle.symbol}|${candle.close}`, at);
    },
  });
  try {
    await nc.flush();
    await sendPaced(rate, warmupMs + measureMs, () => feed.send(sampler));
    await drain(sampler);
  } finally {
    sub.unsubscribe();
  }
  return sampler.summary();
}

async function measureEcho(
  nc: NatsConnection,
  servers: string,
  rate: number,
): Promise<LatencySummary> {
  const script = fileURLToPath(new URL('./echoProcess.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, servers], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [chunk] = (await Promise.race([
      once(child.stdout, 'data'),
      once(child, 'exit').then(() => {
        throw new Error('the echo process exited before it was ready');
      }),
    ])) as [Buffer];
    if (!chunk.toString().includes('ready')) throw new Error(`echo process said ${chunk}`);
    const size = encodeTick({
      v: 1,
      symbol: 'S0000',
      price: 100.01,
      size: 1,
      ts: Date.now(),
      source: 'lat-p00',
      sourceSeq: 0,
    }).length;
    const sampler = new LatencySampler(performance.now() + warmupMs);
    const sub = nc.subscribe('bench.echo.out', {
      callback: (error, msg) => {
        if (error) return;
        const at = performance.now();
        const data = msg.data;
        sampler.received(String(new DataView(data.buffer, data.byteOffset).getUint32(0)), at);
      },
    });
    try {
      await nc.flush();
      await sendPaced(rate, warmupMs + echoMeasureMs, (i) => {
        // A fresh buffer each time: the client may keep a reference until it flushes.
        const payload = new Uint8Array(size);
        new DataView(payload.buffer).setUint32(0, i);
        const at = performance.now();
        nc.publish('bench.echo.in', payload);
        sampler.sent(String(i), at);
      });
      await drain(sampler);
    } finally {
      sub.unsubscribe();
    }
    return sampler.summary();
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
}

async function waitFolded(nc: NatsConnection, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = await requestStatus(nc);
    if (status !== undefined && status.ticksFolded >= count) return;
    if (performance.now() > deadline) {
      throw new Error(
        `the latency worker folded ${status?.ticksFolded ?? 0} of ${count} ticks in ${timeoutMs / 1_000} s`,
      );
    }
    await sleep(20);
  }
}

async function drain(sampler: LatencySampler): Promise<void> {
  const deadline = performance.now() + drainMs;
  while (sampler.pending > 0 && performance.now() < deadline) await sleep(10);
}
