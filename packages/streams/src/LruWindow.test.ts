import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors.js';
import { LruWindow } from './LruWindow.js';

// Reference: a Map keeps insertion order, so delete + set moves a key to the newest end.
class ReferenceLru<TKey, TValue> {
  readonly map = new Map<TKey, TValue>();
  readonly evictions: [TKey, TValue][] = [];
  constructor(readonly max: number) {}
  get(key: TKey): TValue | undefined {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as TValue;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key: TKey, value: TValue): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const [oldest, oldestValue] = this.map.entries().next().value as [TKey, TValue];
      this.map.delete(oldest);
      this.evictions.push([oldest, oldestValue]);
    }
  }
  newestFirst(): [TKey, TValue][] {
    return [...this.map.entries()].reverse();
  }
}

describe('LruWindow', () => {
  it('evicts the least recently used key and reports it', () => {
    const evicted: [string, number][] = [];
    const window = new LruWindow<string, number>({
      maxKeys: 2,
      onEvict: (value, key) => evicted.push([key, value]),
    });
    window.set('a', 1).set('b', 2);
    window.get('a');
    window.set('c', 3);
    expect(evicted).toEqual([['b', 2]]);
    expect([...window.keys()]).toEqual(['c', 'a']);
    expect(window.evicted).toBe(1);
    expect(window.size).toBe(2);
  });

  it('overwriting a held key updates it without eviction', () => {
    const window = new LruWindow<string, number>({ maxKeys: 2 });
    window.set('a', 1).set('b', 2).set('a', 10);
    expect([...window.entries()]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
    expect(window.evicted).toBe(0);
  });

  it('peek and has do not count as use', () => {
    const window = new LruWindow<string, number>({ maxKeys: 2 });
    window.set('a', 1).set('b', 2);
    expect(window.peek('a')).toBe(1);
    expect(window.has('a')).toBe(true);
    window.set('c', 3);
    expect(window.has('a')).toBe(false);
    expect(window.peek('a')).toBeUndefined();
  });

  it('delete frees a slot for a new key without eviction', () => {
    const window = new LruWindow<string, number>({ maxKeys: 2 });
    window.set('a', 1).set('b', 2);
    expect(window.delete('a')).toBe(true);
    expect(window.delete('a')).toBe(false);
    window.set('c', 3);
    expect(window.evicted).toBe(0);
    expect([...window]).toEqual([
      ['c', 3],
      ['b', 2],
    ]);
  });

  it('clear empties the window and keeps the evicted count', () => {
    const window = new LruWindow<string, number>({ maxKeys: 1 });
    window.set('a', 1).set('b', 2);
    window.clear();
    expect(window.size).toBe(0);
    expect([...window]).toEqual([]);
    window.set('c', 3);
    expect(window.get('c')).toBe(3);
    expect(window.evicted).toBe(1);
  });

  it('is consistent again when onEvict runs', () => {
    const window: LruWindow<string, number> = new LruWindow<string, number>({
      maxKeys: 2,
      onEvict: (_value, key) => {
        expect(window.has(key)).toBe(false);
        expect(window.size).toBe(2);
      },
    });
    window.set('a', 1).set('b', 2).set('c', 3);
    expect(window.evicted).toBe(1);
  });

  it('rejects maxKeys below 1', () => {
    expect(() => new LruWindow({ maxKeys: 0 })).toThrow(InvalidOptionError);
  });

  it('behaves like a Map-based exact LRU and never holds more than maxKeys (property)', () => {
    const key = fc.integer({ min: 0, max: 12 });
    const command = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ op: fc.constant('get' as const), key }),
      fc.record({ op: fc.constant('peek' as const), key }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(command, { maxLength: 200 }),
        (max, cmds) => {
          const evictions: [number, number][] = [];
          const window = new LruWindow<number, number>({
            maxKeys: max,
            onEvict: (value, k) => evictions.push([k, value]),
          });
          const model = new ReferenceLru<number, number>(max);
          for (const cmd of cmds) {
            switch (cmd.op) {
              case 'set':
                window.set(cmd.key, cmd.value);
                model.set(cmd.key, cmd.value);
                break;
              case 'get':
                expect(window.get(cmd.key)).toBe(model.get(cmd.key));
                break;
              case 'peek':
                expect(window.peek(cmd.key)).toBe(model.map.get(cmd.key));
                break;
              case 'delete':
                expect(window.delete(cmd.key)).toBe(model.map.delete(cmd.key));
                break;
              case 'clear':
                window.clear();
                model.map.clear();
                break;
            }
            expect(window.size).toBe(model.map.size);
            expect(window.size).toBeLessThanOrEqual(max);
          }
          expect([...window.entries()]).toEqual(model.newestFirst());
          expect(evictions).toEqual(model.evictions);
          expect(window.evicted).toBe(model.evictions.length);
        },
      ),
    );
  });
});
