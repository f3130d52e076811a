import { describe, expect, it } from 'vitest';
import { createTestScheduler } from '../test/testScheduler.js';
import type { LruWindow } from './LruWindow.js';
import { type KeyedValue, lruEvictions } from './lruEvictions.js';

const kv = (key: string, value: number): KeyedValue<string, number> => ({ key, value });

describe('lruEvictions', () => {
  it('emits each entry evicted to make room, least recently used first', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const items = {
        a: kv('a', 1),
        b: kv('b', 2),
        c: kv('c', 3),
        A: kv('a', 4),
        B: kv('b', 5),
      };
      const out = cold('-abcAB|', items).pipe(lruEvictions({ maxKeys: 2 }));
      // c evicts a; a (again) evicts b; b (again) evicts c.
      expectObservable(out).toBe('---xyz|', { x: kv('a', 1), y: kv('b', 2), z: kv('c', 3) });
    });
  });

  it('emits nothing for updates of held keys', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-abab|', { a: kv('a', 1), b: kv('b', 2) }).pipe(
        lruEvictions({ maxKeys: 2 }),
      );
      expectObservable(out).toBe('-----|');
    });
  });

  it('hands out the window with the latest values', () => {
    let window: LruWindow<string, number> | undefined;
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('-ab|', { a: kv('a', 1), b: kv('a', 2) }).pipe(
        lruEvictions({
          maxKeys: 2,
          onWindow: (w) => {
            window = w;
          },
        }),
      );
      expectObservable(out).toBe('---|');
    });
    // Cleared on teardown: the subscription completed.
    expect(window?.size).toBe(0);
  });

  it('propagates errors and unsubscribes on teardown', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a#', { a: kv('a', 1) });
      expectObservable(failing.pipe(lruEvictions({ maxKeys: 1 }))).toBe('--#');
      const endless = cold('-a-b-a-b-a-b', { a: kv('a', 1), b: kv('b', 2) });
      expectObservable(endless.pipe(lruEvictions({ maxKeys: 1 })), '^-----!').toBe('---a-b', {
        a: kv('a', 1),
        b: kv('b', 2),
      });
      expectSubscriptions(endless.subscriptions).toBe('^-----!');
    });
  });
});
