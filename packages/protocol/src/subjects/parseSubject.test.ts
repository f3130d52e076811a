import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { parseSubject } from './parseSubject.js';

describe('parseSubject', () => {
  it('parses a subject of every family', () => {
    expect(parseSubject('md.tick.3.AAPL')).toEqual({
      kind: 'md.tick',
      partition: 3,
      symbol: 'AAPL',
    });
    expect(parseSubject('md.candle.1d.AAPL')).toEqual({
      kind: 'md.candle',
      tf: '1d',
      symbol: 'AAPL',
    });
    expect(parseSubject('actor.symbolCache.AAPL.query')).toEqual({
      kind: 'actor.query',
      actorKind: 'symbolCache',
      id: 'AAPL',
    });
    expect(parseSubject('ctl.breaker.feed')).toEqual({ kind: 'ctl.breaker', name: 'feed' });
    expect(parseSubject('sys.deadletter')).toEqual({ kind: 'sys.deadletter' });
  });

  it('refuses a subject of no family, naming it', () => {
    const error = catchProtocolError(() => parseSubject('foo.bar'));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain('"foo.bar"');
    expect(error.message).toContain('md.tick, md.candle, actor, ctl or sys');
  });

  it('passes on the family parser’s error', () => {
    const error = catchProtocolError(() => parseSubject('md.tick.3.A B'));
    expect(error.field).toBe('symbol');
  });
});
