import type { WorkerStatus } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { ClusterHistory } from './ClusterHistory.js';

const limits = {
  samplesPerWorker: 3,
  events: 2,
  maxWorkers: 2,
  forgetAfterMs: 10_000,
  maxSinks: 1,
};

function status(worker: string, at: number, ticksFolded: number, breaker = 0): WorkerStatus {
  return {
    v: 1,
    worker,
    at,
    startedAt: 0,
    partitions: [0],
    liveActors: 1,
    retiringActors: 0,
    ticksFolded,
    lag: 0,
    rss: 1,
    heapUsed: 1,
    connection: 'connected',
    breakers: { candleSink: breaker },
    sinkDropped: 0,
    deadLetters: 0,
    errors: 0,
    httpUrl: null,
  };
}

describe('ClusterHistory', () => {
  it('keeps at most samplesPerWorker samples and rates from consecutive announcements', () => {
    const h = new ClusterHistory(limits);
    for (let i = 0; i < 5; i++) h.onWorkerStatus(status('w1', i * 2_000, i * 1_000), 0);
    expect(h.snapshot().samples.w1?.map((s) => s.ticksPerSecond)).toEqual([500, 500, 500]);
  });

  it('counts a restarted worker from zero instead of a negative rate', () => {
    const h = new ClusterHistory(limits);
    h.onWorkerStatus(status('w1', 0, 5_000), 0);
    expect(h.onWorkerStatus(status('w1', 2_000, 10), 0)?.sample.ticksPerSecond).toBe(0);
  });

  it('derives breaker transitions and keeps the last `events`', () => {
    const h = new ClusterHistory(limits);
    const codes = [0, 1, 2, 0, 0];
    for (const [i, code] of codes.entries()) h.onWorkerStatus(status('w1', i, 0, code), 0);
    expect(h.snapshot().breakerTransitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'OPEN>HALF_OPEN',
      'HALF_OPEN>CLOSED',
    ]);
  });

  it('ignores workers beyond maxWorkers (counted) and forgets silent ones', () => {
    const h = new ClusterHistory(limits);
    h.onWorkerStatus(status('w1', 0, 0), 0);
    h.onWorkerStatus(status('w2', 0, 0), 5_000);
    expect(h.onWorkerStatus(status('w3', 0, 0), 5_000)).toBeNull();
    expect(h.workersOverflow).toBe(1);
    expect(h.expire(12_000)).toEqual(['w1']);
    expect(h.snapshot().workers.map((w) => w.status.worker)).toEqual(['w2']);
  });
});
