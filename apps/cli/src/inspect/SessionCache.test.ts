import type { StatelyActorEvent, StatelySnapshotEvent } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { SessionCache } from './SessionCache.js';

const base = { _version: '0.7.2', createdAt: '1', id: null } as const;

function actor(sessionId: string): StatelyActorEvent {
  return {
    ...base,
    type: '@xstate.actor',
    name: sessionId,
    sessionId,
    rootId: sessionId,
    definition: '{"id":"m"}',
    snapshot: { status: 'active', value: 'a' },
  };
}

function snapshot(sessionId: string, value: string, event = 'GO', status = 'active') {
  return {
    ...base,
    type: '@xstate.snapshot',
    sessionId,
    rootId: sessionId,
    event: { type: event },
    snapshot: { status, value },
  } satisfies StatelySnapshotEvent;
}

describe('SessionCache', () => {
  it('forwards new sessions and changes, not re-announcements the browsers have', () => {
    const cache = new SessionCache();
    expect(cache.offer(actor('w1:x:0'))).toBe(true);
    expect(cache.offer(snapshot('w1:x:0', 'a', '@ballast.announce'))).toBe(true);
    expect(cache.offer(snapshot('w1:x:0', 'b'))).toBe(true);
    // A renewal: the worker announces the actor and its (unchanged) state again.
    expect(cache.offer(actor('w1:x:0'))).toBe(false);
    expect(cache.offer(snapshot('w1:x:0', 'b', '@ballast.announce'))).toBe(false);
    // Changed meanwhile (events were rate-limited away): the announcement catches up.
    expect(cache.offer(snapshot('w1:x:0', 'c', '@ballast.announce'))).toBe(true);
    expect(cache.counters.duplicates).toBe(2);
  });

  it('replays each session as its actor event then its latest snapshot', () => {
    const cache = new SessionCache();
    cache.offer(actor('w1:x:0'));
    cache.offer(snapshot('w1:x:0', 'b'));
    cache.offer(actor('w2:x:5'));
    expect([...cache.replay()].map((e) => [e.type, e.sessionId])).toEqual([
      ['@xstate.actor', 'w1:x:0'],
      ['@xstate.snapshot', 'w1:x:0'],
      ['@xstate.actor', 'w2:x:5'],
    ]);
  });

  it('forgets sessions whose actor ended, and the oldest beyond its bound', () => {
    const cache = new SessionCache(2);
    cache.offer(actor('a'));
    expect(cache.offer(snapshot('a', 'passivated', 'PASSIVATE', 'done'))).toBe(true);
    expect(cache.size).toBe(0);
    expect(cache.counters.ended).toBe(1);
    cache.offer(actor('b'));
    cache.offer(actor('c'));
    cache.offer(snapshot('b', 'x'));
    cache.offer(actor('d'));
    expect(
      [...cache.replay()].filter((e) => e.type === '@xstate.actor').map((e) => e.sessionId),
    ).toEqual(['b', 'd']);
    expect(cache.counters.evicted).toBe(1);
  });
});
