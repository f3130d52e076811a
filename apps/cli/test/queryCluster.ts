import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import { silentLogger, type TickFields, TickPublisher, Worker } from '@ballast/runtime';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { vi } from 'vitest';
import type { RoleName } from '../src/config/cliConfig.js';
import { runCli } from '../src/main.js';
import type { Credentials } from '../src/nats/credentials.js';
import { credentialsPath, writeCredentials } from '../src/nats/credentials.js';
import { generateCredentials, renderAuthorization } from '../src/security/roles.js';

/** What a command printed and returned, run in-process. */
interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A nats-server with the local cluster's roles, one in-process worker, and a fed log. */
export interface QueryCluster extends AsyncDisposable {
  readonly server: NatsServer;
  readonly worker: Worker;
  readonly dataDir: string;
  readonly partitions: number;
  /** Every tick published, in publish order. */
  readonly ticks: readonly TickFields[];
  /** Runs `ballast --nats <url> --data-dir <dataDir> ...args`, capturing stdout and stderr. */
  run(...args: string[]): Promise<CliRun>;
  /** Publishes more ticks and waits until the worker folded them. */
  feed(ticks: readonly TickFields[]): Promise<void>;
  /** A connection as one of the cluster's roles; the caller drains it. */
  connectAs(role: RoleName): Promise<NatsConnection>;
}

export const symbols = ['AAPL', 'MSFT', 'BRK-B', 'ETH-USD', 'NVDA'] as const;
/** 2026-01-05T14:30:00Z: inside the protocol's timestamp range, on a minute boundary. */
const baseTs = Date.UTC(2026, 0, 5, 14, 30);

/**
 * Deterministic ticks: symbol `i % 5`, one second apart, so each symbol gets several 1m candles.
 *
 * @example
 * makeTicks(400, 0);
 */
export function makeTicks(count: number, offset: number): TickFields[] {
  const ticks: TickFields[] = [];
  for (let n = offset; n < offset + count; n++) {
    ticks.push({
      symbol: symbols[n % symbols.length] as string,
      price: 100 + (n % 17) * 0.25,
      size: 1 + (n % 5),
      ts: baseTs + n * 1_000,
    });
  }
  return ticks;
}

/**
 * Starts the cluster: server with the roles of `security/roles.ts` (so the commands run with
 * the permissions they will have), credentials in a temp data dir, a worker as `worker`.
 */
export async function startQueryCluster(count = 400): Promise<QueryCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ballast-cli-query-'));
  const users = new Map<RoleName, Credentials>(
    (['worker', 'cli', 'admin', 'feed'] as const).map((role) => [role, generateCredentials(role)]),
  );
  for (const [role, creds] of users) await writeCredentials(credentialsPath(dataDir, role), creds);
  const server = await NatsServer.start({ extraConfig: renderAuthorization(users) });
  const partitions = 4;
  let worker: Worker | undefined;
  try {
    const workerCreds = users.get('worker') as Credentials;
    worker = await Worker.start({
      servers: server.url,
      workerId: 'w1',
      partitions,
      http: false,
      log: silentLogger(),
      auth: { user: workerCreds.user, pass: workerCreds.password },
    });
    const feedCreds = users.get('feed') as Credentials;
    const nc = await connect({
      servers: server.url,
      user: feedCreds.user,
      pass: feedCreds.password,
    });
    const publisher = new TickPublisher({ js: jetstream(nc), partitions, feed: 'test' });
    const ticks: TickFields[] = [];
    const running = worker;
    const feed = async (batch: readonly TickFields[]) => {
      const target = running.host.counters.ticksFolded + batch.length;
      for (const tick of batch) await publisher.publishNext(tick);
      await publisher.flush();
      ticks.push(...batch);
      await waitUntil(`${target} ticks folded`, () => running.host.counters.ticksFolded >= target);
    };
    await feed(makeTicks(count, 0));
    return {
      server,
      worker: running,
      dataDir,
      partitions,
      ticks,
      feed,
      connectAs: (role) => {
        const creds = users.get(role) as Credentials;
        return connect({ servers: server.url, user: creds.user, pass: creds.password });
      },
      run: (...args) => runCaptured(['--nats', server.url, '--data-dir', dataDir, ...args]),
      async [Symbol.asyncDispose]() {
        await publisher[Symbol.asyncDispose]();
        await nc.drain();
        await running[Symbol.asyncDispose]();
        await server[Symbol.asyncDispose]();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await worker?.[Symbol.asyncDispose]();
    await server[Symbol.asyncDispose]();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs the CLI in-process on `args` (after `ballast`), capturing what it writes.
 *
 * @example
 * const { code, stdout } = await runCaptured(['--nats', url, 'top', '--once']);
 */
async function runCaptured(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await runCli(['node', 'ballast', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Polls `condition` every 20 ms; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
