import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NaiveProcessOptions, NaiveProgress } from './naiveProcess.js';
import { readRss } from './procStatus.js';

/** Options of {@link runNaiveFold}. */
export interface NaiveRunOptions {
  readonly symbols: number;
  readonly seed: number;
  readonly rate: number;
  /** Wall time the naive child may run. */
  readonly seconds: number;
  /** Its RSS at which it is killed: it would grow until the kernel or V8 kills it. */
  readonly rssLimitBytes: number;
  /** Shortest time between two samples. Default 500 ms. */
  readonly sampleEveryMs?: number;
  /** Event time of the first tick. Default now. */
  readonly startTs?: number;
}

/** One sample of the naive child, its RSS read from `/proc` like the workers'. */
export interface NaiveSample {
  readonly seconds: number;
  readonly ticks: number;
  readonly symbols: number;
  readonly candles: number;
  readonly rss: number;
  readonly heapUsed: number;
}

/** What {@link runNaiveFold} saw. */
export interface NaiveRun {
  readonly samples: readonly NaiveSample[];
  /** Why it ended: its time was up, it reached the RSS limit, or it exited by itself. */
  readonly stoppedBy: 'time' | 'rss' | 'exit';
  readonly seconds: number;
}

/** Samples kept at most: 2 per second for 10 minutes. */
const maxSamples = 1_200;
/** Room for the heap to outgrow the RSS limit, so V8 does not abort first. */
const childHeapMb = 4_096;

/**
 * Runs the naive fold ({@link NaiveCandleFold}) of the soak's feed in a child process and
 * samples its RSS from `/proc` together with the ticks it has folded, until its time is up or
 * it reaches the RSS limit; then SIGKILLs it. The child folds as fast as it can, so a minute
 * covers hours of the feed.
 *
 * @example
 * const run = await runNaiveFold({ symbols: 5_000, seed: 1, rate: 2_000, seconds: 60, rssLimitBytes: 1.5e9 });
 * run.samples.at(-1); // { ticks: 41_000_000, rss: 1_100_000_000, ... }
 */
export async function runNaiveFold(options: NaiveRunOptions): Promise<NaiveRun> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(`./naiveProcess.${fromSource ? 'ts' : 'js'}`, import.meta.url),
  );
  const childOptions: NaiveProcessOptions = {
    symbols: options.symbols,
    seed: options.seed,
    rate: options.rate,
    startTs: options.startTs ?? Date.now(),
    maxSeconds: options.seconds + 30,
  };
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${childHeapMb}`,
      ...(fromSource ? ['--import', 'tsx'] : []),
      entry,
      JSON.stringify(childOptions),
    ],
    // tsx resolves from the package root, wherever the soak was started.
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const samples: NaiveSample[] = [];
  const every = options.sampleEveryMs ?? 500;
  const began = performance.now();
  let lastSample = Number.NEGATIVE_INFINITY;
  let stoppedBy: NaiveRun['stoppedBy'] = 'exit';
  const stop = (why: NaiveRun['stoppedBy']) => {
    if (child.exitCode !== null || child.signalCode !== null || child.killed) return;
    stoppedBy = why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => stop('time'), options.seconds * 1_000);
  timer.unref();
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    const now = performance.now();
    if (now - lastSample < every || samples.length >= maxSamples) return;
    let progress: NaiveProgress;
    try {
      progress = JSON.parse(line) as NaiveProgress;
    } catch {
      return;
    }
    // Read when the line arrives: the RSS and the ticks belong to the same moment.
    const rss = readRss(child.pid as number);
    if (rss === null) return;
    lastSample = now;
    samples.push({ ...progress, seconds: (now - began) / 1_000, rss });
    if (rss >= options.rssLimitBytes) stop('rss');
  });
  try {
    await exited;
  } finally {
    clearTimeout(timer);
    lines.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  if (stoppedBy === 'exit' && samples.length === 0) {
    throw new Error(`the naive fold exited with ${child.exitCode ?? child.signalCode}:\n${stderr}`);
  }
  return { samples, stoppedBy, seconds: (performance.now() - began) / 1_000 };
}
