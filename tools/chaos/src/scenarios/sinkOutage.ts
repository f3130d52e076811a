import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerStatus } from '@ballast/runtime';
import type { NatsConnection } from '@nats-io/nats-core';
import { BreakerWatch } from '../harness/BreakerWatch.js';
import { runCli } from '../harness/cliProcess.js';
import { auditEventually, auditFigures, cleanFold } from '../harness/digestAudit.js';
import { fleetMetrics } from '../harness/fleetMetrics.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { ScenarioCluster } from '../harness/ScenarioCluster.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { startSecureNats } from '../harness/secureNats.js';
import { pollUntil, waitFor } from '../harness/waitFor.js';
import { sumOf, workerStatuses } from '../harness/workerStatuses.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const P = 4;
const workers = ['w1', 'w2'];
// The worker's CandleSink defaults: open after 10 consecutive failures, 4 requests at a time,
// each timing out after 2 s, half-open after 60 s.
const failureThreshold = 10;
const concurrency = 4;
const requestTimeoutMs = 2_000;
const resetTimeoutMs = 60_000;
/** How soon the breaker must open: the timeouts it takes to count the threshold, plus slack. */
const openBoundMs = Math.ceil(failureThreshold / concurrency) * requestTimeoutMs + 5_000;
const rssBoundMb = 64;

/**
 * The real sink (`ballast sink`, as `ballast up` runs it, with its NATS user) goes down for D
 * seconds (`ballast sink set --down`: subscribed, answering nothing) while workers fold a feed
 * whose candles close every few ticks. Each worker's breaker must open within its threshold,
 * drop closed candles with counts, keep RSS flat and the fold rate up; after `--up` it must
 * half-open, pass its trial and close.
 *
 * @example
 * const row = await sinkOutage.run({ size: 'ci', log: console.error });
 */
export const sinkOutage: Scenario = {
  id: 'sink-outage',
  title: 'Sink outage',
  run: runSinkOutage,
};

async function runSinkOutage({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const downMs = size === 'full' ? 60_000 : 10_000;
  const baselineMs = size === 'full' ? 15_000 : 5_000;
  const rate = 400;
  const row = new RowBuilder('sink outage', size);
  await using resources = new ResourceStack();
  const nats = resources.add(await startSecureNats());
  const url = nats.server.url;
  const cliFlags = ['--nats', url, '--data-dir', nats.dataDir];
  const cluster = await ScenarioCluster.start(resources, {
    servers: [url],
    auth: nats.auth('admin'),
    workerCreds: nats.credsFile('worker'),
    partitions: P,
    workers,
    metrics: true,
    symbols: 40,
  });
  const { nc, js, rss, fleet } = cluster;
  const { process: sink, stats: sinkStats } = await cluster.startSink(nats.dataDir);
  const breakers = resources.add(await BreakerWatch.start(nc));
  // ~10 s of event time per tick over 40 symbols: each symbol's ticks are minutes apart, so
  // nearly every tick closes a 1m candle (and often longer ones) for the sink.
  const feed = cluster.startFeed({ seed: 5, stepMs: 20_000, rate, feed: 'sink' });
  await cluster.untilEveryPartitionAnswers();
  await waitFor('the sink acking candles', () => sinkStats.total('acked') > 0, 20_000, 250);

  // Before: the fold rate with the sink up.
  const before = await foldWindow(nc, baselineMs);
  log(
    `before: ${before.rate.toFixed(0)} ticks/s folded, breakers ${JSON.stringify(before.breakers)}`,
  );
  row.check(
    'every breaker CLOSED before the outage',
    before.breakers.every((s) => s === 0),
    JSON.stringify(before.breakers),
  );
  await rss.mark();
  const droppedBefore = (await fleetMetrics(fleet)).candlesDropped;

  const down = await runCli(['sink', 'set', '--down', ...cliFlags]);
  const downAt = performance.now();
  const downStart = await foldedNow(nc);
  row.check('`ballast sink set --down` succeeds', down.code === 0, down.stderr.trim());
  const opened = new Map<string, number>();
  let maxLag = 0;
  let sinceOpenFold: { at: number; folded: number } | undefined;
  // While down: breaker states, lag and the fold, four times a second.
  while (performance.now() - downAt < downMs) {
    const statuses = await workerStatuses(nc);
    const now = performance.now();
    maxLag = Math.max(
      maxLag,
      sumOf(statuses, (s) => s.lag),
    );
    for (const s of statuses) {
      if (s.breakers.candleSink === 1 && !opened.has(s.worker)) opened.set(s.worker, now - downAt);
    }
    if (sinceOpenFold === undefined && opened.size === workers.length) {
      sinceOpenFold = { at: now, folded: sumOf(statuses, (s) => s.ticksFolded) };
    }
    await sleep(250);
  }
  const downEnd = await foldedNow(nc);
  const during = rateBetween(downStart, downEnd);
  const openFor = sinceOpenFold === undefined ? null : rateBetween(sinceOpenFold, downEnd);
  await rss.sample();
  const spread = rss.windowSpreadMb();
  const droppedDuring = (await fleetMetrics(fleet)).candlesDropped - droppedBefore;
  const ignored = sinkStats.total('ignoredWhileDown');

  const up = await runCli(['sink', 'set', '--up', ...cliFlags]);
  const upAt = performance.now();
  row.check('`ballast sink set --up` succeeds', up.code === 0, up.stderr.trim());
  log(
    `down ${downMs / 1_000} s: breakers opened after ${[...opened.values()].map((ms) => `${Math.round(ms)} ms`).join(', ')}; fold ${during.toFixed(0)} ticks/s (${openFor?.toFixed(0) ?? '-'} while OPEN); dropped ${droppedDuring}; RSS spread ${spread.toFixed(1)} MB`,
  );
  // After: every breaker half-opens (its reset timeout runs from when it opened), passes a
  // trial call and closes.
  const closedAfter = new Map<string, number>();
  await pollUntil(
    () => {
      for (const worker of workers) {
        const closing = breakers
          .of(worker, upAt)
          .find((c) => c.state === 'CLOSED' && c.reason === 'trial_succeeded');
        if (closing && !closedAfter.has(worker)) closedAfter.set(worker, closing.seenAt - upAt);
      }
      return closedAfter.size === workers.length;
    },
    resetTimeoutMs + 20_000,
    100,
  );
  const finalStates = (await workerStatuses(nc)).map((s) => s.breakers.candleSink);
  const ackedAfterUp = sinkStats.total('acked');
  await pollUntil(() => sinkStats.total('acked') > ackedAfterUp, 10_000, 250);
  log(
    `up: breakers closed ${[...closedAfter.values()].map((ms) => `${Math.round(ms)} ms`).join(', ')} after --up`,
  );

  const totals = await feed.stop();
  const clean = await cleanFold(js, P);
  const audit = await auditEventually(nc, clean, 60_000);

  for (const worker of workers) {
    const openMs = opened.get(worker);
    row.check(
      `${worker}: breaker OPEN within ${openBoundMs / 1_000} s (${failureThreshold} failures at ${concurrency} × ${requestTimeoutMs / 1_000} s timeouts)`,
      openMs !== undefined && openMs <= openBoundMs,
      openMs === undefined ? 'never opened' : `opened after ${Math.round(openMs)} ms`,
    );
    const history = breakers.of(worker, downAt);
    const halfOpened =
      history.some((c) => c.state === 'HALF_OPEN') ||
      history.some((c) => c.reason === 'trial_succeeded');
    row.check(
      `${worker}: HALF_OPEN trial, then CLOSED after --up`,
      halfOpened && closedAfter.has(worker),
      history.map((c) => `${c.state}(${c.reason})`).join(' → '),
    );
  }
  row.check(
    'closed candles dropped with counts while OPEN',
    droppedDuring > 0 && ignored > 0,
    `workers counted ${droppedDuring} dropped; the sink ignored ${ignored} requests while down`,
  );
  row.check(
    'fold rate while down not below 90% of before',
    during >= 0.9 * before.rate,
    `${during.toFixed(0)} ticks/s while down (${openFor?.toFixed(0) ?? '-'} while OPEN) vs ${before.rate.toFixed(0)} before`,
  );
  row.check(
    'the fold keeps up while down (lag under 1 s of feed)',
    maxLag <= rate,
    `max lag ${maxLag} messages`,
  );
  row.checkRssSpread('worker RSS flat while down', spread, rssBoundMb);
  row.check(
    'every breaker CLOSED at the end and the sink acks again',
    finalStates.every((s) => s === 0) && sinkStats.total('acked') > ackedAfterUp,
    `states ${JSON.stringify(finalStates)}`,
  );
  row.checkBooks(audit);
  const crashes = fleet.unexpectedExits(new Set());
  row.check('no worker or sink died', crashes.length === 0 && sink.alive, crashes.join('\n'));

  const trials = breakers.changes.filter((c) => c.state === 'HALF_OPEN').length;
  const failedTrials = breakers.changes.filter((c) => c.reason === 'trial_failed').length;
  row.note(
    `2 workers, ${P} partitions, feed ${rate} ticks/s (~1 closed candle per tick), the sink as \`ballast sink\` with its own NATS user; down ${downMs / 1_000} s`,
  );
  row.note(
    `breaker opened after ${[...opened.entries()].map(([w, ms]) => `${w} ${Math.round(ms)} ms`).join(', ')}; half-open trials seen ${trials}, failed ${failedTrials}; reset timeout ${resetTimeoutMs / 1_000} s counts from opening`,
  );
  row.note(
    `fold ${before.rate.toFixed(0)} ticks/s before, ${during.toFixed(0)} while down; closed candles dropped ${droppedDuring}; max lag ${maxLag}; worker RSS spread ${spread.toFixed(1)} MB`,
  );
  row.note('recovery = `--up` until each breaker is CLOSED again (trial_succeeded)');
  return row.build({
    faults: `sink down ${downMs / 1_000} s`,
    faultsInjected: 1,
    events: totals.sent,
    ...auditFigures(audit),
    maxRssMb: rss.maxMb(),
    recoveriesMs: [...closedAfter.values()],
  });
}

interface FoldWindow {
  readonly rate: number;
  readonly breakers: number[];
}

/** Ticks folded so far over all workers, and when. */
interface FoldedAt {
  readonly at: number;
  readonly folded: number;
}

async function foldedNow(nc: NatsConnection): Promise<FoldedAt> {
  const statuses = await workerStatuses(nc);
  return { at: performance.now(), folded: sumOf(statuses, (s) => s.ticksFolded) };
}

function rateBetween(from: FoldedAt, to: FoldedAt): number {
  return (to.folded - from.folded) / ((to.at - from.at) / 1_000);
}

/** Folded ticks per second over the next `ms`, summed over workers, and the breaker states. */
async function foldWindow(nc: NatsConnection, ms: number): Promise<FoldWindow> {
  const first = await foldedNow(nc);
  await sleep(ms);
  const statuses = await workerStatuses(nc);
  const last = { at: performance.now(), folded: sumOf(statuses, (s) => s.ticksFolded) };
  return {
    rate: rateBetween(first, last),
    breakers: statuses.map((s: WorkerStatus) => s.breakers.candleSink ?? -1),
  };
}
