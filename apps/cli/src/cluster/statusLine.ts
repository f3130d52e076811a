import type { WorkerSample } from './ClusterWatch.js';

// By severity: the worst state across workers is the one to show.
const bySeverity = ['CLOSED', 'HALF_OPEN', 'OPEN'] as const;
/** Severity of a breaker state code (0 CLOSED, 1 OPEN, 2 HALF_OPEN). */
const severity = (code: number): number => (code === 1 ? 2 : code === 2 ? 1 : 0);

/**
 * One line about the whole local cluster: ticks/s, live actors, RSS per worker, breaker
 * states, drops, dead letters, and crashed children.
 *
 * @example
 * formatStatusLine(watch.workers(), 0);
 * // 'ticks/s 1,204 | actors 498 live | w1 88 MB, w2 91 MB | candleSink CLOSED | drops 0 | dead letters 0 | crashes 0'
 */
export function formatStatusLine(workers: readonly WorkerSample[], crashes: number): string {
  if (workers.length === 0) return `waiting for workers... | crashes ${crashes}`;
  let rate = 0;
  let live = 0;
  let drops = 0;
  let deadLetters = 0;
  const breakers = new Map<string, number>();
  for (const { status, ticksPerSecond } of workers) {
    rate += ticksPerSecond;
    live += status.liveActors;
    drops += status.sinkDropped ?? 0;
    deadLetters += status.deadLetters ?? 0;
    for (const [name, code] of Object.entries(status.breakers)) {
      breakers.set(name, Math.max(breakers.get(name) ?? 0, severity(code)));
    }
  }
  const memory = workers
    .map(({ status }) => `${status.worker} ${Math.round(status.rss / 1_048_576)} MB`)
    .join(', ');
  const breakerText =
    breakers.size === 0
      ? 'no breakers'
      : [...breakers].map(([name, worst]) => `${name} ${bySeverity[worst]}`).join(', ');
  return [
    `ticks/s ${Math.round(rate).toLocaleString('en-US')}`,
    `actors ${live.toLocaleString('en-US')} live`,
    memory,
    breakerText,
    `drops ${drops.toLocaleString('en-US')}`,
    `dead letters ${deadLetters.toLocaleString('en-US')}`,
    `crashes ${crashes}`,
  ].join(' | ');
}
