import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors.js';
import { type ObjectLruDisposeReason, objectLru } from './objectLru.js';

describe('objectLru', () => {
  it('holds at most maxEntries and reports each eviction with its reason', () => {
    const disposed: [string, ObjectLruDisposeReason][] = [];
    const actors = objectLru<string, { id: string }>({
      maxEntries: 2,
      onDispose: (actor, _key, reason) => disposed.push([actor.id, reason]),
    });
    actors.set('a', { id: 'a' });
    actors.set('b', { id: 'b' });
    actors.get('a');
    actors.set('c', { id: 'c' });
    actors.delete('a');
    expect(actors.size).toBe(1);
    expect(disposed).toEqual([
      ['b', 'evict'],
      ['a', 'delete'],
    ]);
  });

  it('refuses a configuration without a count bound', () => {
    expect(() => objectLru({ maxEntries: 0 })).toThrow(InvalidOptionError);
    expect(() => objectLru({ maxEntries: Number.POSITIVE_INFINITY })).toThrow(
      'maxEntries must be an integer >= 1; got Infinity',
    );
  });
});
