import { hostname } from 'node:os';
import type { SupervisorInput } from '@ballast/machines';
import { maxPartitions } from '@ballast/protocol';
import {
  type ResolvedSymbolActorOptions,
  resolveSymbolActorOptions,
  type SymbolActorOptions,
} from '../actors/symbolHostOptions.js';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TopologyOptions } from '../topology.js';

/** Options of a {@link Worker}. Only `servers` is required. */
export interface WorkerOptions {
  /** Every NATS server URL of the cluster. */
  readonly servers: string | readonly string[];
  /** Unique, stable across restarts (breaker state is kept under it). Default `<host>-<pid>`. */
  readonly workerId?: string;
  /** Partition count `P`; every publisher and worker must agree. Default 16. */
  readonly partitions?: number;
  readonly topology?: TopologyOptions;
  readonly actors?: SymbolActorOptions;
  readonly log?: Logger;
  /** nats.js connection options for credentials (`user`/`pass`, `authenticator`, `tls`). */
  readonly auth?: Readonly<Record<string, unknown>>;
  /** How often each partition's acknowledged floor is stored. Default 1 s. */
  readonly checkpointIntervalMs?: number;
  /** How often idle actors are passivated and presence is published. Default 2 s. */
  readonly housekeepingMs?: number;
  /** Janitor period. Default 60 s. */
  readonly janitorIntervalMs?: number;
  /** `/metrics` and `/healthz`: `false` for none. Default loopback, a free port. */
  readonly http?: false | { readonly host?: string; readonly port?: number };
  /** Messages each partition consumer pulls ahead of its fold. Default 512. */
  readonly pullBatch?: number;
  /** Dead-letter ticks of symbols that are not in the instrument registry. Default false. */
  readonly requireRegistered?: boolean;
  /** Candle sink options: its breaker and queue. */
  readonly sink?: {
    readonly queueCapacity?: number;
    readonly concurrency?: number;
    readonly timeoutMs?: number;
    readonly failureThreshold?: number;
    readonly resetTimeoutMs?: number;
  };
  readonly supervisor?: SupervisorInput;
}

/** {@link WorkerOptions} with defaults applied. */
export interface ResolvedWorkerOptions {
  readonly servers: readonly string[];
  readonly workerId: string;
  readonly partitions: number;
  readonly topology: TopologyOptions;
  readonly actors: ResolvedSymbolActorOptions;
  readonly auth: Readonly<Record<string, unknown>>;
  readonly checkpointIntervalMs: number;
  readonly housekeepingMs: number;
  readonly janitorIntervalMs: number;
  readonly http: false | { readonly host: string; readonly port: number };
  readonly pullBatch: number;
  readonly requireRegistered: boolean;
  readonly sink: NonNullable<WorkerOptions['sink']>;
  readonly supervisor: SupervisorInput;
}

const workerIdPattern = /^[-_a-zA-Z0-9]{1,64}$/;

/**
 * Applies defaults and checks every option, naming the bad one.
 *
 * @throws {InvalidRuntimeOptionError}
 * @example
 * resolveWorkerOptions({ servers: 'nats://127.0.0.1:4222' }).partitions; // 16
 */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0) {
    throw new InvalidRuntimeOptionError('servers', '[]', 'at least one NATS URL');
  }
  const workerId =
    options.workerId ?? `${hostname().replace(/[^-_a-zA-Z0-9]/g, '_')}-${process.pid}`;
  if (!workerIdPattern.test(workerId)) {
    throw new InvalidRuntimeOptionError('workerId', workerId, 'letters, digits, - and _, 1 to 64');
  }
  const partitions = options.partitions ?? 16;
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > maxPartitions) {
    throw new InvalidRuntimeOptionError('partitions', partitions, `an integer 1..${maxPartitions}`);
  }
  const resolved: ResolvedWorkerOptions = {
    servers,
    workerId,
    partitions,
    topology: options.topology ?? {},
    actors: resolveSymbolActorOptions(options.actors),
    auth: options.auth ?? {},
    checkpointIntervalMs: options.checkpointIntervalMs ?? 1_000,
    housekeepingMs: options.housekeepingMs ?? 2_000,
    janitorIntervalMs: options.janitorIntervalMs ?? 60_000,
    http:
      options.http === false
        ? false
        : { host: options.http?.host ?? '127.0.0.1', port: options.http?.port ?? 0 },
    pullBatch: options.pullBatch ?? 512,
    requireRegistered: options.requireRegistered ?? false,
    sink: options.sink ?? {},
    supervisor: options.supervisor ?? {},
  };
  for (const key of [
    'checkpointIntervalMs',
    'housekeepingMs',
    'janitorIntervalMs',
    'pullBatch',
  ] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidRuntimeOptionError(key, value, 'an integer >= 1');
    }
  }
  return resolved;
}
