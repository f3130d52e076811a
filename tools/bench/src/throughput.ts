import { Bench } from 'tinybench';
import { type Figure, type Goal, makeFigure } from './figure.js';

/** A function to time; when it does several operations per call, say so in `opsPerCall`. */
export interface TimedTask {
  readonly name: string;
  readonly fn: () => void;
  /** Operations one call performs. Default 1. */
  readonly opsPerCall?: number;
}

/** Options for {@link compareThroughput}. */
export interface ThroughputComparison {
  readonly name: string;
  readonly subject: TimedTask;
  readonly baseline: TimedTask;
  readonly goal?: Goal;
  /** Milliseconds each task runs. Default 1000. */
  readonly timeMs?: number;
}

/**
 * Times `subject` and `baseline` in the same process, one after the other, and returns the
 * subject's median operations per second with its ratio to the baseline's.
 *
 * @example
 * const figure = await compareThroughput({
 *   name: 'tick encode+decode',
 *   subject: { name: 'msgpack', fn: () => decode(encode(tick)) },
 *   baseline: { name: 'JSON', fn: () => JSON.parse(JSON.stringify(tick)) },
 * });
 */
export async function compareThroughput(comparison: ThroughputComparison): Promise<Figure> {
  const bench = new Bench({ time: comparison.timeMs ?? 1_000, warmupTime: 200 });
  bench.add(comparison.subject.name, comparison.subject.fn);
  bench.add(comparison.baseline.name, comparison.baseline.fn);
  await bench.run();
  const [subject, baseline] = bench.tasks.map((task, i) => {
    const result = task.result;
    if (result?.state !== 'completed') {
      const error = result && 'error' in result ? result.error : undefined;
      throw new Error(`benchmark task "${task.name}" did not complete`, { cause: error });
    }
    const perCall = [comparison.subject, comparison.baseline][i]?.opsPerCall ?? 1;
    return result.throughput.p50 * perCall;
  });
  return makeFigure({
    name: comparison.name,
    unit: 'ops/s',
    value: subject ?? Number.NaN,
    baselineName: comparison.baseline.name,
    baseline: baseline ?? Number.NaN,
    ...(comparison.goal && { goal: comparison.goal }),
  });
}
