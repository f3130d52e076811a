import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `bin/ballast-worker.js` of @ballast/runtime: what `ballast up` runs N of. */
const workerBin = fileURLToPath(
  new URL('../bin/ballast-worker.js', import.meta.resolve('@ballast/runtime')),
);

/** A worker running as a child process. */
export interface WorkerProcess {
  readonly id: string;
  readonly pid: number;
  /** `/metrics` and `/healthz` base URL, when started with `--http-port`. */
  readonly http: string | undefined;
  /** Whether the process is still running. */
  readonly alive: boolean;
  /** How it ended, once it did: an exit code or a signal name. */
  readonly exit: string | null;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last 20 kB of stderr, for failure messages. */
  stderr(): string;
}

/** Options of {@link spawnWorker}. */
export interface SpawnWorkerOptions {
  readonly servers: readonly string[];
  readonly id: string;
  /** More `ballast-worker` flags (`--partitions`, `--lease-ttl-ms`, ...). */
  readonly args?: readonly string[];
  /** A credentials file `{ "user", "password" }` (`--creds`). */
  readonly creds?: string;
  readonly startTimeoutMs?: number;
}

/**
 * Starts `ballast-worker` and waits for its `{"event":"started"}` line. The worker stops itself
 * if this process dies without stopping it (`BALLAST_EXIT_WITH_PARENT`), as under `ballast up`.
 *
 * @throws when it exits or does not start in time (it is then SIGKILLed)
 * @example
 * const worker = await spawnWorker({ servers: [server.url], id: 'w1', args: ['--partitions', '8'] });
 * await worker.kill('SIGKILL');
 */
export async function spawnWorker(options: SpawnWorkerOptions): Promise<WorkerProcess> {
  const { id } = options;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const args = [
    workerBin,
    '--nats',
    options.servers.join(','),
    '--id',
    id,
    ...(options.creds === undefined ? [] : ['--creds', options.creds]),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BALLAST_LOG_LEVEL: process.env.BALLAST_LOG_LEVEL ?? 'warn',
      BALLAST_EXIT_WITH_PARENT: '1',
    },
  });
  let err = '';
  // CHAOS_WORKER_LOG_DIR keeps every worker's whole log, for digging into a failed scenario.
  const logDir = process.env.CHAOS_WORKER_LOG_DIR;
  const logFile = logDir ? createWriteStream(join(logDir, `${id}.log`), { flags: 'a' }) : undefined;
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000);
    logFile?.write(chunk);
  });
  child.once('exit', () => logFile?.end());
  const exited = once(child, 'exit');
  const started = await new Promise<{ http?: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started worker behind
      reject(new Error(`worker ${id} did not start within ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    let out = '';
    const onData = (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"started"'));
      if (line) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // later output is not needed; keep the pipe drained
        resolve(JSON.parse(line) as { http?: string });
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${id} exited with ${code ?? signal} before starting:\n${err}`));
    });
  });
  return workerHandle(child, id, started.http, () => err, exited);
}

function workerHandle(
  child: ChildProcess,
  id: string,
  http: string | undefined,
  stderr: () => string,
  exited: Promise<unknown>,
): WorkerProcess {
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    id,
    pid: child.pid as number,
    http,
    get alive() {
      return running();
    },
    get exit() {
      if (running()) return null;
      return child.signalCode ?? `code ${child.exitCode}`;
    },
    stderr,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!running()) return;
      child.kill(signal);
      await exited;
    },
  };
}
