import { systemSubjects } from '@ballast/protocol';
import { decodeQuery } from '@ballast/runtime';
import type { NatsConnection } from '@nats-io/nats-core';
import { isNoResponders } from './natsFailure.js';
import { requestFailure } from './querySymbol.js';
import { parseWorkerStatus, type WorkerStatusReply } from './workerStatusReply.js';

/** Options of {@link requestWorkers}. */
export interface RequestWorkersOptions {
  /** How long to collect replies: every live worker answers. Default 300 ms. */
  readonly maxWaitMs?: number;
  /** Most replies kept; more are counted in `extra`. Default 1,000. */
  readonly maxWorkers?: number;
}

/** What one `sys.workers` round returned. */
export interface WorkersRound {
  /** Valid replies, sorted by worker id; one per worker (the newest if one answered twice). */
  readonly workers: readonly WorkerStatusReply[];
  /** Replies that were not a worker status. */
  readonly invalid: number;
  /** Valid replies beyond `maxWorkers`, not kept. */
  readonly extra: number;
}

/**
 * Sends one `sys.workers` request and collects every worker's reply for `maxWaitMs`. No
 * responders means no worker is running: an empty round, not an error.
 *
 * @throws {CliError} when the request itself fails (permission, closed connection)
 * @example
 * const { workers } = await requestWorkers(nc);
 * workers.map((w) => w.worker); // ['w1', 'w2']
 */
export async function requestWorkers(
  nc: NatsConnection,
  options: RequestWorkersOptions = {},
): Promise<WorkersRound> {
  const maxWaitMs = options.maxWaitMs ?? 300;
  const maxWorkers = options.maxWorkers ?? 1_000;
  const byId = new Map<string, WorkerStatusReply>();
  let invalid = 0;
  let extra = 0;
  try {
    const replies = await nc.requestMany(systemSubjects.workers, new Uint8Array(0), {
      strategy: 'timer',
      maxWait: maxWaitMs,
    });
    for await (const msg of replies) {
      let status: WorkerStatusReply | null = null;
      try {
        status = parseWorkerStatus(decodeQuery(msg.data));
      } catch {
        status = null;
      }
      if (status === null) invalid++;
      else if (byId.has(status.worker) || byId.size < maxWorkers) byId.set(status.worker, status);
      else extra++;
    }
  } catch (error) {
    if (!isNoResponders(error))
      throw requestFailure(error, systemSubjects.workers, 'workers', maxWaitMs);
  }
  const workers = [...byId.values()].sort((a, b) => (a.worker < b.worker ? -1 : 1));
  return { workers, invalid, extra };
}
