import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NatsClusterError } from './errors.js';
import { findNatsServer } from './findNatsServer.js';
import { jetStreamLimits, NatsServer, type NatsServerOptions } from './NatsServer.js';

/** Options for {@link startNatsCluster}. Per-node limits are those of {@link NatsServerOptions}. */
export interface NatsClusterOptions extends Omit<NatsServerOptions, 'serverName' | 'jetStream'> {
  /** Number of nodes. Default 3 (the smallest JetStream cluster that survives losing one). */
  readonly size?: number;
  /** Cluster name, also the prefix of node names (`ballast-1`, ...). Default `'ballast'`. */
  readonly name?: string;
  /** How long the nodes may take to agree on a metadata leader. Default 30 s. */
  readonly readyTimeoutMs?: number;
}

interface JszMeta {
  meta_cluster?: { leader?: string; cluster_size?: number };
}

interface JszStreams {
  account_details?: Array<{
    stream_detail?: Array<{ name: string; cluster?: { leader?: string } }>;
  }>;
}

/**
 * A JetStream cluster on loopback: every node routes to every other, each with its own
 * store. Nodes can be killed and restarted one by one (same ports, same store).
 *
 * @example
 * await using cluster = await startNatsCluster();
 * const nc = await connect({ servers: cluster.urls });
 */
export class NatsCluster implements AsyncDisposable {
  readonly name: string;
  readonly nodes: readonly NatsServer[];

  constructor(name: string, nodes: readonly NatsServer[]) {
    this.name = name;
    this.nodes = nodes;
  }

  /** Client URLs of every node, for a client's `servers` option. */
  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** The node named `name`. */
  node(name: string): NatsServer {
    const node = this.nodes.find((n) => n.name === name);
    if (!node)
      throw new Error(
        `no node named ${name} in cluster ${this.name}; nodes: ${this.nodes.map((n) => n.name).join(', ')}`,
      );
    return node;
  }

  /**
   * The metadata leader's node when every running node reports the same one, else undefined.
   */
  async metaLeader(): Promise<NatsServer | undefined> {
    const running = this.nodes.filter((n) => n.running);
    const leaders = await Promise.all(
      running.map((n) =>
        n.monitor<JszMeta>('/jsz').then(
          (jsz) => jsz.meta_cluster?.leader,
          () => undefined,
        ),
      ),
    );
    const first = leaders[0];
    if (!first || leaders.some((l) => l !== first)) return undefined;
    return this.nodes.find((n) => n.name === first);
  }

  /** Waits until every running node agrees on a metadata leader, and returns it. */
  async waitForMetaLeader(timeoutMs = 30_000): Promise<NatsServer> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const leader = await this.metaLeader();
      if (leader) return leader;
      await sleep(100);
    }
    throw new NatsClusterError(
      `cluster ${this.name}: nodes ${this.nodes.map((n) => n.name).join(', ')} did not agree on a JetStream metadata leader within ${timeoutMs} ms`,
    );
  }

  /** The node that currently leads `stream`, as the running nodes see it. */
  async streamLeader(stream: string): Promise<NatsServer | undefined> {
    for (const node of this.nodes.filter((n) => n.running)) {
      const jsz = await node
        .monitor<JszStreams>('/jsz?accounts=true&streams=true')
        .catch(() => undefined);
      for (const account of jsz?.account_details ?? []) {
        const detail = account.stream_detail?.find((s) => s.name === stream);
        const leader = detail?.cluster?.leader;
        if (leader) return this.nodes.find((n) => n.name === leader);
      }
    }
    return undefined;
  }

  /** SIGKILL every node and remove their temp dirs. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.nodes.map((n) => n[Symbol.asyncDispose]()));
  }
}

/**
 * Starts a JetStream cluster on loopback and waits until its nodes agree on a metadata leader.
 *
 * Routes need every node's cluster port before any node starts with JetStream, so the nodes
 * first boot without JetStream on random ports (`-1`, read from the ports file); then each is
 * restarted on those pinned ports with routes to all the others. This is how nats.js's own
 * test launcher forms clusters.
 *
 * @throws {NatsServerNotFoundError} when there is no nats-server binary
 * @throws {NatsClusterError} when no metadata leader is agreed in time
 */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const name = options.name ?? 'ballast';
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`cluster size must be a positive integer, got ${size}`);
  }
  const binary = options.binary ?? (await findNatsServer());
  const nodes: NatsServer[] = [];
  const cluster = new NatsCluster(name, nodes);
  try {
    for (let i = 1; i <= size; i++) {
      const nodeOptions = {
        ...options,
        binary,
        ...(options.storeDir && { storeDir: join(options.storeDir, `${name}-${i}`) }),
      };
      nodes.push(
        await NatsServer.prepare(nodeOptions, (tempDir) => ({
          serverName: `${name}-${i}`,
          clientPort: -1,
          httpPort: -1,
          portsFileDir: tempDir,
          cluster: { name, port: -1, routes: [] },
          ...(options.extraConfig && { extra: options.extraConfig }),
        })),
      );
    }
    // Phase 1: bind random ports, which boot() pins into each node's config.
    await Promise.all(nodes.map((n) => n.restart()));
    await Promise.all(nodes.map((n) => n.kill()));
    // Phase 2: JetStream on, full mesh of routes on the pinned ports.
    for (const node of nodes) {
      const routes = nodes
        .filter((other) => other !== node)
        .map((other) => `nats-route://127.0.0.1:${other.clusterPort}`);
      node.reconfigure((config) => ({
        ...config,
        ...(node.storeDir && { jetStream: jetStreamLimits(node.storeDir, options) }),
        cluster: { name, port: node.clusterPort ?? -1, routes },
      }));
    }
    await Promise.all(nodes.map((n) => n.restart()));
    await cluster.waitForMetaLeader(options.readyTimeoutMs);
    return cluster;
  } catch (error) {
    await cluster[Symbol.asyncDispose]();
    throw error;
  }
}
