import { encodeCandle } from '@ballast/protocol';
import { sinkSubject } from '@ballast/runtime';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { MalformedMessage } from './malformedMessages.js';

/** What publishing a batch of malformed messages did. */
export interface PublishTotals {
  sent: number;
  acked: number;
  failed: number;
  bytes: number;
  readonly failures: Record<string, number>;
  readonly byCategory: Record<string, number>;
}

/**
 * Publishes to JetStream (no msgID: each is its own message), 128 awaiting their ack at once;
 * refusals are counted by their message.
 *
 * @example
 * const totals = await publishToLog(js, malformedTicks({ ... }));
 */
export async function publishToLog(
  js: JetStreamClient,
  messages: Iterable<MalformedMessage>,
): Promise<PublishTotals> {
  const totals: PublishTotals = {
    sent: 0,
    acked: 0,
    failed: 0,
    bytes: 0,
    failures: {},
    byCategory: {},
  };
  const inFlight = new Set<Promise<void>>();
  for (const m of messages) {
    totals.sent++;
    totals.bytes += m.payload.length;
    totals.byCategory[m.category] = (totals.byCategory[m.category] ?? 0) + 1;
    const publish: Promise<void> = js
      .publish(m.subject, m.payload, { timeout: 10_000 })
      .then(
        () => {
          totals.acked++;
        },
        (error: unknown) => {
          totals.failed++;
          const key = (error as Error).message.slice(0, 120);
          totals.failures[key] = (totals.failures[key] ?? 0) + 1;
        },
      )
      .finally(() => inFlight.delete(publish));
    inFlight.add(publish);
    if (inFlight.size >= 128) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return totals;
}

/**
 * Publishes on core NATS, flushing every 200 messages (nats.js buffers outbound without a bound).
 *
 * @example
 * await publishCore(nc, malformedControls({ ... }), (m) => count(m.subject));
 */
export async function publishCore(
  nc: NatsConnection,
  messages: Iterable<MalformedMessage>,
  each: (m: MalformedMessage) => void,
): Promise<{ sent: number }> {
  let sent = 0;
  for (const m of messages) {
    nc.publish(m.subject, m.payload);
    each(m);
    if (++sent % 200 === 0) await nc.flush();
  }
  await nc.flush();
  return { sent };
}

/**
 * Sends the sink one valid closed candle: `answered`, or why not.
 *
 * @example
 * await sinkAnswers(nc); // 'answered'
 */
export async function sinkAnswers(nc: NatsConnection): Promise<string> {
  const candle = {
    v: 1,
    symbol: 'S0000',
    tf: '1m',
    start: Date.UTC(2026, 0, 5, 14, 30),
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
    trades: 1,
    closed: true,
  } as const;
  return nc.request(sinkSubject, encodeCandle(candle), { timeout: 2_000 }).then(
    () => 'answered',
    (error: unknown) => (error as Error).message,
  );
}

/**
 * The sum of a count record.
 *
 * @example
 * sumValues({ a: 1, b: 2 }); // 3
 */
export function sumValues(record: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const n of Object.values(record)) total += n;
  return total;
}

/**
 * `k n, k n` by count, largest first, for notes.
 *
 * @example
 * formatCounts({ a: 1, b: 2 }); // 'b 2, a 1'
 */
export function formatCounts(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}
