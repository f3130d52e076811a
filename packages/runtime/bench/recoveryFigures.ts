/**
 * Figure 2, recovery. A worker process folds 5 ticks for each of 10,000 symbols (snapshots
 * every second, checkpoints every 200 ms), then a live feed of 500 ticks/s for 2 s, and is
 * SIGKILLed. A new process with the same id is started (PartitionLeases deletes the leases
 * naming its own id, so it does not wait for their TTL) and timed until it serves again:
 * `sys.workers` lists all P partitions and a query of one symbol per partition answers
 * `found: true` (hydrating that symbol from its snapshot and the log). The baseline is the
 * cold start of the first process on an empty store, timed to the same condition (the
 * queries answer `found: false` then).
 *
 * Also: how many logged events the restart must re-read — every partition's log after its
 * stored checkpoint floor, counted right after the kill as test/crash.test.ts does — against
 * the ticks folded in the window the snapshot interval leaves open before the kill (snapshot
 * interval + actor housekeeping + two checkpoint periods): I2, replay bounded by the snapshot
 * interval and not by the history.
 *
 * Every wait has a deadline: a worker that cannot fold the bulk, serve or catch up in time is
 * killed anyway, said so in a note, and its figure fails (`Infinity` ms) instead of hanging.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Figure, makeFigure } from '@ballast/bench';
import { partition } from '@ballast/protocol';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { checkpointKey, type TickFields, TickPublisher, type WorkerStatus } from '../src/index.js';
import { topologyNames } from '../src/topology.js';
import { seededTicks, symbols } from '../test/harness/seededFeed.js';
import { waitFor } from '../test/harness/waitFor.js';
import { spawnWorker, type WorkerProcess } from '../test/harness/workerProcess.js';
import {
  type BenchStream,
  benchPartitions,
  publishTicks,
  startBenchStream,
} from './benchStream.js';
import { note } from './sampleStats.js';
import { requestStatus, scrapeCounter, timeToServe } from './workerProbe.js';

// BALLAST_BENCH_RECOVERY_SYMBOLS measures the same path with fewer symbols (5 ticks each).
const symbolCount = Number(process.env.BALLAST_BENCH_RECOVERY_SYMBOLS ?? 10_000);
const bulkTicks = 5 * symbolCount;
const snapshotIntervalMs = 1_000;
// Each actor's own housekeeping timer: at 250 ms, 10,000 actors' timers alone took ~1.2 cores.
const housekeepingMs = 1_000;
const checkpointIntervalMs = 200;
const replayWindowMs = snapshotIntervalMs + housekeepingMs + 2 * checkpointIntervalMs;
/** How long the bulk may take to fold before the worker is killed anyway (and it is said). */
const foldDeadlineMs = 20_000;
/** 5x the goal: a restart that takes longer is reported as not serving. */
const serveDeadlineMs = 15_000;
const liveRate = 500;
const liveMs = 2_000;
const catchUpDeadlineMs = 15_000;
const workerId = 'bench-recovery';
const workerArgs = [
  '--partitions',
  String(benchPartitions),
  '--max-live',
  String(2 * symbolCount),
  '--snapshot-interval-ms',
  String(snapshotIntervalMs),
  '--actor-housekeeping-ms',
  String(housekeepingMs),
  '--checkpoint-interval-ms',
  String(checkpointIntervalMs),
];

/** Runs figure 2 on a fresh server. */
export async function recoveryFigures(): Promise<Figure[]> {
  await using stream = await startBenchStream();
  const { nc } = stream;
  const names = symbols(symbolCount);
  const feed = seededTicks({
    seed: 21,
    symbols: names,
    count: Number.MAX_SAFE_INTEGER,
    stepMs: 2,
  });
  const bulk = [...take(feed, bulkTicks)];
  // One probe per partition among the symbols the bulk has ticks for: a symbol without any has
  // no actor to serve, and would make the figure infinite for every worker.
  const logged = new Set(bulk.map((t) => t.symbol));
  const probes = Array.from(
    { length: benchPartitions },
    (_, p) => names.find((s) => logged.has(s) && partition(s, benchPartitions) === p) as string,
  );
  let worker: WorkerProcess | undefined;
  try {
    let started = performance.now();
    let snapshotBytes = 0;
    let snapshots = 0;
    let killedAt = 0;
    worker = await spawnWorker([stream.server.url], workerId, workerArgs);
    const cold = await timeToServe(nc, benchPartitions, probes, false, serveDeadlineMs, started);
    if (cold.why !== undefined) throw new Error(`a fresh worker did not serve: ${cold.why}`);

    const publisher = new TickPublisher({
      js: stream.js,
      partitions: benchPartitions,
      feed: 'rec',
    });
    const timeline = watchFolded(nc);
    try {
      await publishTicks(publisher, bulk);
      const foldedAll = await timeline.until(
        (s) => s.ticksFolded >= bulkTicks && s.lag === 0,
        foldDeadlineMs,
      );
      if (foldedAll) await sleep(2 * checkpointIntervalMs);
      else {
        const failures = await scrapeCounter(worker.http as string, 'snapshot_failures_total');
        note(
          `recovery: BULK NOT FOLDED: ${timeline.last?.ticksFolded ?? 0} of ${bulkTicks} ticks in ${foldDeadlineMs} ms (${failures} snapshot write failures, rss ${Math.round((timeline.last?.rss ?? 0) / 1e6)} MB); killing it anyway`,
        );
      }
      // A live feed, so that the kill finds the unsnapshotted ticks of the last interval.
      await publishPaced(publisher, feed, liveRate, liveMs);
      snapshotBytes = await scrapeCounter(worker.http as string, 'snapshot_bytes_total');
      snapshots = await scrapeCounter(worker.http as string, 'snapshots_written_total');
      await worker.kill('SIGKILL');
      killedAt = performance.now();
    } finally {
      await timeline.stop();
      await publisher.close();
    }
    const windowTicks = timeline.foldedSince(killedAt - replayWindowMs);
    const replayable = await replayableAfterFloors(stream);

    started = performance.now();
    worker = await spawnWorker([stream.server.url], workerId, workerArgs);
    const spawnedMs = performance.now() - started;
    const restart = await timeToServe(nc, benchPartitions, probes, true, serveDeadlineMs, started);
    const caughtUp =
      restart.why !== undefined
        ? `NOT serving after ${serveDeadlineMs} ms: ${restart.why}`
        : await waitFor(
            'restarted worker caught up',
            async () => {
              const s = await requestStatus(nc);
              return s !== undefined && s.ticksFolded >= replayable && s.lag === 0;
            },
            catchUpDeadlineMs,
            20,
          ).then(
            () => `caught up after ${(performance.now() - started).toFixed(0)} ms`,
            () => `NOT caught up after ${catchUpDeadlineMs} ms`,
          );
    const http = worker.http as string;
    const [received, replayed, hydrations] = await Promise.all(
      ['ticks_received_total', 'replayed_events_total', 'hydrations_total'].map((name) =>
        scrapeCounter(http, name),
      ),
    );
    note(
      `recovery: ${bulkTicks} ticks over ${symbolCount} symbols; ${snapshots} snapshots of ${Math.round(snapshotBytes / Math.max(1, snapshots) / 1_000)} kB on average before the kill`,
    );
    note(
      `recovery: restart printed 'started' after ${spawnedMs.toFixed(0)} ms, served after ${restart.ms.toFixed(0)} ms, ${caughtUp}; it re-received ${received} ticks, replayed ${replayed} events while hydrating, ${hydrations} hydrations`,
    );
    return [
      makeFigure({
        name: `recovery: SIGKILL, restart -> ${benchPartitions} partitions serve (${symbolCount / 1_000}k symbols)`,
        unit: 'ms',
        value: restart.ms,
        baselineName: 'cold start, empty store',
        baseline: cold.ms,
        goal: { on: 'value', op: '<=', target: 3_000 },
      }),
      makeFigure({
        name: `recovery: events to re-read after SIGKILL (${Math.round(bulkTicks / 1_000)}k logged)`,
        unit: 'events',
        value: replayable,
        baselineName: `folded in the last ${replayWindowMs} ms before the kill`,
        baseline: windowTicks,
        goal: { on: 'ratio', op: '<=', target: 1 },
      }),
    ];
  } finally {
    await worker?.kill('SIGKILL');
  }
}

/** Every partition's logged events after its stored checkpoint floor. */
async function replayableAfterFloors(stream: BenchStream): Promise<number> {
  let replayable = 0;
  for (let p = 0; p < benchPartitions; p++) {
    const entry = await stream.topology.snapshots.get(checkpointKey(p));
    const floor = entry?.json<{ floor: number }>()?.floor ?? 0;
    const consumer = await stream.js.consumers.get(topologyNames.ticks, {
      filter_subjects: `md.tick.${p}.>`,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: floor + 1,
    });
    replayable += (await consumer.info(true)).num_pending;
    await consumer.delete();
  }
  return replayable;
}

/** Polls `sys.workers` every 20 ms until stopped: ticks folded over time. */
function watchFolded(nc: NatsConnection) {
  const points: [number, number][] = [];
  let last: WorkerStatus | undefined;
  let stopped = false;
  const waiters = new Set<() => void>();
  const loop = (async () => {
    while (!stopped) {
      const status = await requestStatus(nc);
      if (status !== undefined) {
        last = status;
        points.push([performance.now(), status.ticksFolded]);
        for (const wake of waiters) wake();
      }
      await sleep(20);
    }
  })();
  return {
    get last() {
      return last;
    },
    /** Whether `done(status)` held within `timeoutMs`. */
    async until(done: (status: WorkerStatus) => boolean, timeoutMs: number): Promise<boolean> {
      const deadline = performance.now() + timeoutMs;
      while (last === undefined || !done(last)) {
        const left = deadline - performance.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
      return true;
    },
    /** Ticks folded after `t` (a `performance.now()` time), up to the last poll. */
    foldedSince(t: number): number {
      const before = points.findLast(([at]) => at <= t)?.[1] ?? 0;
      return (points.at(-1)?.[1] ?? 0) - before;
    },
    stop(): Promise<void> {
      stopped = true;
      return loop;
    },
  };
}

/** Publishes `rate` ticks per second from `feed` for `durationMs`. */
async function publishPaced(
  publisher: TickPublisher,
  feed: Iterator<TickFields>,
  rate: number,
  durationMs: number,
): Promise<void> {
  const start = performance.now();
  let sent = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - start) {
    const due = Math.floor((elapsed / 1_000) * rate);
    for (; sent < due; sent++) {
      const next = feed.next();
      if (next.done) return;
      await publisher.publishNext(next.value);
    }
    await sleep(5);
  }
}

function* take<T>(iterator: Iterator<T>, count: number): Generator<T> {
  for (let i = 0; i < count; i++) {
    const next = iterator.next();
    if (next.done) return;
    yield next.value;
  }
}
