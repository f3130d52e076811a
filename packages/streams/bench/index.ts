// Benchmarks of @ballast/streams, each against a baseline measured in the same run.
// Run: node --expose-gc --import tsx bench/index.ts
import {
  compareThroughput,
  type Figure,
  makeFigure,
  reportFigures,
  retainedBytesPer,
} from '@ballast/bench';
import { LRUCache } from 'lru-cache';
import { LRUMap } from 'mnemonist';
import { type Candle, CandleWindow, LruWindow } from '../src/index.js';

const candlesHeld = 100_000;
const bucketMs = 60_000;

// One tick per bucket, prices with cents so they are real doubles, not small integers.
const tickPrice = (i: number) => 100 + (i % 977) * 0.01;

function fillCandleWindow(count: number): CandleWindow {
  const window = new CandleWindow({ capacity: count, bucketMs });
  for (let i = 0; i < count; i++) window.apply(i * bucketMs, tickPrice(i), 0.5 + (i % 13));
  return window;
}

// The baseline: the obvious window, an array of candle objects, fed the same ticks.
function fillObjectWindow(count: number): Candle[] {
  const window: Candle[] = [];
  for (let i = 0; i < count; i++) {
    const price = tickPrice(i);
    window.push({
      start: i * bucketMs,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 0.5 + (i % 13),
      trades: 1,
    });
    if (window.length > count) window.shift();
  }
  return window;
}

function candleBytes(): Figure {
  const baseline = retainedBytesPer(fillObjectWindow, candlesHeld);
  const value = retainedBytesPer(fillCandleWindow, candlesHeld);
  return makeFigure({
    name: 'CandleWindow bytes per held candle',
    unit: 'B',
    value,
    baselineName: 'array of candle objects',
    baseline,
    goal: { on: 'value', op: '<=', target: 60 },
  });
}

// The LRU workload: 1e6 operations over 10k keys with room for 5k, keys drawn uniformly by a
// fixed-seed generator so every implementation sees the same sequence.
const opsPerRun = 1_000_000;
const keySpace = 10_000;
const bound = 5_000;
const keys = Array.from({ length: keySpace }, (_, i) => `SYM${i}`);
const opKeys: string[] = [];
const opIsSet = new Uint8Array(opsPerRun);
let seed = 12_345;
for (let i = 0; i < opsPerRun; i++) {
  seed = (seed * 48_271) % 2_147_483_647;
  opKeys.push(keys[seed % keySpace] as string);
  opIsSet[i] = (seed >>> 4) & 1;
}

interface Lru {
  set(key: string, value: number): unknown;
  get(key: string): number | undefined;
}

// The timed loops, one call = the whole sequence on one long-lived, already full LRU.
function mixedLoop(lru: Lru, keyAt: readonly string[], isSet: Uint8Array): number {
  let sink = 0;
  for (let i = 0; i < keyAt.length; i++) {
    const key = keyAt[i] as string;
    if (isSet[i] === 1) lru.set(key, i);
    else sink += lru.get(key) ?? 0;
  }
  return sink;
}

function setLoop(lru: Lru, keyAt: readonly string[]): number {
  for (let i = 0; i < keyAt.length; i++) lru.set(keyAt[i] as string, i);
  return 0;
}

function getLoop(lru: Lru, keyAt: readonly string[]): number {
  let sink = 0;
  for (let i = 0; i < keyAt.length; i++) sink += lru.get(keyAt[i] as string) ?? 0;
  return sink;
}

// V8 shares type feedback among closures of one function literal, so one loop timing three
// LRU classes would run polymorphic, slower than any real caller and unevenly so. Each
// implementation therefore gets its own compiled copy of the loops.
function ownCopy<TFunction extends (...args: never[]) => unknown>(fn: TFunction): TFunction {
  return new Function(`return (${fn.toString()});`)() as TFunction;
}

function workloads(name: string, make: () => Lru) {
  const prepared = () => {
    const lru = make();
    setLoop(lru, opKeys);
    return lru;
  };
  const [mixedLru, setLru, getLru] = [prepared(), prepared(), prepared()];
  const [mixed, set, get] = [ownCopy(mixedLoop), ownCopy(setLoop), ownCopy(getLoop)];
  let sink = 0;
  const task = (loop: () => number) => ({
    name,
    opsPerCall: opsPerRun,
    fn: () => {
      sink += loop();
    },
  });
  return {
    mixed: task(() => mixed(mixedLru, opKeys, opIsSet)),
    set: task(() => set(setLru, opKeys)),
    get: task(() => get(getLru, opKeys)),
    sink: () => sink,
  };
}

async function lruFigures(): Promise<Figure[]> {
  const ours = workloads('LruWindow', () => new LruWindow<string, number>({ maxKeys: bound }));
  const lruCache = workloads(
    'lru-cache 11 {max}',
    () => new LRUCache<string, number>({ max: bound }),
  );
  const mnemonist = workloads('mnemonist LRUMap', () => new LRUMap<string, number>(bound));
  const goal = { on: 'ratio', op: '>=', target: 1 } as const;
  const figures = [
    await compareThroughput({
      name: 'LruWindow mixed set/get',
      subject: ours.mixed,
      baseline: lruCache.mixed,
      goal,
    }),
    // Without goals: a get is mostly one Map lookup in both, so get-only sits at parity
    // within this machine's noise; the goal is on the mixed workload a window actually sees.
    await compareThroughput({
      name: 'LruWindow set only',
      subject: ours.set,
      baseline: lruCache.set,
    }),
    await compareThroughput({
      name: 'LruWindow get only',
      subject: ours.get,
      baseline: lruCache.get,
    }),
    // For reference: the design it follows.
    await compareThroughput({
      name: 'LruWindow mixed set/get',
      subject: ours.mixed,
      baseline: mnemonist.mixed,
    }),
  ];
  if (Number.isNaN(ours.sink() + lruCache.sink() + mnemonist.sink()))
    throw new Error('unreachable');
  return figures;
}

const figures = [candleBytes(), ...(await lruFigures())];
await reportFigures('streams', figures);
if (figures.some((figure) => figure.met === false)) process.exitCode = 1;
