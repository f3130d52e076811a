import { setTimeout as sleep } from 'node:timers/promises';
import { NatsServer } from '@ballast/nats';
import { auditEventually, auditFigures, cleanFold } from '../harness/digestAudit.js';
import { fleetMetrics } from '../harness/fleetMetrics.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { ScenarioCluster } from '../harness/ScenarioCluster.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { pollUntil } from '../harness/waitFor.js';
import { sumOf, workerStatuses } from '../harness/workerStatuses.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const P = 8;
const workers = ['w1', 'w2'];
const maxRssMb = 512;
const rssSpreadMb = 160;

/**
 * A steady feed, then ten times its rate for B seconds, then steady again. The log absorbs
 * what the workers cannot fold at once (lag grows), the feed is held back by its in-flight
 * bound, bounded queues drop with counters; afterwards the lag must drain within a deadline,
 * memory must stay bounded, and every digest must equal the clean fold.
 *
 * @example
 * const row = await loadBurst.run({ size: 'ci', log: console.error });
 */
export const loadBurst: Scenario = {
  id: 'load-burst',
  title: 'Load burst',
  run: runLoadBurst,
};

interface Sample {
  readonly at: number;
  /** Summed over workers; only samples where every worker answered are kept. */
  readonly lag: number;
  readonly sent: number;
  /** Ticks folded per worker (a restarted worker would count from 0 again; none restarts here). */
  readonly folded: ReadonlyMap<string, number>;
}

async function runLoadBurst({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const rate = 1_000;
  const burstMs = size === 'full' ? 60_000 : 10_000;
  const steadyMs = size === 'full' ? 15_000 : 5_000;
  const drainDeadlineMs = size === 'full' ? 120_000 : 45_000;
  const lagSettled = Math.max(50, Math.round(rate * 0.2));
  const row = new RowBuilder('load burst', size);
  await using resources = new ResourceStack();
  const server = resources.add(await NatsServer.start());
  const cluster = await ScenarioCluster.start(resources, {
    servers: [server.url],
    partitions: P,
    workers,
    metrics: true,
    symbols: 200,
  });
  const { nc, js, rss, fleet, names } = cluster;
  // The sink runs as under `ballast up`: candles dropped are the burst's, not a missing sink's.
  await cluster.startSink();
  await cluster.untilEveryPartitionAnswers();
  const feed = cluster.startFeed({
    seed: 21,
    stepMs: 2_000,
    rate,
    feed: 'load',
    maxInFlight: 512,
  });
  const samples: Sample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const statuses = await workerStatuses(nc, { maxWaitMs: 2_000, expected: workers.length });
      if (statuses.length === workers.length) {
        samples.push({
          at: performance.now(),
          lag: sumOf(statuses, (s) => s.lag),
          sent: feed.sent,
          folded: new Map(statuses.map((s) => [s.worker, s.ticksFolded])),
        });
      }
      await sleep(500);
    }
  })();
  await sleep(steadyMs);
  await rss.mark();
  const burstStart = performance.now();
  const sentAtBurst = feed.sent;
  feed.rate = rate * 10;
  log(`burst: ${rate * 10} ticks/s for ${burstMs / 1_000} s`);
  await sleep(burstMs);
  feed.rate = rate;
  const burstEnd = performance.now();
  const burstSent = feed.sent - sentAtBurst;
  const reached = burstSent / ((burstEnd - burstStart) / 1_000);
  const settled = await pollUntil(
    () => {
      const last = samples.at(-1);
      return last !== undefined && last.at > burstEnd && last.lag <= lagSettled ? last : undefined;
    },
    drainDeadlineMs,
    100,
  );
  const drainMs = settled === undefined ? null : settled.at - burstEnd;
  log(
    `burst reached ${reached.toFixed(0)} ticks/s; lag ${settled ? `back under ${lagSettled} after ${Math.round(drainMs as number)} ms` : 'NOT back'}`,
  );
  await sleep(steadyMs);
  sampling = false;
  await sampler;
  await rss.sample();
  const spread = rss.windowSpreadMb();
  const metrics = await fleetMetrics(fleet);
  const statuses = await workerStatuses(nc);
  const totals = await feed.stop();
  const clean = await cleanFold(js, P);
  const audit = await auditEventually(nc, clean, 90_000);

  const maxLag = Math.max(0, ...samples.map((s) => s.lag));
  const foldRates = rates(samples.filter((s) => s.at >= burstStart && s.at <= burstEnd));
  const sinkDropped = sumOf(statuses, (s) => s.sinkDropped);
  row.check(
    `lag back under ${lagSettled} within ${drainDeadlineMs / 1_000} s of the burst`,
    drainMs !== null,
    drainMs === null ? `lag ${samples.at(-1)?.lag}` : `${Math.round(drainMs)} ms`,
  );
  row.check(
    `no OOM: every worker alive, RSS ≤ ${maxRssMb} MB`,
    fleet.unexpectedExits(new Set()).length === 0 && rss.maxMb() <= maxRssMb,
    `max ${rss.maxMb().toFixed(0)} MB; ${fleet.unexpectedExits(new Set()).join('\n')}`,
  );
  row.checkRssSpread('RSS bounded through the burst', spread, rssSpreadMb);
  row.check(
    'every tick stored and folded once',
    totals.counters.failed === 0 && clean.applied === totals.counters.published,
    `${clean.applied} applied by the clean fold of ${totals.counters.published} acked`,
  );
  row.checkBooks(audit);
  row.check(
    'drops reported the same on sys.workers and /metrics',
    sinkDropped === metrics.candlesDropped,
    `sys.workers sinkDropped ${sinkDropped}, /metrics ballast_candles_dropped_total ${metrics.candlesDropped} (queue overflow ${metrics.queueDrops.sinkQueue ?? 0}, breaker ${metrics.queueDrops.sinkBreakerOpen ?? 0})`,
  );

  row.note(
    `2 workers, ${P} partitions, ${names.length} symbols, the sink running; ${rate} ticks/s, then ${rate * 10}/s for ${burstMs / 1_000} s (reached ${reached.toFixed(0)}/s: the log's write rate and the feed's in-flight bound hold it back)`,
  );
  row.note(
    maxLag > lagSettled || totals.counters.waited > 0
      ? 'the burst outran the fold: the log held the excess (lag) and the feed was held back by its in-flight bound; nothing was dropped from the log'
      : 'the workers folded the whole burst as it came (no lag built up)',
  );
  row.note(
    `fold during the burst ${foldRates.min.toFixed(0)}–${foldRates.max.toFixed(0)} ticks/s; lag peaked at ${maxLag}; feed held back ${totals.counters.waited} times (max ${totals.counters.maxInFlightSeen} in flight)`,
  );
  row.note(
    `closed candles dropped by the sink queue (10,000, drop-oldest) ${metrics.queueDrops.sinkQueue ?? 0}, by the breaker ${metrics.queueDrops.sinkBreakerOpen ?? 0}; worker RSS spread ${spread.toFixed(1)} MB`,
  );
  row.note(`recovery = burst end until the lag is back under ${lagSettled} messages`);
  return row.build({
    faults: `10× burst for ${burstMs / 1_000} s`,
    faultsInjected: 1,
    events: totals.sent,
    ...auditFigures(audit),
    maxRssMb: rss.maxMb(),
    recoveriesMs: drainMs === null ? [] : [drainMs],
  });
}

/** Fold rates between consecutive samples, ticks/s. */
function rates(samples: readonly Sample[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as Sample;
    const b = samples[i] as Sample;
    let folded = 0;
    for (const [worker, n] of b.folded) folded += n - (a.folded.get(worker) ?? n);
    const r = folded / ((b.at - a.at) / 1_000);
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  return { min: Number.isFinite(min) ? min : 0, max };
}
