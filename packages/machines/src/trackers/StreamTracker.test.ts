import { describe, expect, it } from 'vitest';
import { DuplicateStreamError, TrackerFullError } from '../errors.js';
import { StreamTracker } from './StreamTracker.js';

describe('StreamTracker', () => {
  it('tracks a stream from start to finish', () => {
    let now = 100;
    const streams = new StreamTracker({ now: () => now });
    streams.start('sub:BTC', 'subscription');
    streams.recordMessages('sub:BTC', 5);
    now = 250;
    expect(streams.finish('sub:BTC', 'completed')).toEqual({
      id: 'sub:BTC',
      kind: 'subscription',
      startedAt: 100,
      endedAt: 250,
      messages: 5,
      outcome: 'completed',
    });
    expect(streams.activeCount).toBe(0);
    expect(streams.stats).toMatchObject({ started: 1, completed: 1 });
  });

  it('rejects starts above maxActive with TrackerFullError, counting them', () => {
    const streams = new StreamTracker({ now: () => 0, maxActive: 2 });
    streams.start('a', 's');
    streams.start('b', 's');
    expect(() => streams.start('c', 's')).toThrow(TrackerFullError);
    expect(streams.stats.rejected).toBe(1);
    streams.finish('a', 'cancelled');
    expect(() => streams.start('c', 's')).not.toThrow();
  });

  it('defaults to 10,000 active streams', () => {
    const streams = new StreamTracker({ now: () => 0 });
    for (let i = 0; i < 10_000; i++) streams.start(`s${i}`, 'x');
    const error = (() => {
      try {
        streams.start('one-more', 'x');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'tracker_full', tracker: 'StreamTracker', limit: 10_000 });
  });

  it('refuses a duplicate active id', () => {
    const streams = new StreamTracker({ now: () => 0 });
    streams.start('a', 's');
    expect(() => streams.start('a', 's')).toThrow(DuplicateStreamError);
  });

  it('keeps the last completedCapacity finished streams', () => {
    const streams = new StreamTracker({ now: () => 0, completedCapacity: 3 });
    for (let i = 0; i < 5; i++) {
      streams.start(`s${i}`, 'x');
      streams.finish(`s${i}`, i % 2 ? 'failed' : 'completed', i % 2 ? 'boom' : undefined);
    }
    expect(streams.completed().map((s) => s.id)).toEqual(['s2', 's3', 's4']);
    expect(streams.completed(1)[0]).toMatchObject({ id: 's4', outcome: 'completed' });
    expect(streams.stats).toMatchObject({ completed: 3, failed: 2 });
  });

  it('counts finishes of unknown streams instead of throwing', () => {
    const streams = new StreamTracker({ now: () => 0 });
    expect(streams.finish('nope', 'completed')).toBeUndefined();
    expect(streams.recordMessages('nope')).toBe(false);
    expect(streams.stats.unknownFinishes).toBe(1);
  });
});
