import { describe, expect, it } from 'vitest';
import type { TopSample, TopWorkerRow } from '../cluster/queries/topSample.js';
import { renderTop } from './renderTop.js';

const row = (worker: string, overrides: Partial<TopWorkerRow> = {}): TopWorkerRow => ({
  worker,
  at: 0,
  uptimeMs: 65_000,
  partitions: [0, 1, 2, 3],
  liveActors: 1_200,
  passivating: 3,
  ticksFolded: 1_234_567,
  ticksPerSec: 2_500,
  lag: 12,
  rss: 128 * 1024 * 1024,
  heapUsed: 40 * 1024 * 1024,
  breakers: { candleSink: 0 },
  sinkDropped: 0,
  deadLetters: 7,
  errors: 1,
  connection: 'connected',
  ...overrides,
});

const sample = (workers: TopWorkerRow[], overrides: Partial<TopSample> = {}): TopSample => ({
  v: 1,
  at: Date.UTC(2026, 0, 5, 14, 30),
  workers,
  totals: {
    workers: workers.length,
    partitions: 8,
    contested: [],
    liveActors: 2_400,
    passivating: 6,
    ticksFolded: 2_469_134,
    ticksPerSec: 5_000,
    lag: 24,
    rss: 256 * 1024 * 1024,
    heapUsed: 80 * 1024 * 1024,
    sinkDropped: 0,
    deadLetters: 14,
    errors: 2,
    breakersNotClosed: [],
  },
  recent: [],
  seen: { errors: 0, deadLetters: 0, undecodable: 0 },
  badReplies: 0,
  ...overrides,
});

const cells = (line: string) => line.trim().split(/ {2,}/);

describe('renderTop', () => {
  it('shows a row per worker and a totals row', () => {
    const text = renderTop(
      sample([row('w1'), row('w2', { partitions: [4, 5, 6, 7], ticksPerSec: null })]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('ballast top  2026-01-05T14:30:00.000Z  2 workers, 8 partitions owned');
    const w1 = lines.find((line) => line.startsWith('w1'));
    expect(cells(w1 ?? '')).toEqual([
      'w1',
      '0-3',
      '1_200',
      '3',
      '1_234_567',
      '2_500',
      '12',
      '128.0 MiB',
      '40.0 MiB',
      'candleSink:closed',
      '0',
      '7',
      '1',
      'connected',
      '1m 5s',
    ]);
    expect(cells(lines.find((line) => line.startsWith('w2')) ?? '')[5]).toBe('-');
    const total = lines.find((line) => line.startsWith('TOTAL'));
    expect(cells(total ?? '').slice(0, 6)).toEqual([
      'TOTAL',
      '8',
      '2_400',
      '6',
      '2_469_134',
      '5_000',
    ]);
    expect(text).toContain('recent (seen since start: 0 errors, 0 dead letters): none');
  });

  it('warns about contested partitions and open breakers', () => {
    const base = sample([row('w1', { breakers: { candleSink: 1 } })]);
    const text = renderTop({
      ...base,
      totals: { ...base.totals, contested: [2, 3], breakersNotClosed: ['w1/candleSink'] },
    });
    expect(text).toContain('candleSink:OPEN');
    expect(text).toContain('WARNING: partitions claimed by two workers: 2-3');
    expect(text).toContain('breakers not closed: w1/candleSink');
  });

  it('says when no worker answered', () => {
    const text = renderTop(sample([]));
    expect(text).toContain('no worker answered on sys.workers (is the cluster running?)');
    expect(text).not.toContain('TOTAL');
  });

  it('shows the newest system lines, bounded in number and width', () => {
    const recent = Array.from({ length: 8 }, (_, i) => ({
      at: Date.UTC(2026, 0, 5, 14, 30, i),
      subject: i % 2 === 0 ? ('sys.errors' as const) : ('sys.deadletter' as const),
      source: `src${i}`,
      code: `code${i}`,
      message: 'x'.repeat(300),
    }));
    const text = renderTop(
      sample([row('w1')], { recent, seen: { errors: 4, deadLetters: 4, undecodable: 1 } }),
      {
        recentLines: 3,
        messageWidth: 20,
      },
    );
    expect(text).toContain('recent (seen since start: 4 errors, 4 dead letters, 1 unreadable):');
    const lines = text.split('\n').filter((line) => line.startsWith('  14:30:'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`  14:30:05  dead letter  code5  src5  ${'x'.repeat(19)}…`);
    expect(lines[1]).toContain('  error  code6');
    expect(lines[2]).toContain('dead letter  code7');
  });
});
