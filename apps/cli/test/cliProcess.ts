import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built `ballast` bin: tests run what users run. */
export const cliBin = fileURLToPath(new URL('../bin/ballast.js', import.meta.url));

/** What a finished `ballast` process printed and returned. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `ballast <args>` to completion (killed after `timeoutMs`).
 *
 * @example
 * const { code, stdout } = await runBallast(['query', 'AAPL', '--json']);
 */
export function runBallast(args: readonly string[], timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const runFromSource =
  "const { runCli } = await import('./src/main.ts'); process.exitCode = await runCli(process.argv);";

/**
 * Starts `ballast <args>` from source (tsx) in a child process — signals, no TTY — for
 * long-running commands a test stops itself; argv[1] stands for the script.
 *
 * @example
 * const child = spawnBallastFromSource(['top', '--nats', url]);
 * child.kill('SIGINT');
 */
export function spawnBallastFromSource(
  args: readonly string[],
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', runFromSource, 'ballast', ...args],
    { cwd: cliDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
