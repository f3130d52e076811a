import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/ballast-worker.js', import.meta.url));

/** A worker running as a child process, as `ballast up` runs them. */
export interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly http: string | undefined;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** stderr so far, for failure messages. */
  stderr(): string;
}

/** Starts `bin/ballast-worker.js` and waits for its `started` line. */
export async function spawnWorker(
  servers: readonly string[],
  id: string,
  args: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [bin, '--nats', servers.join(','), '--id', id, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BALLAST_LOG_LEVEL: process.env.BALLAST_LOG_LEVEL ?? 'warn' },
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000);
  });
  const started = await new Promise<{ http?: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started worker behind
      reject(new Error(`worker ${id} did not start within ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"started"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { http?: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${id} exited with ${code} before starting:\n${err}`));
    });
  });
  return {
    id,
    child,
    pid: child.pid as number,
    http: started.http,
    stderr: () => err,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}
