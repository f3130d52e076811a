import { NatsServer } from '@ballast/nats';
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { TickFields, TickPublisher } from '../src/index.js';
import { ensureTopology, type Topology, type TopologyOptions } from '../src/topology.js';

/** Partition count of every runtime bench: the worker's default. */
export const benchPartitions = 16;

/** A fresh single-node server with the Ballast topology, and one client connection. */
export interface BenchStream extends AsyncDisposable {
  readonly server: NatsServer;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly topology: Topology;
}

/**
 * Starts a nats-server (fresh temp store), connects and creates `TICKS` and the buckets.
 * Disposing closes the connection and SIGKILLs the server.
 */
export async function startBenchStream(options: TopologyOptions = {}): Promise<BenchStream> {
  const server = await NatsServer.start();
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const topology = await ensureTopology(nc, jsm, options);
    const conn = nc;
    return {
      server,
      nc: conn,
      js: jetstream(conn),
      jsm,
      topology,
      async [Symbol.asyncDispose]() {
        try {
          await conn.close();
        } finally {
          await server[Symbol.asyncDispose]();
        }
      },
    };
  } catch (error) {
    await nc?.close();
    await server[Symbol.asyncDispose]();
    throw error;
  }
}

/**
 * Publishes ticks with a {@link TickPublisher} (acks awaited in the background, `maxInFlight`
 * at once) and waits until every one is stored.
 *
 * @returns ticks stored per second
 */
export async function publishTicks(
  publisher: TickPublisher,
  ticks: Iterable<TickFields>,
): Promise<number> {
  const started = performance.now();
  const before = publisher.counters.published;
  for (const fields of ticks) await publisher.publishNext(fields);
  await publisher.flush();
  const stored = publisher.counters.published - before;
  return stored / ((performance.now() - started) / 1_000);
}
