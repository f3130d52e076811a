import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { partition } from '../partition.js';
import { timeframes } from '../timeframes.js';
import {
  candleFilter,
  candleSubject,
  parseCandleSubject,
  parseTickSubject,
  tickFilter,
  tickSubject,
} from './marketSubjects.js';

const badSymbols = ['BRK.B', 'A*', 'A>', 'A B', 'A\u0001', '', 'X'.repeat(65)];

describe('tickSubject', () => {
  it('puts the symbol in its FNV-1a partition', () => {
    expect(tickSubject('AAPL', 16)).toBe('md.tick.11.AAPL');
    expect(tickSubject('AAPL', 7)).toBe('md.tick.6.AAPL');
  });

  it.each(badSymbols)('refuses the symbol %j, naming it', (symbol) => {
    const error = catchProtocolError(() => tickSubject(symbol, 16));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain(JSON.stringify(symbol.slice(0, 80)));
  });

  it('round-trips through parseTickSubject for any valid symbol', () => {
    const symbol = fc.stringMatching(/^[A-Za-z0-9=/:_-]{1,64}$/);
    fc.assert(
      fc.property(symbol, fc.integer({ min: 1, max: 1024 }), (s, p) => {
        const parsed = parseTickSubject(tickSubject(s, p), { partitions: p });
        expect(parsed).toEqual({ kind: 'md.tick', partition: partition(s, p), symbol: s });
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseTickSubject', () => {
  it('returns the partition and symbol', () => {
    expect(parseTickSubject('md.tick.3.ETHUSDT')).toEqual({
      kind: 'md.tick',
      partition: 3,
      symbol: 'ETHUSDT',
    });
  });

  it.each(['md.tick.3', 'md.tick.3.A.B', 'md.candle.3.A', 'xx.tick.3.A', 'md.tick.3.A.', ''])(
    'refuses %j, naming the expected shape',
    (subject) => {
      const error = catchProtocolError(() => parseTickSubject(subject));
      expect(error.code).toBe('bad_subject');
      expect(error.subject).toBe(subject);
      expect(error.message).toContain(JSON.stringify(subject));
      expect(error.message).toContain('md.tick.<partition>.<SYMBOL>');
    },
  );

  it.each(['md.tick.07.A', 'md.tick.-1.A', 'md.tick.+1.A', 'md.tick.1024.A', 'md.tick.x.A'])(
    'refuses the partition token in %j',
    (subject) => {
      const error = catchProtocolError(() => parseTickSubject(subject));
      expect(error.code).toBe('bad_subject');
      expect(error.field).toBe('partition');
      expect(error.message).toContain('from 0 to 1023');
    },
  );

  it.each(['md.tick.3.*', 'md.tick.3.>', 'md.tick.3.A B', 'md.tick.3.A\u0000'])(
    'refuses the symbol token in %j',
    (subject) => {
      const error = catchProtocolError(() => parseTickSubject(subject));
      expect(error.code).toBe('bad_subject');
      expect(error.field).toBe('symbol');
    },
  );

  it('refuses a tick in the wrong partition when the partition count is given', () => {
    expect(() => parseTickSubject('md.tick.11.AAPL', { partitions: 16 })).not.toThrow();
    const error = catchProtocolError(() => parseTickSubject('md.tick.3.AAPL', { partitions: 16 }));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain('belongs in 11');
  });
});

describe('tickFilter', () => {
  it('filters one partition, or the whole tick space', () => {
    expect(tickFilter(0)).toBe('md.tick.0.>');
    expect(tickFilter(1023)).toBe('md.tick.1023.>');
    expect(tickFilter()).toBe('md.tick.>');
  });

  it.each([-1, 1024, 2.5])('refuses partition %s', (p) => {
    expect(catchProtocolError(() => tickFilter(p)).code).toBe('bad_subject');
  });
});

describe('candleSubject', () => {
  it('round-trips every timeframe through parseCandleSubject', () => {
    for (const tf of timeframes) {
      const subject = candleSubject(tf, 'BTC-USD');
      expect(subject).toBe(`md.candle.${tf}.BTC-USD`);
      expect(parseCandleSubject(subject)).toEqual({ kind: 'md.candle', tf, symbol: 'BTC-USD' });
    }
  });

  it.each(badSymbols)('refuses the symbol %j', (symbol) => {
    expect(catchProtocolError(() => candleSubject('1m', symbol)).code).toBe('bad_subject');
  });

  it('refuses an unknown timeframe, listing the valid ones', () => {
    const error = catchProtocolError(() => candleSubject('2h' as '1h', 'AAPL'));
    expect(error.message).toContain('"2h"');
    expect(error.message).toContain('1m, 5m, 15m, 30m, 1h, 4h, 1d');
  });
});

describe('parseCandleSubject', () => {
  it.each(['md.candle.2h.A', 'md.candle.1m', 'md.candle.1m.A.B', 'md.candle.1m.*', 'md.tick.1m.A'])(
    'refuses %j',
    (subject) => {
      const error = catchProtocolError(() => parseCandleSubject(subject));
      expect(error.code).toBe('bad_subject');
      expect(error.subject).toBe(subject);
    },
  );
});

describe('candleFilter', () => {
  it('narrows by timeframe, symbol, both or neither', () => {
    expect(candleFilter()).toBe('md.candle.>');
    expect(candleFilter({ tf: '1m' })).toBe('md.candle.1m.>');
    expect(candleFilter({ symbol: 'AAPL' })).toBe('md.candle.*.AAPL');
    expect(candleFilter({ tf: '4h', symbol: 'AAPL' })).toBe('md.candle.4h.AAPL');
  });

  it('refuses a bad symbol or timeframe', () => {
    expect(catchProtocolError(() => candleFilter({ symbol: 'A.B' })).code).toBe('bad_subject');
    expect(catchProtocolError(() => candleFilter({ tf: '3m' as '1m' })).code).toBe('bad_subject');
  });
});
