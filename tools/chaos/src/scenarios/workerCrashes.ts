import { setTimeout as sleep } from 'node:timers/promises';
import { NatsServer } from '@ballast/nats';
import { auditEventually, auditFigures, cleanFold } from '../harness/digestAudit.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { ScenarioCluster } from '../harness/ScenarioCluster.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { rng } from '../harness/seededTicks.js';
import { pollUntil } from '../harness/waitFor.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const P = 8;
const leaseTtlMs = 3_000;
const recoveryTimeoutMs = 30_000;

/**
 * SIGKILL of random workers (of 3) during ingest, each restarted at once with the same id as
 * `ballast up`'s supervisor does; after the last one, every symbol's digest must equal the
 * clean fold of the log. Recovery per kill: from the SIGKILL until every partition's owner
 * answers a query again.
 *
 * @example
 * const row = await workerCrashes.run({ size: 'ci', log: console.error });
 */
export const workerCrashes: Scenario = {
  id: 'worker-crashes',
  title: 'Worker crashes',
  run: runWorkerCrashes,
};

async function runWorkerCrashes({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const kills = size === 'full' ? 20 : 5;
  const rate = size === 'full' ? 1_000 : 600;
  const row = new RowBuilder('worker crashes', size);
  await using resources = new ResourceStack();
  const server = resources.add(await NatsServer.start());
  const cluster = await ScenarioCluster.start(resources, {
    servers: [server.url],
    partitions: P,
    workers: ['w1', 'w2', 'w3'],
    workerArgs: [
      '--lease-ttl-ms',
      String(leaseTtlMs),
      '--snapshot-every',
      '200',
      '--snapshot-interval-ms',
      '1000',
      '--actor-housekeeping-ms',
      '250',
      '--checkpoint-interval-ms',
      '200',
      // 120 symbols over 3 workers: some passivate and hydrate again, which crashes also hit.
      '--max-live',
      '30',
    ],
    symbols: 120,
  });
  const { nc, js, rss, fleet, names } = cluster;
  const feed = cluster.startFeed({ seed: 7, rate, feed: 'crash' });
  await cluster.untilEveryPartitionAnswers();
  const random = rng(42);
  const recoveries: number[] = [];
  const killed = new Set<number>();
  const byWorker: Record<string, number> = {};
  let unrecovered = 0;
  for (let k = 0; k < kills; k++) {
    await sleep(800 + random() * 1_500);
    const live = fleet.live();
    const victim = live[Math.floor(random() * live.length)];
    if (victim === undefined) throw new Error('no live worker to kill');
    const killedAt = performance.now();
    killed.add(victim.pid);
    await victim.kill('SIGKILL');
    byWorker[victim.id] = (byWorker[victim.id] ?? 0) + 1;
    await sleep(random() * 500);
    await fleet.start(victim.id);
    const recovered = await pollUntil(
      () => cluster.everyPartitionAnswers(300),
      recoveryTimeoutMs,
      20,
    );
    if (recovered === undefined) unrecovered++;
    else recoveries.push(performance.now() - killedAt);
    log(
      `kill ${k + 1}/${kills}: ${victim.id} (pid ${victim.pid}); ${recovered ? `recovered in ${Math.round(recoveries.at(-1) as number)} ms` : 'NOT recovered'}; ${feed.sent} ticks sent`,
    );
  }
  const totals = await feed.stop();
  log(`feed stopped: ${totals.sent} ticks sent, ${totals.counters.published} acked`);
  const clean = await cleanFold(js, P);
  const audit = await auditEventually(nc, clean, 60_000);
  log(`audit: ${audit.mismatchCount} mismatches of ${audit.symbols} symbols`);

  row.check('every kill injected', Object.values(byWorker).reduce((a, b) => a + b, 0) === kills);
  row.check(
    `every partition answers again within ${recoveryTimeoutMs / 1_000} s of each kill`,
    unrecovered === 0,
    `${unrecovered} of ${kills} kills not recovered`,
  );
  row.check(
    'every tick stored (no publish failed)',
    totals.counters.failed === 0 && totals.flushError === null,
    totals.flushError ?? '',
  );
  row.check(
    'the clean fold applies every tick once',
    clean.applied === totals.counters.published,
    `clean fold applied ${clean.applied}, acked ${totals.counters.published}`,
  );
  row.checkBooks(audit);
  const crashes = fleet.unexpectedExits(killed);
  row.check('no worker died on its own', crashes.length === 0, crashes.join('\n'));

  row.note(
    `3 workers, ${P} partitions, lease TTL ${leaseTtlMs / 1_000} s, ${names.length} symbols (max 30 live per worker), feed ${rate} ticks/s`,
  );
  row.note(
    `kills per worker: ${Object.entries(byWorker)
      .map(([id, n]) => `${id} ${n}`)
      .join(', ')}; each restarted after 0–0.5 s with the same id`,
  );
  row.note(
    `recovery = SIGKILL until every partition's owner answers a query (restart included); min ${Math.round(Math.min(...recoveries))} ms, max ${Math.round(Math.max(...recoveries))} ms`,
  );
  row.note(
    `${audit.symbols} symbols audited: digest and tick count of each book vs the clean fold`,
  );
  return row.build({
    faults: `${kills} × SIGKILL`,
    faultsInjected: kills,
    events: totals.sent,
    ...auditFigures(audit),
    maxRssMb: rss.maxMb(),
    recoveriesMs: recoveries,
  });
}
