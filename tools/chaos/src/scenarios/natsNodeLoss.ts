import { setTimeout as sleep } from 'node:timers/promises';
import { type NatsServer, startNatsCluster } from '@ballast/nats';
import { topologyNames } from '@ballast/runtime';
import { jetstreamManager } from '@nats-io/jetstream';
import { auditEventually, auditFigures, cleanFold } from '../harness/digestAudit.js';
import { fleetMetrics } from '../harness/fleetMetrics.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { ScenarioCluster } from '../harness/ScenarioCluster.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { pollUntil, waitFor } from '../harness/waitFor.js';
import { describeWorkers } from '../harness/workerStatuses.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const P = 8;

/**
 * A 3-node JetStream cluster with every stream and bucket at R3; during ingest, nodes are
 * SIGKILLed and restarted one at a time — the TICKS stream leader in rounds 1 and 3, a
 * follower in round 2. The feed retries with the same msgID across elections; afterwards the
 * log must hold every tick and every digest must equal the clean fold.
 *
 * @example
 * const row = await natsNodeLoss.run({ size: 'ci', log: console.error });
 */
export const natsNodeLoss: Scenario = {
  id: 'nats-node-loss',
  title: 'NATS node loss',
  run: runNatsNodeLoss,
};

async function runNatsNodeLoss({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const rounds = size === 'full' ? 3 : 1;
  const downMs = size === 'full' ? 6_000 : 4_000;
  const rate = 500;
  const row = new RowBuilder('NATS node loss', size);
  await using resources = new ResourceStack();
  const nats = resources.add(await startNatsCluster({ size: 3 }));
  const cluster = await ScenarioCluster.start(resources, {
    servers: nats.urls,
    partitions: P,
    workers: ['w1', 'w2'],
    workerArgs: ['--replicas', '3', '--lease-ttl-ms', '3000', '--snapshot-every', '200'],
    metrics: true,
    symbols: 80,
  });
  const { nc, js, rss, fleet } = cluster;
  const feed = cluster.startFeed({ seed: 11, rate, feed: 'r3', maxInFlight: 64 });
  await cluster.untilEveryPartitionAnswers();
  const recoveries: number[] = [];
  const killedNodes: string[] = [];
  const publishStalls: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(2_000);
    const leader = await nats.streamLeader(topologyNames.ticks);
    if (leader === undefined) throw new Error('the TICKS stream has no leader');
    const victim: NatsServer =
      round % 2 === 0 ? leader : (nats.nodes.find((n) => n !== leader && n.running) as NatsServer);
    const role = victim === leader ? 'TICKS leader' : 'follower';
    const counters = feed.publisher.counters;
    const ackedAtKill = counters.published;
    const inFlightAtKill = counters.inFlight;
    const killedAt = performance.now();
    await victim.kill('SIGKILL');
    killedNodes.push(`${victim.name} (${role})`);
    // Publishing resumed once the acks pass what was in flight at the kill.
    const resumed = pollUntil(
      () => counters.published > ackedAtKill + inFlightAtKill || undefined,
      60_000,
      10,
    ).then((ok) => (ok ? performance.now() - killedAt : null));
    const answering = pollUntil(() => cluster.everyPartitionAnswers(300), 60_000, 20).then((ok) =>
      ok ? performance.now() - killedAt : null,
    );
    const [publishMs, answerMs] = await Promise.all([resumed, answering]);
    if (publishMs !== null && answerMs !== null) recoveries.push(Math.max(publishMs, answerMs));
    if (publishMs !== null) publishStalls.push(publishMs);
    log(
      `round ${round + 1}/${rounds}: killed ${victim.name} (${role}); publishing resumed after ${fmt(publishMs)}, every partition answering after ${fmt(answerMs)}`,
    );
    row.check(
      `round ${round + 1}: publishing and queries recover with ${victim.name} down`,
      publishMs !== null && answerMs !== null,
      `publish ${fmt(publishMs)}, queries ${fmt(answerMs)}`,
    );
    const downFor = downMs - (performance.now() - killedAt);
    if (downFor > 0) await sleep(downFor);
    await victim.restart();
    await nats.waitForMetaLeader();
    await waitFor(
      'TICKS replicas current again',
      async () => {
        const info = await jetstreamManager(nc)
          .then((jsm) => jsm.streams.info(topologyNames.ticks))
          .catch(() => undefined);
        const replicas = info?.cluster?.replicas ?? [];
        return (
          info?.cluster?.leader !== undefined &&
          replicas.length === 2 &&
          replicas.every((r) => r.current)
        );
      },
      60_000,
      250,
    );
    log(`round ${round + 1}: ${victim.name} back, replicas current`);
  }
  await sleep(1_000);
  const totals = await feed.stop();
  log(
    `feed stopped: ${totals.sent} sent, ${totals.counters.published} acked, ${totals.counters.retries} retries, ${totals.counters.duplicates} acked as duplicates`,
  );
  const clean = await retry(() => cleanFold(js, P));
  const stored = (await jetstreamManager(nc).then((jsm) => jsm.streams.info(topologyNames.ticks)))
    .state.messages;
  const audit = await auditEventually(nc, clean, 90_000);
  log(`audit: ${audit.mismatchCount} mismatches of ${audit.symbols} symbols`);

  row.check(
    'every tick acked (retries, no failure)',
    totals.counters.failed === 0 && totals.flushError === null,
    totals.flushError ?? '',
  );
  // Every tick sent is good, so any message beyond them is a copy stored across an election.
  const copies = stored - totals.sent;
  row.check(
    'zero loss: the log holds every tick sent exactly once, and the clean fold applies each',
    clean.applied === totals.sent && copies === 0,
    `clean fold applied ${clean.applied} of ${totals.sent} sent; stream holds ${stored} messages`,
  );
  row.checkBooks(audit, audit.mismatchCount > 0 ? await describeWorkers(nc) : '');
  const metrics = await fleetMetrics(fleet);
  row.check(
    'no worker reports a duplicate sourceSeq the log does not hold',
    copies > 0 || metrics.sequenceDuplicates === 0,
    `workers reported ${metrics.sequenceDuplicates} duplicate sourceSeqs; the log holds ${copies} copies`,
  );
  const crashes = fleet.unexpectedExits(new Set());
  row.check('no worker died', crashes.length === 0, crashes.join('\n'));

  row.note(
    `3 nats-server nodes (R3 stream and buckets), 2 workers, ${P} partitions, feed ${rate} ticks/s with msgID dedup and retries`,
  );
  row.note(`killed (SIGKILL) then restarted after ${downMs / 1_000} s: ${killedNodes.join(', ')}`);
  row.note(
    `publisher retries ${totals.counters.retries}, acked as duplicates ${totals.counters.duplicates}; log copies stored twice across an election: ${copies}`,
  );
  row.note(
    `workers: dead letters ${JSON.stringify(metrics.deadLetters)}, leases lost ${metrics.leasesLost}, errors reported ${JSON.stringify(metrics.errors)}`,
  );
  if (audit.unanswered > 0) {
    row.note(
      `${audit.unanswered} symbols' owners never answered the audit (90 s): their books could not be counted`,
    );
  }
  row.note(
    `recovery = SIGKILL until publishing resumes and every partition answers; publish stalls ${publishStalls.map((ms) => `${Math.round(ms)} ms`).join(', ')}`,
  );
  return row.build({
    faults: `${rounds} × node SIGKILL + restart`,
    faultsInjected: rounds,
    events: totals.sent,
    ...auditFigures(audit),
    maxRssMb: rss.maxMb(),
    recoveriesMs: recoveries,
  });
}

function fmt(ms: number | null): string {
  return ms === null ? 'never (60 s)' : `${Math.round(ms)} ms`;
}

// JetStream API calls may fail while a new leader is elected.
async function retry<T>(attempt: () => Promise<T>, times = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= times) throw error;
      await sleep(1_000);
    }
  }
}
