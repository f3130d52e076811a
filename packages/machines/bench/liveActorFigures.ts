/**
 * Bytes per live symbol actor with every window full (5,333 candles): a `symbolCache` actor
 * restored from a full book's snapshot and made live, as a worker hydrates one — the book,
 * the machine's context, its housekeeping timer and XState's actor — against the naive book
 * of candle objects holding the same candles. The restored input is dropped after start, as
 * the runtime's SymbolHost does.
 */
import { type Figure, makeFigure, retainedBytesPer } from '@ballast/bench';
import { type Tick, timeframeMs, timeframes } from '@ballast/protocol';
import { type ActorRefFrom, createActor } from 'xstate';
import {
  defaultCandleCapacities,
  realClock,
  SymbolBook,
  type SymbolCacheInput,
  symbolCache,
  symbolLifecycle,
} from '../src/index.js';
import { naiveBook } from './naiveBook.js';

const t0 = Date.UTC(2026, 0, 1);
const actors = 50;

function tick(ts: number): Tick {
  return { v: 1, symbol: 'AAPL', price: 100.25, size: 3, ts, source: 'bench', sourceSeq: 0 };
}

/** A book with every window at its capacity. */
function fullBook(symbol: string): SymbolBook {
  const book = new SymbolBook(symbol);
  for (const tf of timeframes) {
    for (let i = 0; i < defaultCandleCapacities[tf]; i++) {
      book.apply({ ...tick(t0 + i * timeframeMs[tf]), symbol }, book.lastAppliedSeq + 1);
    }
  }
  return book;
}

/** The live-actor figure, measured in this process (needs --expose-gc). */
export function liveActorFigures(): Figure[] {
  const started: ActorRefFrom<typeof symbolCache>[] = [];
  const liveActors = (count: number) => {
    const held: ActorRefFrom<typeof symbolCache>[] = [];
    for (let i = 0; i < count; i++) {
      const symbol = `S${i}`;
      const input: { -readonly [K in keyof SymbolCacheInput]: SymbolCacheInput[K] } = {
        symbol,
        restore: fullBook(symbol).snapshot(),
      };
      const actor = createActor(symbolCache, { clock: realClock, input }).start();
      delete input.restore;
      actor.send({ type: 'HYDRATED' });
      const lifecycle = symbolLifecycle(actor.getSnapshot());
      if (lifecycle !== 'live') throw new Error(`bench actor ${symbol} is ${lifecycle}, not live`);
      held.push(actor);
    }
    started.push(...held);
    return held;
  };
  try {
    return [
      makeFigure({
        name: `bytes per live symbol actor, every window full (${actors} actors)`,
        unit: 'B',
        value: retainedBytesPer(liveActors, actors),
        baselineName: 'arrays of candle objects',
        baseline: retainedBytesPer((n) => Array.from({ length: n }, () => naiveBook(t0)), actors),
      }),
    ];
  } finally {
    for (const actor of started) actor.stop();
  }
}
