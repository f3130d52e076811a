import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';

/**
 * Publishes with one msgID until the stream acknowledges it. During a leader election the
 * server has no responder for the stream (nats.js reports it as JetStreamNotEnabled), so the
 * publish is retried; the msgID makes a retry of a publish that did land a duplicate, not a copy.
 */
export async function publishWithRetry(
  js: JetStreamClient,
  subject: string,
  data: string,
  msgID: string,
  timeoutMs: number,
): Promise<{ retries: number; duplicate: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (let retries = 0; ; retries++) {
    try {
      const ack = await js.publish(subject, data, { msgID, timeout: 2_000 });
      return { retries, duplicate: ack.duplicate };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}
