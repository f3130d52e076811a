/**
 * The naive fold's child process: generates the soak's feed with the CLI's own simulator (same
 * instruments, same seed) as fast as it can, stamping tick i at `startTs + i / rate` — the
 * feed's ticks, compressed in time — folds them with {@link NaiveCandleFold}, and prints a
 * progress line every 100 ms until its parent kills it (or `maxSeconds` pass).
 *
 * Run: node [--import tsx] naiveProcess.{js,ts} '<NaiveProcessOptions as JSON>'
 */
import { pathToFileURL } from 'node:url';
import { instrumentUniverse } from '@ballast/cli/dist/feed/instrumentUniverse.js';
import { MarketSimulator } from '@ballast/cli/dist/feed/MarketSimulator.js';
import { NaiveCandleFold } from './NaiveCandleFold.js';

/** What the naive child simulates. */
export interface NaiveProcessOptions {
  readonly symbols: number;
  readonly seed: number;
  /** The feed's rate, ticks/s: spaces the ticks' event times. */
  readonly rate: number;
  /** Event time of the first tick (and the universe's day). */
  readonly startTs: number;
  /** The child exits by itself after this long, should its parent be gone. */
  readonly maxSeconds: number;
}

/** One line the child prints. */
export interface NaiveProgress {
  readonly ticks: number;
  readonly symbols: number;
  readonly candles: number;
  readonly heapUsed: number;
  readonly seconds: number;
}

function main(o: NaiveProcessOptions): void {
  const instruments = instrumentUniverse({ count: o.symbols, seed: o.seed, now: o.startTs });
  const simulator = new MarketSimulator({ instruments, seed: o.seed });
  const fold = new NaiveCandleFold();
  const stepMs = 1_000 / o.rate;
  const began = performance.now();
  let reported = began;
  let i = 0;
  const report = (now: number) => {
    const line: NaiveProgress = {
      ticks: fold.ticks,
      symbols: fold.symbols,
      candles: fold.candles,
      heapUsed: process.memoryUsage().heapUsed,
      seconds: (now - began) / 1_000,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  report(began);
  // Synchronous on purpose: nothing else runs here, and a pipe write is synchronous on Linux.
  for (;;) {
    for (let k = 0; k < 2_000; k++) {
      fold.apply(simulator.next(Math.floor(o.startTs + i * stepMs)));
      i++;
    }
    const now = performance.now();
    if (now - reported >= 100) {
      reported = now;
      report(now);
      if (now - began > o.maxSeconds * 1_000) return;
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(JSON.parse(process.argv[2] as string) as NaiveProcessOptions);
}
