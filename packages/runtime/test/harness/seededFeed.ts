import type { TickFields } from '../../src/ingest/TickPublisher.js';

/** Mulberry32: a tiny seeded PRNG, so a test's feed is the same on every run. */
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

/** Symbol names `S0000`..: plain tokens. */
export function symbols(count: number, prefix = 'S'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
}

/**
 * Ticks for a random walk per symbol: event time advances ~`stepMs` per tick overall, with a
 * little jitter backwards (late ticks) so the late-tick path is exercised too.
 */
export function* seededTicks(options: {
  seed: number;
  symbols: readonly string[];
  count: number;
  startTs?: number;
  stepMs?: number;
  pick?: (i: number, random: () => number) => string;
}): Generator<TickFields> {
  const random = rng(options.seed);
  const prices = new Map<string, number>();
  let ts = options.startTs ?? Date.UTC(2026, 0, 5, 14, 30);
  const step = options.stepMs ?? 50;
  for (let i = 0; i < options.count; i++) {
    const symbol =
      options.pick?.(i, random) ??
      (options.symbols[Math.floor(random() * options.symbols.length)] as string);
    const last = prices.get(symbol) ?? 100 + random() * 100;
    const price = Math.max(0.01, Math.round(last * (1 + (random() - 0.5) * 0.002) * 100) / 100);
    prices.set(symbol, price);
    ts += Math.floor(random() * step);
    const late = random() < 0.02 ? Math.floor(random() * 120_000) : 0;
    yield { symbol, price, size: 1 + Math.floor(random() * 500), ts: ts - late };
  }
}
