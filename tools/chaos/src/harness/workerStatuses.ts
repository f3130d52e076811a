import { systemSubjects } from '@ballast/protocol';
import { decodeQuery, type WorkerStatus } from '@ballast/runtime';
import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Asks `sys.workers` and collects every live worker's status for `maxWaitMs` (each worker
 * answers), or until `expected` answered; sorted by worker id. An empty list when no worker
 * answers.
 *
 * @example
 * const statuses = await workerStatuses(nc);
 * statuses.flatMap((s) => s.partitions); // owned partitions
 */
export async function workerStatuses(
  nc: NatsConnection,
  options: { readonly maxWaitMs?: number; readonly expected?: number } = {},
): Promise<WorkerStatus[]> {
  const byId = new Map<string, WorkerStatus>();
  const maxWait = options.maxWaitMs ?? 300;
  try {
    const replies = await nc.requestMany(
      systemSubjects.workers,
      new Uint8Array(0),
      options.expected === undefined
        ? { strategy: 'timer', maxWait }
        : { strategy: 'count', maxMessages: options.expected, maxWait },
    );
    for await (const msg of replies) {
      try {
        const status = decodeQuery(msg.data) as WorkerStatus;
        if (typeof status?.worker === 'string') byId.set(status.worker, status);
      } catch {
        // Not a status: ignored, the caller sees fewer workers.
      }
    }
  } catch {
    return [];
  }
  return [...byId.values()].sort((a, b) => (a.worker < b.worker ? -1 : 1));
}

/**
 * Sum of a numeric field over statuses.
 *
 * @example
 * sumOf(statuses, (s) => s.ticksFolded);
 */
export function sumOf(
  statuses: readonly WorkerStatus[],
  field: (s: WorkerStatus) => number,
): number {
  let total = 0;
  for (const s of statuses) total += field(s);
  return total;
}

/**
 * One line per worker (partitions, lag, folded, breakers), for failure details.
 *
 * @example
 * row.check('digests equal', ok, `${mismatches}; ${await describeWorkers(nc)}`);
 */
export async function describeWorkers(nc: NatsConnection): Promise<string> {
  const statuses = await workerStatuses(nc);
  if (statuses.length === 0) return 'no worker answers sys.workers';
  return statuses
    .map(
      (s) =>
        `${s.worker}: partitions [${s.partitions.join(',')}] lag ${s.lag} folded ${s.ticksFolded} live ${s.liveActors} errors ${s.errors} connection ${s.connection}`,
    )
    .join(' | ');
}
