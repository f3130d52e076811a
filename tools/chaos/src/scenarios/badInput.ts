import { setTimeout as sleep } from 'node:timers/promises';
import { NatsServer } from '@ballast/nats';
import { controlAccepted, tickAccepted } from '../fuzz/acceptance.js';
import {
  formatCounts,
  publishCore,
  publishToLog,
  sinkAnswers,
  sumValues,
} from '../fuzz/fuzzPublishing.js';
import { controlTargets, malformedControls } from '../fuzz/malformedControls.js';
import { malformedTicks } from '../fuzz/malformedTicks.js';
import { auditEventually, auditFigures, cleanFold } from '../harness/digestAudit.js';
import { fleetMetrics } from '../harness/fleetMetrics.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { ScenarioCluster } from '../harness/ScenarioCluster.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { pollUntil } from '../harness/waitFor.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const P = 4;
const workers = ['w1', 'w2'];
const rssBoundMb = 128;

/**
 * A fuzzer sends M malformed messages: 90% to tick subjects through JetStream (so they are in
 * the log, between good ticks of a steady feed), 10% to the control subjects workers and the
 * sink listen on. Every tick-subject message must be dead-lettered with the reason the clean
 * fold gives it; every control message refused (dead-lettered by each worker, or counted as a
 * rejected setting by the sink); nothing crashes, memory stays flat, and the good ticks fold
 * to the clean fold's digests.
 *
 * @example
 * const row = await badInput.run({ size: 'ci', log: console.error });
 */
export const badInput: Scenario = {
  id: 'bad-input',
  title: 'Bad input',
  run: runBadInput,
};

async function runBadInput({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const total = size === 'full' ? 100_000 : 10_000;
  const tickCount = Math.round(total * 0.9);
  const controlCount = total - tickCount;
  const row = new RowBuilder('bad input', size);
  await using resources = new ResourceStack();
  const server = resources.add(await NatsServer.start());
  const cluster = await ScenarioCluster.start(resources, {
    servers: [server.url],
    partitions: P,
    workers,
    metrics: true,
    symbols: 40,
  });
  const { nc, js, rss, fleet, names } = cluster;
  const { process: sink, stats: sinkStats } = await cluster.startSink();
  // The control phase's "memory flat" covers the sink: ctl.sink.set is its input.
  rss.track('sink', sink.pid);
  await cluster.untilEveryPartitionAnswers();
  const good = cluster.startFeed({ seed: 9, rate: 300, feed: 'good' });
  await sleep(1_000);
  await rss.mark();

  // Tick subjects, through the log.
  const t0 = performance.now();
  const ticks = await publishToLog(
    js,
    malformedTicks({
      seed: 3,
      count: tickCount,
      partitions: P,
      symbols: names,
      accept: tickAccepted(P),
    }),
  );
  const goodTotals = await good.stop();
  log(
    `${ticks.sent} malformed ticks sent in ${((performance.now() - t0) / 1_000).toFixed(1)} s (${ticks.acked} stored), ${goodTotals.sent} good ticks between them`,
  );
  const deadLettered = await pollUntil(
    async () => {
      const m = await fleetMetrics(fleet);
      const sum = sumValues(m.deadLetters);
      return sum >= ticks.acked ? m : undefined;
    },
    60_000,
    250,
  );
  const afterTicks = await fleetMetrics(fleet);
  const clean = await cleanFold(js, P);
  await rss.sample();
  const tickSpread = rss.windowSpreadMb((l) => l !== 'sink');
  log(
    `dead letters by reason: ${JSON.stringify(afterTicks.deadLetters)}; clean fold skipped ${JSON.stringify(clean.skipped)}`,
  );

  // Control subjects, core NATS.
  await rss.mark();
  const byTarget: Record<string, number> = {};
  const controls = await publishCore(
    nc,
    malformedControls({ seed: 4, count: controlCount, accept: controlAccepted }),
    (m) => {
      byTarget[m.subject] = (byTarget[m.subject] ?? 0) + 1;
    },
  );
  const workerBound = controlTargets
    .filter((t) => t.listener === 'worker')
    .reduce((n, t) => n + (byTarget[t.subject] ?? 0), 0);
  const sinkBound = byTarget['ctl.sink.set'] ?? 0;
  const expectedWorkerLetters = sumValues(afterTicks.deadLetters) + workers.length * workerBound;
  await pollUntil(
    async () => sumValues((await fleetMetrics(fleet)).deadLetters) >= expectedWorkerLetters,
    30_000,
    250,
  );
  await pollUntil(
    () => sinkStats.total('settingsRejected') >= sinkBound || !sink.alive,
    15_000,
    250,
  );
  await sleep(2_500); // one more stats period: nothing arrives late or twice
  const afterControls = await fleetMetrics(fleet);
  await rss.sample();
  const controlSpread = rss.windowSpreadMb();
  log(
    `${controls.sent} malformed control messages: ${JSON.stringify(byTarget)}; worker dead letters now ${JSON.stringify(afterControls.deadLetters)}; sink refused ${sinkStats.total('settingsRejected')}, applied ${sinkStats.total('settingsApplied')}`,
  );
  const audit = await auditEventually(nc, clean, 60_000);

  const workerLetters = sumValues(afterTicks.deadLetters);
  row.check(
    'every malformed tick stored in the log (or refused by the server with a reason)',
    ticks.acked + ticks.failed === ticks.sent,
    `${ticks.acked} stored, ${ticks.failed} refused: ${JSON.stringify(ticks.failures)}`,
  );
  row.check(
    'every malformed tick in the log dead-lettered, none folded',
    deadLettered !== undefined && workerLetters === ticks.acked,
    `workers dead-lettered ${workerLetters} of ${ticks.acked}`,
  );
  // Every reason is a function of the bytes alone (nesting is bounded before msgpackr's
  // recursion could overflow at a depth that depends on the caller's stack), so the workers'
  // counts per reason equal the clean fold's.
  const reasons = new Set([...Object.keys(afterTicks.deadLetters), ...Object.keys(clean.skipped)]);
  const skippedBy = (r: string) => clean.skipped[r as keyof typeof clean.skipped] ?? 0;
  const reasonDiff = [...reasons]
    .filter((r) => (afterTicks.deadLetters[r] ?? 0) !== skippedBy(r))
    .map((r) => `${r} ${afterTicks.deadLetters[r] ?? 0} vs ${skippedBy(r)}`);
  row.check(
    'each malformed tick dead-lettered for the reason the clean fold gives it',
    reasonDiff.length === 0,
    `workers vs clean fold: ${reasonDiff.join(', ')}`,
  );
  const controlLetters = sumValues(afterControls.deadLetters) - workerLetters;
  row.check(
    'every malformed control message refused by each worker (dead-lettered)',
    controlLetters === workers.length * workerBound,
    `${controlLetters} dead letters for ${workerBound} messages × ${workers.length} workers`,
  );
  row.check(
    'every malformed ctl.sink.set refused by the sink, none applied',
    sinkStats.total('settingsRejected') === sinkBound && sinkStats.total('settingsApplied') === 0,
    `refused ${sinkStats.total('settingsRejected')} of ${sinkBound}, applied ${sinkStats.total('settingsApplied')}`,
  );
  const crashes = fleet.unexpectedExits(new Set());
  row.check('no worker crashed', crashes.length === 0, crashes.join('\n'));
  const sinkServes = await sinkAnswers(nc);
  row.check(
    'the sink still runs and answers sink.candles',
    sink.alive && sinkServes === 'answered',
    `${sink.alive ? 'running' : 'exited'}; a candle request: ${sinkServes}`,
  );
  row.check(
    `memory flat (RSS max − min ≤ ${rssBoundMb} MB per process)`,
    tickSpread <= rssBoundMb && controlSpread <= rssBoundMb,
    `ticks phase ${tickSpread.toFixed(1)} MB (workers), control phase ${controlSpread.toFixed(1)} MB`,
  );
  row.check(
    'the clean fold applies exactly the good ticks between them',
    clean.applied === goodTotals.counters.published,
    `clean fold applied ${clean.applied} of ${goodTotals.counters.published} good ticks`,
  );
  row.checkBooks(audit);

  row.note(
    `2 workers, ${P} partitions, the sink as \`ballast sink\`; ${tickCount} malformed ticks through JetStream between ${goodTotals.sent} good ones (300/s), ${controlCount} control messages by core NATS`,
  );
  row.note(`tick damage: ${formatCounts(ticks.byCategory)}`);
  row.note(`worker dead letters by reason: ${formatCounts(afterTicks.deadLetters)}`);
  row.note(
    `control: ${formatCounts(byTarget)} (ctl.breaker.candleSink is the only breaker with a listener); worker dead letters ${controlLetters}, sink refusals ${sinkStats.total('settingsRejected')}`,
  );
  row.note(
    `payload bytes: ticks ${(ticks.bytes / 1e6).toFixed(1)} MB; RSS spread ${tickSpread.toFixed(1)} MB (ticks), ${controlSpread.toFixed(1)} MB (control)`,
  );
  return row.build({
    faults: `${total.toLocaleString('en-US')} malformed messages`,
    faultsInjected: total,
    events: ticks.sent + controls.sent + goodTotals.sent,
    ...auditFigures(audit),
    maxRssMb: rss.maxMb(),
    recoveriesMs: [],
  });
}
