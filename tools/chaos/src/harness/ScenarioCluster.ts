import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { type CliProcess, startCli } from './cliProcess.js';
import { connectRunner } from './connectRunner.js';
import { PacedFeed, type PacedFeedOptions } from './PacedFeed.js';
import { silentPartitions } from './partitionProbes.js';
import type { ResourceStack } from './ResourceStack.js';
import { RssSampler } from './RssSampler.js';
import { SinkStatsWatch } from './SinkStatsWatch.js';
import { probeSymbols, type SeededTicksOptions, seededTicks, symbolNames } from './seededTicks.js';
import { tempDir } from './tempDir.js';
import { WorkerFleet } from './WorkerFleet.js';
import { waitFor } from './waitFor.js';

/** Options of {@link ScenarioCluster.start}. */
export interface ScenarioClusterOptions {
  /** The nats-server(s) the scenario started. */
  readonly servers: readonly string[];
  /** The runner's own user, on a server with users. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Credentials file every worker connects with (`--creds`), on a server with users. */
  readonly workerCreds?: string;
  readonly partitions: number;
  /** Worker ids, started at once. */
  readonly workers: readonly string[];
  /** More worker flags (`--lease-ttl-ms`, ...), after `--partitions`. */
  readonly workerArgs?: readonly string[];
  /** Whether each worker serves `/metrics` (on a free port), for `fleetMetrics`. Default false. */
  readonly metrics?: boolean;
  /** How many symbols (`S0000`..) the feed uses and the probes are drawn from. */
  readonly symbols: number;
}

/** Options of {@link ScenarioCluster.startFeed}: a {@link PacedFeed} of seeded ticks. */
export type ClusterFeedOptions = Omit<PacedFeedOptions, 'js' | 'partitions' | 'ticks'> &
  Pick<SeededTicksOptions, 'seed' | 'stepMs'>;

/** `ballast sink` as `ballast up` runs it, and the counters it publishes on `sys.sink`. */
export interface ClusterSink {
  readonly process: CliProcess;
  readonly stats: SinkStatsWatch;
}

/**
 * What every scenario but `permissions` runs against: the runner's connection, the RSS
 * sampler, a fleet of worker processes, and the symbols with one probe per partition. Each
 * piece, and the sink and feed its methods start, is registered on the scenario's
 * {@link ResourceStack}, so a failure half-way still leaves nothing running. The nats-server
 * is the scenario's own (plain, with users, a cluster, a tighter write deadline): it starts
 * that first and passes the URLs.
 *
 * @example
 * await using resources = new ResourceStack();
 * const server = resources.add(await NatsServer.start());
 * const cluster = await ScenarioCluster.start(resources, {
 *   servers: [server.url],
 *   partitions: 4,
 *   workers: ['w1', 'w2'],
 *   symbols: 40,
 * });
 * await cluster.untilEveryPartitionAnswers();
 * const feed = cluster.startFeed({ seed: 9, rate: 300, feed: 'good' });
 */
export class ScenarioCluster {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly rss: RssSampler;
  readonly fleet: WorkerFleet;
  readonly partitions: number;
  readonly names: readonly string[];
  /** One symbol per partition, to ask each partition's owner. */
  readonly probes: readonly string[];
  readonly #resources: ResourceStack;
  readonly #servers: readonly string[];

  private constructor(
    resources: ResourceStack,
    options: ScenarioClusterOptions,
    nc: NatsConnection,
    rss: RssSampler,
    fleet: WorkerFleet,
  ) {
    this.#resources = resources;
    this.#servers = options.servers;
    this.nc = nc;
    this.js = jetstream(nc);
    this.rss = rss;
    this.fleet = fleet;
    this.partitions = options.partitions;
    this.names = symbolNames(options.symbols);
    this.probes = probeSymbols(this.names, options.partitions);
  }

  /** Connects the runner and starts the workers (their RSS sampled from the start). */
  static async start(
    resources: ResourceStack,
    options: ScenarioClusterOptions,
  ): Promise<ScenarioCluster> {
    const nc = await connectRunner(options.servers, options.auth);
    resources.defer(() => nc.close());
    const rss = resources.add(RssSampler.start());
    const fleet = resources.add(
      new WorkerFleet({
        servers: options.servers,
        rss,
        ...(options.workerCreds !== undefined && { creds: options.workerCreds }),
        args: [
          '--partitions',
          String(options.partitions),
          ...(options.workerArgs ?? []),
          ...(options.metrics ? ['--http-port', '0'] : []),
        ],
      }),
    );
    await fleet.startAll(options.workers);
    return new ScenarioCluster(resources, options, nc, rss, fleet);
  }

  /**
   * Whether every partition's owner answers a query within `timeoutMs` (one probe round).
   *
   * @example
   * const recovered = await pollUntil(() => cluster.everyPartitionAnswers(300), 30_000, 20);
   */
  async everyPartitionAnswers(timeoutMs: number): Promise<boolean> {
    return (await silentPartitions(this.nc, this.probes, timeoutMs)).length === 0;
  }

  /**
   * Waits until every partition is owned and answering (30 s at most, then throws).
   *
   * @example
   * await cluster.untilEveryPartitionAnswers();
   */
  async untilEveryPartitionAnswers(): Promise<void> {
    await waitFor(
      'every partition owned and answering',
      () => this.everyPartitionAnswers(500),
      30_000,
    );
  }

  /**
   * Starts `ballast sink` (as `ballast up` runs it) and watches its `sys.sink` stats.
   *
   * @param dataDir - its `--data-dir` (where the credentials are, on a server with users);
   *   default a fresh temp dir
   * @example
   * const sink = await cluster.startSink();
   * sink.stats.total('acked');
   */
  async startSink(dataDir?: string): Promise<ClusterSink> {
    const dir = dataDir ?? this.#resources.add(await tempDir()).path;
    const sink = this.#resources.add(
      await startCli(['sink', '--nats', this.#servers.join(','), '--data-dir', dir], (line) =>
        line.includes('answering sink.candles'),
      ),
    );
    const stats = SinkStatsWatch.start(this.nc);
    this.#resources.defer(() => stats[Symbol.dispose]());
    return { process: sink, stats };
  }

  /**
   * Starts a paced feed of seeded ticks over the cluster's symbols; stopped with the stack if
   * the scenario does not stop it first.
   *
   * @example
   * const feed = cluster.startFeed({ seed: 21, stepMs: 2_000, rate: 1_000, feed: 'load' });
   * const totals = await feed.stop();
   */
  startFeed(options: ClusterFeedOptions): PacedFeed {
    const { seed, stepMs, ...paced } = options;
    const feed = PacedFeed.start({
      ...paced,
      js: this.js,
      partitions: this.partitions,
      ticks: seededTicks({ seed, symbols: this.names, ...(stepMs !== undefined && { stepMs }) }),
    });
    this.#resources.defer(() => feed.stop());
    return feed;
  }
}
