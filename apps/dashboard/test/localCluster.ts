import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `ballast` command of apps/cli: tests run the cluster users run. */
const cliBin = fileURLToPath(new URL('../../cli/bin/ballast.js', import.meta.url));

/** A NATS user of the local cluster, as `startGateway` and `connect` take it. */
interface ClusterUser {
  readonly user: string;
  readonly pass: string;
}

/** A running `ballast up` in a temporary data dir. */
export interface LocalCluster {
  readonly dataDir: string;
  readonly nats: string[];
  readonly partitions: number;
  readonly users: { readonly gateway: ClusterUser; readonly admin: ClusterUser };
  /** What `ballast up` printed so far. */
  output(): string;
  /** Runs another `ballast` command against this cluster (30 s at most). */
  ballast(
    args: readonly string[],
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Ctrl-C, as a user would, then removes the data dir. */
  stop(): Promise<void>;
}

function readUser(dataDir: string, role: string): ClusterUser {
  const { user, password } = JSON.parse(
    readFileSync(join(dataDir, 'credentials', `${role}.json`), 'utf8'),
  ) as { user: string; password: string };
  return { user, pass: password };
}

/**
 * Starts `node apps/cli/bin/ballast.js up --data-dir <tmp> ...args` and waits until it says
 * it is up (60 s at most).
 *
 * @example
 * const cluster = await startLocalCluster(['--symbols', '30', '--rate', '300', '--partitions', '4']);
 * try { ... } finally { await cluster.stop(); }
 */
export async function startLocalCluster(args: readonly string[]): Promise<LocalCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ballast-dashboard-up-'));
  const up: ChildProcess = spawn(process.execPath, [cliBin, 'up', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Keep the start and the end: a status line every 5 s would grow it for hours.
    output = output.length > 64_000 ? output.slice(0, 16_000) + output.slice(-16_000) : output;
    output += chunk;
  };
  up.stdout?.on('data', collect);
  up.stderr?.on('data', collect);
  const stop = async () => {
    if (up.exitCode === null && up.signalCode === null) {
      const exited = once(up, 'exit');
      up.kill('SIGINT');
      const timer = setTimeout(() => up.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started = Date.now();
  while (!output.includes('Ballast is up.')) {
    if (up.exitCode !== null || Date.now() - started > 60_000) {
      await stop();
      throw new Error(`ballast up did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const cluster = JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as {
    nats: string[];
    partitions: number;
  };
  return {
    dataDir,
    nats: cluster.nats,
    partitions: cluster.partitions,
    users: { gateway: readUser(dataDir, 'gateway'), admin: readUser(dataDir, 'admin') },
    output: () => output,
    ballast: (more) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cliBin, ...more, '--data-dir', dataDir], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => {
          stdout += c;
        });
        child.stderr.on('data', (c: Buffer) => {
          stderr += c;
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      }),
    stop,
  };
}
