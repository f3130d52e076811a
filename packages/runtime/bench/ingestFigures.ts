/**
 * Figure 1, ingest: ticks per second through the whole worker pipeline against a raw
 * @nats-io consumer reading the same stream, alternating the two and taking medians.
 *
 * The baseline is one ordered consumer per partition (`md.tick.<p>.>`), all at once, with the
 * worker's own pull settings (`max_messages` = pullBatch, `expires` 5 s), counting messages
 * and nothing else. That is the worker's read pattern without its work: a worker reads its
 * partitions with P ordered consumers concurrently, and one consumer on `md.tick.>` would be a
 * different pipeline (one server-side delivery loop, no parallel pulls), so comparing with it
 * would mix the cost of the fold with a change of read parallelism. (`filter_subjects` arrays
 * need nats-server 2.10; 2.9 takes one subject per consumer, as the worker does.)
 *
 * The subject is an in-process {@link Worker} timed from `Worker.start()` (connect, topology,
 * leases, consumers: what a restart pays too) until `host.counters.ticksFolded` reaches the
 * count. Between runs the snapshot and lease buckets are purged, so every run folds the whole
 * log from sequence 1 with cold actors (one snapshot lookup per symbol, as in production).
 * The feed's event time advances ~1 ms per tick (stepMs 2): ~2 ticks per second per symbol,
 * so candles close as often as in a market, not on nearly every tick.
 */
import { type Figure, makeFigure } from '@ballast/bench';
import { partition } from '@ballast/protocol';
import type { JetStreamClient } from '@nats-io/jetstream';
import { silentLogger, TickPublisher, Worker } from '../src/index.js';
import { topologyNames } from '../src/topology.js';
import { seededTicks, symbols } from '../test/harness/seededFeed.js';
import { waitFor } from '../test/harness/waitFor.js';
import { benchPartitions, publishTicks, startBenchStream } from './benchStream.js';
import { median, note } from './sampleStats.js';

const tickCount = 200_000;
const symbolCount = 1_000;
const runs = 3;
/** The worker's default pull buffer per partition; the baseline pulls the same. */
const pullBatch = 512;

/** What {@link ingestFigures} measured; `pipelineRate` paces the latency figure. */
export interface IngestResult {
  readonly figures: Figure[];
  /** Median ticks/s of the whole pipeline. */
  readonly pipelineRate: number;
}

/** Runs figure 1 on a fresh server. */
export async function ingestFigures(): Promise<IngestResult> {
  await using stream = await startBenchStream();
  const { js, jsm } = stream;
  const names = symbols(symbolCount);
  const perPartition = new Array<number>(benchPartitions).fill(0);
  const ticks = [...seededTicks({ seed: 11, symbols: names, count: tickCount, stepMs: 2 })];
  for (const t of ticks) {
    const p = partition(t.symbol, benchPartitions);
    perPartition[p] = (perPartition[p] ?? 0) + 1;
  }
  const publisher = new TickPublisher({ js, partitions: benchPartitions, feed: 'ingest' });
  const publishRate = await publishTicks(publisher, ticks);
  await publisher.close();
  if (publisher.counters.published !== tickCount) {
    throw new Error(`published ${publisher.counters.published} of ${tickCount} ticks`);
  }
  note(`ingest: ${tickCount} ticks over ${symbolCount} symbols stored at ${rate(publishRate)}`);

  const raw: number[] = [];
  const pipeline: number[] = [];
  for (let run = 0; run < runs; run++) {
    raw.push(await rawConsumersRate(js, perPartition));
    pipeline.push(await pipelineRate(stream.server.url, run));
    await jsm.streams.purge(`KV_${topologyNames.snapshots}`);
    await jsm.streams.purge(`KV_${topologyNames.leases}`);
  }
  note(`ingest runs, raw: ${raw.map(rate).join(', ')}; pipeline: ${pipeline.map(rate).join(', ')}`);
  const pipelineMedian = median(pipeline);
  return {
    pipelineRate: pipelineMedian,
    figures: [
      makeFigure({
        name: `ingest: ${tickCount / 1_000}k ticks, ${symbolCount} symbols, P=${benchPartitions}, worker vs raw`,
        unit: 'ticks/s',
        value: pipelineMedian,
        baselineName: `raw ordered consumers, one per partition`,
        baseline: median(raw),
        goal: { on: 'ratio', op: '>=', target: 0.7 },
      }),
    ],
  };
}

/** Reads the whole stream with one ordered consumer per partition; returns messages/s. */
async function rawConsumersRate(
  js: JetStreamClient,
  perPartition: readonly number[],
): Promise<number> {
  const started = performance.now();
  const counts = await Promise.all(
    perPartition.map(async (expected, p) => {
      if (expected === 0) return 0;
      const consumer = await js.consumers.get(topologyNames.ticks, {
        filter_subjects: `md.tick.${p}.>`,
      });
      const messages = await consumer.consume({ max_messages: pullBatch, expires: 5_000 });
      let n = 0;
      try {
        for await (const _ of messages) {
          if (++n === expected) break;
        }
      } finally {
        await messages.close();
      }
      return n;
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== tickCount) throw new Error(`raw consumers read ${total} of ${tickCount} messages`);
  return total / seconds;
}

/** Starts a worker on the stream and times it until every tick is folded; returns ticks/s. */
async function pipelineRate(servers: string, run: number): Promise<number> {
  const started = performance.now();
  const worker = await Worker.start({
    servers,
    workerId: `bench-ingest-${run}`,
    partitions: benchPartitions,
    http: false,
    log: silentLogger(),
    pullBatch,
    actors: { maxLiveActors: 2 * symbolCount },
  });
  try {
    const startMs = performance.now() - started;
    const { counters } = worker.host;
    await waitFor('every tick folded', () => counters.ticksFolded >= tickCount, 120_000, 10);
    const seconds = (performance.now() - started) / 1_000;
    const { deadLetters, errors } = worker.reporter.counters;
    const reported = JSON.stringify({ ...deadLetters, ...errors, failedActors: counters.failed });
    if (/[1-9]/.test(reported)) note(`ingest run ${run}: reported ${reported}`);
    note(
      `ingest run ${run}: worker started in ${startMs.toFixed(0)} ms, folded in ${(seconds * 1_000).toFixed(0)} ms, ${counters.hydrations} hydrations`,
    );
    return counters.ticksFolded / seconds;
  } finally {
    await worker.stop();
  }
}

function rate(perSecond: number): string {
  return `${(perSecond / 1_000).toFixed(1)}k/s`;
}
