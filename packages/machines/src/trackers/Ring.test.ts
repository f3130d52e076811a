import { describe, expect, it } from 'vitest';
import { Ring } from './Ring.js';

describe('Ring', () => {
  it('overwrites the oldest item when full and lists oldest first', () => {
    const ring = new Ring<number>(3);
    expect(ring.push(1)).toBe(false);
    ring.push(2);
    ring.push(3);
    expect(ring.push(4)).toBe(true);
    expect(ring.toArray()).toEqual([2, 3, 4]);
    expect(ring.toArray(2)).toEqual([3, 4]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.toArray()).toEqual([]);
  });
});
