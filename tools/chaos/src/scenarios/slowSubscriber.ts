import { setTimeout as sleep } from 'node:timers/promises';
import { NatsServer } from '@ballast/nats';
import { candleSubject, encodeCandle } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { auditEventually, auditFigures, cleanFold } from '../harness/digestAudit.js';
import { startGatewayProcess } from '../harness/gatewayProcess.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { rawWebSocket, stalledNatsSubscriber } from '../harness/rawClients.js';
import { ScenarioCluster } from '../harness/ScenarioCluster.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { pollUntil } from '../harness/waitFor.js';
import { sumOf, workerStatuses } from '../harness/workerStatuses.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const P = 4;
const workers = ['w1', 'w2'];
const rssBoundMb = 64;
const watched = 'S0001';

/**
 * Two subscribers that never read: a raw NATS client on `md.candle.>` (every candle the workers
 * publish) and a dashboard browser (a raw WebSocket to the gateway's `/ws`, following one
 * symbol's candles). nats-server must drop the first as a slow consumer, the gateway the
 * second (counted), while a reading browser stays connected; no worker's RSS and not the
 * gateway's may grow, and the fold must keep up.
 *
 * @example
 * const row = await slowSubscriber.run({ size: 'ci', log: console.error });
 */
export const slowSubscriber: Scenario = {
  id: 'slow-subscriber',
  title: 'Slow subscriber',
  run: runSlowSubscriber,
};

async function runSlowSubscriber({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const holdMs = size === 'full' ? 60_000 : 10_000;
  const rate = 1_000;
  const row = new RowBuilder('slow subscriber', size);
  await using resources = new ResourceStack();
  // nats-server drops a client whose socket takes no writes for 2 s (its default, 10 s in
  // 2.9, only makes this scenario longer).
  const server = resources.add(await NatsServer.start({ extraConfig: 'write_deadline: "2s"' }));
  const cluster = await ScenarioCluster.start(resources, {
    servers: [server.url],
    partitions: P,
    workers,
    symbols: 300,
  });
  const { nc, js, rss, fleet, names } = cluster;
  const gateway = resources.add(await startGatewayProcess([server.url]));
  rss.track('gateway', gateway.pid);
  await cluster.untilEveryPartitionAnswers();
  const feed = cluster.startFeed({ seed: 31, rate, feed: 'slow' });
  // Past the workers' warm-up (actors created, buffers grown): the window measures the stall.
  await sleep(6_000);
  await rss.mark();
  const port = Number(new URL(server.url).port);
  const varz = () => server.monitor<{ slow_consumers: number }>('/varz');
  const slowBefore = (await varz()).slow_consumers;

  const startedAt = performance.now();
  const stalled = await stalledNatsSubscriber(port, 'md.candle.>');
  resources.defer(() => stalled[Symbol.dispose]());
  const frozen = await rawWebSocket(gateway.wsUrl, false);
  resources.defer(() => frozen[Symbol.dispose]());
  const reader = await rawWebSocket(gateway.wsUrl, true);
  resources.defer(() => reader[Symbol.dispose]());
  const watch = (id: number) => JSON.stringify({ id, type: 'watch', symbol: watched, tf: '1m' });
  frozen.send(watch(1));
  reader.send(watch(2));
  // The watched symbol's candles from the workers are a few a second; a burst of valid candle
  // updates on its subject (as a busy symbol would have) fills the frozen browser's buffers.
  const filler = fillCandles(nc, watched);
  resources.defer(() => filler.stop());

  const lags: number[] = [];
  let natsDroppedMs = null as number | null;
  let gatewayDroppedMs = null as number | null;
  await pollUntil(
    async () => {
      const now = performance.now() - startedAt;
      const statuses = await workerStatuses(nc);
      lags.push(sumOf(statuses, (s) => s.lag));
      if (natsDroppedMs === null && (await varz()).slow_consumers > slowBefore) natsDroppedMs = now;
      if (gatewayDroppedMs === null && (gateway.counters()?.slowClientsDropped ?? 0) > 0) {
        gatewayDroppedMs = now;
      }
      return natsDroppedMs !== null && gatewayDroppedMs !== null && now >= holdMs;
    },
    holdMs + 60_000,
    250,
  );
  const readAtDrop = reader.bytesRead();
  await sleep(1_000);
  const readerStillFed = reader.bytesRead() > readAtDrop && !reader.closed();
  const counters = gateway.counters();
  const connz = await server.monitor<{ connections?: { name?: string }[] }>('/connz?limit=1024');
  const stalledGone = !(connz.connections ?? []).some((c) => c.name === 'chaos-stalled');
  filler.stop();
  await rss.sample();
  const workerSpread = rss.windowSpreadMb((l) => l !== 'gateway');
  const gatewaySpread = rss.windowSpreadMb((l) => l === 'gateway');
  log(
    `nats-server dropped the stalled subscriber after ${fmt(natsDroppedMs)}, the gateway the frozen browser after ${fmt(gatewayDroppedMs)}; filler ${filler.sent()} candles; RSS spread workers ${workerSpread.toFixed(1)} MB, gateway ${gatewaySpread.toFixed(1)} MB`,
  );
  const totals = await feed.stop();
  const clean = await cleanFold(js, P);
  const audit = await auditEventually(nc, clean, 60_000);

  row.check(
    'nats-server drops the stalled NATS subscriber as a slow consumer',
    natsDroppedMs !== null && stalledGone,
    `slow consumers ${slowBefore} → ${(await varz()).slow_consumers}; connection ${stalledGone ? 'gone' : 'still open'}`,
  );
  row.check(
    'the gateway drops the frozen browser and counts it',
    gatewayDroppedMs !== null && (counters?.slowClientsDropped ?? 0) >= 1,
    JSON.stringify(counters),
  );
  row.check(
    'a reading browser stays connected and fed',
    readerStillFed && (counters?.clients ?? 0) >= 1,
    `read ${reader.bytesRead()} bytes; clients ${counters?.clients}`,
  );
  row.checkRssSpread("no worker's RSS grows", workerSpread, rssBoundMb);
  row.checkRssSpread("the gateway's RSS does not grow", gatewaySpread, rssBoundMb);
  const maxLag = Math.max(0, ...lags);
  row.check('the fold keeps up (lag under 5 s of feed)', maxLag <= 5 * rate, `max lag ${maxLag}`);
  row.checkBooks(audit);
  const crashes = fleet.unexpectedExits(new Set());
  row.check('no worker or gateway died', crashes.length === 0 && gateway.alive, crashes.join('\n'));

  row.note(
    `2 workers, ${P} partitions, ${names.length} symbols at ${rate} ticks/s (a 1m candle update per tick, other timeframes each second); nats-server write_deadline 2 s`,
  );
  row.note(
    `stalled NATS subscriber on md.candle.> dropped after ${fmt(natsDroppedMs)}; frozen browser watching ${watched} dropped by the gateway after ${fmt(gatewayDroppedMs)} (gateway bound 1 MiB / 1,000 frames per browser); ${filler.sent()} filler candle updates on ${watched}`,
  );
  row.note(
    `RSS spread over the slow phase: workers ${workerSpread.toFixed(1)} MB, gateway ${gatewaySpread.toFixed(1)} MB; max lag ${maxLag}`,
  );
  row.note('recovery = time until each stalled client was dropped');
  const drops = [natsDroppedMs, gatewayDroppedMs].filter((ms): ms is number => ms !== null);
  return row.build({
    faults: '2 subscribers that never read',
    faultsInjected: 2,
    events: totals.sent + filler.sent(),
    ...auditFigures(audit),
    maxRssMb: rss.maxMb(),
    recoveriesMs: drops,
  });
}

function fmt(ms: number | null): string {
  return ms === null ? 'never' : `${Math.round(ms)} ms`;
}

/**
 * Publishes valid candle updates for `symbol`, about 5,000 a second (~1.5 MB/s of frames to a
 * browser), until stopped: enough to fill a frozen client's buffers in seconds without taking
 * the CPU the workers fold with.
 */
function fillCandles(nc: NatsConnection, symbol: string): { stop(): void; sent(): number } {
  let stopped = false;
  let sent = 0;
  const subject = candleSubject('1m', symbol);
  const start = Date.UTC(2026, 0, 5, 14, 30);
  void (async () => {
    while (!stopped) {
      for (let i = 0; i < 100; i++) {
        nc.publish(
          subject,
          encodeCandle({
            v: 1,
            symbol,
            tf: '1m',
            start: start + sent * 60_000,
            open: 100,
            high: 101,
            low: 99,
            close: 100.5,
            volume: 1_000 + sent,
            trades: 10,
            closed: false,
          }),
        );
        sent++;
      }
      await nc.flush().catch(() => undefined);
      await sleep(20);
    }
  })();
  return {
    stop: () => {
      stopped = true;
    },
    sent: () => sent,
  };
}
