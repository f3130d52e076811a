import type { InstrumentRecord } from '@ballast/runtime';
import { optionPremium, optionSeries, optionSymbol } from './optionSeries.js';
import { roundPrice } from './roundPrice.js';
import { SeededRandom } from './SeededRandom.js';

/** What kind of market an instrument trades in; it sets its price level and volatility. */
type InstrumentKind = 'equity' | 'crypto' | 'option';

/** One simulated instrument. */
export interface Instrument {
  /** Letters, digits and '-': a subject token and a KV key (`AAPL`, `S0042`, `BTC-USD`). */
  readonly symbol: string;
  readonly kind: InstrumentKind;
  /** First price of its random walk, > 0. */
  readonly startPrice: number;
  /** Standard deviation of one tick's log return. */
  readonly volatility: number;
  /** Relative share of the ticks: a few symbols are hot, most are quiet. */
  readonly activity: number;
  /** When it expires (options), ms since the epoch; `null`: never. */
  readonly expiresAt: number | null;
}

/** Options of {@link instrumentUniverse}. */
export interface InstrumentUniverseOptions {
  /** How many instruments, 1 to {@link maxUniverseSize}. */
  readonly count: number;
  /** Same seed, count and UTC day of `now`: same list. */
  readonly seed: number;
  /** The current time, ms since the epoch; only its UTC day is used. */
  readonly now: number;
}

/** Largest universe: each instrument costs the simulator ~200 bytes and an alias-table slot. */
export const maxUniverseSize = 200_000;

const dayMs = 86_400_000;
// "SYMBOL:level" pairs, space-separated so the formatter keeps each list on a few lines. The
// well-known names start near a familiar price level (±10 %); the rest are drawn.
const knownEquities = levels(
  'AAPL:190 MSFT:420 NVDA:120 AMZN:180 GOOGL:170 META:500 TSLA:250 BRK-B:420 JPM:200 V:280 ' +
    'UNH:500 XOM:115 JNJ:155 WMT:70 MA:470 PG:165 HD:360 CVX:155 LLY:800 AVGO:170 KO:63 ' +
    'PEP:170 COST:880 MRK:100 ABBV:175 BAC:40 ORCL:140 CRM:270 NFLX:680 AMD:150',
);
const knownCrypto = levels(
  'BTC-USD:60000 ETH-USD:3000 SOL-USD:150 XRP-USD:0.6 ADA-USD:0.45 DOGE-USD:0.12 ' +
    'AVAX-USD:30 DOT-USD:7 LINK-USD:15 LTC-USD:80',
);
/** Draws per option before giving up on a symbol no earlier option took. */
const maxOptionDraws = 20;

/**
 * A deterministic list of instruments: about 72 % equities, 18 % crypto pairs and 10 %
 * options on those equities (from 5 instruments up), each with a start price, a volatility
 * and an activity weight (Zipf over a shuffled rank: the hottest symbol gets ~1/ln(count) of
 * the ticks, most get few).
 *
 * Option expiries are placed relative to the UTC midnight of `now`, not `now` itself, so
 * `ballast up` (which seeds the registry) and a later `ballast feed` with the same seed and
 * count agree on every symbol and expiry as long as both run on the same UTC day. Some options
 * expire within hours, so expiry is visible in a demo; some may already have expired at `now`
 * ({@link instrumentRecords} leaves those out).
 *
 * @throws {RangeError} for a count outside 1..{@link maxUniverseSize}
 * @example
 * const universe = instrumentUniverse({ count: 500, seed: 1, now: Date.now() });
 * universe[0]; // { symbol: 'AAPL', kind: 'equity', startPrice: 61.05, ... }
 */
export function instrumentUniverse(options: InstrumentUniverseOptions): Instrument[] {
  const { count, seed, now } = options;
  if (!Number.isInteger(count) || count < 1 || count > maxUniverseSize) {
    throw new RangeError(`count must be an integer from 1 to ${maxUniverseSize}, got ${count}`);
  }
  const random = new SeededRandom(seed);
  const anchor = Math.floor(now / dayMs) * dayMs;
  const optionCount = count >= 5 ? Math.round(count * 0.1) : 0;
  const cryptoCount = Math.round((count - optionCount) * 0.2);
  const equityCount = count - optionCount - cryptoCount;
  const activity = zipfActivity(random, count);
  const list: Instrument[] = [];
  const add = (
    symbol: string,
    kind: InstrumentKind,
    startPrice: number,
    volatility: number,
    expiresAt: number | null,
  ) => {
    list.push({
      symbol,
      kind,
      startPrice,
      volatility,
      activity: activity[list.length] as number,
      expiresAt,
    });
  };
  for (let i = 0; i < equityCount; i++) {
    const drawn = clamp(Math.exp(Math.log(60) + 0.9 * random.normal()), 2, 1_500);
    const [symbol, price] = known(knownEquities[i], random) ?? [`S${pad(i)}`, drawn];
    add(symbol, 'equity', roundPrice(price), random.between(0.0003, 0.0015), null);
  }
  for (let i = 0; i < cryptoCount; i++) {
    const drawn = clamp(Math.exp(Math.log(5) + 2.5 * random.normal()), 0.001, 80_000);
    const [symbol, price] = known(knownCrypto[i], random) ?? [`C${pad(i)}-USD`, drawn];
    add(symbol, 'crypto', roundPrice(price), random.between(0.0008, 0.003), null);
  }
  const taken = new Set(list.map((instrument) => instrument.symbol));
  for (let i = 0; i < optionCount; i++) {
    const underlying = list[random.int(equityCount)] as Instrument;
    for (let draw = 0; draw < maxOptionDraws; draw++) {
      const series = optionSeries(random, underlying.startPrice, anchor);
      const symbol = optionSymbol(underlying.symbol, series);
      if (taken.has(symbol)) continue;
      taken.add(symbol);
      const premium = roundPrice(optionPremium(random, underlying.startPrice, series));
      add(symbol, 'option', premium, random.between(0.001, 0.004), series.expiresAt);
      break;
    }
  }
  return list;
}

/**
 * The registry records (runtime `InstrumentRecord`) of the universe these options make, for
 * `ballast up` to seed the `instruments` bucket with: `addedAt` is `now`, and instruments
 * already expired at `now` are left out (the registry refuses them).
 *
 * @example
 * for (const record of instrumentRecords({ count: 500, seed: 1, now: Date.now() })) {
 *   await registry.add(record.symbol, record.expiresAt);
 * }
 */
export function instrumentRecords(options: InstrumentUniverseOptions): InstrumentRecord[] {
  const { now } = options;
  const records: InstrumentRecord[] = [];
  for (const { symbol, expiresAt } of instrumentUniverse(options)) {
    if (expiresAt !== null && expiresAt <= now) continue;
    records.push({ symbol, expiresAt, addedAt: now });
  }
  return records;
}

/** Weights 1/rank over a random permutation of ranks 1..count. */
function zipfActivity(random: SeededRandom, count: number): Float64Array {
  const weights = new Float64Array(count);
  for (let i = 0; i < count; i++) weights[i] = 1 / (i + 1);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = weights[i] as number;
    weights[i] = weights[j] as number;
    weights[j] = swap;
  }
  return weights;
}

function levels(pairs: string): [string, number][] {
  return pairs.split(' ').map((pair) => {
    const [symbol, level] = pair.split(':') as [string, string];
    return [symbol, Number(level)];
  });
}

function known(
  entry: [string, number] | undefined,
  random: SeededRandom,
): [string, number] | undefined {
  return entry === undefined ? undefined : [entry[0], entry[1] * random.between(0.9, 1.1)];
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function pad(index: number): string {
  return String(index).padStart(4, '0');
}
