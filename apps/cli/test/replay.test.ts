import { referenceFold, type SymbolQueryReply } from '@ballast/runtime';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFold } from '../src/cluster/queries/compareFold.js';
import {
  makeTicks,
  type QueryCluster,
  startQueryCluster,
  symbols,
  waitUntil,
} from './queryCluster.js';

interface FoldLine {
  type: 'fold';
  digest: string;
  lastAppliedSeq: number;
  events: number;
  applied: number;
  endSeq: number;
}

describe('ballast replay', () => {
  let cluster: QueryCluster;
  beforeAll(async () => {
    cluster = await startQueryCluster(400);
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
  });

  const query = async (symbol: string): Promise<SymbolQueryReply> =>
    JSON.parse((await cluster.run('query', symbol, '--json')).stdout) as SymbolQueryReply;

  it('--verify exits 0 with the digest the live actor reports', async () => {
    const live = await query('AAPL');
    const { code, stdout, stderr } = await cluster.run(
      'replay',
      'AAPL',
      '--verify',
      '--partitions',
      '4',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(
      `verified: digest ${live.digest} equals the live actor's (AAPL at seq ${live.lastAppliedSeq})`,
    );
  });

  it('--json prints every event, then a fold equal to runtime referenceFold', async () => {
    const { code, stdout } = await cluster.run('replay', 'BRK-B', '--json', '--partitions', '4');
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    const events = lines.filter((line) => line.type === 'event') as unknown as {
      seq: number;
      tick: { price: number; ts: number };
      outcome: string;
    }[];
    const published = cluster.ticks.filter((t) => t.symbol === 'BRK-B');
    expect(events.map((e) => [e.tick.ts, e.tick.price])).toEqual(
      published.map((t) => [t.ts, t.price]),
    );
    expect(events.every((e) => e.outcome === 'applied')).toBe(true);
    const fold = lines.at(-1) as FoldLine;
    expect(fold.type).toBe('fold');
    expect(fold.events).toBe(published.length);
    const nc = await cluster.connectAs('admin');
    try {
      const clean = await referenceFold({ js: jetstream(nc), partitions: cluster.partitions });
      expect(fold.digest).toBe(clean.get('BRK-B')?.digest);
      expect(fold.lastAppliedSeq).toBe(clean.get('BRK-B')?.lastSeq);
    } finally {
      await nc.drain();
    }
  });

  it('shows the last --limit events and the folded state', async () => {
    const live = await query('MSFT');
    const { code, stdout } = await cluster.run(
      'replay',
      'MSFT',
      '--limit',
      '3',
      '--partitions',
      '4',
    );
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^│ +\d+ │/.test(line));
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(new RegExp(`^│ +${live.lastAppliedSeq} │`));
    expect(stdout).toContain(`MSFT: 80 events on md.tick.`);
    expect(stdout).toContain('(last 3 shown)');
    expect(stdout).toContain(`digest          ${live.digest}`);
  });

  it('--verify compares at the actor own sequence while ticks keep arriving', async () => {
    // A feed that keeps publishing during the replays: ticks land after the query's
    // snapshot and before (or while) the log is read.
    let stop = false;
    let offset = 400;
    const feeding = (async () => {
      while (!stop) {
        await cluster.feed(makeTicks(5, offset));
        offset += 5;
      }
    })();
    const runs = [];
    try {
      // One at a time: runs share the captured stdout. Each starts after more ticks landed
      // (a fast machine could otherwise finish all ten between two feed rounds).
      for (let i = 0; i < 10; i++) {
        const symbol = symbols[i % symbols.length] as string;
        const before = offset;
        await waitUntil('a feed round since the last run', () => offset > before);
        runs.push(await cluster.run('replay', symbol, '--verify', '--partitions', '4'));
      }
    } finally {
      stop = true;
      await feeding;
    }
    // The comparisons ran while the log grew: ten feed rounds at least.
    expect(offset).toBeGreaterThanOrEqual(450);
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it("detects a mismatch: another symbol's digest, or a doctored one", async () => {
    const { stdout } = await cluster.run('replay', 'AAPL', '--json', '--partitions', '4');
    const fold = JSON.parse(stdout.trim().split('\n').at(-1) as string) as FoldLine;
    const aapl = await query('AAPL');
    const msft = await query('MSFT');
    expect(compareFold(aapl, fold, 'AAPL').ok).toBe(true);
    expect(compareFold(msft, fold, 'AAPL').ok).toBe(false);
    const doctored = {
      ...aapl,
      digest: `${aapl.digest.slice(0, -1)}${aapl.digest.endsWith('0') ? '1' : '0'}`,
    };
    const result = compareFold(doctored, fold, 'AAPL');
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^MISMATCH: AAPL's replayed digest/);
  });

  it('exits 1 when the actor sits in another partition than --partitions says, 2 for a bad symbol', async () => {
    const wrong = await cluster.run('replay', 'AAPL', '--verify', '--partitions', '5');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the cluster uses another partition count; pass --partitions');
    const bad = await cluster.run('replay', 'A.B', '--partitions', '4');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid symbol "A.B"');
    const unknown = await cluster.run('replay', 'ZZZZ', '--verify', '--partitions', '4');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown symbol ZZZZ');
  });
});
