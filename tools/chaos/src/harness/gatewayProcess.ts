import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GatewayCounters } from '@ballast/dashboard';

const child = fileURLToPath(new URL('../children/gatewayChild.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The dashboard gateway running as a child process. */
export interface GatewayProcess extends AsyncDisposable {
  readonly pid: number;
  /** `ws://127.0.0.1:<port>/ws` */
  readonly wsUrl: string;
  readonly alive: boolean;
  /** Its latest counters (reported every 250 ms). */
  counters(): GatewayCounters | undefined;
}

/**
 * Starts `startGateway` (from @ballast/dashboard) in a child process and waits until it serves.
 *
 * @example
 * await using gateway = await startGatewayProcess([server.url]);
 * gateway.counters()?.slowClientsDropped;
 */
export async function startGatewayProcess(servers: readonly string[]): Promise<GatewayProcess> {
  // tsx resolves from this package's root, wherever the runner was started.
  const proc = spawn(process.execPath, ['--import', 'tsx', child, servers.join(',')], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(proc, 'exit');
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-10_000);
  });
  let latest: GatewayCounters | undefined;
  const started = await new Promise<{ wsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the gateway did not start within 20 s:\n${err}`));
    }, 20_000);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const message = JSON.parse(line) as {
        event?: string;
        wsUrl?: string;
        counters?: GatewayCounters;
      };
      if (message.counters) latest = message.counters;
      if (message.event === 'started') {
        clearTimeout(timer);
        resolve({ wsUrl: message.wsUrl as string });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code}:\n${err}`));
    });
  });
  const running = () => proc.exitCode === null && proc.signalCode === null;
  return {
    pid: proc.pid as number,
    wsUrl: started.wsUrl,
    get alive() {
      return running();
    },
    counters: () => latest,
    async [Symbol.asyncDispose]() {
      if (!running()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
