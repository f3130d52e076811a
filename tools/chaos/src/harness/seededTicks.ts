import { partition } from '@ballast/protocol';
import type { TickFields } from '@ballast/runtime';

/**
 * Mulberry32: a tiny seeded PRNG, so a scenario's feed, kills and fuzz are the same on every run.
 *
 * @example
 * const random = rng(42);
 * random(); // 0 <= x < 1
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Symbol names `S0000`.. (plain subject tokens).
 *
 * @example
 * symbolNames(2); // ['S0000', 'S0001']
 */
export function symbolNames(count: number, prefix = 'S'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
}

/**
 * One symbol of `names` per partition (the first that hashes there), so a probe can ask each
 * partition's owner; throws when some partition has none.
 *
 * @example
 * const probes = probeSymbols(symbolNames(100), 8); // probes[p] lives in partition p
 */
export function probeSymbols(names: readonly string[], partitions: number): string[] {
  const probes: (string | undefined)[] = Array.from({ length: partitions });
  for (const name of names) {
    const p = partition(name, partitions);
    probes[p] ??= name;
  }
  const missing = probes.indexOf(undefined);
  if (missing >= 0) throw new Error(`no symbol of ${names.length} falls in partition ${missing}`);
  return probes as string[];
}

/** Options of {@link seededTicks}. */
export interface SeededTicksOptions {
  readonly seed: number;
  readonly symbols: readonly string[];
  /** Ticks to yield; default unbounded (the consumer stops). */
  readonly count?: number;
  readonly startTs?: number;
  /**
   * Event time advances by up to this much per tick overall (uniform). Large values make every
   * symbol close 1m candles every few of its ticks, so closed candles flow to the sink.
   */
  readonly stepMs?: number;
  /** Share of ticks that arrive late (up to 2 minutes back), exercising the late-tick path. */
  readonly lateShare?: number;
}

/**
 * Ticks for a random walk per symbol, event time moving forward with a few late ticks.
 *
 * @example
 * for (const fields of seededTicks({ seed: 7, symbols: symbolNames(100), count: 1_000 })) {
 *   await publisher.publishNext(fields);
 * }
 */
export function* seededTicks(options: SeededTicksOptions): Generator<TickFields> {
  const random = rng(options.seed);
  const prices = new Map<string, number>();
  let ts = options.startTs ?? Date.UTC(2026, 0, 5, 14, 30);
  const step = options.stepMs ?? 50;
  const lateShare = options.lateShare ?? 0.02;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const names = options.symbols;
  for (let i = 0; i < count; i++) {
    const symbol = names[Math.floor(random() * names.length)] as string;
    const last = prices.get(symbol) ?? 100 + random() * 100;
    const price = Math.max(0.01, Math.round(last * (1 + (random() - 0.5) * 0.002) * 100) / 100);
    prices.set(symbol, price);
    ts += Math.floor(random() * step);
    const late = random() < lateShare ? Math.floor(random() * 120_000) : 0;
    yield { symbol, price, size: 1 + Math.floor(random() * 500), ts: ts - late };
  }
}
