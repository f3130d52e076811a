import { describe, expect, it } from 'vitest';
import { parseWorkerStatus } from './workerStatusReply.js';

const valid = {
  v: 1,
  worker: 'w1',
  at: 2,
  startedAt: 1,
  partitions: [0, 1],
  liveActors: 3,
  retiringActors: 0,
  ticksFolded: 10,
  lag: 0,
  rss: 1,
  heapUsed: 1,
  connection: 'connected',
  breakers: { candleSink: 0 },
  httpUrl: null,
};

describe('parseWorkerStatus', () => {
  it('accepts a status with or without the newer counters', () => {
    expect(parseWorkerStatus(valid)?.worker).toBe('w1');
    expect(parseWorkerStatus({ ...valid, sinkDropped: 1, deadLetters: 2, errors: 3 })?.errors).toBe(
      3,
    );
  });

  it.each([
    ['not an object', 'w1'],
    ['another version', { ...valid, v: 2 }],
    ['no worker id', { ...valid, worker: '' }],
    ['a missing number', { ...valid, lag: undefined }],
    ['a bad optional counter', { ...valid, errors: 'many' }],
    ['bad partitions', { ...valid, partitions: [0.5] }],
    ['bad breakers', { ...valid, breakers: { candleSink: 'open' } }],
  ])('refuses %s', (_, value) => {
    expect(parseWorkerStatus(value)).toBeNull();
  });
});
