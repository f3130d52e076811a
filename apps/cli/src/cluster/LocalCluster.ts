import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Gateway, startGateway } from '@ballast/dashboard';
import { NatsServer, reapOwnedServers, startNatsCluster } from '@ballast/nats';
import { encodeInstrumentRecord, ensureTopology, type InstrumentRecord } from '@ballast/runtime';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { CliError } from '../cli/CliError.js';
import type { RoleName } from '../config/cliConfig.js';
import {
  readClusterFile,
  removeClusterFile,
  staleClusterPid,
  writeClusterFile,
} from '../config/clusterFile.js';
import { type Credentials, credentialsPath } from '../nats/credentials.js';
import { renderAuthorization } from '../security/roles.js';
import { ClusterWatch } from './ClusterWatch.js';
import { ensureClusterCredentials } from './clusterCredentials.js';
import { ManagedProcess } from './ManagedProcess.js';

/** What `ballast up` runs. */
export interface LocalClusterOptions {
  /** Absolute data dir: JetStream store, credentials, logs, cluster.json. */
  readonly dataDir: string;
  readonly workers: number;
  /** Embedded nats-server nodes (1, or 3 for a JetStream cluster); ignored with `external`. */
  readonly natsNodes: number;
  /** Use these servers instead of starting one; `creds` is passed to every child. */
  readonly external?: { readonly servers: readonly string[]; readonly creds?: string };
  readonly partitions: number;
  /** The simulated feed, or `null` for none. */
  readonly feed: { readonly symbols: number; readonly rate: number; readonly seed: number } | null;
  readonly sink: boolean;
  /** The dashboard's port on 127.0.0.1 (0: any free one), or `null` for no dashboard. */
  readonly dashboardPort: number | null;
  readonly maxLiveActors?: number;
  /** The instruments to register on a first start (empty registry). */
  readonly instruments: readonly InstrumentRecord[];
  /** A child crashed (it is restarted with backoff). */
  readonly onCrash?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

type Nats = NatsServer | Awaited<ReturnType<typeof startNatsCluster>>;

const workerBin = fileURLToPath(
  new URL('../bin/ballast-worker.js', import.meta.resolve('@ballast/runtime')),
);
const cliBin = fileURLToPath(new URL('../../bin/ballast.js', import.meta.url));

/**
 * A local Ballast cluster: nats-server (embedded, one node or three, with a user per role),
 * streams and buckets, the instrument registry seeded, N workers, the simulated feed and the
 * sink as supervised child processes. {@link LocalCluster.stop} shuts down in order — feed,
 * workers (final snapshots, leases released), sink, nats-server — and leaves no process.
 *
 * @example
 * const cluster = await LocalCluster.start({ dataDir, workers: 2, natsNodes: 1, ... });
 * console.log(cluster.natsUrls);
 * await cluster.stop();
 */
export class LocalCluster {
  readonly natsUrls: readonly string[];
  readonly watch: ClusterWatch;
  readonly workers: readonly ManagedProcess[];
  readonly feed: ManagedProcess | null;
  readonly sink: ManagedProcess | null;
  /** The dashboard gateway (runs in this process), if any. */
  readonly gateway: Gateway | null;
  readonly #o: LocalClusterOptions;
  readonly #nats: Nats | null;
  readonly #nc: NatsConnection;
  #stopped: Promise<void> | null = null;

  private constructor(
    options: LocalClusterOptions,
    nats: Nats | null,
    nc: NatsConnection,
    urls: readonly string[],
    children: {
      workers: ManagedProcess[];
      feed: ManagedProcess | null;
      sink: ManagedProcess | null;
    },
    gateway: Gateway | null,
  ) {
    this.#o = options;
    this.#nats = nats;
    this.#nc = nc;
    this.natsUrls = urls;
    this.watch = new ClusterWatch(nc);
    this.workers = children.workers;
    this.feed = children.feed;
    this.sink = children.sink;
    this.gateway = gateway;
  }

  /**
   * Starts everything; on any failure stops what already started.
   * @throws {CliError} another `ballast up` runs on this data dir, or a part failed to start
   */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const { dataDir } = options;
    const running = readClusterFile(dataDir);
    if (running !== null) {
      throw new CliError(
        `a cluster is already running on ${dataDir} (ballast up, pid ${running.pid}); stop it first or use another --data-dir`,
      );
    }
    const stale = staleClusterPid(dataDir);
    // A `ballast up` killed with SIGKILL left its nats-server holding the store: end it.
    if (stale !== null) await reapOwnedServers(`p${stale}`);
    await mkdir(join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
    const users = options.external ? null : await ensureClusterCredentials(dataDir);
    let nats: Nats | null = null;
    let nc: NatsConnection | null = null;
    const children: ManagedProcess[] = [];
    let gateway: Gateway | null = null;
    try {
      nats = users === null ? null : await startNats(options, users);
      const urls = options.external?.servers ?? natsUrls(nats as Nats);
      const admin = users?.get('admin');
      nc = await connect({
        servers: [...urls],
        name: 'ballast up',
        maxReconnectAttempts: -1,
        ...(admin && { user: admin.user, pass: admin.password }),
      });
      const replicas = options.natsNodes >= 3 && !options.external ? 3 : 1;
      const topology = await ensureTopology(nc, await jetstreamManager(nc), { replicas });
      const status = await topology.instruments.status();
      if (status.values === 0) {
        for (const record of options.instruments) {
          await topology.instruments.put(record.symbol, encodeInstrumentRecord(record));
        }
      }
      if (options.dashboardPort !== null) {
        const creds = users?.get('gateway');
        gateway = await startDashboard(options.dashboardPort, {
          servers: urls,
          partitions: options.partitions,
          ...(creds && { auth: { user: creds.user, pass: creds.password } }),
        });
      }
      await writeClusterFile(dataDir, {
        v: 1,
        pid: process.pid,
        nats: [...urls],
        dashboard: gateway?.url ?? null,
        partitions: options.partitions,
        startedAt: Date.now(),
      });
      // Every child connects to the same servers as its role.
      const credsFlags = (role: RoleName): string[] =>
        options.external?.creds !== undefined
          ? ['--creds', options.external.creds]
          : users !== null
            ? ['--creds', credentialsPath(dataDir, role)]
            : [];
      const natsFlags = (role: RoleName) => ['--nats', urls.join(','), ...credsFlags(role)];
      const cliArgs = (role: RoleName) => ['--data-dir', dataDir, ...natsFlags(role)];
      const env = { BALLAST_PARTITIONS: String(options.partitions) };
      const managed = (
        name: string,
        script: string,
        args: string[],
        ready?: (l: string) => boolean,
      ) => {
        const child = new ManagedProcess({
          name,
          script,
          args,
          env,
          logFile: join(dataDir, 'logs', `${name}.log`),
          ...(ready && { ready }),
          ...(options.onCrash && { onCrash: options.onCrash }),
        });
        children.push(child);
        return child;
      };
      const sink = options.sink ? managed('sink', cliBin, ['sink', ...cliArgs('sink')]) : null;
      const workers = Array.from({ length: options.workers }, (_, i) =>
        managed(
          `worker-${i + 1}`,
          workerBin,
          [
            ...natsFlags('worker'),
            '--id',
            `w${i + 1}`,
            '--partitions',
            String(options.partitions),
            '--replicas',
            String(replicas),
            '--http-port',
            '0',
            ...(options.maxLiveActors ? ['--max-live', String(options.maxLiveActors)] : []),
          ],
          (line) => line.includes('"event":"started"'),
        ),
      );
      await sink?.start();
      await Promise.all(workers.map((w) => w.start()));
      const feed =
        options.feed === null
          ? null
          : managed('feed', cliBin, [
              'feed',
              ...cliArgs('feed'),
              '--symbols',
              String(options.feed.symbols),
              '--rate',
              String(options.feed.rate),
              '--seed',
              String(options.feed.seed),
            ]);
      await feed?.start();
      return new LocalCluster(options, nats, nc, urls, { workers, feed, sink }, gateway);
    } catch (error) {
      await gateway?.stop();
      await Promise.all(children.map((c) => c.stop(5_000)));
      await nc?.close();
      await nats?.[Symbol.asyncDispose]();
      await removeClusterFile(dataDir);
      if (error instanceof CliError) throw error;
      throw new CliError(`ballast up failed: ${(error as Error).message}`, 1, { cause: error });
    }
  }

  /** Child crashes since start (each restarted with backoff). */
  get crashes(): number {
    let n = 0;
    for (const c of [...this.workers, this.feed, this.sink]) n += c?.counters.crashes ?? 0;
    return n;
  }

  /** Stops everything in order; safe to call twice. */
  stop(): Promise<void> {
    for (const child of [...this.workers, this.feed, this.sink]) child?.expectExit();
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    // The dashboard and feed first, so the workers fold what was published; then the workers,
    // which write their final snapshots and release their leases; the sink last, as workers
    // flush to it.
    await this.gateway?.stop();
    await this.feed?.stop(5_000);
    await Promise.all(this.workers.map((w) => w.stop(20_000)));
    await this.sink?.stop(5_000);
    this.watch.stop();
    // With NATS gone, drain fails and the connection would go on reconnecting (no limit),
    // keeping this process alive after "stopped.": close it then.
    await this.#nc.drain().catch(() => this.#nc.close());
    await this.#nats?.[Symbol.asyncDispose]();
    await removeClusterFile(this.#o.dataDir);
  }
}

async function startNats(
  options: LocalClusterOptions,
  users: ReadonlyMap<RoleName, Credentials>,
): Promise<Nats> {
  const extraConfig = renderAuthorization(users);
  if (options.natsNodes >= 3) {
    return startNatsCluster({
      size: options.natsNodes,
      storeDir: join(options.dataDir, 'nats-cluster'),
      extraConfig,
      ownProcessGroup: true,
    });
  }
  // Its own process group: stopped last, after the workers wrote their final snapshots.
  return NatsServer.start({
    storeDir: join(options.dataDir, 'nats'),
    extraConfig,
    ownProcessGroup: true,
  });
}

const defaultDashboardPort = 4280;

// The default port may be taken (another cluster, another app): any free port then, since the
// banner and cluster.json say where it is. A port the user asked for is not replaced.
async function startDashboard(
  port: number,
  options: Omit<Parameters<typeof startGateway>[0], 'port'>,
): Promise<Gateway> {
  try {
    return await startGateway({ ...options, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port !== defaultDashboardPort) {
      throw error;
    }
    return startGateway({ ...options, port: 0 });
  }
}

export { defaultDashboardPort };

function natsUrls(nats: Nats): string[] {
  return nats instanceof NatsServer ? [nats.url] : nats.urls;
}
