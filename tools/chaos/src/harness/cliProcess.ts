import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** `bin/ballast.js` of apps/cli: the `ballast` command. */
const cliBin = fileURLToPath(new URL('../../../../apps/cli/bin/ballast.js', import.meta.url));

/** How a `ballast` command ended. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one `ballast` command to its end (killed after `timeoutMs`).
 *
 * @example
 * const { code, stderr } = await runCli(['pub', '--user', 'cli', 'ctl.reload', '{}', '--nats', url]);
 */
export async function runCli(args: readonly string[], timeoutMs = 20_000): Promise<CliResult> {
  const child = spawn(process.execPath, [cliBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A long-running `ballast` command (e.g. `ballast sink`). */
export interface CliProcess extends AsyncDisposable {
  readonly pid: number;
  readonly alive: boolean;
  /** stderr so far (last 20 kB). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a long-running `ballast` command and waits until `ready` matches a line of its
 * stderr (where commands report that they serve).
 *
 * @example
 * await using sink = await startCli(['sink', '--nats', url], (line) => line.includes('answering'));
 */
export async function startCli(
  args: readonly string[],
  ready: (line: string) => boolean,
  timeoutMs = 20_000,
): Promise<CliProcess> {
  const child: ChildProcess = spawn(process.execPath, [cliBin, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const exited = once(child, 'exit');
  let err = '';
  const running = () => child.exitCode === null && child.signalCode === null;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ballast ${args[0]} did not get ready within ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err = (err + chunk).slice(-20_000);
      if (err.split('\n').some(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ballast ${args[0]} exited with ${code ?? signal}:\n${err}`));
    });
  });
  const stop = async (graceMs = 5_000) => {
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid as number,
    get alive() {
      return running();
    },
    stderr: () => err,
    stop,
    [Symbol.asyncDispose]: () => stop(),
  };
}
