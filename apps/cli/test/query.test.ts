import type { SymbolQueryReply } from '@ballast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueryCluster, startQueryCluster } from './queryCluster.js';

/** The 1m candles the published ticks of `symbol` make, newest first. */
function expectedCandles(cluster: QueryCluster, symbol: string) {
  const bySlot = new Map<
    number,
    {
      start: number;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number;
      trades: number;
    }
  >();
  for (const t of cluster.ticks) {
    if (t.symbol !== symbol) continue;
    const start = Math.floor(t.ts / 60_000) * 60_000;
    const c = bySlot.get(start);
    if (c === undefined) {
      bySlot.set(start, {
        start,
        open: t.price,
        high: t.price,
        low: t.price,
        close: t.price,
        volume: t.size,
        trades: 1,
      });
    } else {
      c.high = Math.max(c.high, t.price);
      c.low = Math.min(c.low, t.price);
      c.close = t.price;
      c.volume += t.size;
      c.trades++;
    }
  }
  return [...bySlot.values()].sort((a, b) => b.start - a.start);
}

describe('ballast query', () => {
  let cluster: QueryCluster;
  beforeAll(async () => {
    cluster = await startQueryCluster(400);
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
  });

  it('--json returns the candles the published ticks make', async () => {
    const { code, stdout, stderr } = await cluster.run('query', 'AAPL', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const reply = JSON.parse(stdout) as SymbolQueryReply;
    expect(reply.found).toBe(true);
    expect(reply.worker).toBe('w1');
    expect(reply.lifecycle).toBe('live');
    const expected = expectedCandles(cluster, 'AAPL');
    expect(expected.length).toBeGreaterThan(3);
    expect([...reply.candles].reverse()).toEqual(expected);
    expect(reply.lastAppliedSeq).toBeGreaterThan(0);
  });

  it('prints the header and a table of candles, newest first', async () => {
    const { code, stdout } = await cluster.run('query', 'AAPL', '--limit', '2');
    expect(code).toBe(0);
    const [newest, older] = expectedCandles(cluster, 'AAPL');
    expect(stdout).toMatch(/^AAPL {2}live {2}worker w1 {2}partition \d+$/m);
    expect(stdout).toMatch(/^digest {10}[0-9a-f]{16}$/m);
    const rows = stdout.split('\n').filter((line) => line.includes('2026-01-05T'));
    // The quote line and the two candle rows.
    const candleRows = rows.filter((line) => line.startsWith('│'));
    expect(candleRows).toHaveLength(2);
    expect(candleRows[0]).toContain(new Date(newest!.start).toISOString());
    expect(candleRows[0]).toContain(` ${newest!.trades} │`);
    expect(candleRows[1]).toContain(new Date(older!.start).toISOString());
  });

  it('exits 1 for an unknown symbol and 2 for a bad --tf', async () => {
    const unknown = await cluster.run('query', 'ZZZZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown symbol ZZZZ');
    const badTf = await cluster.run('query', 'AAPL', '--tf', '2m');
    expect(badTf.code).toBe(2);
    expect(badTf.stderr).toContain('1m, 5m, 15m, 30m, 1h, 4h, 1d');
  });
});
