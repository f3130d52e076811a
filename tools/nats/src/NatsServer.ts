import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NatsServerStartError } from './errors.js';
import { findNatsServer, type NatsServerBinary } from './findNatsServer.js';
import { type NodeConfig, renderNatsConfig, type StoreSize } from './natsConfig.js';
import { killOnExit, natsOwner, tempDirPrefix } from './processReaper.js';
import type { ServerVersion } from './serverVersion.js';

/** Options for {@link NatsServer.start}. Every limit has a small explicit default. */
export interface NatsServerOptions {
  /** A binary found earlier (a cluster finds it once); else {@link findNatsServer} runs. */
  readonly binary?: NatsServerBinary;
  readonly serverName?: string;
  /** Enable JetStream. Default `true`. */
  readonly jetStream?: boolean;
  /** Default `'256MB'`; the server's own default is 75% of RAM. */
  readonly maxMemoryStore?: StoreSize;
  /** Default `'2GB'`; the server's own default is 1 TB. */
  readonly maxFileStore?: StoreSize;
  /** A store dir to keep after dispose (e.g. `.ballast/nats`); default a fresh temp dir. */
  readonly storeDir?: string;
  /** Raw config appended to the generated file (accounts, authorization, ...). */
  readonly extraConfig?: string;
  /** How long to wait for the ports file and a TCP connect. Default 15 s. */
  readonly startTimeoutMs?: number;
  /**
   * Run the server in a process group of its own. A terminal's Ctrl-C goes to the whole
   * foreground group: a server in it would exit at once, while the clients its owner still
   * stops (workers writing final snapshots) need it. With this, only the owner hears the
   * Ctrl-C and stops the server last; the owner's exit still kills it. Default `false`, so a
   * Ctrl-C of a test run takes its servers down with it.
   */
  readonly ownProcessGroup?: boolean;
}

/** Ports a running node listens on, read from its ports file. */
interface BoundPorts {
  readonly client: number;
  readonly http: number;
  readonly cluster?: number;
}

const logTailLines = 40;

/**
 * One nats-server process on loopback, with its config, ports file and (by default) its
 * JetStream store in a temp dir. Disposing SIGKILLs it, waits for the exit and removes the
 * temp dir. After the first start its ports are pinned, so {@link NatsServer.restart} brings
 * it back at the same URL with the same store — what failover tests need.
 *
 * @example
 * await using server = await NatsServer.start();
 * const nc = await connect({ servers: server.url });
 */
export class NatsServer implements AsyncDisposable {
  readonly binary: NatsServerBinary;
  readonly name: string;
  /** Temp dir holding the config file and ports file; removed on dispose. */
  readonly tempDir: string;
  /** The JetStream store; inside {@link NatsServer.tempDir} unless the caller gave one. */
  readonly storeDir: string | undefined;
  readonly #timeoutMs: number;
  readonly #ownProcessGroup: boolean;
  #config: NodeConfig;
  #ports: BoundPorts | undefined;
  #child: ChildProcess | undefined;
  #logTail: string[] = [];

  private constructor(init: {
    binary: NatsServerBinary;
    tempDir: string;
    storeDir: string | undefined;
    config: NodeConfig;
    timeoutMs: number;
    ownProcessGroup: boolean;
  }) {
    this.binary = init.binary;
    this.name = init.config.serverName;
    this.tempDir = init.tempDir;
    this.storeDir = init.storeDir;
    this.#config = init.config;
    this.#timeoutMs = init.timeoutMs;
    this.#ownProcessGroup = init.ownProcessGroup;
  }

  /**
   * Starts one node with JetStream on random loopback ports and waits until it takes connections.
   *
   * @throws {NatsServerNotFoundError} when there is no nats-server binary
   * @throws {NatsServerStartError} when it exits early or is not ready in time
   */
  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const server = await NatsServer.prepare(options, (tempDir, storeDir) => ({
      serverName: options.serverName ?? 'ballast-1',
      clientPort: -1,
      httpPort: -1,
      portsFileDir: tempDir,
      ...(storeDir && { jetStream: jetStreamLimits(storeDir, options) }),
      ...(options.extraConfig && { extra: options.extraConfig }),
    }));
    try {
      await server.restart();
    } catch (error) {
      await server[Symbol.asyncDispose]();
      throw error;
    }
    return server;
  }

  /**
   * Creates the temp dir and a node whose config `makeConfig` writes; does not spawn it.
   * @internal used by {@link startNatsCluster}, which must know ports before routes.
   */
  static async prepare(
    options: NatsServerOptions,
    makeConfig: (tempDir: string, storeDir: string | undefined) => NodeConfig,
  ): Promise<NatsServer> {
    const binary = options.binary ?? (await findNatsServer());
    const tempDir = await mkdtemp(join(tmpdir(), tempDirPrefix(natsOwner())));
    const jetStream = options.jetStream ?? true;
    const storeDir = jetStream ? (options.storeDir ?? join(tempDir, 'store')) : undefined;
    if (storeDir) await mkdir(storeDir, { recursive: true });
    return new NatsServer({
      binary,
      tempDir,
      storeDir,
      config: makeConfig(tempDir, storeDir),
      timeoutMs: options.startTimeoutMs ?? 15_000,
      ownProcessGroup: options.ownProcessGroup ?? false,
    });
  }

  /** `nats://127.0.0.1:<port>` */
  get url(): string {
    return `nats://127.0.0.1:${this.#bound().client}`;
  }

  /** `http://127.0.0.1:<port>` of the monitoring endpoints (`/varz`, `/jsz`, ...). */
  get monitorUrl(): string {
    return `http://127.0.0.1:${this.#bound().http}`;
  }

  /** The cluster route port, when the node is clustered. */
  get clusterPort(): number | undefined {
    return this.#bound().cluster;
  }

  /** The server version, for feature detection with {@link supportsFeature}. */
  get version(): ServerVersion {
    return this.binary.version;
  }

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** The config file this node runs with. */
  get configFile(): string {
    return join(this.tempDir, 'nats.conf');
  }

  /**
   * Replaces the config (e.g. to add routes once every node's port is known) and pins the
   * already bound ports. Takes effect at the next {@link NatsServer.restart}.
   * @internal
   */
  reconfigure(change: (current: NodeConfig) => NodeConfig): void {
    this.#config = change(this.#config);
  }

  /** Reads a monitoring endpoint, e.g. `monitor('/jsz')`. */
  async monitor<T = Record<string, unknown>>(path: string): Promise<T> {
    const response = await fetch(`${this.monitorUrl}${path}`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`GET ${this.monitorUrl}${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /**
   * Graceful stop: SIGTERM lets JetStream flush its store; SIGKILL after `graceMs`.
   */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** (Re)starts the node: after the first start, on the same ports with the same store. */
  async restart(): Promise<void> {
    if (this.running) await this.kill();
    await this.#boot();
  }

  /** SIGKILL, wait for exit, remove the temp dir (with the store, unless the caller gave one). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill('SIGKILL');
    await rm(this.tempDir, { recursive: true, force: true });
  }

  async #boot(): Promise<void> {
    await writeFile(this.configFile, renderNatsConfig(this.#config), 'utf8');
    this.#logTail = [];
    const child = spawn(this.binary.path, ['-c', this.configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: this.#ownProcessGroup,
    });
    killOnExit(child);
    this.#child = child;
    this.#captureLog(child);
    const deadline = Date.now() + this.#timeoutMs;
    const ports = await this.#waitForPortsFile(child, deadline);
    await this.#waitForTcp(ports.client, child, deadline);
    this.#ports = ports;
    // Pin the ports so a restart comes back at the same URL (clients and routes keep working).
    this.#config = {
      ...this.#config,
      clientPort: ports.client,
      httpPort: ports.http,
      ...(this.#config.cluster &&
        ports.cluster !== undefined && {
          cluster: { ...this.#config.cluster, port: ports.cluster },
        }),
    };
  }

  #captureLog(child: ChildProcess): void {
    let partial = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      // Keep only the tail: a chatty server must not grow this process's memory.
      this.#logTail.push(...lines.filter(Boolean).slice(-logTailLines));
      if (this.#logTail.length > logTailLines)
        this.#logTail.splice(0, this.#logTail.length - logTailLines);
    });
  }

  async #waitForPortsFile(child: ChildProcess, deadline: number): Promise<BoundPorts> {
    const suffix = `_${child.pid}.ports`;
    while (Date.now() < deadline) {
      this.#throwIfExited(child);
      const file = (await readdir(this.tempDir)).find((f) => f.endsWith(suffix));
      if (file) {
        const text = await readFile(join(this.tempDir, file), 'utf8');
        // The server may still be writing it; an incomplete file fails to parse, so retry.
        const ports = parsePortsFile(text);
        if (ports) return ports;
      }
      await sleep(20);
    }
    throw this.#startError(
      'nats_server_start_failed',
      `nats-server wrote no ports file within ${this.#timeoutMs} ms`,
    );
  }

  async #waitForTcp(port: number, child: ChildProcess, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      this.#throwIfExited(child);
      if (await canConnect(port)) return;
      await sleep(20);
    }
    throw this.#startError(
      'nats_server_start_failed',
      `nats-server took no TCP connection on port ${port} within ${this.#timeoutMs} ms`,
    );
  }

  #throwIfExited(child: ChildProcess): void {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw this.#startError(
        'nats_server_exited',
        `nats-server exited during start (${child.signalCode ?? `code ${child.exitCode}`})`,
      );
    }
  }

  #startError(
    code: 'nats_server_start_failed' | 'nats_server_exited',
    message: string,
  ): NatsServerStartError {
    return new NatsServerStartError(code, `${this.name}: ${message}`, this.configFile, [
      ...this.#logTail,
    ]);
  }

  #bound(): BoundPorts {
    if (!this.#ports) throw new Error(`${this.name} has not started yet`);
    return this.#ports;
  }
}

/** JetStream limits for `storeDir` with this package's defaults. @internal */
export function jetStreamLimits(
  storeDir: string,
  options: Pick<NatsServerOptions, 'maxMemoryStore' | 'maxFileStore'>,
) {
  return {
    storeDir,
    maxMemoryStore: options.maxMemoryStore ?? '256MB',
    maxFileStore: options.maxFileStore ?? '2GB',
  } as const;
}

/** Parses `{"nats":["nats://127.0.0.1:4222"],"monitoring":[...],"cluster":[...]}`. */
function parsePortsFile(text: string): BoundPorts | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const client = portOf(parsed.nats);
  const http = portOf(parsed.monitoring);
  if (client === undefined || http === undefined) return undefined;
  const cluster = portOf(parsed.cluster);
  return cluster === undefined ? { client, http } : { client, http, cluster };
}

function portOf(urls: unknown): number | undefined {
  if (!Array.isArray(urls) || typeof urls[0] !== 'string') return undefined;
  const port = Number(new URL(urls[0]).port);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
