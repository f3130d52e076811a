import { describe, expect, it } from 'vitest';
import { jsonSafe } from './jsonSafe.js';

const limits = { depth: 4, keys: 4, items: 3, chars: 8 };

describe('jsonSafe', () => {
  it('copies plain data as it is', () => {
    const value = { a: 1, b: 'x', c: [true, null], d: { e: -2.5 } };
    expect(jsonSafe(value, limits)).toEqual(value);
  });

  it('replaces what JSON or MessagePack cannot carry', () => {
    function act() {}
    const copied = jsonSafe(
      {
        act,
        big: 12n,
        nan: Number.NaN,
        gone: undefined,
        xs: new Float64Array(1440),
      },
      { ...limits, keys: 8 },
    );
    expect(copied).toEqual({
      act: { type: 'act' },
      big: '12',
      nan: null,
      xs: { typedArray: 'Float64Array', length: 1440 },
    });
    expect(jsonSafe(new Map([['k', new Set([1, 2])]]), limits)).toEqual({ k: [1, 2] });
    expect(jsonSafe(new TypeError('bad tick'), limits)).toEqual({
      name: 'TypeError',
      message: 'bad tick',
    });
  });

  it('cuts every level at the limits', () => {
    const copied = jsonSafe(
      {
        long: 'abcdefghijkl',
        list: [1, 2, 3, 4, 5],
        deep: { a: { b: { c: { d: 1 } } } },
        k4: 0,
        k5: 0,
      },
      limits,
    );
    expect(copied).toEqual({
      long: 'abcdefgh…',
      list: [1, 2, 3, '… 2 more'],
      deep: { a: { b: { c: '[object]' } } },
      k4: 0,
      '…': '1 more keys',
    });
  });

  it('survives cycles and uses toJSON', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(jsonSafe(a, limits)).toEqual({ name: 'a', self: '[circular]' });
    const ref = { toJSON: () => ({ xstate$$type: 1, id: 'timer' }) };
    expect(jsonSafe({ children: { timer: ref } }, limits)).toEqual({
      children: { timer: { xstate$$type: 1, id: 'timer' } },
    });
  });
});
