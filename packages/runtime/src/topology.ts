import {
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { InvalidRuntimeOptionError, TopologyConflictError } from './errors.js';
import { retryTransient } from './nats/retryTransient.js';

/** Names of the stream and buckets a Ballast cluster uses. */
export const topologyNames = Object.freeze({
  ticks: 'TICKS',
  tickSubjects: 'md.tick.>',
  snapshots: 'snapshots',
  leases: 'leases',
  instruments: 'instruments',
} as const);

/** Limits of the tick log and the buckets; every one explicit, none left to server defaults. */
export interface TopologyOptions {
  /** Copies of each stream: 1 on one node, 3 on a cluster. Default 1. */
  readonly replicas?: number;
  /** How long ticks stay in the log. Default 24 h. */
  readonly ticksMaxAgeMs?: number;
  /** Bytes the tick log may hold; the oldest are discarded beyond. Default 1 GiB. */
  readonly ticksMaxBytes?: number;
  /** A republished `msgID` within this window is a duplicate, not a copy. Default 2 min. */
  readonly duplicateWindowMs?: number;
  /** Bytes the snapshot bucket may hold (one revision per key). Default 512 MiB. */
  readonly snapshotsMaxBytes?: number;
  /** Partition lease time-to-live: the leases bucket's max age. Default 10 s. */
  readonly leaseTtlMs?: number;
  /** Bytes the instrument registry may hold. Default 64 MiB. */
  readonly instrumentsMaxBytes?: number;
  /** `file` (default) or `memory` (benchmarks). */
  readonly storage?: 'file' | 'memory';
}

/** Topology options with every default applied. */
export type ResolvedTopology = Required<TopologyOptions>;

/** The opened buckets. */
export interface Topology {
  readonly options: ResolvedTopology;
  readonly snapshots: KV;
  readonly leases: KV;
  readonly instruments: KV;
}

const MiB = 1024 * 1024;

/**
 * Applies defaults and checks ranges.
 *
 * @throws {InvalidRuntimeOptionError} naming the option
 * @example
 * resolveTopology({ replicas: 3 }).leaseTtlMs; // 10_000
 */
export function resolveTopology(options: TopologyOptions = {}): ResolvedTopology {
  const resolved: ResolvedTopology = {
    replicas: options.replicas ?? 1,
    ticksMaxAgeMs: options.ticksMaxAgeMs ?? 24 * 3_600_000,
    ticksMaxBytes: options.ticksMaxBytes ?? 1024 * MiB,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    snapshotsMaxBytes: options.snapshotsMaxBytes ?? 512 * MiB,
    leaseTtlMs: options.leaseTtlMs ?? 10_000,
    instrumentsMaxBytes: options.instrumentsMaxBytes ?? 64 * MiB,
    storage: options.storage ?? 'file',
  };
  if (![1, 3, 5].includes(resolved.replicas)) {
    throw new InvalidRuntimeOptionError('replicas', resolved.replicas, '1, 3 or 5');
  }
  for (const key of [
    'ticksMaxAgeMs',
    'ticksMaxBytes',
    'duplicateWindowMs',
    'snapshotsMaxBytes',
    'instrumentsMaxBytes',
  ] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new InvalidRuntimeOptionError(key, value, 'a positive integer');
    }
  }
  // Below 1 s the server's expiry sweep and the heartbeat cadence (TTL / 3) get too coarse.
  if (!Number.isSafeInteger(resolved.leaseTtlMs) || resolved.leaseTtlMs < 1_000) {
    throw new InvalidRuntimeOptionError('leaseTtlMs', resolved.leaseTtlMs, 'an integer >= 1000');
  }
  if (resolved.duplicateWindowMs > resolved.ticksMaxAgeMs) {
    throw new InvalidRuntimeOptionError(
      'duplicateWindowMs',
      resolved.duplicateWindowMs,
      `at most ticksMaxAgeMs (${resolved.ticksMaxAgeMs})`,
    );
  }
  return resolved;
}

/**
 * Creates the tick log and the three buckets, or brings existing ones to the given limits.
 * Idempotent: every worker and `ballast up` call it at start, also at the same moment on a
 * fresh server (a create that lost that race is tried again). Uses nats-server 2.9 features
 * only.
 *
 * @throws {TopologyConflictError} when `TICKS` exists with other subjects
 * @example
 * const { snapshots, leases } = await ensureTopology(nc, jsm, { replicas: 3 });
 */
export async function ensureTopology(
  nc: NatsConnection,
  jsm: JetStreamManager,
  options: TopologyOptions = {},
): Promise<Topology> {
  return retryTransient(() => setUpTopology(nc, jsm, options), {
    what: 'creating streams and buckets',
    withinMs: 2_000,
    retryable: isStorageRace,
  });
}

// Workers starting together on a fresh server race to create the same streams, and
// nats-server 2.9 may refuse the losers with "insufficient storage resources" (JetStream error
// 10047), counting the stream's reservation once per creator. Once the winner's streams exist
// the same calls find them. A server that is really too small still fails, ~2 s later.
function isStorageRace(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'JetStreamApiError' &&
    (error as { code?: number }).code === 10047
  );
}

async function setUpTopology(
  nc: NatsConnection,
  jsm: JetStreamManager,
  options: TopologyOptions,
): Promise<Topology> {
  const o = resolveTopology(options);
  const storage = o.storage === 'memory' ? StorageType.Memory : StorageType.File;
  await ensureStream(jsm, {
    name: topologyNames.ticks,
    subjects: [topologyNames.tickSubjects],
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(o.ticksMaxAgeMs),
    max_bytes: o.ticksMaxBytes,
    duplicate_window: nanos(o.duplicateWindowMs),
    num_replicas: o.replicas,
    storage,
  });
  const kvm = new Kvm(nc);
  const bucket = async (
    name: string,
    limits: { history: number; maxBytes: number; ttl?: number; leaderReads?: boolean },
  ) => {
    const kv = await kvm.create(name, {
      history: limits.history,
      max_bytes: limits.maxBytes,
      replicas: o.replicas,
      storage,
      ...(limits.ttl === undefined ? {} : { ttl: limits.ttl }),
      ...(limits.leaderReads ? { allow_direct: false } : {}),
    });
    // Kvm.create binds an existing bucket as it is; bring its limits to the configured ones.
    await ensureStream(jsm, {
      name: `KV_${name}`,
      max_bytes: limits.maxBytes,
      max_msgs_per_subject: limits.history,
      max_age: nanos(limits.ttl ?? 0),
      num_replicas: o.replicas,
    });
    return kv;
  };
  return {
    options: o,
    snapshots: await bucket(topologyNames.snapshots, { history: 1, maxBytes: o.snapshotsMaxBytes }),
    leases: await bucket(topologyNames.leases, {
      history: 1,
      maxBytes: 8 * MiB,
      ttl: o.leaseTtlMs,
      // Reads through the stream leader. A direct get may be answered by a replica that is
      // still catching up after a restart: a worker then read its own lease at an old revision,
      // called it lost, and partitions churned for as long as the replica lagged.
      leaderReads: true,
    }),
    instruments: await bucket(topologyNames.instruments, {
      history: 5,
      maxBytes: o.instrumentsMaxBytes,
    }),
  };
}

const limitKeys = [
  'max_age',
  'max_bytes',
  'duplicate_window',
  'num_replicas',
  'max_msgs_per_subject',
] as const;

async function ensureStream(
  jsm: JetStreamManager,
  wanted: Partial<StreamConfig> & { name: string },
): Promise<void> {
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(wanted.name)).config;
  } catch (error) {
    if ((error as Error).message !== 'stream not found') throw error;
    await jsm.streams.add(wanted);
    return;
  }
  if (wanted.subjects && !sameSubjects(current.subjects, wanted.subjects)) {
    throw new TopologyConflictError(
      `stream ${wanted.name}`,
      `exists with subjects ${JSON.stringify(current.subjects)}, Ballast needs ` +
        `${JSON.stringify(wanted.subjects)}; delete it or point Ballast at another server`,
    );
  }
  const changed = limitKeys.filter((k) => wanted[k] !== undefined && wanted[k] !== current[k]);
  if (changed.length === 0) return;
  const update: Partial<StreamConfig> = {};
  for (const k of changed) Object.assign(update, { [k]: wanted[k] });
  await jsm.streams.update(wanted.name, update);
}

function sameSubjects(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((s, i) => s === b[i]);
}
