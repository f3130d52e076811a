import type { WorkerStatus } from '@ballast/runtime';

/**
 * A worker's `sys.workers` entry as `ballast top` reads it: {@link WorkerStatus}, with the
 * counters older workers did not send yet made optional (a mixed-version cluster still shows).
 */
export interface WorkerStatusReply
  extends Omit<WorkerStatus, 'sinkDropped' | 'deadLetters' | 'errors'> {
  /** Closed candles the sink breaker dropped (OPEN, or its queue full). */
  readonly sinkDropped?: number;
  /** Dead letters reported since the worker started. */
  readonly deadLetters?: number;
  /** Errors reported since the worker started. */
  readonly errors?: number;
}

const numberFields = [
  'at',
  'startedAt',
  'liveActors',
  'retiringActors',
  'ticksFolded',
  'lag',
  'rss',
  'heapUsed',
] as const;
const optionalNumberFields = ['sinkDropped', 'deadLetters', 'errors'] as const;

/**
 * Checks a decoded `sys.workers` reply; `null` when it is not a worker status (another
 * version, or something else answering on the subject), so one odd reply cannot break `top`.
 *
 * @example
 * const status = parseWorkerStatus(decodeQuery(msg.data));
 * if (status === null) invalid++;
 */
export function parseWorkerStatus(value: unknown): WorkerStatusReply | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.v !== 1 || typeof v.worker !== 'string' || v.worker === '') return null;
  for (const field of numberFields) if (!Number.isFinite(v[field])) return null;
  for (const field of optionalNumberFields) {
    if (v[field] !== undefined && !Number.isFinite(v[field])) return null;
  }
  if (!Array.isArray(v.partitions) || !v.partitions.every(Number.isInteger)) return null;
  if (typeof v.breakers !== 'object' || v.breakers === null) return null;
  if (!Object.values(v.breakers).every(Number.isFinite)) return null;
  return value as WorkerStatusReply;
}
