import { setTimeout as sleep } from 'node:timers/promises';
import { systemSubjects } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { decodeQuery, encodeQuery, type WorkerStatus } from '../src/index.js';
import { querySymbol } from '../test/harness/digests.js';

/** A worker's `sys.workers` entry by request/reply; `undefined` when none answered in time. */
export async function requestStatus(
  nc: NatsConnection,
  timeoutMs = 500,
): Promise<WorkerStatus | undefined> {
  try {
    const msg = await nc.request(systemSubjects.workers, encodeQuery({}), { timeout: timeoutMs });
    return decodeQuery(msg.data) as WorkerStatus;
  } catch {
    return undefined;
  }
}

/**
 * Polls every 10 ms from `since` until the cluster serves: a worker reports all `partitions`
 * in `sys.workers`, and a query of each probe symbol (one per partition) has been answered
 * with `found === expectFound` (a probe answered once is not asked again; each query may take
 * up to 3 s, as a client would wait). Returns the milliseconds it took, or `Infinity` and
 * what was missing when it did not serve within `timeoutMs`.
 */
export async function timeToServe(
  nc: NatsConnection,
  partitions: number,
  probes: readonly string[],
  expectFound: boolean,
  timeoutMs: number,
  since = performance.now(),
): Promise<{ ms: number; why?: string }> {
  const waiting = new Set(probes);
  let listed = false;
  let why = '';
  for (;;) {
    if (!listed) {
      const status = await requestStatus(nc, 1_000);
      listed = status?.partitions.length === partitions;
      why = status
        ? `sys.workers lists ${status.partitions.length} of ${partitions} partitions`
        : 'no answer on sys.workers';
    }
    if (listed) {
      await Promise.all(
        [...waiting].map(async (symbol) => {
          const reply = await querySymbol(nc, symbol, 3_000);
          if (reply?.found === expectFound) waiting.delete(symbol);
        }),
      );
      why = `${probes.length - waiting.size} of ${probes.length} probe queries answered found: ${expectFound}`;
    }
    const ms = performance.now() - since;
    if (listed && waiting.size === 0) return { ms };
    if (ms > timeoutMs) return { ms: Number.POSITIVE_INFINITY, why };
    await sleep(10);
  }
}

/** Sums the samples of `ballast_<name>` in a worker's `/metrics` page. */
export async function scrapeCounter(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^ballast_(\w+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[2]);
  }
  return sum;
}
