import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseActorFlag, parseKindsFlag, selectionLabel } from './inspectSelectors.js';

describe('inspect selectors', () => {
  it('parses --actor kind/id and --kind lists', () => {
    expect(parseActorFlag('symbol/AAPL')).toEqual({ actorKind: 'symbol', actorId: 'AAPL' });
    expect(parseActorFlag('breaker/candleSink')).toEqual({
      actorKind: 'breaker',
      actorId: 'candleSink',
    });
    expect(parseKindsFlag('breaker, reloader,breaker')).toEqual([
      { actorKind: 'breaker' },
      { actorKind: 'reloader' },
    ]);
    expect(selectionLabel({ actorKind: 'supervisor' })).toBe('supervisor/*');
  });

  it('refuses bad values with the reason', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => parseActorFlag('AAPL'), /takes <kind>\/<id>/],
      [() => parseActorFlag('symbol/'), /takes <kind>\/<id>/],
      [() => parseActorFlag('actor/AAPL'), /unknown actor kind "actor"/],
      [() => parseActorFlag('symbol/BRK.B'), /must not contain '\.'/],
      [() => parseKindsFlag(' , '), /takes a list/],
      [() => parseKindsFlag('breaker,nope'), /unknown actor kind "nope"/],
    ];
    for (const [parse, message] of cases) {
      expect(parse).toThrow(InvalidArgumentError);
      expect(parse).toThrow(message);
    }
  });
});
