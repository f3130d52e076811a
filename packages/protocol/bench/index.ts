// Benchmarks of @ballast/protocol, each against a baseline measured in the same run.
// Run: pnpm --filter @ballast/protocol bench (node --expose-gc --import tsx bench/index.ts)
import { compareThroughput, reportFigures } from '@ballast/bench';
import { Unpackr } from 'msgpackr';
import { decodeTick, encodeTick, type Tick } from '../src/index.js';

// 1,024 distinct ticks, cycled, so no call sees a constant input V8 could fold away.
const ticks: Tick[] = Array.from({ length: 1024 }, (_, i) => ({
  v: 1,
  symbol: ['AAPL', 'MSFT', 'BTC-USD', 'ETHUSDT'][i % 4] ?? 'AAPL',
  price: 100 + (i % 977) * 0.01,
  size: 1 + (i % 13),
  ts: 1_700_000_000_000 + i * 37,
  source: 'bench-feed',
  sourceSeq: 1_000_000 + i,
  ...(i % 2 === 0 && { openInterest: 50_000 + i }),
}));
const packed = ticks.map(encodeTick);
const json = ticks.map((t) => JSON.stringify(t));
// The same decoder settings as the codec, without validation: what validation costs.
const rawUnpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

const mask = ticks.length - 1;
let i = 0;
// Results go here so that no call is dead code.
let sink: unknown;

function decodeOne(): void {
  sink = decodeTick(packed[i++ & mask]!);
}

const figures = [
  await compareThroughput({
    // The baseline does no validation at all: the ratio includes the full cost of ours.
    name: 'tick encode+decode (msgpack validated vs JSON unvalidated)',
    subject: {
      name: 'encodeTick+decodeTick',
      fn: () => {
        sink = decodeTick(encodeTick(ticks[i++ & mask]!));
      },
    },
    baseline: {
      name: 'JSON.stringify+JSON.parse',
      fn: () => {
        sink = JSON.parse(JSON.stringify(ticks[i++ & mask]));
      },
    },
  }),
  await compareThroughput({
    // The per-event hot path of a worker: bytes in, tick out.
    name: 'tick decode (msgpack validated vs JSON.parse unvalidated)',
    subject: { name: 'decodeTick', fn: decodeOne },
    baseline: {
      name: 'JSON.parse',
      fn: () => {
        sink = JSON.parse(json[i++ & mask]!);
      },
    },
  }),
  await compareThroughput({
    name: 'tick decode (validated vs msgpackr unpack alone)',
    subject: { name: 'decodeTick', fn: decodeOne },
    baseline: {
      name: 'msgpackr unpack',
      fn: () => {
        sink = rawUnpackr.unpack(packed[i++ & mask]!);
      },
    },
  }),
];

if (sink === undefined) throw new Error('benchmark produced nothing');
await reportFigures('protocol', figures);
