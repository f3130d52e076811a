import type { WorkerStatus } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import type { WorkerSample } from './ClusterWatch.js';
import { formatStatusLine } from './statusLine.js';

function sample(
  worker: string,
  overrides: Partial<WorkerStatus>,
  ticksPerSecond: number,
): WorkerSample {
  const status: WorkerStatus = {
    v: 1,
    worker,
    at: 0,
    startedAt: 0,
    partitions: [],
    liveActors: 0,
    retiringActors: 0,
    ticksFolded: 0,
    lag: 0,
    rss: 0,
    heapUsed: 0,
    connection: 'connected',
    breakers: {},
    sinkDropped: 0,
    deadLetters: 0,
    errors: 0,
    httpUrl: null,
    ...overrides,
  };
  return { status, ticksPerSecond, seenAt: 0 };
}

describe('formatStatusLine', () => {
  it('sums the workers and shows each one memory', () => {
    const line = formatStatusLine(
      [
        sample(
          'w1',
          { liveActors: 240, rss: 128 * 1_048_576, sinkDropped: 3, breakers: { candleSink: 0 } },
          600.4,
        ),
        sample(
          'w2',
          { liveActors: 253, rss: 121 * 1_048_576, deadLetters: 2, breakers: { candleSink: 0 } },
          1_400,
        ),
      ],
      1,
    );
    expect(line).toBe(
      'ticks/s 2,000 | actors 493 live | w1 128 MB, w2 121 MB | candleSink CLOSED | drops 3 | dead letters 2 | crashes 1',
    );
  });

  it('shows the worst breaker state across workers', () => {
    const open = { candleSink: 1 as const };
    const half = { candleSink: 2 as const };
    const closed = { candleSink: 0 as const };
    const text = (a: Record<string, 0 | 1 | 2>, b: Record<string, 0 | 1 | 2>) =>
      formatStatusLine([sample('w1', { breakers: a }, 0), sample('w2', { breakers: b }, 0)], 0);
    expect(text(closed, open)).toContain('candleSink OPEN');
    expect(text(half, closed)).toContain('candleSink HALF_OPEN');
    expect(text(open, half)).toContain('candleSink OPEN');
    expect(text(closed, closed)).toContain('candleSink CLOSED');
  });

  it('says when no worker has announced itself yet', () => {
    expect(formatStatusLine([], 0)).toBe('waiting for workers... | crashes 0');
  });
});
