import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/ballast.js', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A finished `ballast` process. */
export interface BallastResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `ballast` process with its output so far. */
export interface BallastProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when it exits. */
  readonly exited: Promise<BallastResult>;
  /** Waits until stderr (or stdout) matches. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
}

/**
 * Starts the built CLI (`bin/ballast.js`, run `pnpm build` first) with `args`; `stdin` is
 * written and closed (so a command reading it sees its end).
 *
 * @example
 * const sub = startBallast(['sub', 'x', '--nats', server.url]);
 * await sub.waitFor(/listening/);
 */
export function startBallast(
  args: readonly string[],
  { stdin = '', env = {} }: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): BallastProcess {
  if (!existsSync(dist))
    throw new Error(`${dist} is missing: run \`pnpm build\` in apps/cli first`);
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // No stray BALLAST_* settings or config file of the developer's shell.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    // Away from the repo: no ballast.config.json or .ballast data dir is picked up.
    cwd: tmpdir(),
  });
  child.stdin?.end(stdin);
  const proc: BallastProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => {
      child.on('close', (code, signal) =>
        resolve({ code, signal, stdout: proc.stdout, stderr: proc.stderr }),
      );
    }),
    async waitFor(pattern, stream = 'stderr', timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(proc[stream])) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(
            `ballast ${args.join(' ')}: no ${pattern} on ${stream} (exit ${child.exitCode})\nstdout: ${proc.stdout}\nstderr: ${proc.stderr}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    proc.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    proc.stderr += chunk;
  });
  return proc;
}

/**
 * Runs the built CLI to completion; kills it after `timeoutMs`.
 *
 * @example
 * const { code, stderr } = await runBallast(['pub', 'x', '{"a":}']);
 */
export async function runBallast(
  args: readonly string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<BallastResult> {
  const proc = startBallast(args, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}
