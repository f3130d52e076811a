/**
 * Circuit breaker overhead against opossum@9 and cockatiel@3, measured in the same run.
 * Run: `pnpm --filter @ballast/machines bench` (node --expose-gc --import tsx bench/index.ts).
 *
 * Each timed function awaits `batch` guarded calls of a function returning a resolved promise,
 * so tinybench's per-iteration overhead is amortised; ops/s counts guarded calls. Every breaker
 * is CLOSED with no per-call timeout (opossum: `timeout: false`), so what is measured is the
 * breaker's own bookkeeping per successful call.
 *
 * Then the symbolCache fold and bytes per book (symbolCacheFigures.ts), bytes per live actor
 * with every window full (liveActorFigures.ts) and reloader coalescing (reloaderFigures.ts).
 */
import { compareThroughput, type Figure, reportFigures } from '@ballast/bench';
import { ConsecutiveBreaker, circuitBreaker as cockatielBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { createActor } from 'xstate';
import { circuitBreaker, createBreaker, realClock } from '../src/index.js';
import { liveActorFigures } from './liveActorFigures.js';
import { reloaderFigures } from './reloaderFigures.js';
import { symbolCacheFigures } from './symbolCacheFigures.js';

const batch = 1_000;
const goal = { on: 'ratio', op: '>=', target: 1 } as const;
const work = () => Promise.resolve(1);

const actor = createActor(circuitBreaker, {
  clock: realClock,
  input: { failureThreshold: 10 },
}).start();
const breaker = createBreaker(actor);
const opossum = new Opossum(work, { timeout: false, resetTimeout: 60_000 });
const cockatiel = cockatielBreaker(handleAll, {
  halfOpenAfter: 60_000,
  breaker: new ConsecutiveBreaker(10),
});

const ballastTask = {
  name: '@ballast/machines Breaker.call',
  opsPerCall: batch,
  fn: async () => {
    for (let i = 0; i < batch; i++) await breaker.call(work);
  },
};

// The machine path every call would take without the fast path: two actor.send per call.
const slowActor = createActor(circuitBreaker, {
  clock: realClock,
  input: { failureThreshold: 10 },
}).start();
const machineTask = {
  name: '@ballast/machines actor.send per call',
  opsPerCall: batch,
  fn: async () => {
    for (let i = 0; i < batch; i++) {
      slowActor.send({ type: 'CALL_REQUESTED' });
      const { generation } = slowActor.getSnapshot().context;
      await work();
      slowActor.send({ type: 'CALL_SUCCEEDED', generation });
    }
  },
};

const opossumTask = {
  name: 'opossum@9',
  opsPerCall: batch,
  fn: async () => {
    for (let i = 0; i < batch; i++) await opossum.fire();
  },
};

const cockatielTask = {
  name: 'cockatiel@3',
  opsPerCall: batch,
  fn: async () => {
    for (let i = 0; i < batch; i++) await cockatiel.execute(work);
  },
};

const figures: Figure[] = [
  await compareThroughput({
    name: 'guarded call, CLOSED (vs opossum)',
    subject: ballastTask,
    baseline: opossumTask,
    goal,
  }),
  await compareThroughput({
    name: 'guarded call, CLOSED (vs cockatiel)',
    subject: ballastTask,
    baseline: cockatielTask,
    goal,
  }),
  await compareThroughput({
    name: 'machine path, no fast path (vs cockatiel)',
    subject: machineTask,
    baseline: cockatielTask,
  }),
];

const counters = breaker.snapshot().context.counters;
if (counters.failures !== 0 || counters.calls !== counters.successes) {
  throw new Error(`bench breaker counted unexpected outcomes: ${JSON.stringify(counters)}`);
}
breaker[Symbol.dispose]();
actor.stop();
slowActor.stop();
opossum.shutdown();
figures.push(...(await symbolCacheFigures()), ...liveActorFigures(), ...(await reloaderFigures()));
await reportFigures('machines', figures);
