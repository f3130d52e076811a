import type { TickFields } from '@ballast/runtime';
import { type AliasTable, aliasTable } from './aliasTable.js';
import type { Instrument } from './instrumentUniverse.js';
import { roundPrice } from './roundPrice.js';
import { SeededRandom } from './SeededRandom.js';

/** Options of {@link MarketSimulator}. */
export interface MarketSimulatorOptions {
  /** What to simulate (e.g. {@link instrumentUniverse}'s list); symbols must be distinct. */
  readonly instruments: readonly Instrument[];
  /** Same seed, instruments and `ts` sequence: same ticks. */
  readonly seed: number;
}

/** Totals since construction. */
export interface MarketSimulatorCounters {
  ticks: number;
  /** Instruments that stopped ticking because their `expiresAt` passed. */
  expired: number;
}

/**
 * Pull back toward the start price per tick, so a hot symbol's walk over millions of ticks
 * stays near its level (stationary spread ≈ volatility / sqrt(2 · reversion), 5–50 %).
 */
const reversion = 2e-5;
/** A walk never leaves e^±12 of its start price: prices stay positive and finite forever. */
const maxLogDistance = 12;
/** Normal deviates are cut at ±6 so one tick cannot jump absurdly. */
const maxDeviate = 6;

/**
 * Generates ticks as a mean-reverting geometric random walk per symbol, picking each tick's
 * symbol by its activity weight (a few hot, most quiet). Options carry an open interest that
 * walks too, and stop ticking once `ts` reaches their expiry. Deterministic: the same seed,
 * instruments and sequence of `ts` values give the same ticks.
 *
 * @example
 * const sim = new MarketSimulator({ instruments: instrumentUniverse({ count: 500, seed: 1, now }), seed: 1 });
 * await publisher.publishNext(sim.next(Date.now()));
 */
export class MarketSimulator {
  readonly counters: MarketSimulatorCounters = { ticks: 0, expired: 0 };
  readonly #random: SeededRandom;
  readonly #instruments: readonly Instrument[];
  /** Per instrument: log of its current unrounded price. */
  readonly #logPrice: Float64Array;
  readonly #logStart: Float64Array;
  /** Per instrument: open interest (options only). */
  readonly #openInterest: Float64Array;
  /** Indexes of the instruments still ticking; `#table` picks among them. */
  #live: number[];
  #table: AliasTable;
  /** The earliest expiry among live instruments; `Infinity` when none expires. */
  #nextExpiry: number;

  /** @throws {RangeError} for no instruments or all weights zero */
  constructor(options: MarketSimulatorOptions) {
    // A different stream from the universe's, which uses the same seed.
    this.#random = new SeededRandom(options.seed ^ 0x5eed_71c5);
    const instruments = options.instruments;
    this.#instruments = instruments;
    const n = instruments.length;
    this.#logPrice = new Float64Array(n);
    this.#logStart = new Float64Array(n);
    this.#openInterest = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const instrument = instruments[i] as Instrument;
      const log = Math.log(instrument.startPrice);
      if (!Number.isFinite(log)) {
        throw new RangeError(
          `${instrument.symbol}: startPrice must be a finite number > 0, got ${instrument.startPrice}`,
        );
      }
      this.#logPrice[i] = log;
      this.#logStart[i] = log;
      if (instrument.kind === 'option') this.#openInterest[i] = 100 + this.#random.int(20_000);
    }
    this.#live = instruments.map((_, i) => i);
    this.#table = this.#buildTable();
    this.#nextExpiry = this.#earliestExpiry();
  }

  /** Instruments still ticking. */
  get liveCount(): number {
    return this.#live.length;
  }

  /**
   * The next tick, stamped `ts`.
   *
   * @param ts - event time, whole ms since the epoch
   * @throws {RangeError} when every instrument has expired
   * @example
   * const tick = sim.next(Date.now()); // { symbol: 'NVDA', price: 61.07, size: 300, ts }
   */
  next(ts: number): TickFields {
    if (ts >= this.#nextExpiry) this.#expire(ts);
    const random = this.#random;
    const i = this.#live[this.#table.pick(random.next())] as number;
    const instrument = this.#instruments[i] as Instrument;
    const start = this.#logStart[i] as number;
    let log = this.#logPrice[i] as number;
    const z = Math.max(-maxDeviate, Math.min(maxDeviate, random.normal()));
    log += reversion * (start - log) + instrument.volatility * z;
    log = Math.max(start - maxLogDistance, Math.min(start + maxLogDistance, log));
    this.#logPrice[i] = log;
    this.counters.ticks++;
    const price = roundPrice(Math.exp(log));
    if (instrument.kind !== 'option') {
      return { symbol: instrument.symbol, price, size: this.#size(instrument), ts };
    }
    const oi = Math.max(0, (this.#openInterest[i] as number) + Math.round(random.normal() * 3));
    this.#openInterest[i] = oi;
    return { symbol: instrument.symbol, price, size: 1 + random.int(20), ts, openInterest: oi };
  }

  #size(instrument: Instrument): number {
    const random = this.#random;
    if (instrument.kind === 'crypto') {
      return Math.max(0.0001, Math.round(Math.exp(random.normal()) * 1_000) / 10_000);
    }
    // Mostly odd lots, some round lots: what a US equity tape looks like.
    return random.next() < 0.7 ? 1 + random.int(99) : 100 * (1 + random.int(10));
  }

  /** Drops every instrument expired at `ts`, then rebuilds the table once. */
  #expire(ts: number): void {
    const before = this.#live.length;
    this.#live = this.#live.filter((i) => {
      const expiresAt = (this.#instruments[i] as Instrument).expiresAt;
      return expiresAt === null || expiresAt > ts;
    });
    this.counters.expired += before - this.#live.length;
    if (this.#live.length === 0) {
      throw new RangeError(`every instrument has expired at ${new Date(ts).toISOString()}`);
    }
    this.#table = this.#buildTable();
    this.#nextExpiry = this.#earliestExpiry();
  }

  #buildTable(): AliasTable {
    return aliasTable(this.#live.map((i) => (this.#instruments[i] as Instrument).activity));
  }

  #earliestExpiry(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const i of this.#live) {
      const expiresAt = (this.#instruments[i] as Instrument).expiresAt;
      if (expiresAt !== null && expiresAt < earliest) earliest = expiresAt;
    }
    return earliest;
  }
}
