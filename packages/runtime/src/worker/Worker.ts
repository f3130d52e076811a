import { childFailed, type SupervisorEvent, supervisor } from '@ballast/machines';
import { type DeadLetter, systemSubjects } from '@ballast/protocol';
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { type Actor, createActor } from 'xstate';
import { SnapshotStore } from '../actors/SnapshotStore.js';
import { SymbolHost } from '../actors/SymbolHost.js';
import { SymbolReplayer } from '../actors/SymbolReplayer.js';
import { RuntimeError } from '../errors.js';
import type { SequenceAnomaly } from '../ingest/SequenceTracker.js';
import { InspectRelay } from '../inspect/InspectRelay.js';
import { workerInspectSources } from '../inspect/workerInspectSources.js';
import { Janitor } from '../janitor/Janitor.js';
import { PartitionLeases } from '../leases/PartitionLeases.js';
import { createLogger, type Logger } from '../logger.js';
import { type HttpEndpoint, startHttpEndpoint } from '../metrics/httpEndpoint.js';
import { WorkerMetrics } from '../metrics/WorkerMetrics.js';
import { retryTransient } from '../nats/retryTransient.js';
import { PartitionCheckpoint } from '../partitions/PartitionCheckpoint.js';
import { PartitionConsumer } from '../partitions/PartitionConsumer.js';
import { QueryService } from '../queries/QueryService.js';
import { encodeQuery } from '../queries/queryMessages.js';
import { SystemReporter } from '../report/SystemReporter.js';
import { ensureTopology, type Topology } from '../topology.js';
import { type ConnectionState, connectNats } from './natsConnection.js';
import { WorkerServices } from './WorkerServices.js';
import {
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
  type WorkerOptions,
} from './workerOptions.js';
import { type WorkerStatus, workerStats, workerStatus } from './workerStatus.js';

// A JetStream cluster that is still forming, or electing leaders, answers its API with
// timeouts and no-responders for a few seconds: a worker started meanwhile waits this long.
const topologyWaitMs = 30_000;

// How long a partition may receive nothing while the log has more for it.
const stallCheckMs = 5_000;

/**
 * A Ballast worker: hosts the symbol actors of the partitions it holds leases for, on one
 * NATS connection. `start()` connects, creates the stream and buckets if needed, restores
 * its breaker and reloader, joins the lease table and starts consuming what it gets;
 * `stop()` releases every partition in order (stop pulling, final snapshots, checkpoint,
 * lease) and drains the connection. See the package README for the design.
 *
 * @example
 * await using worker = await Worker.start({ servers: 'nats://127.0.0.1:4222', workerId: 'w1' });
 * console.log(worker.httpUrl, worker.ownedPartitions());
 */
export class Worker implements AsyncDisposable {
  readonly options: ResolvedWorkerOptions;
  readonly log: Logger;
  readonly startedAt = Date.now();
  readonly nc: NatsConnection;
  readonly connection: ConnectionState;
  readonly topology: Topology;
  readonly reporter: SystemReporter;
  readonly host: SymbolHost;
  readonly services: WorkerServices;
  readonly queries: QueryService;
  readonly leases: PartitionLeases;
  readonly metrics: WorkerMetrics;
  readonly janitor: Janitor;
  /** Relays inspection events of the actors `ctl.inspect` selects (off until then). */
  readonly inspect: InspectRelay;
  readonly #js: JetStreamClient;
  readonly #replayer: SymbolReplayer;
  readonly #store: SnapshotStore;
  readonly #consumers = new Map<number, PartitionConsumer>();
  readonly #checkpoints = new Map<number, PartitionCheckpoint>();
  /** Where a consumer that ended or stalled stopped, so its restart resumes there. */
  readonly #resumeAfter = new Map<number, number>();
  readonly #supervisor: Actor<typeof supervisor>;
  readonly #timers: NodeJS.Timeout[] = [];
  #http: HttpEndpoint | null = null;
  /** Partition consumers restarted because they stalled. */
  stalls = 0;
  #checkpointing = false;
  #stopping: Promise<void> | null = null;

  private constructor(parts: {
    options: ResolvedWorkerOptions;
    log: Logger;
    nc: NatsConnection;
    connection: ConnectionState;
    topology: Topology;
    js: JetStreamClient;
    replayer: SymbolReplayer;
    reporter: SystemReporter;
    services: WorkerServices;
  }) {
    const { options, log, nc } = parts;
    this.options = options;
    this.log = log;
    this.nc = nc;
    this.connection = parts.connection;
    this.topology = parts.topology;
    this.#js = parts.js;
    this.#replayer = parts.replayer;
    this.services = parts.services;
    this.#store = new SnapshotStore(parts.topology.snapshots);
    this.reporter = parts.reporter;
    // Sources are read when a selection arrives, after construction.
    this.inspect = new InspectRelay({
      nc,
      workerId: options.workerId,
      reporter: this.reporter,
      log,
      sources: workerInspectSources({
        workerId: options.workerId,
        host: () => this.host,
        supervisor: () => this.#supervisor,
        breaker: () => ({
          name: this.services.sink.name,
          snapshot: () => this.services.sink.breakerSnapshot(),
        }),
        reloader: () => this.services.registry.reloaderSnapshot(),
      }),
    });
    this.#supervisor = createActor(
      supervisor.provide({
        actions: {
          reportFailure: (_, report) =>
            log.warn(
              { child: report.id, kind: report.kind, decision: report.decision },
              'child failed',
            ),
          restartChild: (_, order) => this.#restart(order.id),
          stopChild: (_, order) =>
            log.error({ child: order.id, reason: order.reason }, 'child stopped'),
          escalate: (_, order) =>
            this.reporter.error({
              source: `worker/${options.workerId}`,
              kind: 'escalation',
              code: order.reason,
              message: `${order.id} failed ${order.restarts} times within ${order.windowMs} ms; given up`,
            }),
        },
      }),
      { input: options.supervisor, id: 'supervisor' },
    ).start();
    this.host = new SymbolHost({
      nc,
      store: this.#store,
      replayer: this.#replayer,
      sink: this.services,
      reporter: this.reporter,
      log,
      partitions: options.partitions,
      options: options.actors,
      onActorCreated: (symbol, actor) => this.inspect.actorCreated('symbol', symbol, actor),
      context: {
        owns: (p) => this.leases.owns(p),
        expiresAt: (symbol) => this.services.expiresAt(symbol),
        actorFailed: (symbol, error, state) =>
          this.#supervise(childFailed(`symbol/${symbol}`, 'symbolCache', state, error)),
      },
    });
    this.leases = new PartitionLeases({
      kv: parts.topology.leases,
      workerId: options.workerId,
      partitions: options.partitions,
      ttlMs: parts.topology.options.leaseTtlMs,
      log,
      onAcquired: (p) => this.#acquire(p),
      onReleasing: (p) => this.#release(p),
      onLost: (p, reason) => this.#lost(p, reason),
    });
    this.queries = new QueryService({
      nc,
      workerId: options.workerId,
      partitions: options.partitions,
      host: this.host,
      log,
      processed: (p) => (this.leases.owns(p) ? this.#consumers.get(p)?.processed : undefined),
      actors: this.services.queryHandlers(options.workerId),
      status: () => this.status(),
    });
    this.metrics = new WorkerMetrics({
      stats: () => workerStats(this),
      workerId: options.workerId,
    });
    this.janitor = new Janitor({
      intervalMs: options.janitorIntervalMs,
      log,
      tasks: [
        { name: 'idleActors', run: () => this.host.passivateIdle() },
        { name: 'expiredInstruments', run: () => this.services.expireInstruments(Date.now()) },
      ],
    });
  }

  /**
   * Connects and starts a worker.
   *
   * @throws {InvalidRuntimeOptionError} for a bad option, or the connection error
   */
  static async start(options: WorkerOptions): Promise<Worker> {
    const resolved = resolveWorkerOptions(options);
    const log = options.log ?? createLogger(resolved.workerId);
    const { nc, state } = await connectNats({
      servers: resolved.servers,
      name: `ballast-worker-${resolved.workerId}`,
      log,
      auth: resolved.auth,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const topology = await retryTransient(() => ensureTopology(nc, jsm, resolved.topology), {
        what: 'creating streams and buckets',
        withinMs: topologyWaitMs,
        log,
      });
      const js = jetstream(nc);
      const reporter = new SystemReporter({ nc, log });
      let worker: Worker | undefined;
      const services = await WorkerServices.start({
        nc,
        topology,
        options: resolved,
        reporter,
        log,
        onRemoved: (symbols) => {
          for (const symbol of symbols) worker?.host.remove(symbol);
        },
      });
      worker = new Worker({
        options: resolved,
        log,
        nc,
        connection: state,
        topology,
        js,
        replayer: new SymbolReplayer(js, jsm),
        reporter,
        services,
      });
      await worker.#begin();
      return worker;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async #begin(): Promise<void> {
    const o = this.options;
    this.queries.start();
    this.inspect.start();
    await this.leases.start();
    this.#every(o.checkpointIntervalMs, () => this.#checkpointAll());
    this.#every(stallCheckMs, () => this.#restartStalled());
    this.#every(o.housekeepingMs, () => {
      this.host.passivateIdle();
      this.nc.publish(systemSubjects.workers, encodeQuery(this.status()));
    });
    this.janitor.start();
    if (o.http !== false) {
      this.#http = await startHttpEndpoint({
        ...o.http,
        metrics: this.metrics,
        log: this.log,
        health: () => this.health(),
      });
    }
    this.log.info(
      { worker: o.workerId, partitions: o.partitions, http: this.#http?.url },
      'worker started',
    );
  }

  /** `http://host:port` of `/metrics` and `/healthz`, when enabled. */
  get httpUrl(): string | undefined {
    return this.#http?.url;
  }

  /** Partitions this worker consumes now. */
  ownedPartitions(): number[] {
    return [...this.#consumers.keys()].sort((a, b) => a - b);
  }

  /** The last routed sequence of an owned partition. */
  processed(partition: number): number | undefined {
    return this.#consumers.get(partition)?.processed;
  }

  /** Consumers by partition, for stats. */
  consumers(): ReadonlyMap<number, PartitionConsumer> {
    return this.#consumers;
  }

  /** Snapshot store and replayer counters, for stats. */
  get stores(): { store: SnapshotStore; replayer: SymbolReplayer } {
    return { store: this.#store, replayer: this.#replayer };
  }

  /** This worker's entry in `sys.workers`. */
  status(): WorkerStatus {
    return workerStatus(this);
  }

  /** Healthy while connected and not stopping. */
  health(): { ok: boolean; detail: Record<string, unknown> } {
    const ok = this.connection.status === 'connected' && this.#stopping === null;
    return {
      ok,
      detail: {
        worker: this.options.workerId,
        connection: this.connection.status,
        partitions: this.ownedPartitions(),
        liveActors: this.host.liveActors,
      },
    };
  }

  /**
   * Stops in order: leave the lease table (each partition: stop pulling, final snapshots,
   * checkpoint, lease deleted), then the services, then drain the connection.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #shutdown(): Promise<void> {
    this.log.info({ worker: this.options.workerId }, 'worker stopping');
    for (const timer of this.#timers) clearInterval(timer);
    await this.leases.stop();
    this.queries.stop();
    await this.janitor.stop();
    this.host.stop();
    this.inspect.stop();
    await this.services.stop();
    this.#supervisor.stop();
    this.reporter.stop();
    await this.#http?.close();
    await this.nc.drain().catch(() => this.nc.close());
    this.log.info({ worker: this.options.workerId }, 'worker stopped');
  }

  async #acquire(partition: number): Promise<void> {
    if (this.#stopping !== null) throw new RuntimeError('worker_stopped', 'worker is stopping');
    const checkpoint = await PartitionCheckpoint.open(
      this.topology.snapshots,
      partition,
      this.options.workerId,
    );
    this.#checkpoints.set(partition, checkpoint);
    await this.#startConsumer(partition, checkpoint);
    this.log.info({ partition, from: checkpoint.floor + 1 }, 'partition acquired');
  }

  async #startConsumer(
    partition: number,
    checkpoint: PartitionCheckpoint,
    startAfter?: number,
  ): Promise<void> {
    const consumer = new PartitionConsumer(partition, {
      ...(startAfter !== undefined && { startAfter }),
      js: this.#js,
      host: this.host,
      checkpoint,
      partitions: this.options.partitions,
      log: this.log,
      pullBatch: this.options.pullBatch,
      deadLetter: (letter) => this.#deadLetter(letter),
      anomaly: (p, anomaly) => this.#anomaly(p, anomaly),
      failure: (p, error) => this.reporter.failure(`partition/${p}`, 'consumer', error),
    });
    await consumer.start();
    this.#consumers.set(partition, consumer);
    // The loop ends on stop(), or when the consumer fails: then the supervisor restarts it.
    void consumer.done.then(
      () => this.#consumerEnded(partition, consumer, undefined),
      (error: unknown) => this.#consumerEnded(partition, consumer, error),
    );
  }

  #consumerEnded(partition: number, consumer: PartitionConsumer, error: unknown): void {
    if (this.#consumers.get(partition) !== consumer || this.#stopping !== null) return;
    if (!this.leases.owns(partition)) return;
    this.#consumers.delete(partition);
    this.#resumeAfter.set(partition, consumer.processed);
    this.#supervise(
      childFailed(
        `partition/${partition}`,
        'consumer',
        'consuming',
        error ?? new RuntimeError('worker_stopped', `consumer of partition ${partition} ended`),
      ),
    );
  }

  #restart(id: string): void {
    if (!id.startsWith('partition/') || this.#stopping !== null) return;
    const partition = Number(id.slice('partition/'.length));
    const checkpoint = this.#checkpoints.get(partition);
    if (
      checkpoint === undefined ||
      !this.leases.owns(partition) ||
      this.#consumers.has(partition)
    ) {
      return;
    }
    this.#startConsumer(partition, checkpoint, this.#resumeAfter.get(partition)).catch(
      (error: unknown) => this.#supervise(childFailed(id, 'consumer', 'starting', error)),
    );
  }

  /**
   * The client recreates an ordered consumer after missed heartbeats, but during a stream
   * leader election the recreation can fail for good. A partition that received nothing for
   * a while although the log has a message for it after its position is restarted there.
   */
  async #restartStalled(): Promise<void> {
    const now = Date.now();
    for (const [partition, consumer] of [...this.#consumers]) {
      if (now - consumer.lastReceivedAt < stallCheckMs) continue;
      const waiting = await this.#replayer.nextAfter(`md.tick.${partition}.>`, consumer.processed);
      if (!waiting || this.#consumers.get(partition) !== consumer) continue;
      const checkpoint = this.#checkpoints.get(partition);
      if (checkpoint === undefined || !this.leases.owns(partition)) continue;
      this.stalls++;
      this.log.warn(
        { partition, processed: consumer.processed },
        'partition consumer stalled; restarting it',
      );
      this.#consumers.delete(partition);
      this.#resumeAfter.set(partition, consumer.processed);
      void consumer.stop();
      await this.#startConsumer(partition, checkpoint, consumer.processed).catch((error: unknown) =>
        this.#supervise(childFailed(`partition/${partition}`, 'consumer', 'starting', error)),
      );
    }
  }

  async #release(partition: number): Promise<void> {
    const consumer = this.#consumers.get(partition);
    this.#consumers.delete(partition);
    await consumer?.stop();
    await this.host.releasePartition(partition);
    const checkpoint = this.#checkpoints.get(partition);
    if (consumer !== undefined && checkpoint !== undefined) {
      await checkpoint.advance(this.host.floor(partition, consumer.processed));
    }
    this.#checkpoints.delete(partition);
    this.#resumeAfter.delete(partition);
    this.log.info({ partition, floor: checkpoint?.floor }, 'partition released');
  }

  #lost(partition: number, reason: string): void {
    const consumer = this.#consumers.get(partition);
    this.#consumers.delete(partition);
    this.#checkpoints.delete(partition);
    this.#resumeAfter.delete(partition);
    void consumer?.stop();
    this.host.dropPartition(partition);
    this.reporter.error({
      source: `worker/${this.options.workerId}`,
      kind: 'lease',
      code: 'lease_lost',
      message: `lease of partition ${partition} lost (${reason}); stopped folding it`,
    });
  }

  async #checkpointAll(): Promise<void> {
    if (this.#checkpointing) return;
    this.#checkpointing = true;
    try {
      for (const [partition, consumer] of this.#consumers) {
        const checkpoint = this.#checkpoints.get(partition);
        if (checkpoint === undefined || !this.leases.owns(partition)) continue;
        try {
          await checkpoint.advance(this.host.floor(partition, consumer.processed));
        } catch (error) {
          this.reporter.failure(`partition/${partition}`, 'checkpoint', error);
        }
      }
    } finally {
      this.#checkpointing = false;
    }
  }

  #deadLetter(letter: DeadLetter): void {
    this.reporter.deadLetter(letter);
  }

  #anomaly(partition: number, anomaly: SequenceAnomaly): void {
    const missing =
      anomaly.missingFrom === undefined
        ? ''
        : ` (missing ${anomaly.missingFrom}..${anomaly.missingTo})`;
    this.reporter.error({
      source: `partition/${partition}`,
      kind: 'sequence',
      code: `sequence_${anomaly.kind}`,
      message: `source ${anomaly.source}: expected sourceSeq ${anomaly.expected}, got ${anomaly.got}${missing}`,
    });
  }

  #supervise(event: SupervisorEvent): void {
    // While stopping, failures of parts being shut down are logged, not restarted.
    if (this.#stopping !== null) {
      this.log.debug({ event: event.type }, 'failure while stopping');
      return;
    }
    this.#supervisor.send(event);
  }

  #every(ms: number, run: () => unknown): void {
    const timer = setInterval(() => {
      Promise.resolve()
        .then(run)
        .catch((error: unknown) =>
          this.reporter.failure(`worker/${this.options.workerId}`, 'timer', error),
        );
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }
}
