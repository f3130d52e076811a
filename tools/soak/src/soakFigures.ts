import { type Figure, makeFigure } from '@ballast/bench';
import type { SoakResult } from './runSoak.js';

/** The goal of the soak: a worker's RSS grows less than this after warm-up, in MiB/hour. */
export const rssSlopeGoalMibPerHour = 1;

/**
 * The soak's figures: per worker its RSS and heap slope after warm-up, each against the naive
 * fold's growth for as many ticks per hour as the workers folded (NaN when it was skipped), and
 * the most live actors it announced against `--max-live`.
 *
 * @example
 * await writeFile('docs/bench/soak.json', JSON.stringify({ suite: 'soak', figures: soakFigures(result) }));
 */
export function soakFigures(result: SoakResult): Figure[] {
  const o = result.options;
  const naive = result.naive;
  const setting = `${o.symbols} symbols, ${o.maxLive} live/worker, ${o.rate} ticks/s, ${formatMinutes(result.seconds)}`;
  return result.workers.flatMap((w) => [
    makeFigure({
      name: `${w.name} RSS slope after warm-up (${setting})`,
      unit: 'MiB/h',
      value: w.rss.slope,
      baselineName: 'naive fold of the same feed, same ticks per hour, RSS',
      baseline: naive?.rssMibPerHour ?? Number.NaN,
      goal: { on: 'value', op: '<=', target: rssSlopeGoalMibPerHour },
    }),
    makeFigure({
      name: `${w.name} heap slope after warm-up`,
      unit: 'MiB/h',
      value: w.heap.slope,
      baselineName: 'naive fold of the same feed, same ticks per hour, heap',
      baseline: naive?.heapMibPerHour ?? Number.NaN,
    }),
    makeFigure({
      name: `${w.name} most live actors announced`,
      unit: 'actors',
      value: w.maxLiveActors,
      baselineName: '--max-live',
      baseline: o.maxLive,
      goal: { on: 'ratio', op: '<=', target: 1 },
    }),
  ]);
}

function formatMinutes(seconds: number): string {
  return `${(seconds / 60).toFixed(seconds < 600 ? 1 : 0)} min`;
}
