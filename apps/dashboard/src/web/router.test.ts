import { describe, expect, it } from 'vitest';
import { actorHref, parseRoute } from './router.js';

describe('parseRoute', () => {
  it('reads actor, machine and overview hashes', () => {
    expect(parseRoute('#/actor/symbol/BRK-B')).toEqual({
      page: 'actor',
      kind: 'symbol',
      id: 'BRK-B',
    });
    expect(parseRoute(actorHref('symbol', 'BTC-USD'))).toEqual({
      page: 'actor',
      kind: 'symbol',
      id: 'BTC-USD',
    });
    expect(parseRoute('#/machine/circuitBreaker?state=OPEN.cooling')).toEqual({
      page: 'machine',
      machine: 'circuitBreaker',
      state: 'OPEN.cooling',
    });
    expect(parseRoute('#/machine/nope')).toEqual({ page: 'overview' });
    expect(parseRoute('')).toEqual({ page: 'overview' });
  });
});
