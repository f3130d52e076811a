import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Options of a {@link ManagedProcess}. */
export interface ManagedProcessOptions {
  /** Shown in logs and the status line, e.g. `worker-1`. */
  readonly name: string;
  /** A Node.js script and its arguments; it runs with this process's `node`. */
  readonly script: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  /** Restart after an unexpected exit, with backoff from 1 s doubling to 30 s. Default true. */
  readonly restart?: boolean;
  /** A stdout line that means "ready"; {@link ManagedProcess.start} waits for it. */
  readonly ready?: (line: string) => boolean;
  /** How long {@link ManagedProcess.start} waits for `ready`. Default 30 s. */
  readonly readyTimeoutMs?: number;
  /** Called on every exit that was not asked for (before any restart). */
  readonly onCrash?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Counters of a {@link ManagedProcess}. */
export interface ManagedProcessCounters {
  starts: number;
  /** Exits nobody asked for. */
  crashes: number;
}

const maxBackoffMs = 30_000;
// A child that ran this long before crashing starts over at the shortest backoff.
const stableAfterMs = 60_000;

/**
 * A child process `ballast up` runs and supervises: its output goes to a log file, an
 * unexpected exit is counted, reported and (by default) restarted with backoff, and
 * {@link ManagedProcess.stop} ends it with SIGTERM, then SIGKILL after a grace period — so
 * nothing is left behind.
 *
 * @example
 * const worker = new ManagedProcess({ name: 'worker-1', script: workerBin, args, logFile });
 * await worker.start();
 * await worker.stop(10_000);
 */
export class ManagedProcess {
  readonly name: string;
  readonly counters: ManagedProcessCounters = { starts: 0, crashes: 0 };
  readonly #o: ManagedProcessOptions;
  readonly #log: WriteStream;
  #child: ChildProcess | null = null;
  #stopping = false;
  #backoffMs = 1_000;
  #restartTimer: NodeJS.Timeout | null = null;
  #startedAt = 0;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.#o = options;
    this.#log = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
  }

  /** The running child's pid, if any. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether a child is running now. */
  get running(): boolean {
    return this.#child !== null;
  }

  /**
   * Spawns the child and, with a `ready` option, waits for its ready line.
   * @throws {Error} when it exits or stays silent before it is ready
   */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [this.#o.script, ...this.#o.args], {
      // The child stops by itself if this process dies without stopping it (see its bin).
      env: { ...process.env, ...this.#o.env, BALLAST_EXIT_WITH_PARENT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own: a terminal's Ctrl-C reaches only this process, which stops the
      // children in order (workers while NATS still runs) instead of all at once.
      detached: true,
    });
    this.#child = child;
    this.#startedAt = Date.now();
    this.counters.starts++;
    child.stderr?.pipe(this.#log, { end: false });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let ready: (() => void) | null = null;
    const readyLine = new Promise<void>((resolve) => {
      ready = resolve;
    });
    lines.on('line', (line) => {
      this.#log.write(`${line}\n`);
      if (ready !== null && this.#o.ready?.(line)) {
        ready();
        ready = null;
      }
    });
    child.once('exit', (code, signal) => this.#exited(child, code, signal));
    if (this.#o.ready === undefined) return;
    const timeoutMs = this.#o.readyTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        readyLine,
        once(child, 'exit').then(([code, signal]) => {
          throw new Error(
            `${this.name} exited (${signal ?? `code ${code}`}) before it was ready; see ${this.#o.logFile}`,
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`${this.name} not ready after ${timeoutMs} ms; see ${this.#o.logFile}`),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * From now on an exit is expected: not a crash, no restart. A Ctrl-C in a terminal reaches
   * the whole process group, so children may stop on their own before {@link stop} asks them.
   */
  expectExit(): void {
    this.#stopping = true;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
  }

  /** Ends the child: SIGTERM, then SIGKILL after `graceMs`. No restart afterwards. */
  async stop(graceMs = 10_000): Promise<void> {
    this.expectExit();
    const child = this.#child;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child === child) this.#child = null;
    if (this.#stopping) return;
    this.counters.crashes++;
    this.#log.write(`--- ${this.name} exited: ${signal ?? `code ${code}`}\n`);
    this.#o.onCrash?.(this.name, code, signal);
    if (this.#o.restart === false) return;
    if (Date.now() - this.#startedAt > stableAfterMs) this.#backoffMs = 1_000;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, maxBackoffMs);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#stopping) return;
      this.start().catch((error: Error) =>
        this.#log.write(`--- restart failed: ${error.message}\n`),
      );
    }, delay);
    this.#restartTimer.unref();
  }
}
