/**
 * Reloader coalescing: a burst of 10,000 triggers (a bulk import into the instrument registry,
 * each key change one KV watch event) against the one reload per trigger a plain watch
 * callback would run. Driven by a SimulatedClock, so the figure is exact, not timed: the
 * triggers arrive 1.2 ms apart on average for 12 s, so the burst outlasts `maxWaitMs` (10 s,
 * the first reload starts in the middle of it) and triggers keep landing during that reload
 * and its cooldown (the trailing reload) — every path that merges triggers is taken.
 */
import { type Figure, makeFigure } from '@ballast/bench';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { type ReloadInput, reloader } from '../src/index.js';

const triggers = 10_000;
const burstMs = 12_000;
/** Simulated duration of one reload (a registry scan). */
const reloadMs = 200;

/** The coalescing figure, exact for this burst. */
export async function reloaderFigures(): Promise<Figure[]> {
  const clock = new SimulatedClock();
  const starts: number[] = [];
  const machine = reloader.provide({
    actors: {
      reload: fromPromise<unknown, ReloadInput>(
        () =>
          new Promise((resolve) => {
            starts.push(clock.now());
            clock.setTimeout(() => resolve(undefined), reloadMs);
          }),
      ),
    },
  });
  const actor = createActor(machine, { clock, input: {} }).start();
  let lastTriggerAt = 0;
  for (let k = 0; k < triggers; k++) {
    const at = Math.floor((k * burstMs) / triggers);
    if (at > clock.now()) await advance(clock, at - clock.now());
    actor.send({ type: 'TRIGGER' });
    lastTriggerAt = clock.now();
  }
  await advance(clock, 60_000);
  const { counters } = actor.getSnapshot().context;
  actor.stop();
  // Coalescing must not lose the last change: a reload has to start after the last trigger.
  const last = starts[starts.length - 1] ?? -1;
  if (counters.triggers !== triggers || last < lastTriggerAt) {
    throw new Error(
      `reloader bench: ${counters.triggers} triggers, last reload at ${last} ms, last trigger at ${lastTriggerAt} ms`,
    );
  }
  return [
    makeFigure({
      name: `reloader: ${triggers.toLocaleString('en-US')} triggers over ${burstMs / 1_000} s -> reloads`,
      unit: 'reloads',
      value: counters.reloads,
      baselineName: 'one reload per trigger (a plain watch callback)',
      baseline: triggers,
      goal: { on: 'value', op: '<=', target: 2 },
    }),
  ];
}

/** Moves the clock 1 ms at a time, letting promise callbacks (a reload's end) run in between. */
async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    clock.increment(1);
    for (let j = 0; j < 5; j++) await Promise.resolve();
  }
}
