import { describe, expect, it } from 'vitest';
import type { WorkersRound } from './requestWorkers.js';
import { buildTopSample } from './topSample.js';
import type { WorkerStatusReply } from './workerStatusReply.js';

function status(worker: string, overrides: Partial<WorkerStatusReply> = {}): WorkerStatusReply {
  return {
    v: 1,
    worker,
    at: 10_000,
    startedAt: 4_000,
    partitions: [0, 1],
    liveActors: 10,
    retiringActors: 1,
    ticksFolded: 1_000,
    lag: 5,
    rss: 100,
    heapUsed: 50,
    connection: 'connected',
    breakers: { candleSink: 0 },
    httpUrl: null,
    sinkDropped: 2,
    deadLetters: 3,
    errors: 4,
    ...overrides,
  };
}

const round = (...workers: WorkerStatusReply[]): WorkersRound => ({
  workers,
  invalid: 0,
  extra: 0,
});
const seen = { errors: 0, deadLetters: 0, undecodable: 0 };

describe('buildTopSample', () => {
  it('has no rate on the first sample, then the delta over the worker clock', () => {
    const first = buildTopSample(round(status('w1')), null, [], seen, 1);
    expect(first.workers[0]?.ticksPerSec).toBeNull();
    expect(first.totals.ticksPerSec).toBeNull();
    const second = buildTopSample(
      round(status('w1', { at: 12_000, ticksFolded: 5_000 })),
      first,
      [],
      seen,
      2,
    );
    expect(second.workers[0]?.ticksPerSec).toBe(2_000);
    expect(second.totals.ticksPerSec).toBe(2_000);
    expect(second.workers[0]?.uptimeMs).toBe(8_000);
  });

  it('gives no rate for a restarted worker (its counter went down)', () => {
    const first = buildTopSample(round(status('w1')), null, [], seen, 1);
    const restarted = buildTopSample(
      round(status('w1', { at: 11_000, ticksFolded: 10 })),
      first,
      [],
      seen,
      2,
    );
    expect(restarted.workers[0]?.ticksPerSec).toBeNull();
  });

  it('sums the workers and names contested partitions and breakers not closed', () => {
    // An older worker: no dead-letter counter in its status.
    const older: { deadLetters?: number } & WorkerStatusReply = status('w2', {
      partitions: [2, 3],
      breakers: { candleSink: 1 },
    });
    delete older.deadLetters;
    const sample = buildTopSample(
      round(status('w1', { partitions: [0, 1, 2] }), older),
      null,
      [],
      seen,
      1,
    );
    expect(sample.totals).toMatchObject({
      workers: 2,
      partitions: 4,
      contested: [2],
      liveActors: 20,
      passivating: 2,
      ticksFolded: 2_000,
      lag: 10,
      rss: 200,
      heapUsed: 100,
      sinkDropped: 4,
      deadLetters: 3,
      errors: 8,
      breakersNotClosed: ['w2/candleSink'],
    });
    expect(sample.workers[1]?.deadLetters).toBeNull();
  });

  it('counts replies that were not a worker status', () => {
    const sample = buildTopSample({ workers: [], invalid: 2, extra: 1 }, null, [], seen, 1);
    expect(sample.badReplies).toBe(3);
    expect(sample.totals.workers).toBe(0);
  });
});
