/**
 * symbolCache figures: ticks folded per second on one core (through the actor, one TICK or a
 * TICKS batch of 8 per event, and through the bare fold, to show the machine's cost) and
 * bytes held per symbol with every window full, against a naive book of candle objects
 * holding the same candles.
 */
import { compareThroughput, type Figure, makeFigure, retainedBytesPer } from '@ballast/bench';
import { type Tick, timeframeMs, timeframes } from '@ballast/protocol';
import { createActor } from 'xstate';
import { defaultCandleCapacities, realClock, SymbolBook, symbolCache } from '../src/index.js';
import { naiveBook } from './naiveBook.js';

const t0 = Date.UTC(2026, 0, 1);
const batch = 1_000;

function tickAt(i: number): Tick {
  return {
    v: 1,
    symbol: 'AAPL',
    price: 100 + (i % 50) / 10,
    size: 1 + (i % 7),
    ts: t0 + i * 1_000,
    source: 'bench',
    sourceSeq: i,
  };
}

/** A live symbolCache actor that never asks for a snapshot. */
function liveActor() {
  const actor = createActor(symbolCache, {
    clock: realClock,
    input: { symbol: 'AAPL', snapshotEveryEvents: 1e9 },
  }).start();
  actor.send({ type: 'HYDRATED' });
  return actor;
}

/** The baseline of both fold figures: `batch` ticks through a bare SymbolBook per call. */
function bareFold() {
  const book = new SymbolBook('AAPL');
  let seq = 0;
  return {
    name: 'SymbolBook.apply',
    opsPerCall: batch,
    fn: () => {
      for (let i = 0; i < batch; i++) {
        seq++;
        book.apply(tickAt(seq), seq);
      }
    },
  };
}

/** The fold figures, measured in this process. */
export async function symbolCacheFigures(): Promise<Figure[]> {
  const actor = liveActor();
  let actorSeq = 0;
  const fold = await compareThroughput({
    name: 'ticks folded per second, one core (actor vs bare fold)',
    subject: {
      name: 'symbolCache actor.send(TICK)',
      opsPerCall: batch,
      fn: () => {
        for (let i = 0; i < batch; i++) {
          actorSeq++;
          actor.send({ type: 'TICK', tick: tickAt(actorSeq), seq: actorSeq });
        }
      },
    },
    baseline: bareFold(),
  });
  actor.stop();

  // What the runtime sends: a symbol's ticks of one read of the log as one TICKS event.
  const batched = liveActor();
  let batchedSeq = 0;
  const ticksPerEvent = 8;
  const foldBatched = await compareThroughput({
    name: `ticks folded per second, one core, TICKS of ${ticksPerEvent} (actor vs bare fold)`,
    subject: {
      name: `symbolCache actor.send(TICKS), ${ticksPerEvent} ticks each`,
      opsPerCall: batch,
      fn: () => {
        for (let i = 0; i < batch; i += ticksPerEvent) {
          const ticks = [];
          for (let k = 0; k < ticksPerEvent; k++) {
            batchedSeq++;
            ticks.push({ tick: tickAt(batchedSeq), seq: batchedSeq });
          }
          batched.send({ type: 'TICKS', ticks });
        }
      },
    },
    baseline: bareFold(),
  });
  batched.stop();

  const fullBook = () => {
    const b = new SymbolBook('AAPL');
    // One tick per bucket of each timeframe fills every window to its capacity.
    for (const tf of timeframes) {
      for (let i = 0; i < defaultCandleCapacities[tf]; i++)
        b.apply({ ...tickAt(0), ts: t0 + i * timeframeMs[tf] }, b.lastAppliedSeq + 1);
    }
    return b;
  };
  const symbols = 50;
  const bytes = makeFigure({
    name: 'bytes per symbol, every window full (5,333 candles)',
    unit: 'B',
    value: retainedBytesPer((n) => Array.from({ length: n }, fullBook), symbols),
    baselineName: 'arrays of candle objects',
    baseline: retainedBytesPer((n) => Array.from({ length: n }, () => naiveBook(t0)), symbols),
    goal: { on: 'ratio', op: '<=', target: 0.5 },
  });
  return [fold, foldBatched, bytes];
}
